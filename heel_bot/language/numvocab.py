"""The words the number reader (heel_bot/language/numbers.py) knows, as module-level constants.

Kinds of quantity and hedge tags; number words ("forty", "a dozen", "½"); units and their
factors to days or miles; calendar words (months, weekdays, decades of life); and the context
words that decide whether a number is the pain's duration, the shoes' distance or an age
("shoes", "started", "I'm", "times a week", "race"...). Data only: no logic beyond building
the tables.
"""

from __future__ import annotations

import math

KM_PER_MILE = 1.609
APPROX = 0.15  # "about N": the range N×(1 ± APPROX); "nearly N": N×(1 - APPROX) up to N
INF = math.inf

DURATION, DISTANCE, AGE = "duration", "distance", "age"
# Hedge tags (`Quantity.hedge`).
HEDGE_APPROX, HEDGE_AT_LEAST = "approx", "at_least"
HEDGE_AT_MOST, HEDGE_NEARLY = "at_most", "nearly"
# The slot asked (`expect=`) -> the kind of quantity a bare number is.
EXPECT = {"duration": DURATION, "shoe_age": DISTANCE, "age_group": AGE}

# ---------------------------------------------------------------------------- number words

ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
        "seven": 7, "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fiveteen": 15,
         "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90, "ninty": 90}
VAGUE = {"couple": (2.0, 1.5, 2.5), "few": (3.0, 2.0, 5.0), "several": (4.0, 3.0, 6.0)}
VULGAR = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
HALVES = {"half": 0.5, "quarter": 0.25}

# ---------------------------------------------------------------------------- units

DAY, WEEK, MONTH, YEAR = 1.0, 7.0, 30.0, 365.0
CLINICAL = {"52": WEEK, "12": MONTH, "7": DAY}  # "2/52" two weeks, "3/12" three months
HOURS = "hours"
K = "k"


def _units() -> dict[str, tuple[str, float]]:
    """token -> (kind, factor to days or miles); kinds: duration, distance, "hours", "k"."""
    units: dict[str, tuple[str, float]] = {}
    for words, kind, factor in (
        ("day days d dys dayz dyas dayss dagen dagar dage tage", DURATION, DAY),
        ("week weeks wk wks w wek weks weeek weeeks wkes weekz weken veckor uger wochen",
         DURATION, WEEK),
        ("fortnight fortnights", DURATION, 2 * WEEK),
        ("month months mo mos mth mths mnth mnths monthes monts", DURATION, MONTH),
        ("year years yr yrs y yrz yeras yaers yeears", DURATION, YEAR),
        ("hour hours hr hrs h", HOURS, 1 / 24),
        ("mile miles mi mls miels milez mils", DISTANCE, 1.0),
        ("km kms kilometre kilometres kilometer kilometers kilometr kilomters kilometeres "
         "kilometeres klm klms kmtrs kmts", DISTANCE, 1 / KM_PER_MILE),
        ("k", K, 1 / KM_PER_MILE),
    ):
        for w in words.split():
            units[w] = (kind, factor)
    return units


UNITS = _units()
YEAR_WORDS = frozenset(w for w, (k, f) in UNITS.items() if k == DURATION and f == YEAR)
TIME_WORDS = frozenset(w for w, (k, _) in UNITS.items() if k in (DURATION, HOURS)) | {
    "night", "nights", "session", "run", "morning", "evening"}
DIST_WORDS = frozenset(w for w, (k, _) in UNITS.items() if k in (DISTANCE, K))
SPANS = {"week": WEEK, "month": MONTH, "year": YEAR, "fortnight": 2 * WEEK}
# "for weeks", "it's been months": (low, high, value) days
PLURAL_SPANS = {"days": (2.0, 13.0, 3.0), "weeks": (14.0, 56.0, 21.0),
                "months": (60.0, 730.0, 90.0), "years": (730.0, 18250.0, 1095.0)}

# ---------------------------------------------------------------------------- the calendar

MONTHS = {name: i for i, names in enumerate(
    ("january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
     "august aug", "september sep sept", "october oct", "november nov", "december dec"),
    start=1) for name in names.split()}
WEEKDAYS = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
# Abbreviated weekdays are read only after "since", "from", "last", "on" or "past" ("since
# sat"): alone they are words ("I sat", "the sun", "wed").
WEEKDAY_ABBR = {d: i for i, names in enumerate(
    ("mon", "tue tues", "wed weds", "thu thur thurs", "fri", "sat", "sun"))
    for d in names.split()}
WEEKDAY_ABBR_AFTER = frozenset({"since", "from", "last", "on", "past"})
# What may follow an abbreviated weekday that ends a clause ("fell off a wall sat, ..."), and
# what may not come before it there: a subject, an auxiliary or an article makes it a word
# ("I sat", "had sat", "in the sun", "then sat").
ABBR_DAY_ENDS = frozenset({"", ",", ".", "!", ";", "?", "-", "and", "&", "n", "but", "so", "now"})
ABBR_DAY_NOT_AFTER = frozenset({
    "i", "we", "he", "she", "they", "you", "who", "just", "had", "have", "has", "was", "were",
    "been", "got", "and", "then", "the", "a", "an", "in", "at", "of", "my", "his", "her", "our",
    "your", "their", "this", "that", "n", "&", "also", "finally", "never", "ive", "i've", "id",
    "i'd", "c'mon", "come", "it's", "he's", "she's"})
DECADES = {"teens": (13.0, 19.0), "twenties": (20.0, 29.0), "thirties": (30.0, 39.0),
           "forties": (40.0, 49.0), "fourties": (40.0, 49.0), "fifties": (50.0, 59.0),
           "sixties": (60.0, 69.0), "seventies": (70.0, 79.0), "eighties": (80.0, 89.0),
           "nineties": (90.0, 99.0)}
DECADE_MODS = frozenset({"early", "mid", "late", "middle"})
ORDINALS = frozenset({"st", "nd", "rd", "th"})
AMBIGUOUS_MONTHS = frozenset({"may", "mar", "jan", "jun", "jul", "aug", "oct", "dec", "sep",
                              "apr", "feb", "nov", "sept"})

# ---------------------------------------------------------------------------- who and what

PEOPLE = frozenset({"son", "daughter", "kid", "child", "boy", "girl", "lad", "teen",
                    "teenager", "grandson", "granddaughter", "nephew", "niece", "stepson",
                    "stepdaughter", "brother", "sister", "wife", "husband", "partner", "mum",
                    "mom", "dad", "athlete", "patient", "runner", "youngest", "eldest",
                    "oldest", "mother", "father", "mam", "mummy", "daddy", "grandmother",
                    "grandfather", "grandma", "grandpa", "gran", "nan", "stepmother",
                    "stepfather", "friend", "boyfriend", "girlfriend", "client", "student",
                    "granddad", "grandad", "gramps", "grampa", "granny", "nana", "nanna",
                    "uncle", "aunt", "auntie", "neighbour", "neighbor"})
PERSON_LEADS = frozenset({"i'm", "im", "she's", "shes", "he's", "hes", "aged", "age",
                          "turned"})
THEY_LEADS = frozenset({"they're", "theyre"})
# After an age in a profile ("52 M", "29, F", "Runner, 45, male"); "m" and "f" only right
# after the number or where a clause starts before it.
SEXES = frozenset({"m", "f", "male", "female", "man", "woman", "guy", "lady", "runner"})
# What may follow "45," opening a message for 45 to be an age ("45, diabetic, ...").
PROFILE_NEXT = frozenset({*SEXES, "diabetic", "type", "runner", "mum", "mom", "dad", "father",
                          "mother", "marathoner", "marathon", "ultra", "ultrarunner", "retired",
                          "healthy", "fit", "overweight", "teacher", "nurse", "office",
                          "keen", "amateur", "club", "recreational", "otherwise", "former",
                          "ex", "been", "still", "creaky", "stiff"})
# What may end the clause before an age in a profile ("T2 diabetic, 57, ...", "not diabetic, 38").
PROFILE_BEFORE = frozenset({*SEXES, "diabetic", "diabetes", "runner", "marathoner", "ultrarunner",
                            "retired", "healthy", "fit", "overweight", "mum", "mom", "dad",
                            "vegan", "vegetarian", "smoker", "smoke", "walker", "hiker",
                            "jogger", "cyclist", "triathlete", "parkrunner"})
# Age categories of clubs and races: V45 (veterans), M50 / W40 / F55 (masters), VM40, VW35...
CATEGORY_LETTERS = frozenset({"v", "m", "f", "w", "vm", "vw", "vf", "mv", "fv", "wv"})
CATEGORY_WORDS = frozenset({"masters", "master", "vet", "vets", "veteran", "veterans", "category",
                            "club", "age", "group", "agegroup"})
AGE_NEXT = frozenset({"and", "n", "but", "so", "now", "btw", "lol", "though", "tho", "this", "yet",
                      "turning", "going", "been", "plays", "runs", "does", "goes", "loves",
                      "male", "female", "m", "f", "guy", "girl", "boy", "woman", "man", "lady",
                      "with", "also", "too", "soon", "yr", "yrs", "years", "year", "y", "yo",
                      "if", "who", "which", "because", "cause", "cos", "plus", "no", "yes",
                      "yeah", "haha", "lmao", "xx", "x", "nearly", "almost", "only",
                      "already", "actually", "as", "at", "by", "myself", "i", "she", "he",
                      "they", "my", "it", "its", "it's", "the"})
# Either side of a number that is an item of its own in an opening's list of facts, an age:
# "38, pain under heel", "..., wakes me up, 45", "Morning! 17, doing A levels".
ITEM_EDGES = frozenset({"", ",", ".", "!", ";"})
# Before such an item's comma, words that make the number a score or a size, not an age:
# "pain level, 7, ...", "size, 9".
SCORE_WORDS = frozenset({"level", "score", "scale", "rating", "rate", "rated", "severity",
                         "size", "number", "out", "of", "pace", "bmi", "weight", "weigh"})
AGE_LEADS = frozenset({"well", "um", "umm", "er", "erm", "oh", "ah", "actually", "ok", "okay"})
AGE_NEXT_SYMBOLS = frozenset(",.!?);:-&(")
AGE_SKIP = frozenset({"only", "just", "now", "currently", "actually", "still", "already", "also",
                      "not", "yet",
                      "a", "nearly", "almost"})
FUTURE_AGE = frozenset({"next", "soon", "tomorrow", "on", "in"})

SHOE_WORDS = frozenset({
    "shoe", "shoes", "trainer", "trainers", "sneaker", "sneakers", "runners", "kicks", "pair",
    "pairs", "mileage", "odometer", "them", "'em", "em", "these", "those", "they", "they've",
    "theyve", "they're", "theyre", "they'd", "nike", "nikes", "asics", "brooks", "hoka",
    "hokas", "saucony", "sauconys", "adidas", "mizuno", "mizunos", "altra", "altras",
    "pegasus", "pegasuses", "vaporfly", "vaporflys", "clifton", "cliftons", "kayano",
    "kayanos", "novablast", "novablasts", "salomon", "salomons", "balance", "balances",
    "speedgoat", "speedgoats", "endorphin", "endorphins", "ultraboost", "ultraboosts"})
SHOE_NOUNS = SHOE_WORDS - {"them", "'em", "em", "these", "those", "they", "they've",
                           "theyve", "they're", "theyre", "they'd", "pair", "pairs"}
ONSET = frozenset({"since", "started", "start", "starts", "starting", "began", "begun",
                   "begin", "begins", "beginning", "noticed", "notice", "appeared", "onset",
                   "kicked", "came", "first", "flared", "flare", "happened", "injured",
                   "tweaked", "pulled", "strained", "twisted", "ever", "from",
                   "developed", "showed", "popped", "arrived", "woke", "felt", "fell",
                   "landed", "rolled", "snapped", "bruised", "hit", "pop", "snap",
                   "sprained", "slipped", "tripped", "stubbed", "banged", "whacked", "jarred",
                   "stood", "stamped", "trod", "tackle", "tackled", "collided", "crashed"})
# Onset words of an injury: a day dated by one ("fell off a wall sat", "felt a pop last night")
# is when the pain began, but yields to a duration of the pain itself ("heel pain 10 days, fell
# yesterday"); "started", "since", "noticed" date the pain itself.
EVENTS = ONSET - {"since", "started", "start", "starts", "starting", "began", "begun", "begin",
                  "begins", "beginning", "noticed", "notice", "appeared", "onset", "came",
                  "first", "flared", "flare", "happened", "ever", "from", "developed",
                  "showed", "arrived", "woke"}
# Just after "hit", what makes it no blow: "hit a new pb", "hit the wall at mile 20", "hit my
# mileage target" (nor is a number: "hit 50 miles last week")
HIT_NOT = frozenset({"new", "pb", "pr", "pbs", "prs", "wall", "mileage", "target", "targets",
                     "goal", "goals", "pace", "peak", "miles", "km", "k", "weekly"})
# A sentence of these ending on "since" dates the pain by the sentence before ("... in
# February. It's never been right since."); not "haven't run since".
HURT_SINCE = frozenset({"right", "hurt", "hurts", "hurting", "sore", "pain", "painful", "ached",
                        "aching", "limping", "limped", "same", "bothered", "bothering"})
# "it woke me last night": the pain at night, not when it began.
WAKER = frozenset({"me", "him", "her", "us", "them", "my"})
# Words of a change in the pain: a date after them is when it changed, not when it began.
TREND_WORDS = frozenset({"worse", "worsened", "worsening", "better", "improved", "improving",
                         "downhill", "easier", "eased", "deteriorated"})
LAUGHS = frozenset({"haha", "hahaha", "hahah", "ha", "hah", "lol", "lmao", "lmfao", "hehe", "rofl"})
FILLER = frozenset({
    "i", "i'm", "im", "i've", "ive", "i'd", "id", "think", "guess", "reckon", "maybe",
    "about", "around", "roughly", "approx", "approximately", "probably", "prob", "probs",
    "like", "so", "um", "umm", "uh", "hmm", "hm", "er", "erm", "ok", "okay", "yes", "yeah",
    "yep", "no", "nope", "well", "just", "only", "it", "its", "it's", "was", "is", "has", "had",
    "have", "been", "for", "since", "the", "a", "an", "now", "far", "total", "in", "lol", "ish",
    "deffo", "defo", "def", "definitely", "defs", "honestly", "tbh", "between", "btwn",
    "somewhere", "way",
    "or", "on", "them", "they", "they've", "theyve", "they're", "theyre", "done", "did", "do",
    "started", "start", "starting", "began", "say", "would", "be", "sure", "not", "exactly",
    "give", "take", "almost", "nearly", "over", "under", "more", "less", "than", "at", "least",
    "most", "plus", "ago", "back", "old", "my", "pain", "hurting", "sore", "and", "that",
    "there", "thereabouts", "odd", "some", "something", "perhaps", "possibly", "still",
    "already", "yet", "sorry", "hi", "hello", "hey", "thanks", "thank", "you", "please",
    "hard", "tell", "mmm", "ah", "oh", "any", "of", "these", "those",
    "by", "currently", "upwards", "up", "to", "with", "est", "ya", "yea",
    "got", "get", "put", "clocked", "logged", "mileage", "miles", "km", "k", "earlier",
    "easy", "easily", "surely", "pretty", "new", "quite", "very",
    "idk", "dunno", "donno", "idek", "unsure", "don't", "dont", "know", "idea", "clue",
    "guesstimate"})  # "idk maybe 250?", "don't know, 250ish?"

# ---------------------------------------------------------------------------- what a number is not

RATE_PREV = frozenset({"times", "time", "twice", "once", "thrice", "x", "percent", "pc",
                       "sets", "set", "reps", "runs", "sessions", "session", "workouts",
                       "workout", "laps", "rounds", "steps", "nights", "classes", "hills",
                       "intervals", "%", "days", "hours", "minutes", "mins", "min"}) | set(
    UNITS)
# "3 times one week", "3 x one week" (but "heel pain x 3 weeks": for 3 weeks)
COUNTS = frozenset({"times", "time", "twice", "once", "thrice"})
RATE_WORDS = frozenset({"a", "an", "per", "each", "every", "/", "p", "a-"})
RATE_AFTER = frozenset({"weekly", "daily", "monthly", "yearly", "annually", "pw", "pm",
                        "nightly", "everyday"})
RUN_BEFORE = frozenset({"running", "run", "ran", "jogging", "jogged", "training", "trained",
                        "racing", "raced", "rested", "resting", "rest", "took", "taking",
                        "take", "taken", "stopped", "break", "paused", "walking",
                        "cycling", "swimming", "physio", "pt", "icing", "stretching"})
FUTURE_BEFORE = frozenset({"in", "within", "next", "another", "every", "each", "per"})
DUR_AFTER_BAD = frozenset({"away", "out", "later", "into", "old", "off", "rest", "break",
                           "holiday", "holidays", "vacation", "pregnant", "postpartum",
                           "until", "till", "til", "before", "earlier", "younger",
                           "older", "behind", "left", "remaining", "post"})
DUR_OF_BAD = frozenset({"rest", "running", "training", "no", "physio", "pt", "marathon",
                        "cross", "resting", "walking", "cycling", "swimming", "icing",
                        "stretching", "treatment", "recovery", "taper", "tapering", "base"})
DIST_ARTICLES = frozenset({"a", "an", "the", "my", "his", "her", "our", "their", "your",
                           "this", "that", "last", "first", "per", "each", "every", "next",
                           "another", "one", "todays", "today's", "sunday's",
                           "saturday's", "weekend's", "final", "long", "easy", "slow", "fast"})
DIST_BEFORE_BAD = frozenset({"after", "into", "until", "till", "til", "within", "by", "$",
                             "£", "€", "¥"})
DIST_AFTER_BAD = frozenset({
    "race", "races", "run", "runs", "pb", "pr", "prs", "pbs", "event", "events", "time", "times",
    "course", "loop", "loops", "route", "routes", "trail", "training", "plan", "block", "hike",
    "walk", "walks", "jog", "session", "workout", "tempo", "parkrun", "marathon", "steps",
    "pace", "swim", "ride", "rides", "cycle", "bike", "relay", "ultra", "fun", "charity",
    "warm", "warmup", "cooldown", "effort", "rep", "reps", "repeats", "intervals", "split",
    "splits", "into", "away", "from", "long", "recovery", "easy", "followers",
    "salary", "dollars", "pounds", "euros", "bucks", "views", "record", "personal", "mark",
    "point", "markers", "marker", "stage", "radius", "commute", "hikes", "runner", "pacer",
    "challenge", "mountain", "hill", "hills", "trek", "drive", "flight"})
RUN_VERBS = frozenset({"run", "ran", "running", "runs", "jog", "jogged", "jogging", "race",
                       "raced", "racing", "did", "do", "doing", "does"})
# A distance after a run verb is one run's ("ran 18 miles sunday", "did 15 miles on tarmac"),
# not the shoes', when one run could cover it: no longer than `MAX_RUN` miles (a 100-mile
# race). Also the longest race a pair is named for ("my 10k shoes", "my 50 mile shoes").
MAX_RUN = 100.0
# "I've run 400 miles in them", "have ran 300": the sum of the runs so far, not one run
HAVE = frozenset({"have", "has", "had", "'ve", "i've", "ive", "we've", "weve", "you've",
                  "youve", "they've", "theyve"})
THEY = frozenset({"they", "these", "those"})  # "they did 600 miles": the shoes did
# "ran 80 miles in them so far / in total": the sum, not one run (also "since I got them")
SO_FAR = frozenset({"total", "altogether", "overall", "far", "cumulative"})
# Between a distance and the pair it names: "my 600 mile running shoes", "400-mile old nikes"
PAIR_KINDS = frozenset({"old", "running", "road", "trail", "training", "daily", "everyday",
                        "worn", "tired", "battered", "beat", "beaten", "trusty", "favourite",
                        "favorite", "cushioned", "racing", "carbon", "plated", "marathon"})

# ---------------------------------------------------------------------------- clauses

BOUNDARY_TOKENS = frozenset(".!?;")
CLAUSE_EDGE = frozenset({"", ",", ".", ";", "!", "?", "(", ")", ":", "-", "/", "&"})
ATTRIBUTIVE = frozenset({"a", "an", "my", "his", "her", "our", "their", "this", "that",
                         "your"})
# Words that may open a clause before a number that answers on its own ("..., so prob 500+").
CLAUSE_LEADS = frozenset({"so", "then", "thus", "overall", "total", "in", "say", "i'd", "id",
                          "i", "guess", "reckon", "think", "would", "be", "it's", "its",
                          "probably", "prob", "probs", "for", "sure", "definitely", "easily",
                          "tbh", "at", "least"})
BETWEEN = frozenset({"between", "betwen", "btwn", "inbetween"})
RELATIVE_STARTS = frozenset({"since", "from", "ever", "last", "past", "this", "the", "early",
                             "mid", "late", "middle", "end", "start", "beginning", "earlier"})

# A message with none of these words and no digits holds no quantity.
TRIGGERS = frozenset(
    set(ONES) | set(TEENS) | set(TENS) | set(VAGUE) | set(VULGAR) | set(HALVES)
    | set(DECADES) | set(MONTHS) | set(WEEKDAYS) | set(WEEKDAY_ABBR) | set(DIST_WORDS)
    | set(TIME_WORDS) | {d + "s" for d in WEEKDAYS} | {d + "'s" for d in WEEKDAYS}
    | {"bank", "boston", "chicago", "berlin"}  # "since the bank holiday / Boston marathon"
    | {"dozen", "hundred", "thousand", "yesterday", "today", "tonight", "teen", "teenager",
       "christmas", "xmas", "easter", "halloween", "thanksgiving", "weekend", "grade",
       "afternoon",
       "spring", "summer", "autumn", "fall", "winter"})

# Words the spelling correction leaves alone (a number word is never another number word).
WORDS = frozenset(w for table in (ONES, TEENS, TENS, VAGUE, HALVES, UNITS, SPANS, MONTHS, WEEKDAYS,
                                  DECADES) for w in table if w.isalpha())

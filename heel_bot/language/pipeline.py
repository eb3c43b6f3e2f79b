"""Mentions and their sense: a blank spaCy pipeline with medspaCy's TargetMatcher and ConText.

Built once from the lexicon (no model download: a blank English tokenizer and a rule-based
sentence splitter). The lexicon's literal phrases are found in one pass over the tokens
(heel_bot/language/phrases.py), its token patterns and regular expressions by medspaCy's
TargetMatcher; where matches overlap the longest
wins (a phrase that means nothing, such as "oh snap", hides the "snap" inside it), and one
stretch of words may mean values of several slots ("sore"). ConText then reads each mention's
sense from its trigger words and their scope: negated, hedged, not known, said of someone or
something else or only supposed; a contrast ("but") or a new clause ends a scope. Words the
lexicon does not know are corrected to the closest known word first (rapidfuzz), so "numbe" and
"diabetis" are read; corrections never produce a negation.

The libraries' own loggers are held at WARNING: medspaCy and spaCy may log tokens at DEBUG,
and the user's words must not reach a log line.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from collections.abc import Callable
from typing import cast

from rapidfuzz import fuzz, process

from heel_bot.language import deferred, numvocab
from heel_bot.language.mentions import EMERGENCY, IGNORE, Mention, Reading, normalise
from heel_bot.language.words import END, MARKERS, START, THING, Language, Sense, Trigger
from heel_bot.model import Lexicon

for _name in ("medspacy", "spacy", "PyRuSH"):
    logging.getLogger(_name).setLevel(logging.WARNING)
warnings.filterwarnings("ignore", message=r"\[W036\]", category=UserWarning)
deferred.defer()  # medspaCy's import of QuickUMLS would load NLTK

# medspaCy pulls in spaCy and thinc, which print warnings about optional GPU backends on
# import; they are not errors.
import spacy  # noqa: E402
from medspacy.context import ConText, ConTextRule  # noqa: E402
from medspacy.target_matcher import TargetMatcher, TargetRule  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from heel_bot.language.phrases import Phrases  # noqa: E402

FUZZY_MIN_LENGTH = 5  # shorter words are too easily mistaken for one another
FUZZY_SCORE = 85  # rapidfuzz ratio (0-100) a correction needs
GROUP = "heel_bot_mentions"
QUESTION_END = "QUESTION_END"  # a "?": ends the scope of a question or supposition only
# A new clause's subject ("no gap it's just red"): ends a negation's scope only, for messages
# typed (or dictated) without commas.
NEW_CLAUSE = "NEW_CLAUSE"
SENTENCE_ENDS = [".", "!", "..", "...", "....", "…", "\n"]  # not "?": "numb? no." is one
CATEGORIES = {"negated": "NEGATED_EXISTENCE", "reassured": "NEGATED_EXISTENCE",
              "possible": "POSSIBLE_EXISTENCE",
              "unknown": "UNKNOWN", "other": "OTHER", "hypothetical": "HYPOTHETICAL"}
DIRECTIONS = {"forward": "FORWARD", "backward": "BACKWARD", "both": "BIDIRECTIONAL",
              "pseudo": "PSEUDO", "terminate": "TERMINATE"}
_WORD = re.compile(r"(?<![0-9])[a-z][a-z'’-]*(?![0-9])")  # not "u" of "u15"
_REPEATED = re.compile(r"([a-z])\1{2,}")
# A denied list ("no numbness, tingling or burning"): ConText ends a negation's scope at a
# comma, so the list's commas are read as the "or" that closes it; not across a contrast.
_DENIED_LIST = re.compile(r"\b(?:no|not|without|never|nor|any)\b[^,.;:!?]{1,30}"
                          r"(?:,[^,.;:!?]{1,30})+?,?\s+(?:or|nor)\s")
_CONTRAST = re.compile(r"\b(?:but|though|tho|although|however|except|yet|still|actually)\b")
# A European date after a word that dates an onset ("since 28.04."), written with slashes so
# that the date reader reads it (the dots would make it a decimal: 28.04 days).
_DOTTED_DATE = re.compile(
    r"\b(since|from|on|started|starting|begun|began)\s+([0-3]?[0-9])\.([01]?[0-9])\.(?![0-9])")
# The shoe question's own option pasted back: "over 500 miles (800 km)" is one distance.
_CONVERTED = re.compile(r"\b([0-9]+\s*(?:miles|mi))\s*\(\s*[0-9]+\s*km\s*\)?")
# A softener alone after a full stop hedges the sentence before it ("can walk tho. ish."):
# read as "maybe can walk tho" (ConText's scopes end at the full stop).
_SOFT_AFTER = re.compile(
    r"(^|[.!?…]\s+)([^.!?…]+?)[.!?…]+\s+(?:ish|kinda|sorta|sort of|kind of|i think|i guess)\W*$")
_LABEL = re.compile(r"(?P<slot>[^=]+)=(?P<value>[^|]+)\|(?P<scope>\w+)\|(?P<kind>\w+)")


def longest_mentions(doc: Doc, asked: str | None) -> Doc:
    """Matches of the asked question's words and of words that mean a value anywhere; where
    they overlap the longest wins, and matches of the very same words all stay."""
    kept: list[Span] = []
    taken: dict[int, tuple[int, int]] = {}
    spans = [s for s in doc.spans[GROUP] if "|asked|" not in s.label_
             or s.label_.startswith(f"{asked}=")]
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.label_.endswith("|unclear"),
                                             s.start)):
        extents = {taken[i] for i in range(span.start, span.end) if i in taken}
        if extents and extents != {(span.start, span.end)}:
            continue
        kept.append(span)
        taken.update((i, (span.start, span.end)) for i in range(span.start, span.end))
    doc.spans[GROUP] = sorted((s for s in kept if s.label_ != IGNORE), key=lambda s: s.start)
    doc.user_data[IGNORE] = tuple(sorted((s.start_char, s.end_char) for s in kept
                                         if s.label_ == IGNORE))
    return doc


class Pipeline:
    """The spaCy/medspaCy pipeline for one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        if not isinstance(lexicon, Language):
            raise TypeError("the pipeline needs the lexicon read by heel_bot.language.lexicon")
        self.lexicon = lexicon
        self.nlp = spacy.blank("en")
        self.sentencizer = self.nlp.add_pipe("sentencizer",
                                             config={"punct_chars": SENTENCE_ENDS})
        self.matcher = cast("TargetMatcher", self.nlp.add_pipe(
            "medspacy_target_matcher", config={"result_type": "group", "prune": False,
                                               "span_group_name": GROUP}))
        rules, literal = _target_rules(lexicon, self._tokens)
        self.matcher.add(rules)
        self.phrases = Phrases(self.nlp, GROUP)
        for label, texts in literal.items():
            self.phrases.add(label, texts)
        self.context = cast("ConText", self.nlp.add_pipe(
            "medspacy_context", config={"rules": None, "input_span_type": "group",
                                        "span_group_name": GROUP,
                                        "prune_on_target_overlap": True}))
        self.context.add(_context_rules(lexicon, self._tokens))
        words = _known_words(lexicon)
        protected = {w for w in (*lexicon.deny, *_negations(lexicon)) if " " not in w}
        # Nothing is corrected into a number, unit, month or weekday word either: a phrase that
        # names "saturday" made "saturdays" a date, and "eighty" was once made "eight".
        self._choices = sorted(w for w in words if len(w) >= FUZZY_MIN_LENGTH
                               and w not in protected and w not in numvocab.WORDS)
        # Number words are never corrected ("eighty" is not "eight", an age of 8), and no
        # word is corrected into one that the lexicon does not use.
        self.known = words | numvocab.WORDS
        self._correct = functools.lru_cache(maxsize=8192)(self._correct_word)
        # Corrections of more than one word ("no probs" is "no problem", though "probs" alone
        # is "probably"), read before the words one by one.
        self._phrases = {k: v for k, v in lexicon.typos.items() if " " in k}
        self._phrase_re = re.compile(r"\b(?:" + "|".join(
            re.escape(k) for k in sorted(self._phrases, key=len, reverse=True)) + r")\b"
        ) if self._phrases else None

    def clean(self, text: str) -> str:
        """The normalised text with typos corrected (what the matchers read); a letter typed
        three times or more is read once ("nooo", "sooo bad"); three forms the readers after
        it would misread are rewritten first: a European date ("since 28.04." as 28/04), the
        shoe option pasted back with its km ("500 miles (800 km)" as one distance), and a
        softener alone after a full stop ("can walk tho. ish." as "maybe can walk tho")."""
        norm = _REPEATED.sub(r"\1", normalise(text))
        norm = _CONVERTED.sub(r"\1", _DOTTED_DATE.sub(r"\1 \2/\3", norm))
        norm = _SOFT_AFTER.sub(r"\1maybe \2", norm)
        if self._phrase_re is not None:
            norm = self._phrase_re.sub(lambda m: self._phrases[m.group(0)], norm)
        return _DENIED_LIST.sub(_join_list, _WORD.sub(lambda m: self._correct(m.group(0)), norm))

    def read(self, text: str, asked: str | None = None) -> Reading:
        """The cleaned text, every concept in it with ConText's reading of it, and the
        triggers that modified one; words that mean a value only as an answer count for the
        `asked` slot only."""
        cleaned = self.clean(text)
        # A clause end after the last word, for triggers that close a clause ("fever no").
        doc = self.nlp.make_doc(cleaned if cleaned[-1:] in ".!?" else cleaned + " .")
        doc = self.phrases(self.matcher(self.sentencizer(doc)))
        doc = self.context(longest_mentions(doc, asked))
        mentions: list[Mention] = []
        used: set[tuple[int, int]] = set()
        for span in doc.spans[GROUP]:
            m = _LABEL.fullmatch(span.label_)
            if m is None:
                continue
            cats = {mod.category for mod in span._.modifiers}
            deniers = tuple(" ".join(tok.text for tok in doc[a:b] if not tok.is_punct)
                            for mod in span._.modifiers if mod.category == "NEGATED_EXISTENCE"
                            for a, b in [mod.modifier_span])  # "no ." (no <end>) is "no"
            mentions.append(Mention(
                m["slot"], m["value"], m["scope"] == "anywhere",
                "NEGATED_EXISTENCE" in cats, "POSSIBLE_EXISTENCE" in cats, span.start_char,
                span.end_char, span.text, "UNKNOWN" in cats, m["kind"] == "unclear",
                bool(cats & {"OTHER", "HYPOTHETICAL"}), deniers,
                "HYPOTHETICAL" in cats and "OTHER" not in cats))
            for mod in span._.modifiers:
                a, b = mod.modifier_span
                used.add((doc[a].idx, doc[b - 1].idx + len(doc[b - 1])))
        return Reading(cleaned, tuple(mentions), tuple(sorted(used)),
                       doc.user_data.get(IGNORE, ()))

    def _tokens(self, text: str) -> list[dict[str, object]]:
        """A token pattern for a phrase with markers (<start>, <end>, <thing>)."""
        words = text.removeprefix(START).removesuffix(END).split()
        mine = sorted(self.lexicon.wordlist("self"))
        pattern: list[dict[str, object]] = []
        for word in words:
            if word == THING:
                pattern.append({"IS_ALPHA": True, "LOWER": {"NOT_IN": mine}})
            else:
                pattern += [{"LOWER": t.lower_} for t in self.nlp.make_doc(word)]
        if text.startswith(START):
            pattern[0]["IS_SENT_START"] = True
        if text.endswith(END):
            pattern.append({"IS_PUNCT": True})
        return pattern

    def _correct_word(self, word: str) -> str:
        typo = self.lexicon.typos.get(word)
        if typo is not None:
            return typo
        if word in self.known or len(word) < FUZZY_MIN_LENGTH or not self._choices:
            return word
        stem, clitic = word[:-2], word[-2:]
        if clitic in ("'s", "'d") and len(stem) >= 2:  # "daughter's", "heel's": the stem
            return self._correct(stem) + clitic
        if "'" in word:  # "wouldn't" is not "couldn't": contractions only through `typos`
            return word
        best = process.extractOne(word, self._choices, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_SCORE)
        return str(best[0]) if best else word


Tokens = Callable[[str], list[dict[str, object]]]


def _target_rules(lexicon: Language, make: Tokens
                  ) -> tuple[list[TargetRule], dict[str, list[str]]]:
    """The TargetMatcher's rules (token patterns and regular expressions) and the literal
    phrases by label (for heel_bot.language.phrases)."""
    labelled: list[tuple[str, str, bool]] = []
    for c in lexicon.concepts:
        assert isinstance(c, Sense)
        for scope, kind, phrases in (("anywhere", "clear", c.anywhere), ("asked", "clear", c.asked),
                                     ("anywhere", "unclear", c.unclear),
                                     ("asked", "unclear", c.unclear_asked)):
            label = f"{c.slot}={c.value}|{scope}|{kind}"
            labelled += [(p.text, label, p.regex) for p in phrases]
    labelled += [(w, f"{EMERGENCY}=yes|anywhere|clear", False)
                 for w in lexicon.wordlist("emergency")]
    labelled += [(w, IGNORE, False) for w in lexicon.wordlist("ignore")]
    rules: list[TargetRule] = []
    literal: dict[str, list[str]] = {}
    for text, label, regex in labelled:
        if regex:
            rules.append(TargetRule(text, label, pattern=text))
        elif any(mk in text for mk in MARKERS):
            rules.append(TargetRule(text, label, pattern=make(text)))
        else:
            literal.setdefault(label, []).append(text)
    return rules, literal


def _context_rules(lexicon: Language, make: Tokens) -> list[ConTextRule]:
    """One rule per trigger phrase (a phrase listed both ways looks both ways)."""
    labels: dict[str, list[str]] = {}
    for c in lexicon.concepts:
        labels.setdefault(c.slot, []).extend(f"{c.slot}={c.value}|{s}|{k}".upper()
                                             for s in ("anywhere", "asked")
                                             for k in ("clear", "unclear"))
    merged: dict[tuple[str, str, tuple[str, ...], int | None], set[str]] = {}
    contrast = [Trigger(w, "terminate", "") for w in lexicon.wordlist("contrast")]
    for t in (*lexicon.triggers, *contrast):
        direction = t.direction or t.kind
        merged.setdefault((t.kind, t.text, t.slots, t.max_scope), set()).add(direction)
    # A symbol (an emoji) between words ends a scope like a comma: "noo 🙅 came on slowly".
    rules = [ConTextRule("<symbol>", "TERMINATE", direction="TERMINATE",
                         pattern=[{"IS_ALPHA": False, "IS_DIGIT": False, "IS_PUNCT": False,
                                   "IS_SPACE": False, "TEXT": {"REGEX": r"^[^\w\s]+$"}}]),
             # A bracket or a colon ends a scope too, even run together ("not short): I've
             # been building up" - the "not" is over).
             ConTextRule("<clause mark>", "TERMINATE", direction="TERMINATE",
                         pattern=[{"TEXT": {"REGEX": r"^[^\w\s]*[:;()\[\]][^\w\s]*$"}}]),
             # A question mark ends a question or a supposition ("is this plantar fasciitis?
             # it's under my heel"), not a negation ("numb? no." denies the numbness).
             ConTextRule("<question mark>", QUESTION_END, direction="FORWARD", max_scope=1,
                         allowed_types={QUESTION_END},
                         pattern=[{"TEXT": {"REGEX": r"^[^\w\s]*\?[^\w\s]*$"}}])]
    for (kind, text, slots, scope), ways in merged.items():
        if kind == "new_clause":
            rules.append(ConTextRule(text, NEW_CLAUSE, direction="FORWARD", max_scope=1,
                                     allowed_types={NEW_CLAUSE}))
            continue
        way = ways.pop() if len(ways) == 1 else "both"
        category = CATEGORIES.get(kind, kind.upper())
        allowed = {lab for s in slots for lab in labels.get(s, ())} or None
        pattern = make(text) if any(mk in text for mk in MARKERS) else None
        ended = {QUESTION_END} if kind in ("other", "hypothetical") else {
            NEW_CLAUSE} if kind == "negated" and way == "forward" else None
        rules.append(ConTextRule(text, category, direction=DIRECTIONS[way], pattern=pattern,
                                 allowed_types=allowed, max_scope=scope, terminated_by=ended))
    return rules


def _negations(lexicon: Language) -> tuple[str, ...]:
    return tuple(t.text for t in lexicon.triggers if t.kind == "negated")


def _known_words(lexicon: Language) -> frozenset[str]:
    """Every word the lexicon uses (the targets of spelling correction)."""
    texts = [p.text for c in lexicon.concepts for p in (*c.anywhere, *c.asked) if not p.regex]
    texts += [p.text for c in lexicon.concepts if isinstance(c, Sense)
              for p in (*c.unclear, *c.unclear_asked) if not p.regex]
    texts += [w for ws in lexicon.words.values() for w in ws]
    texts += [t.text for t in lexicon.triggers] + list(lexicon.typos.values())
    for mk in MARKERS:
        texts = [t.replace(mk, "") for t in texts]
    return frozenset(w for t in texts for w in _WORD.findall(t))


def _join_list(m: re.Match[str]) -> str:
    """A denied list with its commas read as "or" ("no numbness or tingling or burning")."""
    text = m.group(0)
    if _CONTRAST.search(text):
        return text
    return re.sub(r",\s*(?=(?:or|nor)\s)", " ", text).replace(",", " or")

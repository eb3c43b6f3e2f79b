"""The learned second opinion (heel_bot/language/learned.py, second.py, training.py): its
reader computes what scikit-learn computes, the shipped model is trained on the corpus as it
is, the safety policy binds whatever it says, and it is checked like the other definitions."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from auxil.defs import copy_defs
from auxil.reading import read
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from heel_bot import cli, loader
from heel_bot.engine import Engine
from heel_bot.errors import DefinitionError
from heel_bot.language import learned, training
from heel_bot.language.learned import CONFIRM, NOTHING, second_opinion
from heel_bot.model import Bundle

CORPUS = Path(__file__).parent / "language"
ODD = ["", "   ", "👍", "a", "NOT RED, not hot!!", "nite  sweats\tand a heal", "x" * 500,
       "xyzzy my heel plugh", "I’m 40’s"]


def _sklearn(texts: list[str], labels: list[str]) -> object:
    word = TfidfVectorizer(ngram_range=learned.WORD, sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=learned.CHAR, sublinear_tf=True,
                           min_df=training.MIN_CHAR_DF)
    model = make_pipeline(make_union(word, char),
                          LogisticRegression(C=training.C, max_iter=5000))
    model.fit([learned.features_of(t) for t in texts], labels)
    return model


@pytest.mark.parametrize("question", ["infection_signs", "shoe_age"])
def test_the_reader_computes_what_scikit_learn_computes(question: str) -> None:
    cases = [c for c in training.cases_of(training.corpus_files(CORPUS))
             if c.question == question]
    texts, labels = [c.text for c in cases], [training.label(c) for c in cases]
    ours = learned._question(training.fit_question(texts, labels))
    theirs = _sklearn(texts, labels)
    probe = texts[::3] + ODD
    probs = theirs.predict_proba([learned.features_of(t) for t in probe])  # type: ignore[attr-defined]
    classes = list(theirs.classes_)  # type: ignore[attr-defined]
    for text, p in zip(probe, probs, strict=True):
        said, sure = ours.predict(learned.features_of(text))
        assert said == classes[int(p.argmax())], text
        assert sure == pytest.approx(p.max(), abs=1e-3), text


def test_two_classes_use_one_weight_vector() -> None:
    texts = ["yes it is", "yep", "yeah loads", "no", "nope not at all", "no never"] * 3
    labels = ["yes", "yes", "yes", "no", "no", "no"] * 3
    data = training.fit_question(texts, labels)
    assert len(data["intercept"]) == 1
    ours = learned._question(data)
    theirs = _sklearn(texts, labels)
    for text in ["yes", "no way", "yeah", "hmm", ""]:
        p = theirs.predict_proba([learned.features_of(text)])[0]  # type: ignore[attr-defined]
        said, sure = ours.predict(learned.features_of(text))
        assert sure == pytest.approx(p.max(), abs=1e-3)
        assert said == theirs.classes_[int(p.argmax())]  # type: ignore[attr-defined]


def _shipped() -> dict[str, object]:
    raw = (loader.default_dir("dialogs") / loader.ANSWERS_FILE).read_bytes()
    data: dict[str, object] = json.loads(gzip.decompress(raw))
    return data


def test_the_shipped_model_is_trained_on_the_corpus_as_it_is() -> None:
    data = _shipped()
    assert data["corpus"] == training.digest(training.corpus_files(CORPUS)), (
        "the corpus changed: retrain with python -m heel_bot.language.training")
    assert data["without"] == []


@pytest.mark.slow
def test_retraining_gives_the_shipped_model(bundle: Bundle) -> None:
    fresh = learned.from_data(training.train(training.corpus_files(CORPUS)),
                              learned.allowed(bundle))
    shipped = learned.from_data(_shipped(), learned.allowed(bundle))
    cases = training.cases_of(training.corpus_files(CORPUS))
    for c in random.Random(9).sample(cases, 600):
        assert c.question is not None
        a, b = fresh.predict(c.question, c.text), shipped.predict(c.question, c.text)
        assert a is not None and b is not None
        assert a[0] == b[0] and a[1] == pytest.approx(b[1], abs=1e-3), c.text


# ------------------------------------------------------------------ the policy, unit by unit

ALARM = frozenset({"yes"})


def opinion(rules: str | None, said: str, p: float, *, red: bool = True,
            confirming: bool = False, understood: bool = True) -> tuple[str | None, bool] | None:
    v = second_opinion(rules, confirming, understood, (said, p), red=red, alarming=ALARM)
    return None if v is None else (v.answer, v.answer is None)


def test_a_gap_is_filled_only_when_sure() -> None:
    assert opinion(None, "yes", 0.9) == ("yes", False)
    assert opinion(None, "yes", learned.FILL - 0.01) is None
    assert opinion(None, "yes", 0.7, understood=False) is None  # off-topic more likely
    assert opinion(None, NOTHING, 0.99) is None
    assert opinion(None, CONFIRM, 0.9) == (None, True)
    assert opinion(None, "yes", 0.9, confirming=True) is None  # the rules already ask


def test_the_model_never_gives_a_red_flag_its_reassuring_value() -> None:
    assert opinion(None, "no", 0.99) == (None, True)  # asked again, never "no"
    assert opinion("yes", "no", 0.99) == (None, True)
    assert opinion(None, "no", 0.99, red=False) == ("no", False)


def test_a_red_flag_the_two_readings_differ_on_is_asked_again() -> None:
    # "no, but my brother fell off a wall": neither the fall nor "none" is taken from it.
    v = second_opinion("none", False, True, ("fall_or_impact", 0.9), red=True,
                       alarming=frozenset({"pop_or_kick"}))
    assert v is not None and v.answer is None


def test_the_rules_answer_stands_unless_the_model_is_sure_it_must_be_confirmed() -> None:
    assert opinion("yes", NOTHING, 0.99) is None
    assert opinion("yes", CONFIRM, learned.VETO) == (None, True)
    assert opinion("yes", CONFIRM, learned.VETO - 0.01) is None
    assert opinion("no", "no", 0.99) is None


def test_an_urgent_reading_is_never_lowered_on_other_slots_either() -> None:
    assert opinion("yes", "no", 0.99, red=False) == (None, True)
    assert opinion("no", "yes", 0.99, red=False) == ("yes", False)
    assert opinion("no", "yes", learned.SWITCH - 0.01, red=False) is None


# ------------------------------------------------------------------ in the layer


@pytest.mark.parametrize(("question", "text", "answer", "confirm"), [
    # the rules read a yes ("sharp"); the model has learnt "most steps" is asked again
    ("every_step", "kind of? it's sharp most steps on hard floors", None, True),
    ("mileage_jump", "his football went from once a week to four times", "yes", False),
    ("tight_calves", "We live at the top of a hill, every run finishes with a climb", "yes",
     False),
    ("infection_signs", "it's warm to the touch but not red", None, True),
])
def test_the_second_opinion_reads_what_the_rules_missed(engine: Engine, question: str,
                                                        text: str, answer: str | None,
                                                        confirm: bool) -> None:
    u = read(engine, text, question)
    assert u.answer == answer
    assert (question in u.confirm) == confirm
    assert u.understood


def test_words_the_model_has_not_seen_are_not_guessed_at(engine: Engine) -> None:
    u = read(engine, "xyzzy my heel plugh", "injury")
    assert u.answer is None and not u.confirm


def test_a_checklist_item_is_the_rules_alone(engine: Engine) -> None:
    q = engine.dialog.questions["every_step"]
    text = "kind of? it's sharp most steps on hard floors"
    alone = engine.language.understand(text, q, {})
    item = engine.language.understand(text, q, {}, alone=False)
    assert alone.answer is None and item.answer == "yes"


@pytest.mark.slow
def test_no_red_flag_is_made_reassuring_by_the_second_opinion(engine: Engine) -> None:
    red = set(engine.bundle.vocabulary.red_flag_slots)
    review = engine.language.review
    checked = 0
    for c in training.cases_of(training.corpus_files(CORPUS)):
        q = engine.dialog.questions[str(c.question)]
        if q.slot not in red:
            continue
        engine.language.review = None
        try:
            plain = engine.language.understand(c.text, q, c.answered, today=c.today)
        finally:
            engine.language.review = review
        seen = engine.language.understand(c.text, q, c.answered, today=c.today)
        checked += 1
        if seen.answer != plain.answer:
            assert seen.answer is None or seen.answer in engine.bundle.dialog.alarming[q.slot]
    assert checked > 3000


# ------------------------------------------------------------------ checked like the rest


def test_a_broken_model_file_is_a_definition_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    (defs.dialogs / loader.ANSWERS_FILE).write_bytes(b"not gzip")
    bundle = loader.load(defs.dialogs, defs.content)
    [problem] = learned.problems(bundle)
    assert str(problem).startswith("dialogs/answers.json.gz:1:1: not a gzip JSON answer model")
    code = cli.main(["check", "--dialogs", str(defs.dialogs), "--content", str(defs.content)])
    assert code == 1


def test_a_model_of_another_dialog_names_what_is_allowed(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    data = _shipped()
    questions = dict(data["questions"])  # type: ignore[call-overload]
    questions["gone"] = questions["trend"]
    questions["trend"] = {**questions["trend"], "classes": ["better", "?nothing", "?confirm",
                                                            "worse", "same"]}
    data["questions"] = questions
    path = defs.dialogs / loader.ANSWERS_FILE
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    bundle = loader.load(defs.dialogs, defs.content)
    listing = "\n".join(str(p) for p in learned.problems(bundle))
    assert "question 'gone' is not in the dialog; allowed: age_group, " in listing
    assert "question 'trend': better not values of its slot; allowed: " in listing
    with pytest.raises(DefinitionError):
        learned.parse(bundle.answers or ("", b""), learned.allowed(bundle))


def test_without_a_model_file_the_rules_read_alone(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    (defs.dialogs / loader.ANSWERS_FILE).unlink()
    bundle = loader.load(defs.dialogs, defs.content)
    assert bundle.answers is None and learned.problems(bundle) == []
    engine = Engine(bundle)
    assert engine.language.review is None
    assert read(engine, "I guess yeah", "every_step").answer == "yes"


def test_a_broken_model_file_leaves_the_rules_reading(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    # `heel-bot check` refuses it; a running bot keeps reading typed answers without it.
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    (defs.dialogs / loader.ANSWERS_FILE).write_bytes(b"not gzip")
    engine = Engine(loader.load(defs.dialogs, defs.content))
    with caplog.at_level("WARNING"):
        assert read(engine, "I guess yeah", "every_step").answer == "yes"
    assert engine.language.review is None
    assert "the answer model is not used: dialogs/answers.json.gz:1:1" in caplog.text


def test_a_model_whose_weights_do_not_fit_its_n_grams_is_a_definition_error(
        bundle: Bundle) -> None:
    data = _shipped()
    questions = dict(data["questions"])  # type: ignore[call-overload]
    trend = dict(questions["trend"])
    trend["word"] = {**trend["word"], "weights": trend["word"]["weights"] + " 0.5"}
    questions["trend"] = trend
    data["questions"] = questions
    with pytest.raises(DefinitionError, match="one weight per class"):
        learned.from_data(data, learned.allowed(bundle))


def test_a_model_of_the_first_format_asks_for_a_retrain(bundle: Bundle) -> None:
    data = {**_shipped(), "format": 1}
    with pytest.raises(DefinitionError, match="format must be 2"):
        learned.from_data(data, learned.allowed(bundle))


def test_a_model_with_a_question_malformed_is_a_definition_error(bundle: Bundle) -> None:
    data = _shipped()
    questions = dict(data["questions"])  # type: ignore[call-overload]
    questions["trend"] = {"classes": ["same"]}  # no intercept, no n-grams
    data["questions"] = questions
    with pytest.raises(DefinitionError, match="malformed"):
        learned.from_data(data, learned.allowed(bundle))

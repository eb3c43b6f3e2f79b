"""Documents built from replies: plain text and Telegram HTML, outcomes, summaries, topics."""

from __future__ import annotations

from dataclasses import replace

from auxil.answering import walk

from heel_bot.engine import Engine, Notice, Reply, State
from heel_bot.model import READBACK, Bundle, Content
from heel_bot.render import Block, Renderer, short_only, to_html, to_plain
from heel_bot.rules import Outcome
from heel_bot.state import ASSUMED, TYPED, VOLUNTEERED


def finish(engine: Engine, persona: dict[str, str]) -> State:
    state = walk(engine, persona)
    assert state.finished
    return state


SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
             "every_step": "no", "severity": "mild", "trend": "improving",
             "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "over_500_miles",
             "tight_calves": "yes"}


# ---------------------------------------------------------------- formats


def test_to_html_escapes_everything() -> None:
    doc = [Block("title", "A <b> & C"), Block("heading", "x>y"), Block("text", "<script>&amp;")]
    html = to_html(doc)
    assert "<b>A &lt;b&gt; &amp; C</b>" in html
    assert "<b>x&gt;y</b>" in html
    assert "&lt;script&gt;&amp;amp;" in html
    assert "<script>" not in html


def test_to_plain_keeps_text_as_is() -> None:
    doc = [Block("title", "T <x>"), Block("heading", "H"), Block("text", "body & more")]
    assert to_plain(doc) == "== T <x> ==\n\nH:\nbody & more"


def test_empty_doc() -> None:
    assert to_plain([]) == ""
    assert to_html([]) == ""


def test_content_with_markup_is_escaped_in_html(bundle: Bundle) -> None:
    texts = dict(bundle.content.texts)
    texts["q.injury.text"] = "Did it <i>pop</i> & snap?"
    texts["opt.injury.none"] = "No <none> & never"
    texts["ui.disclaimer"] = "Not a doctor <br> & so on"
    engine = Engine(replace(bundle, content=Content(texts, bundle.content.marks)))
    r = Renderer(engine)
    reply = engine.start()
    html = to_html(r.welcome() + r.reply(reply))
    assert "Did it &lt;i&gt;pop&lt;/i&gt; &amp; snap?" in html
    assert "No &lt;none&gt; &amp; never" in html
    assert "Not a doctor &lt;br&gt; &amp; so on" in html
    assert "<i>" not in html
    assert "<br>" not in html


# ---------------------------------------------------------------- questions


def test_question_with_progress_and_numbered_options(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    reply = engine.start()
    text = to_plain(r.reply(reply))
    n, total = engine.progress(reply.state)
    assert bundle.content.get("ui.progress", n=str(n), total=str(total)) in text
    assert bundle.content["q.injury.text"] in text
    for i, opt in enumerate(bundle.dialog.questions["injury"].options, start=1):
        assert f"{i}. {bundle.content[opt.label]}" in text
    plain = to_plain(r.reply(reply, numbered=False))
    assert "1. " not in plain
    assert bundle.content["q.injury.text"] in plain


def test_notices_come_first(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    s = engine.choose(engine.new_state(), "injury", "none").state
    text = to_plain(r.reply(engine.back(s)))
    assert text.startswith(bundle.content["ui.back_done"])
    assert bundle.content["q.injury.text"] in text


def test_a_reply_that_changed_nothing_is_one_line(engine: Engine, bundle: Bundle) -> None:
    # The question is still on screen: saying it again would only push it away.
    r = Renderer(engine)
    state = engine.new_state()
    for key in ("ui.unmatched", "ui.emergency", "ui.readback_unmatched"):
        reply = Reply(state, (Notice(key),), question=engine.dialog.questions["injury"],
                      changed=False)
        assert short_only(reply)
        assert to_plain(r.reply(reply)) == bundle.content[key]
    reply = engine.answer(state, "banana")
    assert to_plain(r.reply(reply)) == bundle.content["ui.unmatched"]
    # Anything that changed, or says more, shows the question as well.
    for reply in (Reply(state, (Notice("ui.unmatched"),), question=engine.dialog.questions[
            "injury"]), Reply(state, (Notice("ui.back_none"),), question=engine.dialog.questions[
            "injury"], changed=False), engine.show(state)):
        assert not short_only(reply)
        assert bundle.content["q.injury.text"] in to_plain(r.reply(reply))


def test_unsure_notice_names_the_label(engine: Engine, bundle: Bundle) -> None:
    c = bundle.content
    r = Renderer(engine)
    s = engine.choose(engine.new_state(), "injury", "none").state
    first = engine.answer(s, "not sure")  # a red flag: the buttons once more
    text = to_plain(r.reply(first))
    assert text.startswith(c["ui.confirm"])
    assert c["q.weight_bearing.text"] in text
    second = to_plain(r.reply(engine.answer(first.state, "not sure")))
    assert c.get("ui.unsure_assumed", label=c["opt.weight_bearing.no"]) in second
    # Not sure about the whole red-flag screen: nothing assumed, the list once more.
    s = engine.choose(s, "weight_bearing", "yes").state
    screen = to_plain(r.reply(engine.answer(s, "not sure")))
    assert screen.startswith(c["ui.screen.unsure"])
    assert c["q.screen.red_flags.text"] in screen


def test_why(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    text = to_plain(r.why(engine.new_state()))
    assert text == bundle.content.get("ui.why", text=bundle.content["q.injury.why"])
    done = finish(engine, SELF_CARE)
    assert to_plain(r.why(done)) == bundle.content["ui.finished"]


# ---------------------------------------------------------------- outcomes


def check_outcome_doc(engine: Engine, bundle: Bundle, o: Outcome) -> str:
    """Everything the result lets the user reach: its first screen, then every card."""
    c = bundle.content
    text = to_plain(Renderer(engine).outcome(o))
    assert text.startswith(f"== {c[f'level.{o.level}.title']} ==")
    for part in ("intro", "where", "tell", "meanwhile", "come_back"):
        assert c[o.text(f"level.{o.level}.{part}")] in text
    for rule in o.reasons:
        # the reasons that set the level are shown; lesser ones would muddle the timescale
        assert (c[rule.because] in text) == (rule.level == o.level) or any(
            r.because == rule.because and r.level == o.level for r in o.reasons)
    if o.causes:
        assert c[f"cause.{o.causes[0]}.explain"] in text
        for cause in o.causes[1:]:
            assert c[f"cause.{cause}.name"] in text
    else:
        assert c["ui.outcome.no_clear_cause"] in text
    for advice in o.advice:
        assert c[o.text(f"advice.{advice}.howto")] in text
    for note in o.notes:
        assert c[note] in text
    assert text.rstrip().endswith(c["ui.outcome.not_a_diagnosis"])
    return text


def test_urgent_outcome_document(engine: Engine, bundle: Bundle) -> None:
    reply = engine.choose(engine.new_state(), "injury", "pop_or_kick")
    assert reply.outcome is not None
    text = check_outcome_doc(engine, bundle, reply.outcome)
    assert bundle.content["reason.pop_or_kick"] in text
    assert bundle.content["ui.outcome.reasons"] in text
    # The reply shows the result's first screen once it changes, with its numbered choices.
    r = Renderer(engine)
    shown = to_plain(r.reply(reply))
    assert shown == to_plain(r.view.screen(reply.outcome, reply.state.answers)
                             + r.result_menu(reply.outcome))
    assert shown.startswith(text.split("\n\n- ")[0].split("\n\nWhy:")[0])


def test_self_care_outcome_document(engine: Engine, bundle: Bundle) -> None:
    o = engine.outcome(finish(engine, SELF_CARE))
    assert o.level == "self_care"
    assert o.advice
    text = check_outcome_doc(engine, bundle, o)
    assert bundle.content["ui.outcome.actions"] in text
    assert bundle.content["ui.outcome.why_self_care"] in text


def test_outcome_without_a_cause(engine: Engine, bundle: Bundle) -> None:
    o = engine.outcome(finish(engine, {**SELF_CARE, "pain_location": "bottom_center",
                                       "morning_pain": "yes", "mileage_jump": "no",
                                       "shoe_age": "under_300_miles", "tight_calves": "no",
                                       "hard_surface": "no"}))
    if o.causes:  # the bruise is likely: drop it to see the "no clear cause" text
        o = replace(o, causes=())
    check_outcome_doc(engine, bundle, o)


def test_outcome_html_is_escaped_and_bold(engine: Engine, bundle: Bundle) -> None:
    o = engine.outcome(finish(engine, SELF_CARE))
    html = to_html(Renderer(engine).outcome(o))
    title = bundle.content[f"level.{o.level}.title"]
    assert html.startswith(f"<b>{title}</b>")
    assert "&" not in html.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


# ---------------------------------------------------------------- summaries, topics


def test_summary_document(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    c = bundle.content
    empty = to_plain(r.summary(engine.summary(engine.new_state())))
    assert c["ui.summary.title"] in empty
    assert c["ui.summary.none_yet"] in empty
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    text = to_plain(r.summary(engine.summary(s)))
    assert f"- {c['q.injury.short']}: {c['opt.injury.fall_or_impact']}" in text
    assert c["ui.given.assumed"] not in text
    assert c.get("ui.given.said", words="") not in text
    assert c.get("ui.summary.level_so_far", level=c["level.see_doctor.title"]) in text
    assert c["cause.heel_fracture.name"] in text
    done = to_plain(r.summary(engine.summary(finish(engine, SELF_CARE))))
    assert c.get("ui.summary.level", level=c["level.self_care.title"]) in done


def typed(engine: Engine) -> State:
    """A state with an answer of each kind: pressed, typed, volunteered and assumed."""
    qs = engine.dialog.questions
    s = engine.choose(engine.new_state(), "injury", "none").state
    s = engine.put(s, qs["weight_bearing"], "with_pain", source=TYPED, said="it <hurts> & so")
    s = engine.put(s, qs["diabetes"], "yes", source=VOLUNTEERED, said="type 2")
    return engine.put(s, qs["deformity"], "yes", source=ASSUMED)


def test_given_shows_the_words_and_what_was_assumed(engine: Engine, bundle: Bundle) -> None:
    c = bundle.content
    r = Renderer(engine)
    lines = [r.given(g) for g in engine.given(typed(engine))]
    assert lines == [
        f"{c['q.injury.short']}: {c['opt.injury.none']}",
        f"{c['q.weight_bearing.short']}: {c['opt.weight_bearing.with_pain']} "
        + c.get("ui.given.said", words="it <hurts> & so"),
        f"{c['q.diabetes.short']}: {c['opt.diabetes.yes']} " + c.get("ui.given.said",
                                                                      words="type 2"),
        f"{c['q.deformity.short']}: {c['opt.deformity.yes']} {c['ui.given.assumed']}",
    ]
    summary = to_plain(r.summary(engine.summary(typed(engine))))
    for line in lines:
        assert f"- {line}" in summary
    assert "&lt;hurts&gt; &amp; so" in to_html(r.summary(engine.summary(typed(engine))))


def test_readback_document(engine: Engine, bundle: Bundle) -> None:
    c = bundle.content
    r = Renderer(engine)
    s = typed(engine)
    items = engine.given(s, typed_only=True)
    assert [g.question.id for g in items] == ["weight_bearing", "diabetes", "deformity"]
    text = to_plain(r.readback(items))
    assert text.startswith(c["ui.readback.title"])
    for i, g in enumerate(items, start=1):
        assert f"{i}. {r.given(g)}" in text
    assert c["q.injury.short"] not in text  # pressed: nothing to read back
    assert text.rstrip().endswith(c["ui.readback.how_typed"])
    assert to_plain(r.readback(items, numbered=False)).rstrip().endswith(
        c["ui.readback.how_buttons"])
    # A reply at the read-back shows it (and no question or outcome).
    reply = Reply(replace(s, node=READBACK), readback=items)
    assert to_plain(r.reply(reply)) == text


def test_learn_menu_and_topics(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    menu = to_plain(r.learn_menu())
    for i, topic in enumerate(bundle.learn, start=1):
        assert f"{i}. {bundle.content[topic.title]}" in menu
        assert r.find_topic(str(i)) == topic
        assert r.find_topic(topic.id.upper()) == topic
        assert r.find_topic(bundle.content[topic.title]) == topic
        shown = "\n".join(to_plain(r.topic(topic, n)) for n in range(r.topic_pages(topic)))
        for key in topic.body:
            for paragraph in bundle.content[key].split("\n\n"):
                assert paragraph.strip() in shown
    assert r.find_topic("no such topic") is None
    assert r.find_topic("0") is None


def test_welcome_and_help(engine: Engine, bundle: Bundle) -> None:
    r = Renderer(engine)
    assert bundle.content["ui.disclaimer"] in to_plain(r.welcome())
    assert to_plain(r.help()) == bundle.content["ui.help"]
    assert to_plain(r.help(numbered=False)) == bundle.content["ui.help_buttons"]


def test_title_and_heading_spacing_is_the_same_in_both_formats() -> None:
    from heel_bot.render import Block, to_html, to_plain

    doc = [Block("title", "T"), Block("text", "a:"), Block("heading", "H"), Block("text", "b")]
    assert to_plain(doc) == "== T ==\n\na:\n\nH:\nb"
    assert to_html(doc) == "<b>T</b>\n\na:\n\n<b>H</b>\nb"

"""The result's keyboards and the learn menu's: one button per card under the result, a
"‹ Result" button under a card, and the learn pages' more, back and home.

Every press here edits the message it is on, so these keyboards always sit on the one live
message. The result's depends on the whole outcome, so it is built for each result.
`Keyboards` (heel_bot/tg/keyboards.py) has these methods; they use its `button` and `remind_row`.
"""

from __future__ import annotations

from functools import cached_property

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from heel_bot.engine import Engine, State
from heel_bot.render_learn import pages
from heel_bot.render_outcome import ADVICE_CARD, OutcomeView
from heel_bot.tg import codec
from heel_bot.tg.codec import Press
from heel_bot.tg.layout import layout
from heel_bot.uikeys import button_key, nav_key

# Numbered plan buttons a row: short labels, so a phone fits five.
PLAN_ROW = 5


class ResultKeyboards:
    """Keyboards of the result's cards and of the learn pages (a part of `Keyboards`)."""

    engine: Engine

    def button(self, key: str, press: Press, **params: object) -> InlineKeyboardButton:
        """A button with a label from content (`Keyboards` has it)."""
        raise NotImplementedError

    def remind_row(self) -> list[InlineKeyboardButton]:
        """The check-in choices (`Keyboards` has them)."""
        raise NotImplementedError

    @cached_property
    def view(self) -> OutcomeView:
        """The result's cards."""
        return OutcomeView(self.engine.bundle)

    def nav(self, name: str, press: Press) -> InlineKeyboardButton:
        """A navigation button (labels ui.nav.<name>)."""
        return self.button(nav_key(name), press)

    def result(self, state: State) -> InlineKeyboardMarkup:
        """Under the result: the plan (every advice, one button: a phone shows a dozen long
        advice titles as a dozen rows), the other cards, the check-in choices, learn, start
        again and undo (summary, learn and start again keep Telegram's own labels)."""
        turn = state.turn
        cards = self.view.cards(self.engine.outcome(state))
        advice = [i for i, card in enumerate(cards) if card.id.startswith(ADVICE_CARD)]
        plan = [[self.button(button_key("plan"), codec.Plan(turn), n=len(advice))]] if (
            advice) else []
        buttons = [self.button(button_key("summary"), codec.Card(turn, i))
                   if card.id == "summary" else InlineKeyboardButton(
                       card.label, callback_data=codec.encode(codec.Card(turn, i)))
                   for i, card in enumerate(cards) if i not in advice]
        return InlineKeyboardMarkup([
            *plan, *layout(buttons), self.remind_row(),
            [self.button(button_key("learn"), codec.LearnMenu()),
             self.button(button_key("restart"), codec.StartOver(turn))],
            [self.nav("back", codec.Back(turn))]])

    def plan(self, state: State) -> InlineKeyboardMarkup:
        """Under the plan: a numbered button per advice card (the plan's lines), then back
        to the result."""
        turn = state.turn
        cards = self.view.cards(self.engine.outcome(state))
        numbers = [InlineKeyboardButton(str(n), callback_data=codec.encode(codec.Card(turn, i)))
                   for n, i in enumerate((i for i, card in enumerate(cards)
                                          if card.id.startswith(ADVICE_CARD)), start=1)]
        rows = [numbers[i:i + PLAN_ROW] for i in range(0, len(numbers), PLAN_ROW)]
        return InlineKeyboardMarkup([*rows, [self.nav("result", codec.Result(turn))]])

    def card(self, state: State, card_id: str = "") -> InlineKeyboardMarkup:
        """Under a card: back to the result (and, under an advice card, to the plan)."""
        back = [self.nav("result", codec.Result(state.turn))]
        if card_id.startswith(ADVICE_CARD):
            back.insert(0, self.nav("plan", codec.Plan(state.turn)))
        return InlineKeyboardMarkup([back])

    def learn_pages(self, turn: int) -> InlineKeyboardMarkup:
        """The learn topics, then home (the current question or result)."""
        topics = [self.button(t.title, codec.Topic(i))
                  for i, t in enumerate(self.engine.bundle.learn)]
        return InlineKeyboardMarkup([*layout(topics), [self.nav("home", codec.Home(turn))]])

    def page(self, topic: int, page: int, turn: int) -> InlineKeyboardMarkup:
        """Under a topic's page: back to the topics, home, and more if there is more."""
        row = [self.button(button_key("back"), codec.LearnMenu()),
               self.nav("home", codec.Home(turn))]
        content, learn = self.engine.bundle.content, self.engine.bundle.learn
        if page + 1 < len(pages(content, learn[topic])):
            row.append(self.nav("more", codec.Page(topic, page + 1)))
        return InlineKeyboardMarkup([row])

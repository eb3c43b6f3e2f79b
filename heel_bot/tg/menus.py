"""The result's details and the learn pages, shown by editing the pressed message in place.

Bot API calls are scarce (about one a second per chat, and an edit counts like a send), so a
press here costs one `editMessageText` and the press's answer: a card replaces the result on
the same message, with "‹ Result" to come back; the learn menu, its pages, "more", "back"
and "home" do the same. Presses that depend on the conversation carry its turn, so a press on
an old message is refused, never applied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest

from heel_bot.engine import State
from heel_bot.render import Doc, to_html
from heel_bot.tg import codec
from heel_bot.tg.buttons import Tap, refuse
from heel_bot.tg.chats import Chats
from heel_bot.tg.text import split_html

log = logging.getLogger(__name__)


class Menus:
    """Handlers for the result's cards and the learn pages."""

    def __init__(self, chats: Chats, today: Callable[[], str]) -> None:
        self.chats = chats
        self.engine = chats.engine
        self.render = chats.render
        self.keyboards = chats.keyboards
        self.today = today

    def presses(self) -> tuple[tuple[type, Any], ...]:
        """The presses handled here, each with its handler (for the routing table)."""
        return ((codec.LearnMenu, self.on_learn), (codec.Topic, self.on_topic),
                (codec.Card, self.on_card), (codec.Plan, self.on_plan),
                (codec.Result, self.on_result),
                (codec.Page, self.on_page), (codec.Home, self.on_home))

    async def edit(self, tap: Tap, doc: Doc, markup: InlineKeyboardMarkup) -> None:
        """Show `doc` on the pressed message, in place (one edit); the press is answered."""
        await tap.ack(None)
        text = split_html(to_html(doc))[0]  # cards and pages are far below the limit
        try:
            await tap.query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:  # e.g. pressed twice: the message is already this
            log.debug("menu not edited: %s", exc)
            return
        if tap.query.message is not None:
            await self.chats.went_live(tap.context.bot, tap.chat_id, tap.query.message.message_id)

    async def _finished(self, tap: Tap, turn: int) -> State | None:
        """The chat's finished check when the press belongs to its current turn, else None
        (refused: the current question or result is shown again)."""
        state, _ = self.chats.load(tap.chat_id)
        if state is None or state.turn != turn or not state.finished:
            await refuse(self.chats, tap, strip=True)
            return None
        return state

    async def on_card(self, tap: Tap, press: codec.Card) -> None:
        """One of the result's cards, in place of the result."""
        state = await self._finished(tap, press.turn)
        if state is None:
            return
        o = self.engine.outcome(state)
        cards = self.render.view.cards(o)
        if press.index >= len(cards):
            await refuse(self.chats, tap, strip=False)
            return
        card_id = cards[press.index].id
        doc = self.render.card(o, card_id, state, self.today())
        await self.edit(tap, doc, self.keyboards.card(state, card_id))

    async def on_plan(self, tap: Tap, press: codec.Plan) -> None:
        """The plan: every advice in a line, a numbered button for each one's card."""
        state = await self._finished(tap, press.turn)
        if state is None:
            return
        doc = [*self.render.view.plan(self.engine.outcome(state)),
               *self.chats.doc_of("tg.plan_hint")]
        await self.edit(tap, doc, self.keyboards.plan(state))

    async def on_result(self, tap: Tap, press: codec.Result) -> None:
        """Back to the result's first screen, with its buttons."""
        state = await self._finished(tap, press.turn)
        if state is not None:
            await self.result(tap, state)

    async def result(self, tap: Tap, state: State) -> None:
        """The result's first screen on the pressed message."""
        doc = self.render.result(self.engine.outcome(state), state, numbered=False)
        await self.edit(tap, doc, self.keyboards.result(state))

    async def on_learn(self, tap: Tap, press: codec.LearnMenu) -> None:
        """The learn topics, in place, with home."""
        state, _ = self.chats.load(tap.chat_id)
        await self.edit(tap, self.render.learn_menu(numbered=False),
                        self.keyboards.learn_pages(state.turn if state else 0))

    async def on_topic(self, tap: Tap, press: codec.Topic) -> None:
        """A topic's first page, in place."""
        await self.page(tap, press.index, 0)

    async def on_page(self, tap: Tap, press: codec.Page) -> None:
        """A topic's next page, in place."""
        await self.page(tap, press.topic, press.page)

    async def page(self, tap: Tap, topic: int, page: int) -> None:
        """Page `page` of topic `topic`, with more, back and home."""
        topics = self.engine.bundle.learn
        if topic >= len(topics) or page >= self.render.topic_pages(topics[topic]):
            await refuse(self.chats, tap, strip=False)
            return
        state, _ = self.chats.load(tap.chat_id)
        await self.edit(tap, self.render.topic(topics[topic], page),
                        self.keyboards.page(topic, page, state.turn if state else 0))

    async def on_home(self, tap: Tap, press: codec.Home) -> None:
        """Home from the learn pages: the result, or the current question, in place."""
        state, _ = self.chats.load(tap.chat_id)
        if state is None or state.turn != press.turn:
            await refuse(self.chats, tap, strip=True)
            return
        if state.finished:
            await self.result(tap, state)
            return
        reply = self.engine.show(state)
        await self.edit(tap, self.render.reply(reply, numbered=False),
                        self.chats.keyboards.for_reply(reply))

"""Check-ins: booking, listing and cancelling them, sending them when due, and their answers.

A booked check-in is a row in the store and a job on PTB's JobQueue (rescheduled from the
store at start-up). When it is sent, the store remembers when the check was; the answer's day
count comes from there, never from the button. What an answer leads to is the dialog's
check-in rules (dialogs/checkin.yaml), applied by the engine.

With several instances on one store, each schedules the check-ins it knows of, and one sends
each: the job claims it (`claim_reminder`, a lease) inside the chat's turn before sending,
and a sweep every few seconds claims the due check-ins nobody holds (booked by another
instance, or held by one that died and whose lease ran out) and sends them here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeAlias

from telegram import ChatMemberUpdated, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes, JobQueue

from heel_bot.store import Reminder, StoreError
from heel_bot.stores.api import chat_turn
from heel_bot.tg import codec
from heel_bot.tg.buttons import Tap
from heel_bot.tg.chats import Chats
from heel_bot.tg.keyboards import REMIND_DAYS
from heel_bot.tg.ordering import ChatOrderedProcessor
from heel_bot.tg.text import esc

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
MAX_REMINDERS = 5
# With several instances: how often each claims the due check-ins nobody sends, and how many
# at once (the rest wait for the next sweep).
SWEEP_EVERY = 5.0
SWEEP_BATCH = 50


class Reminders:
    """Check-in reminders for every chat."""

    def __init__(self, chats: Chats, processor: ChatOrderedProcessor, *, day_seconds: float,
                 clock: Callable[[], float], owner: str = "") -> None:
        self.chats = chats
        self.owner = owner  # this instance, as the holder of the check-ins it claims
        self.store = chats.store
        self.processor = processor
        self.day_seconds = day_seconds
        self.clock = clock

    # ------------------------------------------------------------ jobs

    def schedule(self, job_queue: JobQueue[Any], rem: Reminder,
                 delay: float | None = None) -> None:
        """Run the check-in when it is due (at once if it is overdue)."""
        when = max(0.0, rem.due_at - self.clock()) if delay is None else delay
        job_queue.run_once(self.fire, when=when, data=rem.id, chat_id=rem.chat_id,
                           name=f"reminder:{rem.id}")

    def reschedule_all(self, job_queue: JobQueue[Any]) -> int:
        """Schedule every stored check-in (at start-up); how many."""
        reminders = self.store.all_reminders()
        for rem in reminders:
            self.schedule(job_queue, rem)
        return len(reminders)

    def start_sweep(self, job_queue: JobQueue[Any]) -> None:
        """With several instances: claim and send due check-ins nobody sends, every few
        seconds."""
        job_queue.run_repeating(self.sweep, interval=SWEEP_EVERY, first=SWEEP_EVERY,
                                name="reminder sweep")

    async def sweep(self, context: Context) -> None:
        """Claim the due check-ins nobody holds and send them (each by its own job, which
        claims it again inside the chat's turn: it may have been cancelled meanwhile)."""
        assert context.job_queue is not None
        try:
            claimed = self.store.claim_due_reminders(self.owner, limit=SWEEP_BATCH)
        except StoreError as exc:
            log.warning("due check-ins not swept: %s", exc)
            return
        for rem in claimed:
            if not context.job_queue.get_jobs_by_name(f"reminder:{rem.id}"):
                self.schedule(context.job_queue, rem, delay=0.0)

    @staticmethod
    def unschedule(job_queue: JobQueue[Any] | None, *reminder_ids: int) -> None:
        """Drop check-ins' jobs."""
        for rid in reminder_ids if job_queue is not None else ():
            for job in job_queue.get_jobs_by_name(f"reminder:{rid}"):  # type: ignore[union-attr]
                job.schedule_removal()

    def drop(self, context: Context, chat_id: int) -> None:
        """Forget a chat's check-ins (the user blocked the bot)."""
        ids = [r.id for r in self.store.reminders(chat_id)]
        self.store.delete_reminders(chat_id)
        self.unschedule(context.job_queue, *ids)
        if ids:
            log.info("chat %s blocked the bot: %d check-in(s) dropped", chat_id, len(ids))

    # ------------------------------------------------------------ booking

    def listing(self, chat_id: int) -> tuple[str, InlineKeyboardMarkup]:
        """/remind: the chat's check-ins with cancel buttons, or an offer to book one."""
        reminders, c = self.store.reminders(chat_id), self.chats.c
        if not reminders:
            return self.chats.html("tg.remind.none"), self.chats.keyboards.remind()
        rows: list[tuple[str, int]] = []
        now = self.clock()
        for rem in reminders:
            left = max(0.0, (rem.due_at - now) / self.day_seconds)
            when = (c["tg.remind.item_today"] if left < 1 else c["tg.remind.item_one"]
                    if left < 2 else c.get("tg.remind.item", days=round(left)))
            rows.append((when, rem.id))
        text = esc(c["tg.remind.list"] + "\n" + "\n".join(f"- {w}" for w, _ in rows))
        return text, self.chats.keyboards.cancel(rows)

    async def on_remind(self, update: Update, context: Context) -> None:
        """/remind: list or offer check-ins."""
        assert update.effective_chat is not None
        chat_id = update.effective_chat.id
        text, markup = self.listing(chat_id)
        await self.chats.send(context.bot, chat_id, text, markup)

    async def on_book(self, tap: Tap, press: codec.Remind) -> None:
        """Book a check-in in `days` days."""
        chats, chat_id = self.chats, tap.chat_id
        if press.days not in REMIND_DAYS:
            await tap.ack(chats.c["tg.stale"])
            await chats.show_current(tap.context.bot, chat_id)
            return
        if len(self.store.reminders(chat_id)) >= MAX_REMINDERS:
            await tap.ack(chats.c.get("tg.remind.too_many", max=MAX_REMINDERS))
            return
        due = self.clock() + press.days * self.day_seconds
        if any(r.days == press.days and abs(r.due_at - due) < self.day_seconds / 24
               for r in self.store.reminders(chat_id)):  # a second tap: booked already
            await tap.ack(chats.c.get("tg.remind.already", days=press.days))
            return
        rem = self.store.reminder(self.store.add_reminder(chat_id, due, press.days))
        assert rem is not None and tap.context.job_queue is not None
        self.schedule(tap.context.job_queue, rem)
        await tap.ack(None)
        await chats.send(tap.context.bot, chat_id, chats.html("tg.remind.set", days=press.days))

    async def on_cancel(self, tap: Tap, press: codec.Cancel) -> None:
        """Cancel one of the chat's own check-ins and update the list."""
        gone = self.store.delete_reminder(press.reminder_id, tap.chat_id)
        if gone:
            self.unschedule(tap.context.job_queue, press.reminder_id)
        await tap.ack(self.chats.c["tg.remind.cancelled" if gone else "tg.remind.gone"])
        text, markup = self.listing(tap.chat_id)
        try:
            await tap.query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            log.debug("reminder list not edited: %s", exc)

    # ------------------------------------------------------------ sending and answers

    async def fire(self, context: Context) -> None:
        """A check-in is due: ask how the heel is now."""
        job = context.job
        assert job is not None and job.chat_id is not None and isinstance(job.data, int)
        chat_id, rid = job.chat_id, job.data
        async with self.processor.slot(chat_id), chat_turn(self.store, chat_id):
            try:
                # None: cancelled, forgotten or sent meanwhile, or another instance sends it.
                rem = self.store.claim_reminder(rid, self.owner)
            except StoreError as exc:
                # The check-in is still booked: try again later, not only after a restart.
                log.error("check-in %s for chat %s not sent: %s; trying again in %.0f s",
                          rid, chat_id, exc, self.day_seconds / 24)
                assert context.job_queue is not None
                context.job_queue.run_once(self.fire, when=self.day_seconds / 24, data=rid,
                                           chat_id=chat_id, name=f"reminder:{rid}")
                return
            if rem is not None:
                await self._send_checkin(context, rem)

    async def _send_checkin(self, context: Context, rem: Reminder) -> None:
        since = int(max(float(rem.days), (self.clock() - rem.created) / self.day_seconds))
        question = self.chats.html(self.chats.engine.bundle.checkin.question, days=since)
        try:
            await context.bot.send_message(rem.chat_id, question,
                                           reply_markup=self.chats.keyboards.checkin())
        except Forbidden:
            self.drop(context, rem.chat_id)
            return
        except BadRequest as exc:  # e.g. the chat no longer exists: never deliverable
            log.warning("check-in %s for chat %s dropped: %s", rem.id, rem.chat_id, exc)
            self.store.delete_reminder(rem.id)
            return
        except TelegramError as exc:
            retry = self.day_seconds / 24
            log.warning("check-in %s for chat %s not sent (%s); trying again in %.0f s",
                        rem.id, rem.chat_id, type(exc).__name__, retry)
            assert context.job_queue is not None
            self.schedule(context.job_queue, rem, delay=retry)
            return
        self.store.ask_checkin(rem)
        self.chats.metrics.checkin_sent()

    async def on_answer(self, tap: Tap, press: codec.CheckinAnswer) -> None:
        """A check-in answered: the dialog's check-in rules decide, with days from the store."""
        chats, chat_id, engine = self.chats, tap.chat_id, self.chats.engine
        checked = self.store.take_checkin(chat_id)
        if checked is None and chats.repeats(chat_id, tap.query):
            await tap.ack(chats.c["tg.already"])  # a double tap: answered already
            return
        if checked is None:  # answered already, or forgotten meanwhile
            await tap.ack(chats.c["tg.stale"])
            await chats.drop_keyboard(tap.query)
            await chats.show_current(tap.context.bot, chat_id)
            return
        days = max(0, int((self.clock() - checked) // self.day_seconds))
        state, _ = chats.load(chat_id)
        result = engine.checkin(state, press.answer, days)
        await tap.ack(None)
        checkin = engine.bundle.checkin
        option = checkin.option_value(press.answer)
        assert option is not None
        await chats.show_answered(tap.query, chats.c[checkin.short], chats.c[option.label])
        if result.reply is not None:  # worse: the red-flag questions again, stored first
            chats.save(chat_id, result.reply.state)
            await chats.send_reply(tap.context.bot, chat_id, result.reply)
            return
        offer = result.rule.offer_checkin or result.raised
        await chats.send_doc(tap.context.bot, chat_id, chats.render.checkin(result),
                             chats.keyboards.remind() if offer else None)

    async def on_member(self, update: Update, context: Context) -> None:
        """A user who blocks the bot gets no more check-ins."""
        member: ChatMemberUpdated | None = update.my_chat_member
        if member is None or member.chat.type != ChatType.PRIVATE:
            return
        if member.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            self.drop(context, member.chat.id)

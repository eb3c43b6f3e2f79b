"""The bot's metrics, for Prometheus: what happened since start, and what the store holds.

Nothing personal, by construction: every label comes from a closed set the bot defines (update
kinds, Bot API methods' kinds, HTTP codes, triage levels, question ids, the deep-link sources
the operator configured), and no chat id, answer of one person or typed word is ever a label
or a value. tests/test_ops_service.py proves it on a whole conversation.

The counters move as things happen (the Telegram adapter calls the small methods below); the
store's counts are read when /metrics is asked for, on a connection of their own, and are the
same numbers `heel-bot stats` prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from heel_bot.store_side import StoreCounts

# Seconds from an update's arrival to its handling being done (its replies sent): Telegram's
# own round trips put a reply at about 0.1-0.5 s, pacing and retries beyond.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
DIRECT, OTHER = "direct", "other"  # a /start without a deep link; one not on the allow-list
# Seconds without an answer after which an unfinished check counts as dropped off there.
DROP_OFF_AFTER = 86400.0


def store_families(counts: StoreCounts) -> list[GaugeMetricFamily]:
    """The store's counts as Prometheus gauges (for /metrics and `heel-bot stats`)."""
    stored = GaugeMetricFamily("heel_bot_stored_conversations",
                               "Conversations in the store, by status", labels=["status"])
    for status, n in (("finished", counts.finished),
                      ("in_progress", sum(counts.waiting.values())),
                      ("dropped_off", sum(counts.dropped_off.values()))):
        stored.add_metric([status], n)
    waiting = GaugeMetricFamily("heel_bot_stored_in_progress",
                                "Unfinished conversations answered within the drop-off time, "
                                "by the question they are at", labels=["question"])
    dropped = GaugeMetricFamily("heel_bot_stored_dropped_off",
                                "Unfinished conversations left for longer than the drop-off "
                                "time, by the question they stopped at", labels=["question"])
    for family, by_question in ((waiting, counts.waiting), (dropped, counts.dropped_off)):
        for question, n in sorted(by_question.items()):
            family.add_metric([question], n)
    checkins = GaugeMetricFamily("heel_bot_stored_checkins",
                                 "Check-ins booked and not yet sent, and sent but not yet "
                                 "answered", labels=["status"])
    checkins.add_metric(["booked"], counts.checkins_booked)
    checkins.add_metric(["asked"], counts.checkins_open)
    return [stored, waiting, dropped, checkins]


class StoreCollector(Collector):
    """The store's counts as last read (none until the first read; `up` says if it worked)."""

    def __init__(self) -> None:
        self.counts: StoreCounts | None = None
        self.up = False

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("heel_bot_store_up",
                               "1 if the store could be read at this scrape, else 0")
        up.add_metric([], 1.0 if self.up else 0.0)
        yield up
        if self.up and self.counts is not None:
            yield from store_families(self.counts)

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []  # collected afresh at each scrape, not at registration


def stats_text(counts: StoreCounts) -> bytes:
    """The store's counts in the exposition format, exactly as /metrics shows them."""
    registry = CollectorRegistry()
    collector = StoreCollector()
    collector.counts, collector.up = counts, True
    registry.register(collector)
    return generate_latest(registry)


class Metrics:
    """The bot's Prometheus registry (its own, so that several bots in one process, as in the
    tests, never share counters) and the hooks that move it."""

    def __init__(self, process: bool = True) -> None:
        r = self.registry = CollectorRegistry()
        self.updates = Counter("heel_bot_updates", "Updates received, by kind", ["kind"],
                               registry=r)
        self.replies = Counter("heel_bot_replies", "Messages sent (send) or edited (edit) by "
                               "the Bot API", ["kind"], registry=r)
        self.api_errors = Counter("heel_bot_bot_api_errors", "Bot API error answers by HTTP "
                                  "code ('network': no answer at all)", ["code"], registry=r)
        self.flood_waits = Counter("heel_bot_flood_waits", "Flood-limit answers (429) the "
                                   "bot had to wait out", registry=r)
        self.flood_seconds = Counter("heel_bot_flood_wait_seconds", "Seconds Telegram asked "
                                     "the bot to wait in 429 answers", registry=r)
        self.latency = Histogram("heel_bot_reply_latency_seconds", "From an update's arrival "
                                 "until it is handled and its replies sent",
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.started = Counter("heel_bot_conversations_started", "Checks begun, by where the "
                               "person came from (a configured deep link, direct or other)",
                               ["source"], registry=r)
        self.finished = Counter("heel_bot_conversations_finished", "Outcomes reached, by "
                                "level", ["level"], registry=r)
        self.misses = Counter("heel_bot_language_misses", "Typed messages the language layer "
                              "found nothing usable in, by the question asked", ["question"],
                              registry=r)
        self.checkins = Counter("heel_bot_checkins_sent", "Check-in questions sent",
                                registry=r)
        self.store = StoreCollector()
        r.register(self.store)
        if process:
            ProcessCollector(registry=r)  # memory, CPU, open files: nothing personal
        # When the Bot API last answered (time.monotonic()), for readiness; None: never.
        self.last_contact: float | None = None

    # ------------------------------------------------------------ hooks

    def update(self, kind: str, seconds: float) -> None:
        """An update of `kind` was handled in `seconds`."""
        self.updates.labels(kind).inc()
        self.latency.observe(seconds)

    def api_answer(self, method_kind: str | None, code: int, payload: bytes, at: float) -> None:
        """The Bot API answered HTTP `code` (`method_kind`: "send"/"edit" for messages)."""
        if code < 500:
            self.last_contact = at
        if code == 200:
            if method_kind is not None:
                self.replies.labels(method_kind).inc()
            return
        self.api_errors.labels(str(code)).inc()
        if code == 429:
            self.flood_waits.inc()
            self.flood_seconds.inc(_retry_after(payload))

    def api_unreachable(self) -> None:
        """A Bot API call got no answer (connection refused, dropped, timed out)."""
        self.api_errors.labels("network").inc()

    def conversation_started(self, source: str) -> None:
        self.started.labels(source).inc()

    def conversation_finished(self, level: str) -> None:
        self.finished.labels(level).inc()

    def language_miss(self, question: str) -> None:
        self.misses.labels(question).inc()

    def checkin_sent(self) -> None:
        self.checkins.inc()

    # ------------------------------------------------------------ reading

    def exposition(self, counts: StoreCounts | None) -> bytes:
        """Everything, in the Prometheus text format, with the store's counts as given
        (None: the store could not be read)."""
        self.store.counts, self.store.up = counts, counts is not None
        return generate_latest(self.registry)

    def value(self, name: str, **labels: str) -> float:
        """One sample's value (0 when it has none yet): for `heel-bot` tests and tools."""
        return self.registry.get_sample_value(name, labels) or 0.0


def _retry_after(payload: bytes) -> float:
    """`parameters.retry_after` of a 429 answer (0 if it cannot be read)."""
    try:
        data = json.loads(payload)
        return float(data["parameters"]["retry_after"])
    except (ValueError, TypeError, KeyError):
        return 0.0

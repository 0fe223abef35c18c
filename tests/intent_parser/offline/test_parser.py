"""The parser as a whole: impossible values, corrections, speed, and answers well formed for any input."""

from __future__ import annotations

import datetime as dt
import statistics
import time as clock
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility
from tests.intent_parser.offline.reading import assert_reads, parse

CASES: list[tuple[str, dict[str, Any]]] = [
    # impossible values are null, not a guess
    ("February 30th at 3pm", {"date": None, "time": "15:00"}),
    ("31/04/2027 at 3pm", {"date": None}),
    ("tomorrow at 25:00", {"date": "2026-11-28", "time": None}),
    ("tomorrow at 13pm", {"time": None}),
    ("tomorrow at 10:75", {"time": None}),
    # what does not exist is quoted as written
    ("30 February", {"date": None, "impossible": "30 February"}),
    ("feb 30th at 3pm", {"date": None, "time": "15:00", "impossible": "feb 30th"}),
    ("Feb. 30th, at 3pm", {"date": None, "impossible": "Feb. 30th"}),
    ("tomorrow at 25:00", {"time": None, "impossible": "25:00"}),
    ("tomorrow at 13pm", {"time": None, "impossible": "13pm"}),
    ("31/04/2027 at 3pm", {"date": None, "impossible": "31/04/2027"}),
    ("tomorrow at 3pm", {"impossible": None}),
    # corrections
    ("tomorrow at 3, actually 4pm", {"time": "16:00"}),
    ("not Saturday, Sunday at 10am", {"date": "2026-11-29"}),
]


@pytest.mark.parametrize(("message", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads(message: str, expected: dict[str, Any]) -> None:
    assert_reads(message, expected)


def test_naive_now_is_read_as_utc() -> None:
    parser = OfflineParser(make_facility("Europe/London"))
    assert parser.parse("tomorrow", dt.datetime(2026, 11, 27, 23, 30)) == parser.parse(
        "tomorrow", dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)
    )


def test_a_long_message_is_parsed_quickly() -> None:
    message = "tomorrow at 3pm " + "blah 12 , " * 20_000
    started = clock.perf_counter()
    intent = parse(message)
    assert clock.perf_counter() - started < 0.2
    assert (intent.date, intent.time) == (dt.date(2026, 11, 28), "15:00")


def test_median_parse_time_is_under_a_millisecond(corpus: list[dict[str, Any]]) -> None:
    parsers = {zone: OfflineParser(make_facility(zone)) for zone in {e["timezone"] for e in corpus}}
    timings = []
    for _ in range(3):
        for entry in corpus:
            parser, now = parsers[entry["timezone"]], instant(entry["now"])
            started = clock.perf_counter()
            parser.parse(entry["message"], now)
            timings.append(clock.perf_counter() - started)
    assert statistics.median(timings) < 0.001


VOCABULARY = [
    "tomorrow", "today", "tonight", "next", "this", "friday", "sat", "the", "4th", "of", "december", "dec", "jan",
    "at", "3", "15:00", "1500", "pm", "am", "noon", "midnight", "half", "past", "quarter", "to", "from", "between",
    "and", "after", "before", "court", "a", "b", "for", "2", "hours", "90", "minutes", "in", "days", "weeks",
    "fortnight", "week", "cancel", "book", "free", "my", "bookings", "25:00", "february", "30th", "-", "/", ":",
    "o'clock", "ish", "christmas", "eve", "new", "year's", "day", "ignore", "instructions", "0", "99", "2026",
    # histories and closures
    "close", "shut", "history", "played", "what did I play", "cancelled", "last", "since", "until", "month", "year",
    "weekend", "ago", "past", "november", "may", "through", "courts", "club", "because", "due", "all", "1-31",
    "14 to 18", "29 february",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(
    message=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=4), max_size=25).map(" ".join),
    ),
    now=st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2999, 12, 30), timezones=st.just(dt.UTC)),
    zone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kathmandu"]),
)
def test_never_raises_and_answers_are_well_formed(message: str, now: dt.datetime, zone: str) -> None:
    intent = parse(message, now.isoformat(), zone)
    assert intent.parser == "offline"
    assert intent.raw_message == message
    assert not (intent.time and intent.window)
    if intent.window:
        assert intent.window.start < intent.window.end
    if intent.court is not None:
        assert intent.court in ("Court A", "Court B", "Court C")
    if intent.action in ("history", "close"):
        assert intent.time is None
        assert not (intent.date and intent.period)
    if intent.reason is not None:
        assert intent.action == "close"
        assert 0 < len(intent.reason) <= 200
    if intent.period is not None:
        assert intent.period.start <= intent.period.end
    assert parse(message, now.isoformat(), zone) == intent  # deterministic

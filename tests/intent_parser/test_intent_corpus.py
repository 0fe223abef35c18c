"""Accuracy of the offline parser over the labelled corpus (tests/intent_parser/corpus.jsonl).

Each line: {"message", "now" (ISO instant), "timezone", "category",
"expected": {"action", "date", "time", "window", "court", "duration_minutes"}}; a history or a
closure may also label its "period", "history" and "reason" (checked where labelled).
The facility is the default one (Court A-C, 08:00-21:00, 60-minute slots) in the
entry's time zone. `benchmarks/parser_benchmark.py` prints the same figures with
timings and the dateparser reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest

from intent.offline import OfflineParser
from tests.intent_parser.fakes import instant, make_facility

TARGET = 0.97
HEADLINE = ("action", "date", "time")
EVERY_FIELD = ("action", "date", "time", "window", "court", "duration_minutes")
OWN_FIELDS = ("period", "history", "reason")  # a history's and a closure's, labelled where they matter


@pytest.fixture(scope="module")
def answers(corpus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parsers = {zone: OfflineParser(make_facility(zone)) for zone in {e["timezone"] for e in corpus}}
    return [
        parsers[entry["timezone"]].parse(entry["message"], instant(entry["now"])).model_dump(mode="json")
        for entry in corpus
    ]


def misses(corpus: list[dict[str, Any]], answers: list[dict[str, Any]], names: tuple[str, ...]) -> list[str]:
    lines = []
    for entry, got in zip(corpus, answers, strict=True):
        wrong = [n for n in names if got[n] != entry["expected"][n]]
        if wrong:
            detail = "; ".join(f"{n}: expected {entry['expected'][n]!r}, got {got[n]!r}" for n in wrong)
            lines.append(f"[{entry['category']}] {entry['message']!r} ({entry['now']} {entry['timezone']}): {detail}")
    return lines


def test_accuracy_on_action_date_and_time(corpus: list[dict[str, Any]], answers: list[dict[str, Any]]) -> None:
    failures = misses(corpus, answers, HEADLINE)
    accuracy = 1 - len(failures) / len(corpus)
    print(f"\noffline parser: {accuracy:.1%} exact on action+date+time over {len(corpus)} messages")
    for line in failures:
        print("  " + line)
    assert accuracy >= TARGET, "\n".join(failures)


def test_accuracy_on_every_field(corpus: list[dict[str, Any]], answers: list[dict[str, Any]]) -> None:
    failures = misses(corpus, answers, EVERY_FIELD)
    accuracy = 1 - len(failures) / len(corpus)
    print(f"\noffline parser: {accuracy:.1%} exact on every field over {len(corpus)} messages")
    assert accuracy >= 0.95, "\n".join(failures)


def test_histories_and_closures_read_their_own_fields(
    corpus: list[dict[str, Any]], answers: list[dict[str, Any]]
) -> None:
    labelled = [
        (entry, got) for entry, got in zip(corpus, answers, strict=True) if set(OWN_FIELDS) & set(entry["expected"])
    ]
    assert len(labelled) >= 15
    failures = [
        f"{entry['message']!r}: {name} expected {entry['expected'][name]!r}, got {got[name]!r}"
        for entry, got in labelled
        for name in OWN_FIELDS
        if name in entry["expected"] and got[name] != entry["expected"][name]
    ]
    assert failures == []


# --- the corpus itself -----------------------------------------------------------------


def test_corpus_is_broad(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= 300
    assert len({e["message"].casefold() for e in corpus}) >= 300
    assert len({e["timezone"] for e in corpus}) >= 3
    categories = Counter(e["category"] for e in corpus)
    assert len(categories) >= 15
    assert all(count >= 5 for count in categories.values()), categories

    local_nows = {(e["now"], e["timezone"]): instant(e["now"]).astimezone(make_facility(e["timezone"]).timezone)
                  for e in corpus}  # fmt: skip
    weekdays = {now.strftime("%A") for now in local_nows.values()}
    assert {"Friday", "Sunday"} <= weekdays
    assert any(now.month == 12 and now.day >= 24 for now in local_nows.values()), "needs a late-December now"
    near_midnight = [
        key
        for key, now in local_nows.items()
        if now.date() != instant(key[0]).date() and min(now.hour, 24 - now.hour) <= 1
    ]
    assert len(near_midnight) >= 3, "needs instants near midnight where the facility's date differs from UTC's"


def test_labels_are_well_formed(corpus: list[dict[str, Any]]) -> None:
    hhmm = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
    for entry in corpus:
        assert set(entry) == {"message", "now", "timezone", "category", "expected"}, entry
        assert instant(entry["now"]).tzinfo is not None
        expected = entry["expected"]
        assert set(EVERY_FIELD) <= set(expected) <= {*EVERY_FIELD, *OWN_FIELDS}, entry
        assert expected["action"] in (None, "book", "check", "cancel", "list", "move", "history", "close"), entry
        assert expected.get("history") in (None, "past", "cancelled"), entry
        if expected.get("period") is not None:
            start, end = (dt.date.fromisoformat(expected["period"][k]) for k in ("start", "end"))
            assert start <= end, entry
            assert expected["date"] is None, entry
        if expected["date"] is not None:
            dt.date.fromisoformat(expected["date"])
        if expected["time"] is not None:
            assert hhmm.match(expected["time"]), entry
        if expected["window"] is not None:
            start, end = expected["window"]["start"], expected["window"]["end"]
            assert hhmm.match(start), entry
            assert hhmm.match(end), entry
            assert start < end, entry
            assert expected["time"] is None, entry
        assert expected["court"] in (None, "Court A", "Court B", "Court C"), entry

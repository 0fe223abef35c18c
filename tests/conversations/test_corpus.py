"""The labelled conversations of corpus.jsonl through POST /chat, with the offline parser, scored.

Every conversation runs on the orchestrator's real handler wired to the three real
service handlers in this process, over moto (runner.py says how, and how a turn is
scored). The score must stay at or above the floors in runner.py, which were set
from the measured score; `make bench-conversations` prints the same score per
category with every failing turn.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from local import template
from tests.conversations import runner


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return runner.load_corpus()


def test_the_corpus_is_large_covers_every_category_and_is_well_formed(corpus: list[dict]) -> None:
    assert len(corpus) >= runner.MIN_CONVERSATIONS
    ids = Counter(c["id"] for c in corpus)
    assert [name for name, count in ids.items() if count > 1] == []
    per_category = Counter(c.get("category") for c in corpus)
    assert {category: per_category[category] for category in runner.CATEGORIES if per_category[category] < 3} == {}
    courts = tuple(template.parameter_defaults()["Courts"].split(","))
    assert [p for c in corpus for p in runner.problems(c, courts)] == []
    assert any(c["zone"] for c in corpus), "some conversations run in another time zone"


def test_corpus_dates_are_read_from_the_facility_today() -> None:
    wednesday = dt.date(2026, 12, 2)
    assert runner.resolve_date("+0", wednesday) == wednesday
    assert runner.resolve_date("+1", wednesday) == dt.date(2026, 12, 3)
    assert runner.resolve_date("next:wednesday", wednesday) == wednesday  # a bare weekday: today included
    assert runner.resolve_date("next:friday", wednesday) == dt.date(2026, 12, 4)
    assert runner.resolve_date("next:monday", wednesday) == dt.date(2026, 12, 7)
    assert runner.resolve_date("nextweek:friday", wednesday) == dt.date(2026, 12, 11)  # "next Friday"
    assert runner.resolve_date("nextweek:monday", wednesday) == dt.date(2026, 12, 7)
    with pytest.raises(ValueError, match="not a corpus date"):
        runner.resolve_date("friday", wednesday)
    text = "what about {+2:weekday}? ({+2:iso}, {+3:day})"
    assert runner.fill_in(text, wednesday) == "what about Friday? (2026-12-04, Saturday 5 December)"


def test_a_malformed_conversation_is_named() -> None:
    broken = {
        "id": "broken",
        "category": "guessing",
        "zone": "Mars/Olympus",
        "setup": [{"user": "ann"}],
        "turns": [{"message": "book {tomorrow}", "expect": {"status": "done", "date": "tomorrow", "court": "Court Z"}}],
    }
    found = runner.problems(broken, ("Court A",))
    assert len(found) == 7, found
    assert all(p.startswith("broken: ") for p in found)


def test_the_conversations_score_at_or_above_the_floor(aws_env: None, corpus: list[dict]) -> None:
    results = runner.run_all(corpus)
    total, per_category = runner.score(results)
    lines = [
        f"turns right {total.turns_right}/{total.turns} ({total.turn_accuracy:.1%}), "
        f"conversations right {total.conversations_right}/{total.conversations} ({total.conversation_accuracy:.1%})",
        *(f"  {name}: {s.turns_right}/{s.turns} turns" for name, s in sorted(per_category.items())),
        *runner.failures(results),
    ]
    report = "\n".join(lines)
    print(report)
    assert next(r for r in results if r.id == "the-issue").ok, report  # the issue's own conversation, always
    assert total.turn_accuracy >= runner.TURN_FLOOR, report
    assert total.conversation_accuracy >= runner.CONVERSATION_FLOOR, report

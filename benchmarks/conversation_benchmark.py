"""How well the chat follows a conversation with the offline parser, on the labelled multi-turn corpus.

    .venv/bin/python benchmarks/conversation_benchmark.py [--only ID ...] [--failures N]

Runs every conversation of tests/conversations/corpus.jsonl through the
orchestrator's real handler, wired in this process to the three real service
handlers, over a moto DynamoDB server it starts itself (as the tests do), and
prints: turns right, whole conversations right, both per category, and every
failing turn, expected against answered. Then the single-message corpus's score,
from benchmarks/parser_benchmark.py (`make bench-parser` prints its full report).
Exits 1 below the floors that tests/conversations/test_corpus.py holds it to.
LOCAL_CLOCK moves the clock as it does for the tests (docs/testing.md).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a plain script, so put the layer and every function's code on the path the way Lambda puts
# /opt/python and the function's code on it, and the checkout itself for the tests' helpers.
sys.path[:0] = [
    str(ROOT / "layers" / "shared"),
    *(str(ROOT / "functions" / name) for name in ("intent_parser", "availability", "booking", "orchestrator")),
    str(ROOT),
]

from local import clock as local_clock  # noqa: E402
from tests.conversations import runner  # noqa: E402


def single_message_score() -> tuple[int, int]:
    """The offline parser's exact action+date+time on the single-message corpus, as parser_benchmark counts it."""
    from benchmarks import parser_benchmark

    entries = parser_benchmark.load()
    answers, _ = parser_benchmark.offline_answers(entries, runs=1)
    right, _ = parser_benchmark.score(entries, answers, ("action", "date", "time"))
    return right, len(entries)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--only", nargs="+", metavar="ID", help="run only these conversations")
    options.add_argument("--failures", type=int, default=200, metavar="N", help="list at most N failures (200)")
    args = options.parse_args()

    local_clock.travel()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request lines
    conversations = runner.load_corpus()
    if args.only:
        conversations = [c for c in conversations if c["id"] in set(args.only)]
        if not conversations:
            print(f"no conversation is called {' or '.join(args.only)}", file=sys.stderr)
            return 2

    started = time.perf_counter()
    # The functions print their metrics (EMF lines) on stdout, as in Lambda: kept out of the report.
    with (
        runner.moto_server() as endpoint,
        runner.service_environment(endpoint),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        results = runner.run_all(conversations)
    elapsed = time.perf_counter() - started
    total, per_category = runner.score(results)

    zones = {c.get("zone") or "default" for c in conversations}
    print(
        f"Conversation corpus: {total.conversations} conversations, {total.turns} turns, "
        f"{len(per_category)} categories, {len(zones)} time zones; offline parser"
    )
    print(
        f"  turns right            {total.turn_accuracy:7.1%}  ({total.turns_right}/{total.turns})"
        f"   floor >= {runner.TURN_FLOOR:.0%}"
    )
    print(
        f"  conversations right    {total.conversation_accuracy:7.1%}  "
        f"({total.conversations_right}/{total.conversations})   floor >= {runner.CONVERSATION_FLOOR:.0%}"
    )
    print(f"  run time               {elapsed:.1f} s ({elapsed / max(1, total.turns) * 1000:.0f} ms a turn)")
    print()
    print(f"  {'category':24} {'convs':>5} {'turns':>5}  {'turns right':>11}  {'convs right':>11}")
    for category in runner.CATEGORIES:
        found = per_category.get(category)
        if found is None:
            print(f"  {category:24} {0:5} {0:5}  {'-':>11}  {'-':>11}")
            continue
        print(
            f"  {category:24} {found.conversations:5} {found.turns:5}  {found.turn_accuracy:11.0%}"
            f"  {found.conversation_accuracy:11.0%}"
        )

    failing = runner.failures(results)
    if failing:
        print()
        print("Failing turns (expected against answered):")
        shown = 0
        for line in failing:
            if not line.startswith("    "):
                shown += 1
                if shown > args.failures:
                    print(f"  ... and more: --failures {len(failing)} shows them all")
                    break
            print(f"  {line}")

    right, count = single_message_score()
    print()
    print("Single-message corpus (benchmarks/parser_benchmark.py; make bench-parser for its full report)")
    print(f"  exact action+date+time {right / count:7.1%}  ({right}/{count})")

    met = total.turn_accuracy >= runner.TURN_FLOOR and total.conversation_accuracy >= runner.CONVERSATION_FLOOR
    print()
    print("Floors met." if met else "Floors NOT met.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

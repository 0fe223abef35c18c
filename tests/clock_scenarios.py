"""`make test-clock`: the date-sensitive tests with the clock moved to the days that break date code.

    make test-clock                      # every scenario
    make test-clock SCENARIO=new-year    # one of them

Each scenario runs the date-sensitive tiers (TIERS) in a fresh pytest with
LOCAL_CLOCK (every process of the tests and of their local stacks moves to that
instant, and time goes on passing from there) and FACILITY_TIMEZONE (the
facility's zone). The days are found from today, so they are always the next
such days: New Year's Eve where it is already New Year, and the next days the
clocks go forward and back in London and New York, five minutes before the
change, so a run crosses it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Each scenario is its own pytest on free ports: two at a time use both cores.
JOBS = 2

# The tests whose answers depend on the day: the handlers and the local stack read the real clock.
# (The fuzzing, identity and bad-input files of tests/functions refuse before any date is read.)
TIERS = (
    "tests/functions/test_event_files.py",
    "tests/functions/test_orchestrator.py",
    "tests/functions/test_ownership_api.py",
    "tests/functions/test_conversation.py",
    "tests/functions/test_explanations.py",
    "tests/conversations/test_corpus.py",
    "tests/functions/test_faults.py",
    "tests/functions/test_calendar.py",
    "tests/functions/test_series_api.py",
    "tests/functions/test_series_chat.py",
    # The page takes "today" from the service, never from the browser's clock (which is not moved).
    "tests/browser/test_page_demo.py::test_chat_books_and_the_cell_is_shown_as_yours",
    "tests/browser/test_page_demo.py::test_tapping_a_free_cell_books_it_after_one_confirmation",
    "tests/local/test_events.py",
    "tests/local/test_stack.py",
)


@dataclass(frozen=True)
class Scenario:
    name: str
    clock: str  # LOCAL_CLOCK: an instant, or +45d
    zone: str
    why: str


def changes(zone: str, after: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The next instants (UTC) after `after` when the zone's clocks go forward, and back."""
    tz = ZoneInfo(zone)
    forward = back = None
    moment = after.replace(minute=0, second=0, microsecond=0)
    previous = moment.astimezone(tz).utcoffset()
    while forward is None or back is None:
        moment += dt.timedelta(hours=1)
        offset = moment.astimezone(tz).utcoffset()
        if offset != previous:
            assert offset is not None
            assert previous is not None
            if offset > previous and forward is None:
                forward = moment
            elif offset < previous and back is None:
                back = moment
            previous = offset
    return forward, back


def scenarios(now: dt.datetime | None = None) -> list[Scenario]:
    now = now or dt.datetime.now(dt.UTC)
    new_years_eve = dt.datetime(now.year, 12, 31, 10, 30, tzinfo=dt.UTC)
    if new_years_eve < now:
        new_years_eve = new_years_eve.replace(year=now.year + 1)
    found = [
        Scenario("45-days", "+45d", "UTC", "45 days from today"),
        Scenario(
            "new-year",
            new_years_eve.isoformat(),
            "Pacific/Kiritimati",
            "31 December 10:30 UTC, already 00:30 on 1 January in Kiritimati (UTC+14)",
        ),
    ]
    for zone, short in (("Europe/London", "london"), ("America/New_York", "new-york")):
        forward, back = changes(zone, now)
        for kind, instant in (("forward", forward), ("back", back)):
            before = instant - dt.timedelta(minutes=5)
            local = before.astimezone(ZoneInfo(zone))
            found.append(
                Scenario(
                    f"{short}-{kind}",
                    before.isoformat(),
                    zone,
                    f"{local:%A %d %B %Y %H:%M} in {zone}, five minutes before the clocks go {kind}",
                )
            )
    return found


def run(scenario: Scenario, extra: list[str]) -> tuple[int, float]:
    """One scenario in its own pytest; its output is printed whole when it ends (scenarios run side by side)."""
    environment = {**os.environ, "LOCAL_CLOCK": scenario.clock, "FACILITY_TIMEZONE": scenario.zone}
    environment.pop("LOCAL_CLOCK_OFFSET_SECONDS", None)
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TIERS, *extra]
    done = subprocess.run(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with _printing:
        print(f"\n=== {scenario.name}: {scenario.why}")
        print(f"    LOCAL_CLOCK={scenario.clock} FACILITY_TIMEZONE={scenario.zone}")
        print(done.stdout, end="", flush=True)
    return done.returncode, time.monotonic() - started


_printing = threading.Lock()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.clock_scenarios", description=__doc__)
    parser.add_argument("--scenario", help="run only this one (names: --list)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument(
        "--jobs", type=int, default=JOBS, help=f"scenarios run side by side (default {JOBS}: the machine's 2 cores)"
    )
    args, extra = parser.parse_known_args(argv)
    chosen = [s for s in scenarios() if args.scenario in (None, "", s.name)]
    if args.list or not chosen:
        for scenario in scenarios():
            print(f"{scenario.name:17} LOCAL_CLOCK={scenario.clock:26} {scenario.zone:19} {scenario.why}")
        return 0 if args.list else 2
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda scenario: run(scenario, extra), chosen))
    results = [(scenario, *outcome) for scenario, outcome in zip(chosen, outcomes, strict=True)]
    print("\n=== clock scenarios")
    for scenario, returncode, seconds in results:
        print(f"{'passed' if returncode == 0 else 'FAILED':7} {scenario.name:17} {seconds:5.0f} s  {scenario.why}")
    return 0 if all(returncode == 0 for _, returncode, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Accuracy and speed of the offline intent parser on the labelled corpus, with dateparser as a reference.

    .venv/bin/python benchmarks/parser_benchmark.py [--runs N] [--failures] [--no-dateparser]

Prints, for the offline parser: exact action+date+time (the target, >= 97%), exact
date+time, every field, the same per category, and the median / p99 parse time
(target: median < 1 ms). For dateparser (search_dates, then parse, with
PREFER_DATES_FROM=future, RELATIVE_BASE=the local now, TIMEZONE=the facility's):
exact date+time on the same messages (dateparser has no notion of an action, a
court or a window). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
# Run as a plain script, so put the layer and the intent parser's code on the path the way Lambda
# puts /opt/python and the function's code on it.
sys.path[:0] = [str(ROOT / "layers" / "shared"), str(ROOT / "functions" / "intent_parser")]

from courtbooking.config import Facility  # noqa: E402
from intent.offline import OfflineParser  # noqa: E402

CORPUS = ROOT / "tests" / "intent_parser" / "corpus.jsonl"
TARGET_ACCURACY = 0.97
TARGET_MEDIAN_MS = 1.0
# What counts as "a time was given" in dateparser's matched text (it fills a missing time in from the base).
_TIME_WORDS = re.compile(
    r"\d\s*(?:am|pm|a\.m|p\.m)|\d[:.]\d\d|noon|midday|midnight|o'?clock|\b(?:at|@)\s*\d|\d{3,4}\s*h"
    r"|\bhours?\b|half past|quarter",
    re.IGNORECASE,
)


def facility(timezone: str) -> Facility:
    return Facility(
        timezone=ZoneInfo(timezone),
        courts=("Court A", "Court B", "Court C"),
        opening=dt.time(8),
        closing=dt.time(21),
        slot_minutes=60,
        horizon_days=14,
    )


def load() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def instant(entry: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(entry["now"].replace("Z", "+00:00"))


def offline_answers(entries: list[dict], runs: int) -> tuple[list[dict], list[float]]:
    parsers = {tz: OfflineParser(facility(tz)) for tz in {e["timezone"] for e in entries}}
    answers: list[dict] = []
    timings: list[float] = []
    for run in range(runs):
        for entry in entries:
            parser, now = parsers[entry["timezone"]], instant(entry)
            start = time.perf_counter()
            intent = parser.parse(entry["message"], now)
            timings.append((time.perf_counter() - start) * 1000)
            if run == 0:
                answers.append(json.loads(intent.model_dump_json(include=set(entry["expected"]))))
    return answers, timings


def dateparser_answers(entries: list[dict]) -> tuple[list[dict], list[float], str]:
    import dateparser  # a reference only, not a dependency of the service
    from dateparser.search import search_dates

    answers, timings = [], []
    for entry in entries:
        tz = entry["timezone"]
        base = instant(entry).astimezone(ZoneInfo(tz)).replace(tzinfo=None)
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "TIMEZONE": tz,
            "TO_TIMEZONE": tz,
            "RETURN_AS_TIMEZONE_AWARE": False,
        }
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(entry["message"], languages=["en"], settings=settings) or []
            if not found:
                whole = dateparser.parse(entry["message"], languages=["en"], settings=settings)
                found = [(entry["message"], whole)] if whole else []
        timings.append((time.perf_counter() - start) * 1000)
        date = found[0][1].date().isoformat() if found else None
        timed = [value for text, value in found if _TIME_WORDS.search(text)]
        answers.append({"date": date, "time": f"{timed[0]:%H:%M}" if timed else None})
    return answers, timings, dateparser.__version__


def score(entries: list[dict], answers: list[dict], fields: tuple[str, ...]) -> tuple[int, dict[str, list[int]]]:
    total, per_category = 0, defaultdict(lambda: [0, 0])
    for entry, answer in zip(entries, answers, strict=True):
        ok = all(answer.get(f) == entry["expected"][f] for f in fields)
        total += ok
        per_category[entry["category"]][0] += ok
        per_category[entry["category"]][1] += 1
    return total, per_category


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--runs", type=int, default=20, help="passes over the corpus for the timings (default 20)")
    options.add_argument("--failures", action="store_true", help="list every message the offline parser got wrong")
    options.add_argument("--no-dateparser", action="store_true", help="skip the dateparser reference")
    args = options.parse_args()

    entries = load()
    n = len(entries)
    answers, timings = offline_answers(entries, max(1, args.runs))
    headline, per_category = score(entries, answers, ("action", "date", "time"))
    date_time, date_time_categories = score(entries, answers, ("date", "time"))
    every, _ = score(entries, answers, tuple(entries[0]["expected"]))
    median, p99 = statistics.median(timings), percentile(timings, 0.99)

    print(f"Corpus: {n} messages, {len(per_category)} categories, {len({e['timezone'] for e in entries})} time zones")
    print()
    print("Offline parser (intent.offline)")
    print(f"  exact action+date+time   {headline / n:7.1%}  ({headline}/{n})   target >= {TARGET_ACCURACY:.0%}")
    print(f"  exact date+time          {date_time / n:7.1%}  ({date_time}/{n})")
    print(f"  exact on every field     {every / n:7.1%}  ({every}/{n})   (+ window, court, duration)")
    print(
        f"  parse time               median {median:.3f} ms, p99 {p99:.3f} ms over {len(timings)} parses"
        f"   target median < {TARGET_MEDIAN_MS:g} ms"
    )

    reference = None
    if not args.no_dateparser:
        dp_answers, dp_timings, version = dateparser_answers(entries)
        dp_total, dp_categories = score(entries, dp_answers, ("date", "time"))
        reference = dp_categories
        print()
        print(f"dateparser {version} (reference; dates and times only)")
        print(f"  exact date+time          {dp_total / n:7.1%}  ({dp_total}/{n})")
        print(
            f"  parse time               median {statistics.median(dp_timings):.3f} ms, "
            f"p99 {percentile(dp_timings, 0.99):.3f} ms over {len(dp_timings)} parses"
        )

    print()
    header = f"  {'category':16} {'n':>4}  {'offline a+d+t':>13}  {'offline d+t':>11}"
    print(header + (f"  {'dateparser d+t':>14}" if reference else ""))
    for category in sorted(per_category):
        ok, count = per_category[category]
        dt_ok = date_time_categories[category][0]
        line = f"  {category:16} {count:4}  {ok / count:13.0%}  {dt_ok / count:11.0%}"
        if reference:
            line += f"  {reference[category][0] / count:14.0%}"
        print(line)

    failures = [
        (e, a)
        for e, a in zip(entries, answers, strict=True)
        if any(a.get(f) != e["expected"][f] for f in ("action", "date", "time"))
    ]
    if failures and (args.failures or len(failures) <= 15):
        print()
        print("Offline misses (action, date, time):")
        for entry, answer in failures:
            got = {f: answer.get(f) for f in ("action", "date", "time")}
            want = {f: entry["expected"][f] for f in ("action", "date", "time")}
            print(f"  [{entry['category']}] {entry['message']!r} ({entry['now']} {entry['timezone']})")
            print(f"      expected {want}")
            print(f"      got      {got}")

    met = headline / n >= TARGET_ACCURACY and median < TARGET_MEDIAN_MS
    print()
    print("Targets met." if met else "Targets NOT met.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

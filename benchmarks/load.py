"""`make load`: 100 concurrent chats on the local stack; p50/p99 against issue 15's targets, PASS or FAIL.

    .venv/bin/python benchmarks/load.py                                  # a stack of its own, both scenarios
    .venv/bin/python benchmarks/load.py --scenario distinct --clients 100
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:3000      # a running stack (`make run`)

Without --url it starts a local stack of its own on free ports (as `make run` starts it:
4 workers per function, the offline parser) and stops it afterwards; with --url it drives
that stack, whose slots must still be free (a fresh `make run`). Scenarios (each client is
a different user, X-User-Id load-<run>-<n>, all released at once):
- contention: every client asks for the same start ("book a court tomorrow at 3pm"):
  exactly one booking per court, the rest get `alternatives`, no errors; p50 at most 1.0 s.
- distinct: client n asks for its own free slot (court, hour, day): every one is booked,
  no errors; p50 at most 1.5 s. Its days start the day after tomorrow, so a contention run
  before it takes none of them.
Before the scenarios, a warm-up round (as many checks, "what's free tomorrow?", as there are
clients, all at once) starts every worker the stack will run, as on a stack that has been
serving: a first burst would otherwise time cold starts, which `make bench` measures.
Dates are the facility's today at the stack's clock (LOCAL_CLOCK moves it, local/clock.py).
The run is bounded (one request per client) and talks only to loopback or the URL given.
Exits 1 when the answers are wrong (an error, not one booking per court); a p50 over its
target is printed as FAIL but is no error: timings depend on the machine, and tests never
assert them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script: the checkout's `local` package

from local import clock, events, template  # noqa: E402

NO_ANSWER = "NO_ANSWER"
SCENARIOS = ("contention", "distinct")
P50_TARGET_SECONDS = {"contention": 1.0, "distinct": 1.5}
HOURS = range(8, 21)  # the template's 08:00 opening and 21:00 closing, 60-minute slots


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    seconds: float

    @property
    def label(self) -> str:
        if self.status == 200:
            return str(self.body.get("status"))
        if self.status == 0:
            return f"no answer ({self.body['error']['message'].split(':')[0]})"
        return f"{self.status} {self.body.get('error', {}).get('code', '')}".strip()


def post_chat(url: str, user: str, message: str, timeout: float = 35) -> Outcome:
    request = urllib.request.Request(  # noqa: S310 - a URL the user gives
        f"{url}/chat",
        data=json.dumps({"message": message}).encode(),
        headers={"content-type": "application/json", "x-user-id": user},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - a URL the user gives
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:  # refused, reset, timed out: the client got no answer
        reason = getattr(exc, "reason", exc)
        error = {"code": NO_ANSWER, "message": f"{type(reason).__name__}: {reason}"}
        return Outcome(0, {"error": error}, time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    try:
        body = json.loads(raw)
    except ValueError:
        body = {"raw": raw.decode(errors="replace")[:200]}
    return Outcome(status, body, elapsed)


def court_names(parameters: dict[str, str] | None = None) -> list[str]:
    """The stack's courts: its Courts parameter, else the template's default."""
    value = (parameters or {}).get("Courts") or template.parameter_defaults()["Courts"]
    return [name.strip() for name in value.split(",") if name.strip()]


def messages(scenario: str, clients: int, today: dt.date, courts: list[str]) -> list[str]:
    if scenario == "contention":
        return ["Book a court for tomorrow at 3pm"] * clients
    slots = [(day, hour, court) for day in range(2, 9) for hour in HOURS for court in courts]
    if clients > len(slots):
        raise SystemExit(f"distinct: at most {len(slots)} clients (free slots in the next week)")
    return [
        f"book {court.lower()} on {(today + dt.timedelta(days=day)).isoformat()} at {hour:02d}:00"
        for day, hour, court in slots[:clients]
    ]


def run(url: str, scenario: str, clients: int, concurrency: int, today: dt.date, courts: list[str]) -> list[Outcome]:
    texts = messages(scenario, clients, today, courts)
    run_id = uuid.uuid4().hex[:6]
    together = threading.Barrier(clients) if concurrency >= clients else None  # all released at once

    def one(n: int) -> Outcome:
        if together is not None:
            together.wait(timeout=60)
        return post_chat(url, f"load-{run_id}-{n}", texts[n])

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, range(clients)))


def warm_up(url: str, clients: int, concurrency: int) -> None:
    """Every worker started: `clients` checks at once, which book nothing; any error ends the run."""
    run_id = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(max_workers=min(clients, concurrency)) as pool:
        outcomes = list(
            pool.map(lambda n: post_chat(url, f"warm-{run_id}-{n}", "what's free tomorrow?"), range(clients))
        )
    failed = Counter(o.label for o in outcomes if o.status != 200)
    if failed:
        raise SystemExit(f"the warm-up's checks failed: {dict(failed)}")


def report(outcomes: list[Outcome], wall: float) -> dict[str, Any]:
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    p99_index = max(0, round(0.99 * len(latencies)) - 1)
    return {
        "requests": len(outcomes),
        "wall_seconds": round(wall, 2),
        "throughput_rps": round(len(outcomes) / wall, 1) if wall else None,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[p99_index], 1),
        "outcomes": dict(Counter(o.label for o in outcomes)),
    }


def verdicts(scenario: str, clients: int, courts: int, figures: dict[str, Any]) -> tuple[bool, bool]:
    """(the answers are right, the p50 is within its target), printed with what was expected."""
    outcomes = figures["outcomes"]
    errors = sum(n for label, n in outcomes.items() if label not in ("booked", "alternatives"))
    booked = outcomes.get("booked", 0)
    expected = courts if scenario == "contention" else clients
    right = errors == 0 and booked == expected
    target = P50_TARGET_SECONDS[scenario] * 1000
    fast = figures["p50_ms"] <= target
    where = "all on one slot" if scenario == "contention" else "on distinct slots"
    print(f"  {clients} concurrent users {where}:")
    print(f"    p50 {figures['p50_ms']:8.0f} ms   target <= {target:.0f} ms   {'PASS' if fast else 'FAIL'}")
    print(f"    p99 {figures['p99_ms']:8.0f} ms")
    print(f"    booked {booked}, errors {errors}   target booked {expected}, errors 0   {'PASS' if right else 'FAIL'}")
    print(f"    wall {figures['wall_seconds']} s, {figures['throughput_rps']} req/s; {json.dumps(figures)}")
    return right, fast


@contextmanager
def own_stack() -> Iterator[tuple[str, list[str]]]:
    """A local stack as `make run` starts it, on free ports, with the offline parser: its API's URL, its courts."""
    from local.stack import LocalStack, local_parameters

    stack = LocalStack(
        api_port=0,
        invoke_port=0,
        dynamodb_port=0,
        parameters={"AuthMode": "none"},
        environment={"IntentParserFunction": {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}},
        log=lambda source, line: None,
    )
    print("starting a local stack on free ports (offline parser, 4 workers per function)", flush=True)
    stack.start()
    try:
        wait_for_health(stack.api_url)
        yield stack.api_url, court_names(local_parameters(stack.parameters))
    finally:
        stack.stop()


def wait_for_health(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:  # noqa: S310 - our stack
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url}/health did not answer 200 within {seconds:.0f} s")


def drive(url: str, courts: list[str], scenarios: list[str], clients: int, concurrency: int) -> tuple[bool, bool]:
    today = events.facility_today()
    print(f"  warming up: {clients} checks at once", flush=True)
    warm_up(url, clients, concurrency)
    right, fast = True, True
    for scenario in scenarios:
        started = time.perf_counter()
        outcomes = run(url, scenario, clients, concurrency, today, courts)
        figures = {"scenario": scenario, **report(outcomes, time.perf_counter() - started)}
        scenario_right, scenario_fast = verdicts(scenario, clients, len(courts), figures)
        right, fast = right and scenario_right, fast and scenario_fast
    return right, fast


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running stack's API (default: start one on free ports)")
    parser.add_argument("--scenario", choices=[*SCENARIOS, "both"], default="both")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args(argv)
    clock.travel()
    scenarios = list(SCENARIOS) if args.scenario == "both" else [args.scenario]
    if args.url:
        right, fast = drive(args.url.rstrip("/"), court_names(), scenarios, args.clients, args.concurrency)
    else:
        with own_stack() as (url, courts):
            right, fast = drive(url, courts, scenarios, args.clients, args.concurrency)
    print(f"answers {'right' if right else 'WRONG'}; p50 targets {'met' if fast else 'NOT met'}")
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())

"""Drive a running API with concurrent clients; print throughput, latency and outcomes.

    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:3000 --scenario contention --clients 100
    .venv/bin/python benchmarks/load.py --scenario distinct --clients 100

Scenarios (each client is a different user, X-User-Id load-<run>-<n>):
- contention: every client asks for the same start ("book court tomorrow at 15:00"):
  exactly one booking per court, the rest get `alternatives`.
- distinct: client n asks for its own free slot (court, hour, day): every one is booked.
  Its days start the day after tomorrow, so a contention run before it takes none of them.
The run is bounded (one request per client) and talks only to the URL given (loopback by default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

NO_ANSWER = "NO_ANSWER"


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


def messages(scenario: str, clients: int, courts: list[str], hours: range) -> list[str]:
    if scenario == "contention":
        return ["Book a court for tomorrow at 3pm"] * clients
    slots = [(day, hour, court) for day in range(2, 9) for hour in hours for court in courts]
    if clients > len(slots):
        raise SystemExit(f"distinct: at most {len(slots)} clients (free slots in the next week)")
    today = dt.date.today()
    return [
        f"book {court} on {(today + dt.timedelta(days=day)).isoformat()} at {hour:02d}:00"
        for day, hour, court in slots[:clients]
    ]


def run(url: str, scenario: str, clients: int, concurrency: int) -> list[Outcome]:
    courts = ["court A", "court B", "court C"]
    texts = messages(scenario, clients, courts, range(8, 21))
    run_id = uuid.uuid4().hex[:6]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda n: post_chat(url, f"load-{run_id}-{n}", texts[n]), range(clients)))


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000")
    parser.add_argument("--scenario", choices=["contention", "distinct"], default="contention")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run(args.url.rstrip("/"), args.scenario, args.clients, args.concurrency)
    print(json.dumps({"scenario": args.scenario, **report(outcomes, time.perf_counter() - started)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz a running local API from its own OpenAPI description with schemathesis.

    make run                                   # in one terminal
    make fuzz-api                              # ~5000 requests
    make fuzz-api ARGS="--max-examples 200 --url http://127.0.0.1:3000"

The description is read from <url>/swagger?format=json. For every operation,
schemathesis generates requests that follow the schema and requests that break
it (wrong types, missing fields, out-of-range values), --max-examples of them
per operation, and each answer is checked: no 5xx, and the status code, the
content type, the headers and the body are the ones the description declares.
Every request carries `X-User-Id` (the local run's sign-in is off). The run is
bounded and talks only to a loopback URL. It prints the number of requests, the
count per status code and every distinct failure with a curl command that
reproduces it, and exits 1 when there was a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import socket
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.errors import FailureGroup

SCHEMA_PATH = "/swagger?format=json"
DEFAULT_MAX_EXAMPLES = 830  # x 6 operations (GET /health has nothing to vary), + realistic cases: ~5000 requests
REQUEST_TIMEOUT_SECONDS = 35.0  # API Gateway's own limit is 30 s: anything slower is a finding, not a hang


def checks() -> list[Any]:
    """No 5xx, and the answer is one the description declares: status, content type, headers, body."""
    return [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_headers_conformance,
        schemathesis.checks.response_schema_conformance,
    ]


def config_data(user: str, max_examples: int, seed: int | None = None) -> dict[str, Any]:
    """Both generation modes, no example database on disk, the caller's X-User-Id on every request."""
    data: dict[str, Any] = {
        "headers": {"X-User-Id": user},
        "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
        "request-timeout": REQUEST_TIMEOUT_SECONDS,
    }
    if seed is not None:
        data["seed"] = seed
    return data


def require_loopback(url: str) -> str:
    """The URL without a trailing slash, or SystemExit if it is not on this machine."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise SystemExit(f"{url}: cannot resolve {host!r} ({exc})") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"{url}: only a local API (loopback address) may be fuzzed")
    return url.rstrip("/")


def load_schema(url: str, user: str, max_examples: int, seed: int | None = None) -> Any:
    settings = schemathesis.Config.from_dict(config_data(user, max_examples, seed))
    return schemathesis.openapi.from_url(f"{url}{SCHEMA_PATH}", config=settings, wait_for_schema=30, timeout=30)


@dataclass
class Finding:
    operation: str
    title: str
    message: str
    status: int | None
    curl: str


@dataclass
class Report:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: dict[str, Counter[int]] = field(default_factory=dict)
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    seconds: float = 0.0

    def record(self, operation: str, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        self.by_operation.setdefault(operation, Counter())[status] += 1

    def fail(self, finding: Finding) -> None:
        """Keep the first example of each kind of failure per operation."""
        self.findings.setdefault((finding.operation, finding.title), finding)

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "status_codes": {str(code): n for code, n in sorted(self.statuses.items())},
            "by_operation": {
                op: {str(code): n for code, n in sorted(counts.items())} for op, counts in self.by_operation.items()
            },
            "failures": len(self.findings),
        }


def strategy_for(operation: Any) -> Any:
    """Requests that follow the schema and requests that break it (where it can be broken)."""
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def realistic_cases(operation: Any, today: dt.date | None = None) -> list[Any]:
    """Requests a person would send, so the answers of booking, conflict and limits are checked too.

    Random slot ids and messages almost never book anything; these do, in this order:
    book, list, cancel by chat; book by slot id, the same slot again (409), past the
    per-person limit (409), a duration that is not whole slots (422); a court that
    does not exist.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    day = [(today + dt.timedelta(days=n)).isoformat() for n in range(8)]
    chats = [
        f"Book a court on {day[2]} at 15:00",
        f"book court B on {day[2]} at 16:00 for 2 hours",
        "what have I booked?",
        f"cancel my booking on {day[2]} at 15:00",
        "what is free on Saturday afternoon?",
        f"is court A free on {day[3]} at 9am?",
        "book court Z tomorrow at 10am",
    ]
    slots = [
        {"slot_id": f"{day[4]}T10:00|Court B"},
        {"slot_id": f"{day[4]}T10:00|Court B"},
        {"slot_id": f"{day[4]}T11:00|Court A", "duration_minutes": 120},
        {"slot_id": f"{day[5]}T12:00|Court C"},
        {"slot_id": f"{day[6]}T12:00|Court C", "duration_minutes": 90},
    ]
    queries = [{"date": day[3], "time": "09:00"}, {"date": day[4], "court": "Court B"}, {"court": "Court Z"}]
    match operation.label:
        case "POST /chat":
            return [operation.Case(body={"message": text}, media_type="application/json") for text in chats]
        case "POST /bookings":
            return [operation.Case(body=body, media_type="application/json") for body in slots]
        case "GET /availability":
            return [operation.Case(query=query) for query in queries]
    return []


def fuzz_operation(
    operation: Any, url: str, headers: dict[str, str], max_examples: int, report: Report, seed: int | None
) -> None:
    label = operation.label

    def exercise(case: Any) -> None:
        try:
            response = case.call(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS)
        except Exception as exc:  # a hang or a dropped connection is a finding too
            report.fail(Finding(label, f"no answer: {type(exc).__name__}", str(exc)[:500], None, curl(case, headers)))
            return
        report.record(label, response.status_code)
        try:
            case.validate_response(response, checks=checks(), headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                report.fail(Finding(label, failure.title, failure.message, response.status_code, curl(case, headers)))

    settings = hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # failures are collected, not raised: nothing to shrink
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    test = hypothesis.given(case=strategy_for(operation))(exercise)
    for case in reversed(realistic_cases(operation)):  # explicit examples run in the order given
        test = hypothesis.example(case=case)(test)
    test = hypothesis.settings(settings)(test)
    if seed is not None:
        test = hypothesis.seed(seed)(test)
    started = time.perf_counter()
    try:
        test()
    finally:
        report.seconds += time.perf_counter() - started


def curl(case: Any, headers: dict[str, str]) -> str:
    try:
        return str(case.as_curl_command(headers=headers))
    except Exception:  # reproducing is a convenience; never lose the finding over it
        return ""


def fuzz(
    url: str,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    user: str | None = None,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Fuzz every operation of the API at `url` (loopback only); the report of what was sent and found."""
    url = require_loopback(url)
    user = user or f"fuzz-{uuid.uuid4().hex[:8]}"
    headers = {"X-User-Id": user}
    schema = load_schema(url, user, max_examples, seed)
    report = Report()
    for result in schema.get_all_operations():
        operation = result.ok()
        before = report.requests
        fuzz_operation(operation, url, headers, max_examples, report, seed)
        if progress is not None:
            progress(f"{operation.label}: {report.requests - before} requests")
    return report


def describe(finding: Finding) -> str:
    status = finding.status if finding.status is not None else "no answer"
    return f"{finding.operation} [{status}] {finding.title}\n    {finding.message.strip()}\n    {finding.curl}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the running local API")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"generated requests per operation (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument("--user", help="X-User-Id sent on every request (default: a fresh fuzz-<id>)")
    parser.add_argument("--seed", type=int, help="make the generated requests repeatable")
    args = parser.parse_args(argv)
    if args.max_examples < 1:
        parser.error("--max-examples must be at least 1")

    report = fuzz(
        args.url,
        args.max_examples,
        args.user,
        args.seed,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(json.dumps(report.summary(), indent=2))
    for finding in report.findings.values():
        print(describe(finding))
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())

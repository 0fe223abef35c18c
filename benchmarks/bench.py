"""`make bench`: every target of issue 15, measured in one run, each with its target and PASS or FAIL.

    .venv/bin/python benchmarks/bench.py [--runs 7] [--invokes 50] [--chats 30]

Cold start: each handler module is imported in a fresh interpreter isolated as Lambda's is
(`python -I -S`; on the path only the function's code folder, its requirements, the layer
and its requirements, and a folder holding boto3 alone, as `local.runtime.boto3_runtime_dir`
makes it). The figure is the import's own time, taken inside the child as the local runtime
takes Init Duration (interpreter start-up, alike for every run, is left out), the median of
`--runs`, as a ratio to the floor `import boto3; boto3.client("dynamodb")` measured the same
way in the same run; the runs are interleaved (floor, each function, the original design,
then again) so that noise hits all alike. The intent parser runs its offline path (no key),
and the modules it must not import are named if it does. Peak memory is the child's
VmHWM. The original single-Lambda design's imports (`import fastapi, mangum, openai`)
are measured the same way from a throwaway virtualenv.

Warm: on a local stack started here on free ports, with the offline parser: the round trip
of a direct invoke of the intent parser (boto3's Lambda client, as the orchestrator calls
it) against the function's own Duration from its REPORT line; warm POST /chat for a check
and for a booking (each booking by a user of its own on a slot of its own, so each really
books). Calls per chat are counted at the stack's endpoints (`LocalStack.requests()`).

The requirements are installed once into .bench/ (pip install --target, and the virtualenv
there), again only when a requirements file changes. Exits 1 when a target is missed.
Timings live here, never in the tests. LOCAL_CLOCK moves the clock as it does for the stack.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: the checkout's `local` package

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from local import clock, events  # noqa: E402
from local.dynamodb import LOCAL_CREDENTIALS, LOCAL_REGION  # noqa: E402
from local.runtime import FunctionConfig, boto3_runtime_dir  # noqa: E402
from local.stack import LOCAL_TABLE_NAME, LocalStack  # noqa: E402

CACHE = ROOT / ".bench"
PARSER, AVAILABILITY, BOOKING, ORCHESTRATOR = (
    "IntentParserFunction",
    "AvailabilityFunction",
    "BookingFunction",
    "OrchestratorFunction",
)
FUNCTIONS = (PARSER, AVAILABILITY, BOOKING, ORCHESTRATOR)
OFFLINE = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}  # a key in the shell cannot turn OpenAI on
NOT_ON_THE_OFFLINE_PATH = ("boto3", "botocore", "openai", "aws_xray_sdk")
FLOOR = "import boto3; boto3.client('dynamodb')"
ORIGINAL = "import fastapi, mangum, openai"
ORIGINAL_PACKAGES = ("fastapi", "mangum", "openai")

# Issue 15's targets.
COLD_TARGETS = {AVAILABILITY: 1.25, BOOKING: 1.25, ORCHESTRATOR: 1.3, PARSER: 0.7}
ORIGINAL_TARGET = 0.55
INVOKE_OVERHEAD_MS = 5.0
CHECK_MS, BOOKING_MS = 30.0, 50.0
BOOKING_CALLS = ({PARSER: 1, AVAILABILITY: 1, BOOKING: 1}, {"Query": 1, "GetItem": 1, "TransactWriteItems": 1})
CHECK_CALLS = ({PARSER: 1, AVAILABILITY: 1}, {"Query": 1})

# Runs in the isolated child: only the standard library is on the path until `path` is put there.
CHILD = """
import json, resource, sys, time
spec = json.loads(sys.argv[1])
sys.path[:0] = spec["path"]
started = time.perf_counter()
exec(spec["code"], {})
ms = (time.perf_counter() - started) * 1000
# VmHWM, this process's own peak resident memory: ru_maxrss would carry the parent's over exec.
with open("/proc/self/status") as status:
    hwm = [line for line in status if line.startswith("VmHWM:")]
peak_mb = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"ms": ms, "peak_mb": peak_mb, "imported": [m for m in spec["watch"] if m in sys.modules]}))
"""


# --- the report ---------------------------------------------------------------------------
@dataclass
class Report:
    rows: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def add(self, figure: str, measured: str, target: str, met: bool) -> None:
        self.rows.append((figure, measured, target, met))
        print(f"  {figure:60} {measured:>24}  {target:>14}  {'PASS' if met else 'FAIL'}", flush=True)

    @property
    def met(self) -> bool:
        return all(met for *_, met in self.rows)


def heading(text: str) -> None:
    print(f"\n{text}\n  {'figure':60} {'measured':>24}  {'target':>14}", flush=True)


# --- .bench/: the isolated folders, installed once ----------------------------------------
def installed(target: Path, requirements: Path) -> Path:
    """`pip install --target` of a requirements file, redone only when the file (or Python) changed."""
    stamp = target / ".bench-stamp"
    digest = hashlib.sha256(requirements.read_bytes() + sys.version.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return target
    shutil.rmtree(target, ignore_errors=True)
    print(f"installing {requirements.relative_to(ROOT)} into {target.relative_to(ROOT)} (once)", flush=True)
    pip(sys.executable, "--target", str(target), "-r", str(requirements))
    stamp.write_text(digest)
    return target


def original_site_packages() -> Path:
    """A throwaway virtualenv with the original single-Lambda design's imports (fastapi, mangum, openai)."""
    venv = CACHE / "original-venv"
    stamp = venv / ".bench-stamp"
    python = venv / "bin" / "python"
    if not stamp.exists() or stamp.read_text() != sys.version:
        shutil.rmtree(venv, ignore_errors=True)
        print(f"installing {', '.join(ORIGINAL_PACKAGES)} into {venv.relative_to(ROOT)} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603 - this Python
        pip(str(python), *ORIGINAL_PACKAGES)
        stamp.write_text(sys.version)
    found = subprocess.run(  # noqa: S603 - the virtualenv made here
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())


def pip(python: str, *args: str) -> None:
    command = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - pip of a Python of ours
    if result.returncode != 0:
        raise SystemExit(f"pip install failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def has_requirements(path: Path) -> bool:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return any(line.split("#")[0].strip() for line in lines)


def distribution_versions(site: Path, names: tuple[str, ...]) -> str:
    found = []
    for name in names:
        info = sorted(site.glob(f"{name}-*.dist-info"))
        found.append(info[-1].name.removesuffix(".dist-info").replace("-", " ") if info else f"{name} ?")
    return ", ".join(found)


# --- cold starts --------------------------------------------------------------------------
@dataclass
class Subject:
    name: str
    code: str
    path: list[Path]
    environment: dict[str, str]
    cwd: Path
    ms: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    imported: set[str] = field(default_factory=set)
    note: str = ""

    def run(self) -> None:
        spec = {"path": [str(p) for p in self.path], "code": self.code, "watch": list(NOT_ON_THE_OFFLINE_PATH)}
        result = subprocess.run(  # noqa: S603 - this Python, isolated
            [sys.executable, "-I", "-S", "-c", CHILD, json.dumps(spec)],
            env=self.environment,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise SystemExit(f"{self.name}: the import failed:\n{result.stderr[-3000:]}")
        answer = json.loads(result.stdout.strip().splitlines()[-1])
        self.ms.append(answer["ms"])
        self.peak_mb.append(answer["peak_mb"])
        self.imported.update(answer["imported"])

    @property
    def median(self) -> float:
        return statistics.median(self.ms)


def function_configs() -> dict[str, FunctionConfig]:
    """Each function as the local stack sets it up (code folder, handler, environment), offline parser."""
    nowhere = "http://127.0.0.1:9"  # nothing is called at import: the endpoints are never reached
    stack = LocalStack(api_port=None, dynamodb_endpoint=nowhere, lambda_endpoint=nowhere, environment={PARSER: OFFLINE})
    return {config.name: config for config in stack.function_configs()}


def cold_subjects() -> tuple[Subject, dict[str, Subject], Subject]:
    runtime = boto3_runtime_dir(CACHE / "runtime")
    configs = function_configs()
    layer_sources = {path for config in configs.values() for path in config.layer_paths}
    layer_packages = {
        source: installed(CACHE / "layers" / source.name, source / "requirements.txt") for source in layer_sources
    }
    floor_environment = next(iter(configs.values())).environment
    floor = Subject("floor", FLOOR, [runtime], floor_environment, ROOT)
    functions = {}
    for name in FUNCTIONS:
        config = configs[name]
        own = [config.code_dir]
        if has_requirements(config.code_dir / "requirements.txt"):
            own.append(installed(CACHE / "functions" / name, config.code_dir / "requirements.txt"))
        layers = [p for source in config.layer_paths for p in (source, layer_packages[source])]
        module = config.handler.rpartition(".")[0]
        environment = {**config.environment, "LAMBDA_TASK_ROOT": str(config.code_dir)}
        functions[name] = Subject(name, f"import {module}", [*own, *layers, runtime], environment, config.code_dir)
    original_site = original_site_packages()
    original = Subject(ORIGINAL, ORIGINAL, [original_site, runtime], floor_environment, ROOT)
    original.note = distribution_versions(original_site, ORIGINAL_PACKAGES)
    return floor, functions, original


def cold_starts(report: Report, runs: int) -> None:
    floor, functions, original = cold_subjects()
    subjects = [floor, *functions.values(), original]
    print(f"\ncold starts: {runs} interleaved runs of {len(subjects)} imports (after one untimed round)", flush=True)
    for subject in subjects:  # writes the .pyc files and fills the page cache: not timed
        subject.run()
        subject.ms.clear()
        subject.peak_mb.clear()
    for _ in range(runs):
        for subject in subjects:
            subject.run()
    print(f"  floor `{FLOOR}`: {floor.median:.0f} ms, peak {max(floor.peak_mb):.0f} MB")
    print(f"  original design `{ORIGINAL}` ({original.note}): {original.median:.0f} ms")

    heading("Cold start, handler module in a fresh isolated interpreter, median ÷ the floor")
    for name in (AVAILABILITY, BOOKING, ORCHESTRATOR, PARSER):
        subject = functions[name]
        ratio = subject.median / floor.median
        label = f"{name} ({subject.median:.0f} ms, peak {max(subject.peak_mb):.0f} MB)"
        report.add(label, f"{ratio:.2f}x", f"<= {COLD_TARGETS[name]}x", ratio <= COLD_TARGETS[name])
    parser = functions[PARSER]
    imported = ", ".join(sorted(parser.imported)) or "none"
    report.add(f"{PARSER} offline: of {', '.join(NOT_ON_THE_OFFLINE_PATH)}", imported, "none", not parser.imported)
    ratio = functions[ORCHESTRATOR].median / original.median
    report.add(
        "OrchestratorFunction ÷ the original design's imports",
        f"{ratio:.2f}x",
        f"<= {ORIGINAL_TARGET}x",
        ratio <= ORIGINAL_TARGET,
    )
    for name in FUNCTIONS:
        others = sorted(functions[name].imported)
        print(f"  {name} imports at start-up: {', '.join(others) or 'none'} (of {', '.join(NOT_ON_THE_OFFLINE_PATH)})")


# --- warm, on a local stack ---------------------------------------------------------------
class Reports:
    """A log sink keeping each REPORT line's Duration, by request id and in order with its function."""

    LINE = re.compile(r"^REPORT RequestId: (\S+)\tDuration: ([0-9.]+) ms")

    def __init__(self) -> None:
        self._durations: dict[str, float] = {}
        self._order: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def __call__(self, source: str, line: str) -> None:
        found = self.LINE.match(line)
        if found:
            with self._lock:
                self._durations[found[1]] = float(found[2])
                self._order.append((source, float(found[2])))

    def duration(self, request_id: str) -> float:
        with self._lock:
            return self._durations[request_id]

    def mark(self) -> int:
        with self._lock:
            return len(self._order)

    def medians_since(self, mark: int) -> str:
        """Each function's median Duration since `mark`: where a chat's time goes."""
        with self._lock:
            seen = self._order[mark:]
        by_function: dict[str, list[float]] = {}
        for source, duration in seen:
            by_function.setdefault(source, []).append(duration)
        return ", ".join(f"{name} {statistics.median(d):.1f} ms" for name, d in sorted(by_function.items()))


class Api:
    """POST /chat on one kept-alive connection, as a browser keeps it."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=40)

    def chat(self, user: str, message: str) -> tuple[float, dict[str, Any]]:
        body = json.dumps({"message": message})
        headers = {"content-type": "application/json", "x-user-id": user}
        started = time.perf_counter()
        self._connection.request("POST", "/chat", body=body, headers=headers)
        response = self._connection.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"POST /chat {message!r} answered {response.status}: {raw[:300]!r}")
        return elapsed, json.loads(raw)

    def close(self) -> None:
        self._connection.close()


def median_of(samples: list[float]) -> float:
    return statistics.median(samples)


def direct_invokes(report: Report, stack: LocalStack, reports: Reports, count: int) -> None:
    client = boto3.client(
        "lambda",
        endpoint_url=stack.invoke_url,
        region_name=LOCAL_REGION,
        **LOCAL_CREDENTIALS,
        config=Config(read_timeout=30, retries={"total_max_attempts": 1}),
    )
    payload = json.dumps({"message": "is anything free tomorrow at 4pm?"}).encode()
    trips, durations, overheads = [], [], []
    for n in range(count + 10):  # the first 10 open the connection and warm the worker: not counted
        started = time.perf_counter()
        answer = client.invoke(FunctionName=PARSER, Payload=payload)
        answer["Payload"].read()
        trip = (time.perf_counter() - started) * 1000
        if n < 10:
            continue
        duration = reports.duration(answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"])
        trips.append(trip)
        durations.append(duration)
        overheads.append(trip - duration)
    overhead = median_of(overheads)
    label = f"invoke round trip (median {median_of(trips):.1f} ms) - Duration ({median_of(durations):.2f} ms)"
    report.add(label, f"+{overhead:.1f} ms", f"<= +{INVOKE_OVERHEAD_MS:.0f} ms", overhead <= INVOKE_OVERHEAD_MS)


def distinct_bookings(count: int) -> list[str]:
    """`count` booking messages, each for a slot of its own, from the day after tomorrow on."""
    today = events.facility_today()
    courts = ("court A", "court B", "court C")
    slots = [(day, hour, court) for day in range(2, 12) for hour in range(8, 21) for court in courts]
    if count > len(slots):
        raise SystemExit(f"at most {len(slots)} bookings (--chats)")
    return [f"book {court} on {on(today, day)} at {hour:02d}:00" for day, hour, court in slots[:count]]


def on(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


def warm_chats(report: Report, stack: LocalStack, reports: Reports, count: int) -> None:
    api = Api(stack.api_url)
    run = uuid.uuid4().hex[:6]
    try:
        mark = reports.mark()
        checks = [api.chat(f"bench-{run}-check-{n}", "is anything free tomorrow at 4pm?") for n in range(count + 5)]
        check_durations = reports.medians_since(mark)
        mark = reports.mark()
        bookings = []
        for n, message in enumerate(distinct_bookings(count + 5)):
            elapsed, answer = api.chat(f"bench-{run}-book-{n}", message)
            if answer.get("status") != "booked":
                raise SystemExit(f"{message!r} was not booked: {answer.get('status')}: {answer.get('response')}")
            bookings.append((elapsed, answer))
        booking_durations = reports.medians_since(mark)
    finally:
        api.close()
    check = median_of([ms for ms, _ in checks[5:]])
    booking = median_of([ms for ms, _ in bookings[5:]])
    label = f"warm POST /chat, a check (median of {count})"
    report.add(label, f"{check:.1f} ms", f"<= {CHECK_MS:.0f} ms", check <= CHECK_MS)
    print(f"      median Durations: {check_durations}")
    label = f"warm POST /chat, a booking (median of {count})"
    report.add(label, f"{booking:.1f} ms", f"<= {BOOKING_MS:.0f} ms", booking <= BOOKING_MS)
    print(f"      median Durations: {booking_durations}")


def calls_per_chat(report: Report, stack: LocalStack) -> None:
    api = Api(stack.api_url)
    run = uuid.uuid4().hex[:6]
    today = events.facility_today()
    chats = (
        ("a booking chat", f"book court B on {on(today, 13)} at 12:00", BOOKING_CALLS),
        ("a check chat", "is anything free tomorrow at 4pm?", CHECK_CALLS),
    )
    try:
        for label, message, (invokes_at_most, table_at_most) in chats:
            stack.requests()
            api.chat(f"bench-{run}-counted", message)
            counts = stack.requests()
            invokes = counts["invokes"]
            table = {op: n for (op, name), n in counts["dynamodb"].items() if name == LOCAL_TABLE_NAME}
            met = invokes == invokes_at_most and table == table_at_most
            shown = f"{sum(invokes.values())} invokes; {describe(table)}"
            wanted = f"{sum(invokes_at_most.values())}; {describe(table_at_most)}"
            report.add(f"calls per chat, {label} (invokes; bookings table)", shown, wanted, met)
            others = {f"{op} {name}": n for (op, name), n in counts["dynamodb"].items() if name != LOCAL_TABLE_NAME}
            print(f"      invokes {invokes}; other tables {others}")
    finally:
        api.close()


def describe(operations: dict[str, int]) -> str:
    short = {"Query": "Q", "GetItem": "G", "TransactWriteItems": "TW"}
    return " ".join(f"{n}{short.get(op, op)}" for op, n in sorted(operations.items())) or "none"


def warm(report: Report, invokes: int, chats: int) -> None:
    reports = Reports()
    stack = LocalStack(
        api_port=0,
        invoke_port=0,
        dynamodb_port=0,
        parameters={"AuthMode": "none"},
        environment={PARSER: OFFLINE},
        log=reports,
    )
    print("\nstarting a local stack on free ports (offline parser)", flush=True)
    stack.start()
    try:
        wait_until_healthy(stack.api_url)
        heading("Warm, through the local stack")
        direct_invokes(report, stack, reports, invokes)
        warm_chats(report, stack, reports, chats)
        heading("Calls per chat, counted at the endpoints (Q Query, G GetItem, TW TransactWriteItems)")
        calls_per_chat(report, stack)
    finally:
        stack.stop()


def wait_until_healthy(url: str, seconds: float = 60) -> None:
    host, port = url.removeprefix("http://").split(":")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"{url}/health did not answer 200 within {seconds:.0f} s")


def timed(step: Callable[[], None]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="cold-start runs of each import (median of these)")
    parser.add_argument("--invokes", type=int, default=50, help="direct invokes of the intent parser timed")
    parser.add_argument("--chats", type=int, default=30, help="warm chats timed, of each kind")
    args = parser.parse_args(argv)
    clock.travel()
    report = Report()
    print(f"make bench: Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    seconds = timed(lambda: cold_starts(report, args.runs))
    seconds += timed(lambda: warm(report, args.invokes, args.chats))
    missed = [figure for figure, *_, met in report.rows if not met]
    print(f"\n{len(report.rows) - len(missed)} of {len(report.rows)} targets met in {seconds:.0f} s")
    for figure in missed:
        print(f"  missed: {figure}")
    return 0 if report.met else 1


if __name__ == "__main__":
    sys.exit(main())

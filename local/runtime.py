"""Local Lambda execution environments: one worker process per environment, a pool per function.

An `Environment` is what Lambda calls an execution environment: a process that
imports the handler once (init) and then runs one invocation at a time with the
function's Timeout enforced from outside. A crash, a hang or a timeout ends
that process only; Lambda's error payload is returned and the next invocation
gets a fresh environment. `FunctionPool` adds environments when invocations
overlap, up to a concurrency limit, as Lambda scales out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

WORKER = Path(__file__).with_name("worker.py")
# Lambda gives the init phase (imports, module-level code) 10 seconds of its own.
INIT_TIMEOUT_SECONDS = 10.0
# How long to wait for a finished invocation's last log lines (the REPORT line).
LOG_FLUSH_SECONDS = 2.0
LOG_TAIL_BYTES = 4096
DEFAULT_CONCURRENCY = 4

LogSink = Callable[[str, str], None]


def print_sink(stream: Any = None) -> LogSink:
    """Print each log line as `[FunctionName] line`, whole lines only, from any thread."""
    lock = threading.Lock()

    def sink(source: str, line: str) -> None:
        out = stream or sys.stdout
        with lock:
            out.write(f"[{source}] {line}\n")
            out.flush()

    return sink


@dataclass(frozen=True)
class FunctionConfig:
    """Everything Lambda knows about a function: where its code is, how it starts, its limits."""

    name: str
    handler: str
    code_dir: Path
    environment: dict[str, str]
    timeout: float
    memory_size: int = 128
    layer_paths: tuple[Path, ...] = ()
    isolated: bool = False  # no site-packages: only code, layers and runtime_paths (built artifacts)
    runtime_paths: tuple[Path, ...] = ()
    # AutoPublishAlias: `Name:<alias>` is invoked too. The local run has one version of the code, so the
    # alias and $LATEST run the same; any other qualifier is not found, as in Lambda.
    alias: str | None = None


@dataclass
class Outcome:
    """One invocation's result, as the Invoke API reports it."""

    payload: bytes
    function_error: str | None = None  # "Unhandled" when the function failed
    log_lines: list[str] = field(default_factory=list)

    @property
    def error(self) -> dict[str, Any] | None:
        return json.loads(self.payload) if self.function_error else None

    @property
    def timed_out(self) -> bool:
        error = self.error or {}
        return "Task timed out after" in str(error.get("errorMessage", ""))

    def log_tail(self) -> str:
        text = "".join(f"{line}\n" for line in self.log_lines).encode()
        return text[-LOG_TAIL_BYTES:].decode(errors="ignore")


def error_outcome(error_type: str, message: str, log_lines: list[str] | None = None) -> Outcome:
    payload = {"errorType": error_type, "errorMessage": message}
    return Outcome(json.dumps(payload).encode(), "Unhandled", log_lines or [])


class Throttled(Exception):
    """Every environment of the function is busy and the concurrency limit is reached."""


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _exit_description(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        names = {signal.SIGKILL: "killed", signal.SIGTERM: "terminated", signal.SIGSEGV: "segmentation fault"}
        number = -returncode
        return f"signal: {names.get(signal.Signals(number), (signal.strsignal(number) or str(number)).lower())}"
    return f"exit status {returncode}"


class Environment:
    """One worker process running one function; not thread-safe (the pool hands it to one caller)."""

    def __init__(self, config: FunctionConfig, sink: LogSink) -> None:
        self.config = config
        self._sink = sink
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._lifeline: int | None = None
        self._pump: threading.Thread | None = None
        self._capture: list[str] | None = None
        self._marker = ""
        self._marker_seen = threading.Event()
        self._closing = threading.Lock()
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # --- life cycle ----------------------------------------------------------
    def start(self) -> Outcome | None:
        """Start the process and run the init phase; an error Outcome if init failed."""
        self._spawn()
        assert self._replies is not None
        if not self._replies.poll(INIT_TIMEOUT_SECONDS):
            self.kill()
            return error_outcome(
                "Runtime.InitError", f"Error: init did not finish within {INIT_TIMEOUT_SECONDS:.0f} seconds"
            )
        try:
            message = json.loads(self._replies.recv_bytes())
        except EOFError:
            returncode = self._wait_exit()
            return error_outcome(
                "Runtime.ExitError", f"Error: Runtime exited with error: {_exit_description(returncode)}"
            )
        if message["type"] != "ready":
            self._wait_exit()
            return Outcome(json.dumps(message["error"]).encode(), "Unhandled")
        self.ready = True
        return None

    def _spawn(self) -> None:
        config = self.config
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        lifeline_r, lifeline_w = os.pipe()
        command = [sys.executable, "-I", *(["-S"] if config.isolated else []), str(WORKER)]
        command += ["--control-in", str(to_worker_r), "--control-out", str(from_worker_w)]
        command += ["--lifeline", str(lifeline_r), "--task-root", str(config.code_dir)]
        for path in config.layer_paths:
            command += ["--layer", str(path)]
        for path in config.runtime_paths:
            command += ["--runtime-path", str(path)]
        try:
            self._process = subprocess.Popen(
                command,
                env=config.environment,
                cwd=config.code_dir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(to_worker_r, from_worker_w, lifeline_r),
                start_new_session=True,  # Ctrl-C reaches the stack, which stops the workers itself
            )
        finally:
            for fd in (to_worker_r, from_worker_w, lifeline_r):
                os.close(fd)
        self._requests = Connection(to_worker_w, readable=False)
        self._replies = Connection(from_worker_r, writable=False)
        self._lifeline = lifeline_w
        self._pump = threading.Thread(target=self._pump_logs, name=f"logs-{config.name}", daemon=True)
        self._pump.start()

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._wait_exit()

    def stop(self) -> None:
        """Let the worker finish (it exits when its control pipe closes), else kill it."""
        if self._process is None:
            return
        self._close_pipes()
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._wait_exit()

    def _wait_exit(self) -> int | None:
        if self._process is None:
            return None
        returncode = self._process.wait()
        if self._pump is not None and self._pump is not threading.current_thread():
            self._pump.join(timeout=LOG_FLUSH_SECONDS)
        self._close_pipes()
        return returncode

    def _close_pipes(self) -> None:
        with self._closing:  # stop() may race a timeout or a crash on another thread
            for connection in (self._requests, self._replies):
                if connection is not None and not connection.closed:
                    connection.close()
            if self._lifeline is not None:
                os.close(self._lifeline)
                self._lifeline = None

    # --- logs ----------------------------------------------------------------
    def _pump_logs(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        with self._process.stdout as stream:
            for raw in stream:
                self._log(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    def _log(self, line: str) -> None:
        self._sink(self.config.name, line)
        if self._capture is not None:
            self._capture.append(line)
        if self._marker and line.startswith(self._marker):
            self._marker_seen.set()

    # --- invocations ---------------------------------------------------------
    def invoke(self, request_id: str, payload: bytes) -> Outcome:
        assert self._requests is not None
        assert self._replies is not None
        self._capture = []
        self._marker = f"REPORT RequestId: {request_id}"
        self._marker_seen.clear()
        started = time.monotonic()
        timeout = self.config.timeout
        request = {"request_id": request_id, "payload": payload.decode("utf-8"), "timeout": timeout}
        try:
            self._requests.send_bytes(json.dumps(request).encode())
            if not self._replies.poll(timeout):
                return self._timed_out(request_id, started)
            reply = json.loads(self._replies.recv_bytes())
        except (EOFError, OSError):
            return self._exited(request_id, started)
        self._marker_seen.wait(LOG_FLUSH_SECONDS)
        lines, self._capture = self._capture, None
        if reply["type"] == "result":
            return Outcome(reply["payload"].encode(), None, lines)
        return Outcome(json.dumps(reply["error"]).encode(), "Unhandled", lines)

    def _timed_out(self, request_id: str, started: float) -> Outcome:
        self.kill()
        timeout = self.config.timeout
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        self._log(f"{_timestamp()} {request_id} Task timed out after {timeout:.2f} seconds")
        self._platform_end(request_id, started, "timeout")
        lines, self._capture = self._capture or [], None
        return error_outcome("Sandbox.Timedout", message, lines)

    def _exited(self, request_id: str, started: float) -> Outcome:
        description = _exit_description(self._wait_exit())
        message = f"RequestId: {request_id} Error: Runtime exited with error: {description}"
        self._log(message)
        self._platform_end(request_id, started, "error\tError Type: Runtime.ExitError")
        lines, self._capture = self._capture or [], None
        return error_outcome("Runtime.ExitError", message, lines)

    def _platform_end(self, request_id: str, started: float, status: str) -> None:
        duration = (time.monotonic() - started) * 1000
        self._log(f"END RequestId: {request_id}")
        self._log(
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Memory Size: {self.config.memory_size} MB\tStatus: {status}"
        )


class FunctionPool:
    """The environments of one function: reused when idle, added when all are busy."""

    def __init__(
        self, config: FunctionConfig, sink: LogSink, max_concurrency: int = DEFAULT_CONCURRENCY, keep_warm: bool = True
    ) -> None:
        self.config = config
        self._sink = sink
        self._max = max_concurrency
        self._keep_warm = keep_warm
        self._idle: deque[Environment] = deque()
        self._all: set[Environment] = set()
        self._busy: set[Environment] = set()
        self._warming = 0
        self._stopped = False
        self._cond = threading.Condition()

    def pids(self) -> list[int]:
        with self._cond:
            return [env.pid for env in self._all if env.pid is not None and env.alive]

    def busy_pids(self) -> list[int]:
        """The workers running an invocation right now."""
        with self._cond:
            return [env.pid for env in self._busy if env.ready and env.pid is not None and env.alive]

    def invoke(self, payload: bytes, request_id: str | None = None) -> Outcome:
        request_id = request_id or str(uuid.uuid4())
        environment = self._acquire()
        try:
            if not environment.ready:
                failure = environment.start()
                if failure is not None:
                    return failure
            return environment.invoke(request_id, payload)
        finally:
            self._release(environment)

    def prewarm(self) -> threading.Thread:
        """Start one environment in the background (a cold start ahead of the first call)."""
        with self._cond:
            self._warming += 1
        thread = threading.Thread(target=self._warm, name=f"warm-{self.config.name}", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        environment = Environment(self.config, self._sink)
        with self._cond:
            self._all.add(environment)
        failure = environment.start()
        with self._cond:
            self._warming -= 1
            if failure is None and not self._stopped:
                self._idle.append(environment)
            else:
                self._all.discard(environment)
            self._cond.notify_all()
        if self._stopped:
            environment.stop()

    def _acquire(self) -> Environment:
        """An idle environment, else a new one; at the concurrency limit, wait for one to be free.

        (Lambda would throttle at once; locally a short queue is kinder. After waiting
        as long as the function's Timeout, the invocation is throttled.)
        """
        deadline = time.monotonic() + max(self.config.timeout, INIT_TIMEOUT_SECONDS)
        with self._cond:
            while True:
                if self._stopped:
                    raise Throttled(f"{self.config.name} is stopping")
                while self._idle:
                    environment = self._idle.pop()
                    if environment.alive:
                        self._busy.add(environment)
                        return environment
                    self._all.discard(environment)  # died while idle: as in Lambda, nobody notices
                if self._warming == 0 and len(self._all) < self._max:
                    environment = Environment(self.config, self._sink)
                    self._all.add(environment)
                    self._busy.add(environment)
                    return environment
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Throttled(f"{self.config.name} is running {self._max} invocations already")
                self._cond.wait(remaining)

    def _release(self, environment: Environment) -> None:
        replace = False
        with self._cond:
            self._busy.discard(environment)
            if environment.alive and environment.ready and not self._stopped:
                self._idle.append(environment)
            else:
                self._all.discard(environment)
                replace = environment.ready and self._keep_warm and not self._stopped and not self._idle
            self._cond.notify_all()
        if replace:  # the environment crashed or timed out: have a fresh one ready for the next call
            self.prewarm()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            environments = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._busy.clear()
            self._cond.notify_all()
        for environment in environments:
            environment.stop()


class Runtime:
    """Every function of the stack, by name: what the local Invoke endpoint serves."""

    def __init__(
        self,
        configs: Iterable[FunctionConfig],
        sink: LogSink,
        max_concurrency: int = DEFAULT_CONCURRENCY,
        keep_warm: bool = True,
    ) -> None:
        self.pools = {c.name: FunctionPool(c, sink, max_concurrency, keep_warm) for c in configs}

    def pool(self, name: str) -> FunctionPool | None:
        return self.pools.get(function_name(name))

    def invoke(self, name: str, payload: bytes, request_id: str | None = None) -> Outcome:
        pool = self.pool(name)
        if pool is None:
            raise KeyError(name)
        return pool.invoke(payload, request_id)

    def prewarm(self) -> list[threading.Thread]:
        return [pool.prewarm() for pool in self.pools.values()]

    def stop(self) -> None:
        threads = [threading.Thread(target=pool.stop) for pool in self.pools.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def function_name(name: str) -> str:
    """`Name`, `Name:$LATEST`, `123456789012:function:Name` or a full ARN -> `Name`."""
    parts = name.split(":")
    if "function" in parts:
        parts = parts[parts.index("function") + 1 :]
    return parts[0]


def qualifier(name: str) -> str | None:
    parts = name.split(":")
    if "function" in parts:
        parts = parts[parts.index("function") + 1 :]
    return parts[1] if len(parts) > 1 else None


def boto3_runtime_dir(target: Path) -> Path:
    """A folder holding only boto3 and its dependencies: what the Lambda runtime provides.

    Built artifacts run with `python -I -S` and only their own folders on the path;
    boto3 is the one library Lambda adds. Links to this interpreter's copies.
    """
    import boto3

    target.mkdir(parents=True, exist_ok=True)
    site = Path(boto3.__file__).resolve().parent.parent
    packages = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"]
    for name in packages:
        source = site / name
        link = target / name
        if source.exists() and not link.exists():
            link.symlink_to(source)
    return target

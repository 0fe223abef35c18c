"""The runtime inside one local Lambda execution environment (one worker process).

`local/runtime.py` starts it as `python -I [-S] local/worker.py ...`, the way
Lambda's bootstrap starts a function: the function's code folder first on the
import path (/var/task), then its layers (/opt/python), then the runtime's own
libraries. The environment variables are the function's, nothing inherited.
Only the standard library is used here, so a function never sees this
project's `local` package.

Invocations arrive one at a time on a control pipe; the answer (or Lambda's
error payload) goes back on another. Everything the function prints, and
Lambda's START / END / REPORT lines, go to stdout, which the parent prefixes
with the function's name. A third pipe is a lifeline: when the parent goes
away, so does this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import math
import os
import resource
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

CONTEXT_MODULE = "_local_lambda_context"
CLOCK_MODULE = "_local_lambda_clock"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="one local Lambda execution environment")
    parser.add_argument("--control-in", type=int, required=True)
    parser.add_argument("--control-out", type=int, required=True)
    parser.add_argument("--lifeline", type=int, required=True)
    parser.add_argument("--task-root", required=True)
    parser.add_argument("--layer", action="append", default=[], help="a layer folder, as /opt/python")
    parser.add_argument("--runtime-path", action="append", default=[], help="the runtime's libraries (boto3)")
    return parser.parse_args(argv)


def watch_lifeline(fd: int) -> None:
    """Exit as soon as the parent's end of the lifeline closes (the parent stopped or died)."""

    def wait() -> None:
        while os.read(fd, 1):
            pass
        os._exit(70)

    threading.Thread(target=wait, name="lifeline", daemon=True).start()


def load_sibling(file_name: str, module_name: str) -> ModuleType:
    """A module of local/, loaded by path so the `local` package stays off the function's import path."""
    spec = importlib.util.spec_from_file_location(module_name, Path(__file__).with_name(file_name))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def load_context_module() -> ModuleType:
    return load_sibling("context.py", CONTEXT_MODULE)


def move_clock() -> None:
    """Run at the stack's clock when it was moved (LOCAL_CLOCK, see local/clock.py)."""
    clock = load_sibling("clock.py", CLOCK_MODULE)
    if clock.offset_seconds() is not None:
        clock.travel()


def error_payload(exc: BaseException, error_type: str | None = None, skip_frames: int = 0) -> dict[str, Any]:
    """Lambda's answer for an unhandled error: errorMessage, errorType, stackTrace."""
    frames = traceback.extract_tb(exc.__traceback__)[skip_frames:]
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "stackTrace": traceback.format_list(frames),
    }


def log_error(payload: dict[str, Any]) -> None:
    """The runtime's own log line for an unhandled error (Lambda's JSON log format)."""
    line = {"timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "level": "ERROR", **payload}
    print(json.dumps(line))


def load_handler(handler: str) -> Any:
    module_name, _, attribute = handler.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        exc.args = (f"Unable to import module '{module_name}': {exc}",)
        raise InitError(exc, "Runtime.ImportModuleError") from exc
    except SyntaxError as exc:
        raise InitError(exc, "Runtime.UserCodeSyntaxError") from exc
    except Exception as exc:
        raise InitError(exc) from exc
    function = getattr(module, attribute, None)
    if not callable(function):
        missing = AttributeError(f"Handler '{attribute}' missing on module '{module_name}'")
        raise InitError(missing, "Runtime.HandlerNotFound")
    return function


class InitError(Exception):
    def __init__(self, cause: BaseException, error_type: str | None = None) -> None:
        super().__init__(str(cause))
        self.payload = error_payload(cause, error_type)


class Runtime:
    """Runs invocations of one handler, one at a time, as Lambda's runtime does."""

    def __init__(self, handler: Any, context_module: ModuleType, init_ms: float) -> None:
        self._handler = handler
        self._context = context_module.LambdaContext
        self._init_ms: float | None = init_ms
        self._name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
        self._memory = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))

    def invoke(self, request: dict[str, Any]) -> dict[str, Any]:
        request_id = request["request_id"]
        print(f"START RequestId: {request_id} Version: $LATEST")
        started = time.monotonic()
        context = self._context(
            function_name=self._name,
            memory_limit_in_mb=self._memory,
            timeout_seconds=request["timeout"],
            aws_request_id=request_id,
            log_group_name=os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", ""),
            log_stream_name=os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "local"),
        )
        reply = self._run(request_id, request["payload"], context)
        self._report(request_id, started)
        return reply

    def _run(self, request_id: str, payload: str, context: Any) -> dict[str, Any]:
        try:
            event = json.loads(payload)
        except (ValueError, RecursionError) as exc:  # Lambda's runtime cannot hand such an event to a handler
            error = {**error_payload(exc, "Runtime.UnmarshalError"), "requestId": request_id, "stackTrace": []}
            log_error(error)
            return {"type": "error", "error": error}
        try:
            answer = self._handler(event, context)
        except Exception as exc:
            error = {**error_payload(exc, skip_frames=1), "requestId": request_id}
            log_error(error)
            return {"type": "error", "error": error}
        try:
            return {"type": "result", "payload": json.dumps(answer)}
        except (TypeError, ValueError) as exc:
            error = {
                "errorMessage": f"Unable to marshal response: {exc}",
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
            log_error(error)
            return {"type": "error", "error": error}

    def _report(self, request_id: str, started: float) -> None:
        duration = (time.monotonic() - started) * 1000
        max_memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        fields = [
            f"REPORT RequestId: {request_id}",
            f"Duration: {duration:.2f} ms",
            f"Billed Duration: {math.ceil(duration)} ms",
            f"Memory Size: {self._memory} MB",
            f"Max Memory Used: {max_memory} MB",
        ]
        if self._init_ms is not None:
            fields.append(f"Init Duration: {self._init_ms:.2f} ms")
            self._init_ms = None
        print(f"END RequestId: {request_id}")
        print("\t".join(fields))


def set_up_import_path(args: argparse.Namespace) -> None:
    """/var/task, then the layers, then the runtime's libraries: Lambda's order."""
    sys.path[:0] = [args.task_root, *args.layer]
    sys.path.extend(args.runtime_path)
    os.chdir(args.task_root)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    watch_lifeline(args.lifeline)
    requests = Connection(args.control_in, writable=False)
    replies = Connection(args.control_out, readable=False)
    context_module = load_context_module()
    move_clock()
    set_up_import_path(args)

    started = time.monotonic()
    print(f"INIT_START Runtime Version: python:{sys.version_info.major}.{sys.version_info.minor} (local)")
    try:
        handler = load_handler(os.environ["_HANDLER"])
    except InitError as exc:
        log_error(exc.payload)
        replies.send_bytes(json.dumps({"type": "init_error", "error": exc.payload}).encode())
        return 1
    init_ms = (time.monotonic() - started) * 1000
    replies.send_bytes(json.dumps({"type": "ready", "init_ms": init_ms}).encode())

    runtime = Runtime(handler, context_module, init_ms)
    while True:
        try:
            request = json.loads(requests.recv_bytes())
        except EOFError:
            return 0
        replies.send_bytes(json.dumps(runtime.invoke(request)).encode())


if __name__ == "__main__":
    sys.exit(main())

"""DynamoDB on loopback: moto in server mode, the tables of template.yaml, optional persistence.

moto keeps its state in memory. `--persist FILE` keeps the bookings between runs:
the items of every local table are written to FILE (DynamoDB JSON) when the
stack stops and written back into the fresh tables when it starts.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from . import template

LOCAL_REGION = "us-east-1"
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
BATCH_WRITE_LIMIT = 25


class PortInUse(OSError):
    """A port the local stack needs is taken (or refused); `flag` is the option that changes it."""

    def __init__(self, what: str, host: str, port: int, flag: str, cause: OSError | None = None) -> None:
        if cause is None or cause.errno == errno.EADDRINUSE:
            problem = "is already in use"
        else:
            problem = f"cannot be used ({cause.strerror})"
        super().__init__(f"port {port} on {host} ({what}) {problem}; choose another with {flag}")
        self.what, self.port, self.flag = what, port, flag


def bind(host: str, port: int, what: str, flag: str) -> socket.socket:
    """A listening TCP socket, or PortInUse naming what it was for."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise PortInUse(what, host, port, flag, exc) from exc
    return sock


def client(endpoint: str, quick: bool = False) -> Any:
    """A DynamoDB client for the local endpoint; `quick` gives up at once (probing for a server)."""
    config = (
        Config(connect_timeout=0.5, read_timeout=2, retries={"total_max_attempts": 1})
        if quick
        else Config(connect_timeout=2, read_timeout=10, retries={"total_max_attempts": 2})
    )
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=LOCAL_REGION, config=config, **LOCAL_CREDENTIALS)


class MotoServer:
    """moto's server in a process of its own, serving a socket this process has already bound.

    Binding first makes a taken port an exception here (moto's own server would
    exit or hang instead). A process of its own keeps each stack's data apart
    (moto's state is per process) and off the stack's GIL. It exits when its
    lifeline pipe closes, so it never outlives the stack.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._process: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None
        host, port = sock.getsockname()[:2]
        self.endpoint = f"http://{host}:{port}"

    def start(self) -> MotoServer:
        lifeline_r, self._lifeline = os.pipe()
        fd = self._sock.fileno()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local.dynamodb", "--serve-fd", str(fd), "--lifeline", str(lifeline_r)],
                cwd=template.ROOT,
                stdin=subprocess.DEVNULL,
                pass_fds=(fd, lifeline_r),
                start_new_session=True,
            )
        finally:
            os.close(lifeline_r)
            self._sock.close()  # the server process has its own copy; connections queue until it accepts
        self._wait_ready()
        return self

    def _wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not answers(self.endpoint):
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the DynamoDB (moto) server exited with status {self._process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the DynamoDB (moto) server did not answer within {seconds:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def serve(fd: int, lifeline: int) -> None:
    """The moto server process: serve DynamoDB on the inherited socket until the lifeline closes."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass  # one line per DynamoDB call would drown the functions' logs

    def watch() -> None:
        while os.read(lifeline, 1):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the stack stops this process, not Ctrl-C
    sock = socket.socket(fileno=fd)
    host, port = sock.getsockname()[:2]
    server = make_server(host, port, serialised_moto_app(), threaded=True, request_handler=QuietHandler, fd=fd)
    server.serve_forever()


def serialised_moto_app() -> Any:
    """moto's WSGI app, answering one request at a time.

    DynamoDB evaluates a condition and writes atomically; moto's threaded server
    does not (two racing conditional writes could both pass, and a transaction
    can see a table change mid-copy). One request at a time gives the local
    stack and the tests DynamoDB's guarantee rather than moto's race.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    moto_app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def app(environ: Any, start_response: Any) -> Any:
        with lock:
            return list(moto_app(environ, start_response))

    return app


def create_tables(endpoint: str, tables: dict[str, str]) -> None:
    """Create each table ({logical id: local name}) from template.yaml, unless it exists."""
    dynamodb = client(endpoint)
    existing = set(dynamodb.list_tables()["TableNames"])
    for logical_id, name in tables.items():
        if name in existing:
            continue
        dynamodb.create_table(**template.table_definition(logical_id, name))
        ttl = template.load_template()["Resources"][logical_id]["Properties"].get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            spec = {"AttributeName": ttl["AttributeName"], "Enabled": True}
            dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)


def table_names(endpoint: str) -> set[str] | None:
    """The tables of the DynamoDB at `endpoint`, or None when no DynamoDB answers there."""
    try:
        return set(client(endpoint, quick=True).list_tables()["TableNames"])
    except Exception:  # nothing there, or not DynamoDB
        return None


def answers(endpoint: str) -> bool:
    return table_names(endpoint) is not None


def serves_tables(endpoint: str, names: list[str]) -> bool:
    """True when a DynamoDB answers at `endpoint` and has these tables (a running local stack)."""
    return set(names) <= (table_names(endpoint) or set())


def dump(endpoint: str, names: list[str], path: Path) -> int:
    """Write every item of these tables to `path` (atomically); the number of items."""
    dynamodb = client(endpoint)
    tables = {name: all_items(dynamodb, name) for name in names}
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.parent.mkdir(parents=True, exist_ok=True)
    temporary.write_text(json.dumps({"tables": tables}, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    return sum(len(items) for items in tables.values())


def restore(endpoint: str, path: Path) -> int:
    """Put the items saved by `dump` back; the number of items."""
    if not path.exists():
        return 0
    saved = json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    dynamodb = client(endpoint)
    for name, items in saved.items():
        for start in range(0, len(items), BATCH_WRITE_LIMIT):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]
            _batch_write(dynamodb, name, requests)
    return sum(len(items) for items in saved.values())


def _batch_write(dynamodb: Any, table: str, requests: list[dict[str, Any]]) -> None:
    pending = {table: requests}
    while pending:
        pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def all_items(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """Every item of a local table (saving, restoring, tests). The service itself never scans."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="moto's DynamoDB on an inherited socket (started by the stack)")
    parser.add_argument("--serve-fd", type=int, required=True)
    parser.add_argument("--lifeline", type=int, required=True)
    args = parser.parse_args(argv)
    serve(args.serve_fd, args.lifeline)
    return 0


if __name__ == "__main__":
    sys.exit(main())

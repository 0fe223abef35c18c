"""DynamoDB on loopback: moto in server mode, the tables of template.yaml, its data kept on disk.

moto keeps its state in memory; the server here also keeps it on disk (`Store`):
every write it acknowledges is journaled before the answer goes out, and a
snapshot is written when it starts and stops. So nothing acknowledged is lost
when moto, or the whole stack, is killed: moto is started again with its data
(`MotoServer`), and `--persist FILE` keeps the tables in FILE between runs
(without it, in a scratch folder for the life of the stack).
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from . import moto_answers, moto_dispatch, moto_projections, moto_queries, moto_transactions, template

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
    """moto's server in a process of its own, serving a socket this process has bound, with its data on disk.

    Binding first makes a taken port an exception here (moto's own server would
    exit or hang instead). A process of its own keeps each stack's data apart
    (moto's state is per process) and off the stack's GIL. It exits when its
    lifeline pipe closes, so it never outlives the stack.

    Nothing acknowledged is lost: the server journals every write it answers
    before it answers it (`Store`), and this process keeps the listening socket,
    so when the server dies it is started again on the same socket and comes
    back with the data it had. If it cannot be (it died `MAX_RESTARTS` times in
    a minute), the socket is closed: every DynamoDB call, and so every data
    call of the API and its /health, fails at once and answers 503.
    """

    MAX_RESTARTS = 3

    def __init__(self, sock: socket.socket, store: Path, tables: dict[str, str], log: Any = None) -> None:
        self._sock: socket.socket | None = sock
        self._store = store
        self._tables = tables
        self._log = log or (lambda line: None)
        self._process: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None
        self._stopping = threading.Event()
        self._starting = threading.Lock()  # a restart and stop() never interleave
        self._restarts: list[float] = []
        self.failed = False
        self.generation = 0
        host, port = sock.getsockname()[:2]
        self.endpoint = f"http://{host}:{port}"

    @property
    def _definitions_path(self) -> Path:
        return self._store.with_name(f".{self._store.name}.tables.json")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> MotoServer:
        definitions = {
            name: {**template.table_definition(logical_id, name), "ttl": _ttl(logical_id)}
            for logical_id, name in self._tables.items()
        }
        self._definitions_path.parent.mkdir(parents=True, exist_ok=True)
        self._definitions_path.write_text(json.dumps(definitions), encoding="utf-8")
        self._spawn()
        self._wait_ready()
        threading.Thread(target=self._watch, name="moto-watch", daemon=True).start()
        return self

    def _spawn(self) -> None:
        assert self._sock is not None
        lifeline_r, self._lifeline = os.pipe()
        fd = self._sock.fileno()
        command = [sys.executable, "-m", "local.dynamodb", "--serve-fd", str(fd), "--lifeline", str(lifeline_r)]
        command += ["--store", str(self._store), "--tables", str(self._definitions_path)]
        try:
            self._process = subprocess.Popen(
                command,
                cwd=template.ROOT,
                stdin=subprocess.DEVNULL,
                pass_fds=(fd, lifeline_r),
                start_new_session=True,
            )
        finally:
            os.close(lifeline_r)
        self.generation += 1

    def _wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not answers(self.endpoint):
            if self._process is not None and self._process.poll() is not None:
                raise _Exited(f"the DynamoDB (moto) server exited with status {self._process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the DynamoDB (moto) server did not answer within {seconds:.0f} s")
            time.sleep(0.1)

    def _watch(self) -> None:
        """Start the server again when it dies; give up (and close the socket) when it keeps dying."""
        while True:
            process = self._process
            assert process is not None
            returncode = process.wait()
            with self._starting:
                if self._stopping.is_set():
                    return
                self._close_lifeline()
            now = time.monotonic()
            self._restarts = [t for t in self._restarts if now - t < 60] + [now]
            if len(self._restarts) > self.MAX_RESTARTS:
                self._log(f"DynamoDB (moto) keeps dying (status {returncode}); giving up: data calls answer 503")
                self._give_up()
                return
            self._log(f"DynamoDB (moto) exited (status {returncode}); starting it again with its data")
            try:
                with self._starting:
                    if self._stopping.is_set():
                        return
                    self._spawn()
                self._wait_ready()
            except _Exited:
                continue  # it died again before it was seen answering: one more death, counted like any other
            except (OSError, RuntimeError, TimeoutError) as exc:
                self._log(f"DynamoDB (moto) could not be started again ({exc}); data calls answer 503")
                self._give_up()
                return
            self._log("DynamoDB (moto) is back, with every acknowledged write")

    def _give_up(self) -> None:
        with self._starting:
            self.failed = True
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    def _close_lifeline(self) -> None:
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None

    def kill(self) -> None:
        """Kill the server process as a crash would (tests); the watcher starts it again."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()

    def stop(self) -> None:
        """Let the server write its data and exit (it does when the lifeline closes), else kill it."""
        with self._starting:  # not while a restart is spawning: that server would outlive the stack
            self._stopping.set()
            self._close_lifeline()
        if self._process is not None:
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        with self._starting:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


class _Exited(RuntimeError):
    """The server process exited before it answered."""


def _ttl(logical_id: str) -> str | None:
    ttl = template.load_template()["Resources"][logical_id]["Properties"].get("TimeToLiveSpecification")
    return str(ttl["AttributeName"]) if ttl and ttl.get("Enabled") else None


# --- inside the moto server process ---------------------------------------------------

WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
# moto routes a request to a service by its credential scope; calls made inside the server carry this one.
_AUTHORIZATION = (
    "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
)


COUNTS_PATH = "/_local/requests"


class RequestCounts:
    """How many requests the server answered, by (operation, table): what the tests and `make bench` count.

    A request naming several tables (TransactWriteItems, TransactGetItems, BatchGetItem,
    BatchWriteItem) counts once for each table it names; one naming none (ListTables) counts
    under the table "". Not thread-safe: the app counts under its lock.
    """

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()

    def add(self, operation: str, body: bytes) -> None:
        for table in _tables_named(body):
            self._counts[(operation, table)] += 1

    def take(self) -> list[list[Any]]:
        """[[operation, table, count], ...] since the last take, and zero again."""
        taken = [[operation, table, count] for (operation, table), count in sorted(self._counts.items())]
        self._counts.clear()
        return taken


def _tables_named(body: bytes) -> list[str]:
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return [""]
    if not isinstance(request, dict):
        return [""]
    names = set(request.get("RequestItems") or {})  # BatchGetItem, BatchWriteItem
    for item in request.get("TransactItems") or []:  # TransactWriteItems, TransactGetItems
        names.update(part["TableName"] for part in item.values() if isinstance(part, dict) and "TableName" in part)
    if isinstance(request.get("TableName"), str):
        names.add(request["TableName"])
    return sorted(names) or [""]


def request_counts(endpoint: str) -> dict[tuple[str, str], int]:
    """{(operation, table): requests} that our moto server at `endpoint` answered since the last call; zeroes them."""
    call = urllib.request.Request(f"{endpoint}{COUNTS_PATH}", data=b"", method="POST")  # noqa: S310 - loopback
    with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - our own server on loopback
        rows = json.loads(answer.read())["requests"]
    return {(operation, table): count for operation, table, count in rows}


class Store:
    """The tables' items on disk: a snapshot (FILE) and a journal (FILE.journal) of the writes since.

    Every write moto answers with 200 is appended to the journal, flushed and
    fsynced before the answer leaves, so whatever a caller was told is on disk;
    a write cut off by a crash was never answered. The snapshot is written to a
    temporary file and renamed over the old one, so it is never half-written;
    each journal entry has a sequence number and the snapshot records the last
    one it includes, so a crash between the two writes applies nothing twice.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal_path = path.with_name(f"{path.name}.journal")
        self.sequence = 0
        self._journal: Any = None
        self._lock: Any = None

    def lock(self, seconds: float = 30) -> None:
        """Hold the store for this process: a moto that was just killed may still be writing its snapshot,
        and two stacks must not share one file. Released when the process exits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = self.path.with_name(f".{self.path.name}.lock").open("a")
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.path} is in use by another local stack") from None
                time.sleep(0.05)

    def snapshot(self) -> tuple[dict[str, list[dict[str, Any]]], int]:
        if not self.path.exists():
            return {}, 0
        saved = json.loads(self.path.read_text(encoding="utf-8"))
        return saved.get("tables", {}), int(saved.get("sequence", 0))

    def entries(self, after: int) -> list[dict[str, Any]]:
        """The journal's entries after sequence `after`; a last line cut short by a crash is dropped."""
        if not self.journal_path.exists():
            return []
        found = []
        for line in self.journal_path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                break  # torn by a crash mid-write: that write was never answered
            if entry["sequence"] > after:
                found.append(entry)
        return found

    def write_snapshot(self, tables: dict[str, list[dict[str, Any]]], sequence: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"tables": tables, "sequence": sequence}, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        _fsync_directory(self.path.parent)
        if self._journal is not None:
            self._journal.close()
        self._journal = self.journal_path.open("w", encoding="utf-8")  # everything in it is in the snapshot
        self.sequence = sequence

    def append(self, target: str, body: str) -> None:
        assert self._journal is not None
        self.sequence += 1
        self._journal.write(json.dumps({"sequence": self.sequence, "target": target, "body": body}) + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class MotoApp:
    """moto's WSGI app, answering one request at a time, journaling each write it acknowledges.

    DynamoDB evaluates a condition and writes atomically; moto's threaded server
    does not (two racing conditional writes could both pass, and a transaction
    can see a table change mid-copy). One request at a time gives the local
    stack and the tests DynamoDB's guarantee rather than moto's race.

    It also counts every request it answers by operation and table (`RequestCounts`);
    `POST /_local/requests`, a path DynamoDB never uses, answers the counts and zeroes them.
    """

    def __init__(self, store: Store | None = None) -> None:
        moto_dispatch.install()  # a handler's methods are listed once, not for every request
        moto_transactions.install()  # a transaction's time grows with its items, not the table's
        moto_queries.install()  # and a Query's with its partition
        moto_answers.install()  # and an answer's with its items
        moto_projections.install()  # and a projection's with the attributes it keeps
        self._moto = moto_dispatch.dynamodb_app()  # DynamoDB's own app: no search among moto's backends
        self._store = store
        self.lock = threading.Lock()
        self.requests = RequestCounts()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        if environ.get("PATH_INFO") == COUNTS_PATH:
            return self._counts(environ, start_response)
        target = str(environ.get("HTTP_X_AMZ_TARGET", "")).rpartition(".")[2]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if self._store is None or target not in WRITES:
            with self.lock:
                self.requests.add(target, body)
                return list(self._moto(environ, start_response))
        answer: dict[str, Any] = {}

        def capture(status: str, headers: Any, exc_info: Any = None) -> Any:
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        with self.lock:
            self.requests.add(target, body)
            chunks = list(self._moto(environ, capture))
            if answer["status"].startswith("200"):
                self._store.append(target, body.decode("utf-8"))
        start_response(answer["status"], answer["headers"])
        return chunks

    def _counts(self, environ: Any, start_response: Any) -> list[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "application/json"), ("Allow", "POST")])
            return [b'{"message": "POST reads the request counts and zeroes them"}']
        with self.lock:  # between two requests: none is counted twice or lost
            taken = self.requests.take()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"requests": taken}).encode()]

    # --- calls from inside the server process (restore, replay, snapshot) ---------------
    def call(self, target: str, body: dict[str, Any] | str) -> tuple[int, Any]:
        from werkzeug.test import Client

        data = body if isinstance(body, str) else json.dumps(body)
        headers = {
            "X-Amz-Target": f"DynamoDB_20120810.{target}",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": _AUTHORIZATION,
        }
        response = Client(self._moto).post("/", headers=headers, data=data)
        return response.status_code, json.loads(response.get_data(as_text=True) or "{}")

    def items(self) -> dict[str, list[dict[str, Any]]]:
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in self.call("ListTables", {})[1].get("TableNames", []):
            items: list[dict[str, Any]] = []
            request: dict[str, Any] = {"TableName": name, "ConsistentRead": True}
            while True:
                page = self.call("Scan", request)[1]
                items.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            tables[name] = items
        return tables


def recover(app: MotoApp, store: Store, definitions: dict[str, dict[str, Any]]) -> int:
    """Create the tables, put the snapshot back, replay the journal after it, write a new snapshot.

    The number of items afterwards.
    """
    for name, definition in definitions.items():
        ttl = definition.pop("ttl", None)
        app.call("CreateTable", definition)
        if ttl:
            spec = {"AttributeName": ttl, "Enabled": True}
            app.call("UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": spec})
    tables, sequence = store.snapshot()
    for name, items in tables.items():
        for start in range(0, len(items), BATCH_WRITE_LIMIT):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]
            app.call("BatchWriteItem", {"RequestItems": {name: requests}})
    for entry in store.entries(after=sequence):
        app.call(entry["target"], entry["body"])
        sequence = entry["sequence"]
    state = app.items()
    store.write_snapshot(state, sequence)
    return sum(len(items) for items in state.values())


def serve(fd: int, lifeline: int, store_path: Path | None = None, tables_path: Path | None = None) -> None:
    """The moto server process: recover the data, serve DynamoDB on the inherited socket until the lifeline closes."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        disable_nagle_algorithm = True  # as the local HTTP API's handler (local/http_api.py) says why

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass  # one line per DynamoDB call would drown the functions' logs

    store = Store(store_path) if store_path is not None else None
    app = MotoApp(store)
    if store is not None:
        store.lock()
        definitions = json.loads(tables_path.read_text(encoding="utf-8")) if tables_path else {}
        recover(app, store, definitions)

    def watch() -> None:
        while os.read(lifeline, 1):
            pass
        if store is not None:
            with app.lock:  # no write is in flight: the snapshot is the whole state
                store.write_snapshot(app.items(), store.sequence)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the stack stops this process, not Ctrl-C
    sock = socket.socket(fileno=fd)
    host, port = sock.getsockname()[:2]
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler, fd=fd)
    server.serve_forever()


def serialised_moto_app() -> Any:
    """moto's WSGI app answering one request at a time, keeping nothing on disk (the tests' moto)."""
    return MotoApp()


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
    parser.add_argument("--store", type=Path, help="the tables' data: a snapshot here, a journal beside it")
    parser.add_argument("--tables", type=Path, help="CreateTable definitions (JSON), made before the data is put back")
    args = parser.parse_args(argv)
    serve(args.serve_fd, args.lifeline, args.store, args.tables)
    return 0


if __name__ == "__main__":
    sys.exit(main())

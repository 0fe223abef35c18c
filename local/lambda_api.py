"""A local Lambda endpoint: the parts of the Lambda API that invoking a function needs.

`boto3.client("lambda", endpoint_url="http://127.0.0.1:3001")` and
`aws lambda invoke --endpoint-url http://127.0.0.1:3001 ...` work against it as
against AWS: Invoke (RequestResponse, Event, DryRun; `--log-type Tail`),
GetFunction and ListFunctions. Errors use Lambda's codes and shapes: an
unhandled error is a 200 with `X-Amz-Function-Error: Unhandled` and the
error payload as body; an unknown function is a 404 ResourceNotFoundException.
It counts the invokes it is sent per function (`LambdaApiServer.take_invokes`,
what the tests and `make bench` count); a DryRun invokes nothing and is not counted.

Like `sam local start-lambda`, it has no authentication: anyone who can reach it
can invoke the functions. So it listens on loopback only, and what it shows of a
function's environment has every key, secret, token or password redacted.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .http_api import Handler as LocalHandler
from .http_api import Server
from .runtime import FunctionConfig, Outcome, Runtime, Throttled, function_name, qualifier

API_VERSION = "2015-03-31"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # Lambda's synchronous payload limit
_INVOKE = re.compile(rf"^/{API_VERSION}/functions/(?P<name>[^/]+)/invocations/?$")
_FUNCTION = re.compile(rf"^/{API_VERSION}/functions/(?P<name>[^/]+)/?$")
_LIST = re.compile(rf"^/{API_VERSION}/functions/?$")


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"


# A variable whose name says it holds a secret is shown as this, never in clear.
REDACTED = "****"
_SECRET_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL", re.IGNORECASE)


def redacted(variables: dict[str, str]) -> dict[str, str]:
    """The variables with every value whose name says key, secret, token or password replaced by ****."""
    return {name: REDACTED if _SECRET_NAME.search(name) else value for name, value in sorted(variables.items())}


def configuration(config: FunctionConfig) -> dict[str, Any]:
    """The function's configuration as GetFunction / ListFunctions describe it, secrets redacted."""
    return {
        "FunctionName": config.name,
        "FunctionArn": function_arn(config.name),
        "Runtime": "python3.13",
        "Handler": config.handler,
        "Timeout": config.timeout,
        "MemorySize": config.memory_size,
        "Version": "$LATEST",
        "State": "Active",
        "PackageType": "Zip",
        "Environment": {"Variables": redacted(config.environment)},
    }


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class Handler(LocalHandler):
    server_version = "local-lambda"
    server: LambdaApiServer

    def do_POST(self) -> None:
        self._dispatch(self._invoke, _INVOKE)

    def do_GET(self) -> None:
        if _LIST.match(urlsplit(self.path).path):
            functions = [configuration(p.config) for p in self.server.functions()]
            self._json(200, {"Functions": functions})
            return
        self._dispatch(self._get_function, _FUNCTION)

    def _dispatch(self, action: Callable[[str, bytes], None], pattern: re.Pattern[str]) -> None:
        length = self.body_length()
        if length is None:
            return
        body = self.rfile.read(length) if length else b""
        found = pattern.match(urlsplit(self.path).path)
        try:
            if found is None:
                raise ApiError(404, "UnknownOperationException", f"Unknown operation {self.command} {self.path}")
            action(unquote(found["name"]), body)
        except ApiError as exc:
            self._json(exc.status, {"Type": "User", "message": exc.message, **exc.extra}, error_type=exc.code)

    def _pool(self, name: str) -> Any:
        version = parse_qs(urlsplit(self.path).query).get("Qualifier", [None])[0] or qualifier(name)
        pool = self.server.function(name)
        if pool is None or version not in (None, "$LATEST", pool.config.alias):
            shown = function_arn(function_name(name)) + (f":{version}" if version else "")
            raise ApiError(404, "ResourceNotFoundException", f"Function not found: {shown}")
        return pool

    def _get_function(self, name: str, _body: bytes) -> None:
        pool = self._pool(name)
        self._json(200, {"Configuration": configuration(pool.config), "Code": {"RepositoryType": "Local"}})

    def _invoke(self, name: str, body: bytes) -> None:
        pool = self._pool(name)
        if len(body) > MAX_PAYLOAD_BYTES:
            raise ApiError(
                413,
                "RequestTooLargeException",
                f"Request must be smaller than {MAX_PAYLOAD_BYTES} bytes for the Invoke operation",
            )
        payload = body or b"{}"
        try:
            json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ApiError(
                400, "InvalidRequestContentException", f"Could not parse request body into json: {exc}"
            ) from None
        invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        if invocation_type == "DryRun":
            self._send(204, {}, b"")
            return
        if invocation_type not in ("Event", "RequestResponse"):
            raise ApiError(400, "InvalidParameterValueException", f"Unsupported invocation type {invocation_type}")
        self.server.count_invoke(pool.config.name)
        request_id = str(uuid.uuid4())
        if invocation_type == "Event":
            threading.Thread(target=self._run, args=(pool, payload, request_id), daemon=True).start()
            self._send(202, {"x-amzn-RequestId": request_id}, b"")
            return
        outcome = self._run(pool, payload, request_id)
        if outcome is None:
            raise ApiError(
                429,
                "TooManyRequestsException",
                "Rate Exceeded.",
                Reason="ReservedFunctionConcurrentInvocationLimitExceeded",
            )
        self._send(200, self._invoke_headers(outcome, request_id), outcome.payload)

    def _run(self, pool: Any, payload: bytes, request_id: str) -> Outcome | None:
        try:
            return pool.invoke(payload, request_id)
        except Throttled:
            return None

    def _invoke_headers(self, outcome: Outcome, request_id: str) -> dict[str, str]:
        headers = {"x-amzn-RequestId": request_id, "X-Amz-Executed-Version": "$LATEST"}
        if outcome.function_error:
            headers["X-Amz-Function-Error"] = outcome.function_error
        if self.headers.get("X-Amz-Log-Type") == "Tail":
            headers["X-Amz-Log-Result"] = base64.b64encode(outcome.log_tail().encode()).decode()
        return headers

    def _json(self, status: int, body: dict[str, Any], error_type: str | None = None) -> None:
        headers = {"x-amzn-RequestId": str(uuid.uuid4())}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        self._send(status, headers, json.dumps(body).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send(status, {"Content-Type": "application/json", **headers}, body)


class LambdaApiServer(Server):
    daemon_threads = True

    def __init__(self, sock: Any, runtime: Runtime | None = None) -> None:
        host = sock.getsockname()[0]
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(
                f"the local Lambda endpoint has no authentication and listens on loopback only, not {host}"
            )
        super().__init__(sock.getsockname()[:2], Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_address = sock.getsockname()[:2]
        self.runtime = runtime  # set before serving
        self._invokes: Counter[str] = Counter()
        self._counting = threading.Lock()

    def count_invoke(self, function: str) -> None:
        with self._counting:
            self._invokes[function] += 1

    def take_invokes(self) -> dict[str, int]:
        """{function: invokes} sent to this endpoint since the last call; zeroes them."""
        with self._counting:
            taken, self._invokes = dict(self._invokes), Counter()
        return taken

    def functions(self) -> list[Any]:
        assert self.runtime is not None
        return list(self.runtime.pools.values())

    def function(self, name: str) -> Any:
        assert self.runtime is not None
        return self.runtime.pool(name)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

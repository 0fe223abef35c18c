"""A local stand-in for API Gateway's HTTP API (payload format 2.0).

Routes come from `template.yaml`. Each request becomes an HTTP API v2 event,
the function's answer becomes the HTTP response, as API Gateway does it. How
the function is run is the caller's business (`run_function`). Paths under a
prefix given in `prefixes` (the local sign-in pages, `local.issuer`) are answered
by that prefix's handler instead, before any route is matched.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import template

# API Gateway's payload limit for an HTTP API request is 10 MB; keep the local one smaller.
MAX_BODY_BYTES = 1024 * 1024
JSON = {"content-type": "application/json"}
RunFunction = Callable[[str, dict[str, Any]], dict[str, Any]]
AccessLog = Callable[[str], None]
Authorizer = Callable[[dict[str, str]], dict[str, Any] | None]
# (method, request target with its query, headers with lower-cased names, body) -> (status, headers, body)
PrefixHandler = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class IntegrationError(Exception):
    """The function could not answer; API Gateway would answer with this status."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail or message


class Server(ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback when a client hangs up."""

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """What the local HTTP API and the local Lambda endpoint share: one way to answer, one way to read a length."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the second waits for the
    # client's delayed ACK of the first (40 ms on Linux) on every kept-alive request. AWS's endpoints
    # do not stall like that, so neither may these.
    disable_nagle_algorithm = True
    BAD_LENGTH = b'{"message":"Bad Request: Content-Length must be one whole number of bytes, 0 or more"}'

    def send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away

    def body_length(self) -> int | None:
        """The request's Content-Length (0 when absent); None after answering 400 for one that is not
        a whole number of bytes (negative, not a number, two that differ): the connection is closed,
        since where the next request starts is unknown."""
        values = {v.strip() for v in self.headers.get_all("content-length") or []}
        if not values:
            return 0
        if len(values) == 1:
            value = values.pop()
            if value.isascii() and value.isdigit():
                return int(value)
        self.send(400, JSON, self.BAD_LENGTH)
        self.close_connection = True
        return None

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _route_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", path)
    regex = "".join(_path_part(p) for p in parts)
    return re.compile(f"^{regex}$")


def _path_part(part: str) -> str:
    if not part.startswith("{"):
        return re.escape(part)
    name = part[1:-1]
    return f"(?P<{name[:-1]}>.+)" if name.endswith("+") else f"(?P<{name}>[^/]+)"


class Router:
    """Finds the route for a request as API Gateway does: exact methods before ANY, greedy paths last."""

    def __init__(self, routes: Iterable[template.Route] | dict[tuple[str, str], str]) -> None:
        if isinstance(routes, dict):
            routes = [template.Route(method, path, fn) for (method, path), fn in routes.items()]
        ordered = sorted(routes, key=lambda r: (r.key == "$default", "+}" in r.path, r.method == "ANY"))
        self._routes = [(route, _route_pattern(route.path)) for route in ordered]

    def find(self, method: str, path: str) -> tuple[template.Route, dict[str, str]] | None:
        for route, pattern in self._routes:
            found = pattern.match(path)
            if found and route.method in (method, "ANY"):
                return route, found.groupdict()
        return None

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        """(route key, function logical id, path parameters) or None."""
        found = self.find(method, path)
        return (found[0].key, found[0].function, found[1]) if found else None


def build_event(
    method: str, raw_path: str, headers: dict[str, str], body: bytes, route_key: str, path_parameters: dict[str, str]
) -> dict[str, Any]:
    split = urlsplit(raw_path)
    query = parse_qsl(split.query, keep_blank_values=True)
    now = datetime.now(UTC)
    lowered = lower_case(headers.items())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": split.path,
        "rawQueryString": split.query,
        "headers": lowered,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": split.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            grouped.setdefault(key, []).append(value)
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def lower_case(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header names lower-cased, repeated headers joined with commas, as API Gateway passes them."""
    lowered: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    return lowered


def to_http(result: Any) -> tuple[int, dict[str, str], bytes]:
    """Turn a payload-2.0 answer into (status, headers, body) as API Gateway does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # Format 2.0 infers a 200 JSON response from any other valid JSON answer.
        return 200, {"content-type": "application/json"}, json.dumps(result).encode()
    headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[str(name).lower()] = ",".join(str(v) for v in values)
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return int(result["statusCode"]), headers, raw


def access_log_line(log_format: str, event: dict[str, Any], status: int, latency_ms: int, error: str = "") -> str:
    """The template's access log format with its $context variables filled in, as API Gateway logs it."""
    context = event["requestContext"]
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    values = {
        "requestId": context["requestId"],
        "identity.sourceIp": context["http"]["sourceIp"],
        "routeKey": context["routeKey"],
        "httpMethod": context["http"]["method"],
        "path": context["http"]["path"],
        "protocol": context["http"]["protocol"],
        "requestTime": context["time"],
        "status": str(status),
        "responseLatency": str(latency_ms),
        "integrationLatency": str(latency_ms),
        "integrationErrorMessage": error or "-",
        **{f"authorizer.claims.{name}": str(value) for name, value in claims.items()},
    }
    as_json = log_format.lstrip().startswith("{")

    def fill(found: re.Match[str]) -> str:
        value = values.get(found[1], "-")
        return json.dumps(value)[1:-1] if as_json else value

    return re.sub(r"\$context\.([A-Za-z0-9_.]+)", fill, log_format)


DEFAULT_ACCESS_LOG = '{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status"}'


def make_server(
    host: str,
    port: int,
    run_function: RunFunction,
    access_log: AccessLog | None = None,
    routes: Iterable[template.Route] | None = None,
    authorizer: Authorizer | None = None,
    prefixes: Mapping[str, PrefixHandler] | None = None,
) -> ThreadingHTTPServer:
    """The HTTP API: routes from template.yaml unless given.

    A route guarded by a JWT authorizer needs `authorizer(headers)` (lower-cased names)
    to return the `requestContext.authorizer` block API Gateway would add, e.g.
    {"jwt": {"claims": {...}, "scopes": None}}; None (or no authorizer) is API Gateway's 401.
    A path starting with a key of `prefixes` ("/local-issuer/") is answered by its handler,
    before route matching, with no event, authorizer or access log line.
    """
    router = Router(template.api_routes() if routes is None else routes)
    handlers = dict(prefixes or {})
    log_format = template.access_log_format() or DEFAULT_ACCESS_LOG

    class ApiHandler(Handler):
        server_version = "local-http-api"

        def _handle(self) -> None:
            length = self.body_length()
            if length is None:
                return
            if length > MAX_BODY_BYTES:
                _discard(self.rfile, length)  # read it first, so the client is not cut off mid-send
                self.send(413, JSON, b'{"message":"Request Entity Too Large"}')
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            handler = next((h for prefix, h in handlers.items() if path.startswith(prefix)), None)
            if handler is not None:
                try:
                    answer = handler(self.command, self.path, lower_case(self.headers.items()), body)
                except Exception:
                    self.send(500, JSON, b'{"message":"Internal Server Error"}')
                    raise  # the server prints the traceback
                self.send(*answer)
                return
            found = router.find(self.command, path)
            if found is None:
                self.send(404, JSON, b'{"message":"Not Found"}')
                return
            route, params = found
            started = time.monotonic()
            event = build_event(self.command, self.path, dict(self.headers.items()), body, route.key, params)
            status, answer_headers, payload, error = self._integrate(route, event)
            answer_headers.setdefault("apigw-requestid", event["requestContext"]["requestId"])
            self.send(status, answer_headers, payload)
            if access_log is not None:
                latency = round((time.monotonic() - started) * 1000)
                access_log(access_log_line(log_format, event, status, latency, error))

        def _integrate(self, route: template.Route, event: dict[str, Any]) -> tuple[int, dict[str, str], bytes, str]:
            if route.authorization == "JWT":
                block = authorizer(event["headers"]) if authorizer else None
                if block is None:
                    return 401, {**JSON, "www-authenticate": "Bearer"}, b'{"message":"Unauthorized"}', ""
                event["requestContext"]["authorizer"] = block
            try:
                status, answer_headers, payload = to_http(run_function(route.function, event))
            except IntegrationError as exc:
                return exc.status, dict(JSON), json.dumps({"message": exc.message}).encode(), exc.detail
            return status, answer_headers, payload, ""

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

    return Server((host, port), ApiHandler)


def _discard(stream: Any, length: int, limit: int = 64 * 1024 * 1024, chunk: int = 64 * 1024) -> None:
    """Read and drop up to `length` bytes (at most `limit`) of a request body."""
    left = min(length, limit)
    while left > 0:
        data = stream.read(min(chunk, left))
        if not data:
            return
        left -= len(data)

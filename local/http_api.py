"""A local stand-in for API Gateway's HTTP API (payload format 2.0).

Routes come from `template.yaml`. Each request becomes an HTTP API v2 event,
the function's answer becomes the HTTP response, as API Gateway does it. How
the function is run is the caller's business (`run_function`).
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import template

# API Gateway's payload limit for an HTTP API request is 10 MB; keep the local one smaller.
MAX_BODY_BYTES = 1024 * 1024
RunFunction = Callable[[str, dict[str, Any]], dict[str, Any]]


class IntegrationError(Exception):
    """The function could not answer; API Gateway would answer with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _route_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", path)
    regex = "".join(f"(?P<{p[1:-1].rstrip('+')}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


class Router:
    def __init__(self, routes: dict[tuple[str, str], str]) -> None:
        self._routes = [(method, path, _route_pattern(path), fn) for (method, path), fn in routes.items()]

    def match(self, method: str, path: str) -> tuple[str, str, dict[str, str]] | None:
        """(route key, function logical id, path parameters) or None."""
        for route_method, route_path, pattern, function in self._routes:
            found = pattern.match(path)
            if found and route_method in (method, "ANY"):
                return f"{route_method} {route_path}", function, found.groupdict()
        return None


def build_event(
    method: str, raw_path: str, headers: dict[str, str], body: bytes, route_key: str, path_parameters: dict[str, str]
) -> dict[str, Any]:
    split = urlsplit(raw_path)
    query = parse_qsl(split.query, keep_blank_values=True)
    now = datetime.now(UTC)
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
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


def make_server(host: str, port: int, run_function: RunFunction) -> ThreadingHTTPServer:
    router = Router(template.http_routes())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "local-http-api"

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY_BYTES:
                self._send(413, {"content-type": "application/json"}, b'{"message":"Request Entity Too Large"}')
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            found = router.match(self.command, path)
            if found is None:
                self._send(404, {"content-type": "application/json"}, b'{"message":"Not Found"}')
                return
            route_key, function, params = found
            event = build_event(self.command, self.path, dict(self.headers.items()), body, route_key, params)
            try:
                status, headers, payload = to_http(run_function(function, event))
            except IntegrationError as exc:
                status, headers = exc.status, {"content-type": "application/json"}
                payload = json.dumps({"message": exc.message}).encode()
            headers.setdefault("apigw-requestid", event["requestContext"]["requestId"])
            self._send(status, headers, payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer((host, port), Handler)

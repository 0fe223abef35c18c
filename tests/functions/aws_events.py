"""HTTP API (payload 2.0) events as AWS shapes them, for the handler tests.

Every event starts from `http_api_proxy.json`, the sample that
`sam local generate-event apigateway http-api-proxy` prints (tests/build checks
the file still matches it), and is filled in for one request the way API
Gateway fills it: the route key, lower-case header names with repeated headers
joined by commas, the query string, path parameters, a fresh request id and
time, the body as text (or base64 when it is not UTF-8), and the authorizer
block only when a JWT authorizer validated a token. The handler tests never use
the local stack's own event builder, so a mistake there cannot hide one in the
handlers.
"""

from __future__ import annotations

import base64
import copy
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SAMPLE = json.loads(Path(__file__).with_name("http_api_proxy.json").read_text(encoding="utf-8"))


def api_event(
    method: str,
    raw_path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    route_key: str | None = None,
    path_parameters: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The event API Gateway sends for this request (`route_key` defaults to "METHOD path")."""
    split = urlsplit(raw_path)
    route_key = route_key or f"{method} {split.path}"
    event = copy.deepcopy(SAMPLE)
    for absent in ("cookies", "stageVariables", "pathParameters", "queryStringParameters"):
        event.pop(absent, None)
    lowered: dict[str, str] = {}
    for name, value in (headers or {}).items():
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    context = event["requestContext"]
    context.pop("authentication", None)  # no mutual TLS on this API
    context.pop("authorizer", None)
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    now = datetime.now(UTC)
    context.update(
        {
            "routeKey": route_key,
            "requestId": str(uuid.uuid4()),
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        }
    )
    context["http"].update({"method": method, "path": split.path, "userAgent": lowered.get("user-agent", "")})
    event.update({"routeKey": route_key, "rawPath": split.path, "rawQueryString": split.query, "headers": lowered})
    query = parse_qsl(split.query, keep_blank_values=True)
    if query:
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            grouped.setdefault(key, []).append(value)
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
    if path_parameters:
        event["pathParameters"] = path_parameters
    event["isBase64Encoded"] = False
    event.pop("body", None)
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event

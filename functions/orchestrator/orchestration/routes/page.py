"""GET / and GET /app/<name>: the web page people book from, its files and its configuration (docs/web.md).

Public (the page is what signs a person in) and left out of the OpenAPI
description: they are the page, not the API. Every answer carries the page's
security headers (Content-Security-Policy and the rest, orchestration/page.py).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router

from courtbooking.models import ErrorCode

from .. import page
from ..http_errors import error

router = Router()


@router.get("/", include_in_schema=False)
def index() -> Response[Any]:
    """The page itself."""
    return _file(page.index(), page.INDEX_CACHE)


@router.get("/app/<name>", include_in_schema=False)
def page_file(name: str) -> Response[Any]:
    """One of the page's files by its exact name, or its configuration (config.json); anything else is 404."""
    if name == page.CONFIG:
        return Response(
            status_code=HTTPStatus.OK,
            content_type=content_types.APPLICATION_JSON,
            body=page.config_document(),
            headers={"Cache-Control": page.CONFIG_CACHE, **page.security_headers()},
        )
    found = page.asset(name)
    if found is None:
        missing = error(ErrorCode.NOT_FOUND, "no such file of the page")
        missing.headers.update(page.security_headers())
        return missing
    return _file(found, page.FILE_CACHE)


def _file(found: page.PageFile, cache_control: str) -> Response[Any]:
    headers = {"ETag": found.etag, "Cache-Control": cache_control, **page.security_headers()}
    if page.not_modified(router.current_event.headers.get("if-none-match"), found.etag):
        return Response(status_code=HTTPStatus.NOT_MODIFIED, body="", headers=headers)
    return Response(status_code=HTTPStatus.OK, content_type=found.content_type, body=found.body, headers=headers)

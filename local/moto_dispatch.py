"""The local DynamoDB's (moto's) way to its DynamoDB handler, without the work each request repeated.

For every request, moto's server found the service by the request's host and headers among all of
moto's backends (its `DomainDispatcherApplication`), and its handler listed its own methods with
`inspect.getmembers` to see whether the action is one of them. The local stack serves DynamoDB alone,
and a class's methods do not change between requests. Under `make load` (100 users on one slot) the two
were about a sixth of the local DynamoDB's time per request (issue 15).

So the server is moto's DynamoDB application itself (`create_backend_app("dynamodb")`, what the
dispatcher hands a DynamoDB request to), and the method list is made once per handler class.
Everything else, the action itself included, is moto's.
"""

from __future__ import annotations

import functools
from typing import Any

import moto.core.responses
from moto.core.utils import method_names_from_class


def install() -> None:
    """List each moto handler class's methods once, in this process (idempotent)."""
    moto.core.responses.method_names_from_class = _method_names  # type: ignore[attr-defined]


@functools.cache
def _method_names(clazz: type) -> list[str]:
    return method_names_from_class(clazz)


def dynamodb_app() -> Any:
    """moto's WSGI application for DynamoDB, as its dispatcher makes it for a DynamoDB request."""
    from moto.moto_server.werkzeug_app import create_backend_app

    return create_backend_app("dynamodb")

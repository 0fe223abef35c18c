"""The orchestrator's HTTP API: one resolver with a router per resource, and the handler that serves it.

`make_handler(invoker)` is how the services are wired: the deployed handler
(`orchestrator_function.handler`) reaches them with boto3 Lambda invokes, made
once per container; the tests hand in an invoker of their own. Before routing,
a body that cannot be read is answered (orchestration.http_body); each request
gets its own `Services`, with the API request id for every service's logs and
one time budget for all its calls.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from weakref import WeakSet

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths

from courtbooking import config, idempotency
from courtbooking.aws import lambda_client

from . import http_errors
from .http_body import BodyRefused, as_json_request
from .routes import admin, availability, bookings, chat, health, page, series, waitlist
from .services import Invoker, LambdaInvoker, Service, Services

logger = Logger()

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


DOCS_PATH = "/swagger"
_documented: WeakSet[APIGatewayHttpResolver] = WeakSet()


def build_app() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    routers = (health, chat, availability, bookings, waitlist, series, admin, page)
    for router in (r.router for r in routers):
        app.include_router(router)
    http_errors.register(app)
    return app


def enable_docs(app: APIGatewayHttpResolver) -> None:
    """GET /swagger: the OpenAPI description of every route, and Swagger UI.

    Added on the first request for it, not at start-up: Powertools' OpenAPI models cost about
    60 ms to import and only the description needs them (validation does not), so no chat
    pays for them at a cold start. The description is the same whenever it is made: every
    route is registered by then.
    """
    if app in _documented:
        return
    _documented.add(app)
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    app.enable_swagger(
        path=DOCS_PATH,
        title="Court booking API",
        version="1.0.0",
        description=(
            "Book tennis courts in plain words (POST /chat) or step by step (GET /availability, POST /bookings), "
            "and wait for a taken start (POST /waitlist): a freed court goes to the first waiting by itself. "
            "Book the same start every week (POST /series/preview shows every date first, POST /series books). "
            "With sign-in on, send `Authorization: Bearer <token>`; GET /swagger?format=json is this document. "
            "The club's staff (a token in the admin group) also use /closures, /admin/day and /admin/bookings."
        ),
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        security=[{"bearer": []}],
    )


app = build_app()


@lru_cache(maxsize=1)
def lambda_invoker() -> Invoker:
    """The services as deployed: boto3 Lambda invokes of the functions the template names, their `live` aliases
    with SnapStart (once per container)."""
    names = {
        Service.INTENT_PARSER: config.function_name(config.INTENT_PARSER_FUNCTION),
        Service.AVAILABILITY: config.function_name(config.AVAILABILITY_FUNCTION),
        Service.BOOKING: config.function_name(config.BOOKING_FUNCTION),
    }
    return LambdaInvoker(lambda_client, names)


def make_handler(invoker: Callable[[], Invoker] = lambda_invoker) -> Handler:
    """The Lambda handler, reaching the services through `invoker()`."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        idempotency.register_context(context)
        try:
            event = as_json_request(event)
        except BodyRefused as refusal:
            return http_errors.refused_body(refusal)
        if event.get("rawPath") == DOCS_PATH:
            enable_docs(app)
        request_id = (event.get("requestContext") or {}).get("requestId")
        app.append_context(services=Services(invoker(), correlation_id=request_id))
        return app.resolve(event, context)

    return handler

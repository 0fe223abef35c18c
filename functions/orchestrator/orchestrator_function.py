"""Orchestrator Lambda, behind the HTTP API: POST /chat runs the workflow, GET /health.

Thin on purpose: it validates the request, works out who is asking, calls
`ChatWorkflow` from the layer, and maps failures to HTTP status codes.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths

from courtbooking import config
from courtbooking.aws import lambda_client
from courtbooking.envelope import describe_validation_errors
from courtbooking.errors import ServiceError, ServiceUnavailable
from courtbooking.identity import caller_id
from courtbooking.invocation import DownstreamFailure, Invoker, LambdaInvoker, Service
from courtbooking.models import ChatRequest, ChatResponse
from courtbooking.workflow import ChatWorkflow

logger = Logger()
tracer = Tracer()
app = APIGatewayHttpResolver(enable_validation=True)

# The slowest downstream function's Timeout (template.yaml) plus a margin.
DOWNSTREAM_READ_TIMEOUT_SECONDS = 16
RETRY_AFTER_SECONDS = "2"

_workflow: ChatWorkflow | None = None


def use_invoker(invoker: Invoker) -> None:
    """Run the workflow through this invoker (the local run and tests; AWS uses the default)."""
    global _workflow
    _workflow = ChatWorkflow(invoker, config.facility())


def workflow() -> ChatWorkflow:
    global _workflow
    if _workflow is None:
        names = {
            Service.INTENT_PARSER: config.function_name(config.INTENT_PARSER_FUNCTION),
            Service.AVAILABILITY: config.function_name(config.AVAILABILITY_FUNCTION),
            Service.BOOKING: config.function_name(config.BOOKING_FUNCTION),
        }
        _workflow = ChatWorkflow(
            LambdaInvoker(lambda_client(DOWNSTREAM_READ_TIMEOUT_SECONDS), names), config.facility()
        )
    return _workflow


def _error(status: HTTPStatus, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body={"error": {"code": code, "message": message}},
        headers=headers,
    )


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/chat")
def chat(request: Annotated[ChatRequest, Body(embed=False)]) -> ChatResponse:
    user_id = caller_id(app.current_event.raw_event)
    return workflow().chat(request.message, user_id, correlation_id=app.current_event.request_context.request_id)


@app.exception_handler(RequestValidationError)
def invalid_request(exc: RequestValidationError) -> Response:
    return _error(HTTPStatus.BAD_REQUEST, "INVALID_REQUEST", describe_validation_errors(exc.errors()))


@app.exception_handler(ServiceUnavailable)
def unavailable(exc: ServiceUnavailable) -> Response:
    logger.warning("dependency unavailable", extra={"reason": exc.message})
    return _error(
        HTTPStatus.SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        f"{exc.message}. Nothing was booked; please try again.",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


@app.exception_handler(ServiceError)
def refused(exc: ServiceError) -> Response:
    if exc.code == "INVALID_REQUEST":
        return _error(HTTPStatus.BAD_REQUEST, exc.code, exc.message)
    logger.error("a service refused the workflow's request", extra={"code": str(exc.code), "reason": exc.message})
    return _error(HTTPStatus.BAD_GATEWAY, "SERVICE_FAILED", f"a service refused the request: {exc.message}")


@app.exception_handler(DownstreamFailure)
def downstream_failed(exc: DownstreamFailure) -> Response:
    logger.error("downstream service failed", extra={"service": str(exc.service), "kind": exc.kind})
    if exc.timed_out:
        return _error(HTTPStatus.GATEWAY_TIMEOUT, "SERVICE_TIMEOUT", f"the {exc.service} service timed out")
    return _error(HTTPStatus.BAD_GATEWAY, "SERVICE_FAILED", f"the {exc.service} service {exc.kind}")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)

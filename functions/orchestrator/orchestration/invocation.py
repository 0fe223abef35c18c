"""How the orchestrator reaches the three services: one `Invoker` interface.

In AWS (and in the local stack, through `AWS_ENDPOINT_URL_LAMBDA`) it is
`LambdaInvoker`: boto3 `lambda.invoke`, RequestResponse. The functional tests
hand the orchestrator an in-process invoker of their own (tests/functions).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError

# The slowest service's Timeout in template.yaml (IntentParserFunction) plus a margin.
DEFAULT_INVOKE_TIMEOUT_SECONDS = 11.0


class Service(StrEnum):
    INTENT_PARSER = "intent parser"
    AVAILABILITY = "availability"
    BOOKING = "booking"


class DownstreamFailure(Exception):
    """A service crashed, timed out, or answered something that is not its contract."""

    def __init__(self, service: Service, kind: str, detail: str) -> None:
        super().__init__(f"the {service} service {kind}: {detail}")
        self.service = service
        self.kind = kind  # "failed" | "timed out" | "answered malformed output" | "is unavailable"
        self.detail = detail

    @property
    def timed_out(self) -> bool:
        return self.kind == "timed out"


class Invoker(Protocol):
    def invoke(self, service: Service, payload: dict[str, Any], timeout: float | None = None) -> Any:
        """Invoke a service synchronously and return its decoded JSON answer within `timeout` seconds."""
        ...


def decode_answer(service: Service, raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DownstreamFailure(service, "answered malformed output", "the answer is not JSON") from None


class LambdaInvoker:
    """boto3 `lambda.invoke`; `client_for(timeout)` gives a client whose read timeout is `timeout`."""

    def __init__(self, client_for: Callable[[float], Any], function_names: Mapping[Service, str]) -> None:
        self._client_for = client_for
        self._names = dict(function_names)

    def invoke(self, service: Service, payload: dict[str, Any], timeout: float | None = None) -> Any:
        name = self._names[service]
        client = self._client_for(min(timeout or DEFAULT_INVOKE_TIMEOUT_SECONDS, DEFAULT_INVOKE_TIMEOUT_SECONDS))
        try:
            response = client.invoke(
                FunctionName=name,
                InvocationType="RequestResponse",
                Payload=json.dumps(payload).encode(),
            )
            raw = response["Payload"].read()
        except ReadTimeoutError:
            raise DownstreamFailure(service, "timed out", f"no answer from {name} in time") from None
        except (ConnectTimeoutError, BotoCoreError) as exc:
            raise DownstreamFailure(service, "is unavailable", f"{name} could not be reached ({exc})") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise DownstreamFailure(
                service, "is unavailable", f"{name}: {error.get('Code')}: {error.get('Message')}"
            ) from None
        if response.get("FunctionError"):
            body = decode_answer(service, raw) if raw else {}
            message = body.get("errorMessage", "") if isinstance(body, dict) else ""
            kind = "timed out" if "timed out" in message.lower() else "failed"
            raise DownstreamFailure(service, kind, message or response["FunctionError"])
        return decode_answer(service, raw)

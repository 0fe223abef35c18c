"""`make invoke FUNCTION=BookingFunction EVENT=events/booking_slot.json`: `sam local invoke` without Docker.

Runs the function once, in a fresh worker process set up from template.yaml,
with the event file's dates moved to today (`local.events.load`). DynamoDB and,
for the orchestrator, the Lambda endpoint are the running local stack's when it
is up (`make run`), otherwise throwaway ones. The function's answer is printed
to stdout as JSON, its logs to stderr; the exit status is 1 when it failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from . import clock, dynamodb, events, template
from .runtime import Outcome, print_sink
from .stack import LocalStack, env_vars_file, key_values, local_tables


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.invoke", description=__doc__)
    parser.add_argument("function", help="logical id in template.yaml, e.g. BookingFunction")
    parser.add_argument("event", nargs="?", help="event file (events/<name>.json), '-' for stdin; default {}")
    parser.add_argument("--dynamodb-port", type=int, default=8000, help="the running stack's DynamoDB port")
    parser.add_argument("--invoke-port", type=int, default=3001, help="the running stack's Lambda endpoint port")
    parser.add_argument("--env-vars", type=Path, metavar="FILE", help='JSON {"FunctionId": {"VAR": "value"}}')
    parser.add_argument("--parameter-overrides", nargs="+", default=[], metavar="KEY=VALUE")
    return parser.parse_args(argv)


def read_event(name: str | None, zone: str | None = None) -> Any:
    """The event: a file of events/ with its dates moved to the facility's today, stdin ('-'), or {}."""
    if name is None:
        return {}
    if name == "-":
        return json.loads(sys.stdin.read())
    return events.load(name, today=events.facility_today(zone))


def running_lambda_endpoint(url: str) -> bool:
    """True when the local stack's Lambda endpoint answers at `url`."""
    try:
        with urllib.request.urlopen(f"{url}/2015-03-31/functions/", timeout=1) as response:  # noqa: S310 - loopback
            return response.status == 200 and "Functions" in json.loads(response.read())
    except (OSError, ValueError):
        return False


def throwaway_or_running(args: argparse.Namespace) -> LocalStack:
    """A stack with no HTTP API and no warm workers, on the running stack's DynamoDB and Lambda if up."""
    dynamodb_url = f"http://127.0.0.1:{args.dynamodb_port}"
    lambda_url = f"http://127.0.0.1:{args.invoke_port}"
    return LocalStack(
        api_port=None,
        invoke_port=0,
        dynamodb_port=0,
        dynamodb_endpoint=dynamodb_url if dynamodb.serves_tables(dynamodb_url, list(local_tables().values())) else None,
        lambda_endpoint=lambda_url if running_lambda_endpoint(lambda_url) else None,
        environment=env_vars_file(args.env_vars) if args.env_vars else {},
        parameters=key_values(args.parameter_overrides),
        log=print_sink(sys.stderr),
        prewarm=False,
    )


def show(outcome: Outcome) -> int:
    try:
        print(json.dumps(json.loads(outcome.payload), indent=2))
    except ValueError:
        print(outcome.payload.decode(errors="replace"))
    return 1 if outcome.function_error else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    known = template.functions({})
    if args.function not in known:
        print(f"error: no function {args.function!r} in template.yaml; one of: {', '.join(known)}", file=sys.stderr)
        return 2
    try:
        clock.travel()
        stack = throwaway_or_running(args)
        event = read_event(args.event, stack.parameters.get("FacilityTimezone"))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in stack.warnings:
        print(f"warning: {line}", file=sys.stderr)
    where = "the running local stack's DynamoDB" if stack.dynamodb_endpoint else "a throwaway DynamoDB (moto)"
    try:
        stack.start()
        print(f"[local] invoking {args.function} against {where} at {stack.dynamodb_endpoint}", file=sys.stderr)
        assert stack.runtime is not None
        outcome = stack.runtime.invoke(args.function, json.dumps(event).encode())
    finally:
        stack.stop()
    return show(outcome)


if __name__ == "__main__":
    sys.exit(main())

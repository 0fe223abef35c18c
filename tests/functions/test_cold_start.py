"""A cold start imports only what the function needs (checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from local.template import ROOT

IDEMPOTENCY = "aws_lambda_powertools.utilities.idempotency"


def fresh(code: str, *functions: str) -> str:
    """What `code` prints in a fresh interpreter with only the layer and these functions' folders on the path."""
    paths = [ROOT / "layers" / "shared", *(ROOT / "functions" / f for f in functions)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_no_function_imports_openai_or_the_idempotency_utility_at_start_up() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import availability_function, booking_function, intent_parser_function, orchestrator_function
        assert "openai" not in sys.modules, "a handler module imported openai"
        assert "{IDEMPOTENCY}" not in sys.modules, "a handler module imported the idempotency utility"
        print("ok")
        """
    )
    assert fresh(code, "availability", "booking", "intent_parser", "orchestrator").strip().endswith("ok")


def cold_modules(function: str, module: str) -> set[str]:
    """The modules a handler module imports in a fresh interpreter, with only its folder and the layer."""
    return set(fresh(f"import sys, {module}; print(' '.join(sorted(sys.modules)))", function).split())


def test_the_intent_parser_creates_only_its_own_contracts() -> None:
    modules = cold_modules("intent_parser", "intent_parser_function")
    assert "courtbooking.models" in modules
    assert "courtbooking.contracts" not in modules  # the booking, availability and HTTP contracts


def test_the_orchestrator_loads_the_http_resolver_alone() -> None:
    handler = "aws_lambda_powertools.event_handler"
    modules = cold_modules("orchestrator", "orchestrator_function")
    assert f"{handler}.api_gateway" in modules
    others = {f"{handler}.{name}" for name in ("appsync", "bedrock_agent", "vpc_lattice", "lambda_function_url")}
    assert modules.isdisjoint(others), sorted(modules & others)
    events = "aws_lambda_powertools.utilities.data_classes"
    assert f"{events}.api_gateway_proxy_event" in modules
    unused = {f"{events}.{name}" for name in ("s3_event", "sqs_event", "kafka_event", "code_pipeline_job_event")}
    assert modules.isdisjoint(unused), sorted(modules & unused)


def test_every_name_of_the_event_handler_and_data_classes_packages_is_still_there_when_asked_for() -> None:
    code = textwrap.dedent(
        """
        import sys, orchestrator_function
        from aws_lambda_powertools.event_handler import AppSyncResolver, Response, content_types
        from aws_lambda_powertools.event_handler import api_gateway
        assert Response is api_gateway.Response and content_types.APPLICATION_JSON == "application/json"
        assert AppSyncResolver.__name__ == "AppSyncResolver"  # from the submodule the package's __init__ names
        from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2, SQSEvent, event_source
        from aws_lambda_powertools.utilities.data_classes import api_gateway_proxy_event as proxy
        assert APIGatewayProxyEventV2 is proxy.APIGatewayProxyEventV2 and callable(event_source)
        assert SQSEvent.__name__ == "SQSEvent"
        from aws_lambda_powertools.utilities.batch import BatchProcessor  # imports data_classes.sqs_event itself
        from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord  # which asks for S3Event
        import aws_lambda_powertools.utilities.data_classes as events
        assert callable(BatchProcessor) and SQSRecord.__name__ == "SQSRecord" and callable(events.event_source)
        print("ok")
        """
    )
    assert fresh(code, "orchestrator").strip().endswith("ok")

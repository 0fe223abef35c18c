"""How the local stack sets each function up from template.yaml (no processes started here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from local import template
from local.http_api import Router, access_log_line, build_event
from local.runtime import FunctionConfig, function_name, qualifier
from local.stack import LOCAL_TABLE_NAME, LocalStack, local_tables
from local.template import ROOT


def configs(**options: Any) -> dict[str, FunctionConfig]:
    stack = LocalStack(dynamodb_endpoint="http://127.0.0.1:1", lambda_endpoint="http://127.0.0.1:2", **options)
    return {config.name: config for config in stack.function_configs()}


def test_each_function_gets_its_template_environment_and_lambdas_own_variables() -> None:
    found = configs()
    assert set(found) == set(template.functions({}))
    for name, config in found.items():
        spec = template.functions({})[name]
        env = config.environment
        assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
        assert env["_HANDLER"] == spec.handler
        assert env["AWS_ENDPOINT_URL_DYNAMODB"] == "http://127.0.0.1:1"
        assert env["AWS_ENDPOINT_URL_LAMBDA"] == "http://127.0.0.1:2"
        assert config.timeout == spec.timeout
        assert config.memory_size == spec.memory_size
        assert config.code_dir == spec.code_dir
        assert config.layer_paths == (ROOT / "layers" / "shared",)
        assert ("TABLE_NAME" in env) == ("TABLE_NAME" in spec.environment)
    assert found["BookingFunction"].environment["TABLE_NAME"] == LOCAL_TABLE_NAME
    assert found["OrchestratorFunction"].environment["BOOKING_FUNCTION"] == "BookingFunction"


def test_nothing_of_the_developers_shell_leaks_in_but_the_openai_key_reaches_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("SOMETHING_ELSE", "x")
    for name, config in configs().items():
        env = config.environment
        assert "AWS_PROFILE" not in env
        assert "SOMETHING_ELSE" not in env
        assert env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"]
        assert (env.get("OPENAI_API_KEY") == "sk-test") == (name == "IntentParserFunction")


def test_overrides_timeouts_and_parameters() -> None:
    found = configs(
        environment={"Parameters": {"LOG": "1"}, "BookingFunction": {"TABLE_NAME": "other"}},
        timeouts={"BookingFunction": 2},
        parameters={"Courts": "Centre Court"},
    )
    assert found["BookingFunction"].environment["TABLE_NAME"] == "other"
    assert found["BookingFunction"].timeout == 2
    assert {c.environment["LOG"] for c in found.values()} == {"1"}
    assert {c.environment["COURTS"] for c in found.values()} == {"Centre Court"}


def test_a_build_folder_runs_isolated_from_the_virtualenv(tmp_path: Path) -> None:
    found = configs(build_dir=tmp_path, runtime_paths=(tmp_path / "boto3",))
    for name, config in found.items():
        assert config.code_dir == tmp_path / name
        assert config.layer_paths == (tmp_path / "SharedLayer" / "python",)
        assert config.isolated
        assert config.runtime_paths == (tmp_path / "boto3",)


def test_local_tables_come_from_the_template() -> None:
    assert set(local_tables()) == set(template.resources("AWS::DynamoDB::Table"))
    assert local_tables()["BookingsTable"] == LOCAL_TABLE_NAME


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("BookingFunction", ("BookingFunction", None)),
        ("BookingFunction:$LATEST", ("BookingFunction", "$LATEST")),
        ("123456789012:function:BookingFunction", ("BookingFunction", None)),
        ("arn:aws:lambda:us-east-1:123456789012:function:BookingFunction", ("BookingFunction", None)),
        ("arn:aws:lambda:us-east-1:123456789012:function:BookingFunction:live", ("BookingFunction", "live")),
    ],
)
def test_function_names_as_the_invoke_api_accepts_them(name: str, expected: tuple[str, str | None]) -> None:
    assert (function_name(name), qualifier(name)) == expected


def test_routes_come_from_the_template_and_auth_follows_its_parameters() -> None:
    routes = template.api_routes({"AuthMode": "none"}) if "AuthMode" in template.parameter_defaults() else []
    assert all(route.authorization == "NONE" for route in routes)
    router = Router(template.api_routes())
    assert router.match("GET", "/health") == ("GET /health", "OrchestratorFunction", {})
    assert router.match("POST", "/chat") == ("POST /chat", "OrchestratorFunction", {})
    assert router.match("GET", "/nope") is None


def test_greedy_paths_and_default_routes_match_last() -> None:
    routes = [
        template.Route("ANY", "/{proxy+}", "Fallback"),
        template.Route("GET", "/items/{id}", "Item"),
        template.Route("ANY", "/items/{rest+}", "Items"),
    ]
    router = Router(routes)
    assert router.match("GET", "/items/7") == ("GET /items/{id}", "Item", {"id": "7"})
    assert router.match("GET", "/items/7/parts") == ("ANY /items/{rest+}", "Items", {"rest": "7/parts"})
    assert router.match("POST", "/other/path") == ("$default", "Fallback", {"proxy": "other/path"})


def test_the_access_log_line_follows_the_templates_format_and_stays_json() -> None:
    event = build_event("POST", "/chat", {"host": "x"}, b"{}", "POST /chat", {})
    line = access_log_line(
        '{"requestId":"$context.requestId","status":"$context.status","error":"$context.integrationErrorMessage"}',
        event,
        500,
        12,
        'boom: "quoted"',
    )
    assert json.loads(line) == {
        "requestId": event["requestContext"]["requestId"],
        "status": "500",
        "error": 'boom: "quoted"',
    }

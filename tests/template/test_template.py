"""template.yaml: it lints, and it grants each function only what it needs."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest

from local import template
from local.template import ROOT

FUNCTIONS = ("IntentParserFunction", "AvailabilityFunction", "BookingFunction", "OrchestratorFunction")


def statements(function: str) -> list[dict[str, Any]]:
    """Every IAM statement in a function's Policies, whichever branch of an !If it sits in."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "Effect" in node and "Action" in node:
                found.append(node)
            else:
                for value in node.values():
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template.load_template()["Resources"][function]["Properties"].get("Policies", []))
    return found


def actions(function: str) -> set[str]:
    result: set[str] = set()
    for statement in statements(function):
        action = statement["Action"]
        result.update([action] if isinstance(action, str) else action)
    return result


def test_template_passes_cfn_lint() -> None:
    from cfnlint.api import lint_all

    problems = lint_all((ROOT / "template.yaml").read_text())
    # Errors and warnings fail; informational hints (I....) are advice, not faults.
    assert [str(p) for p in problems if p.rule.id[0] in "EW"] == []


def test_every_function_runs_python_313_on_arm64_with_the_layer() -> None:
    globals_ = template.load_template()["Globals"]["Function"]
    assert globals_["Runtime"] == "python3.13"
    assert globals_["Architectures"] == ["arm64"]
    assert globals_["Layers"] == [{"Ref": "SharedLayer"}]
    layer = template.load_template()["Resources"]["SharedLayer"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Metadata"] == {"BuildMethod": "python3.13", "BuildArchitecture": "arm64"}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_handler_resolves_to_a_callable(function: str) -> None:
    spec = template.functions({})[function]
    path = spec.code_dir / f"{spec.module}.py"
    module_spec = importlib.util.spec_from_file_location(f"resolved_{spec.module}", path)
    assert module_spec is not None
    assert module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    assert callable(getattr(module, spec.attribute))
    assert (spec.code_dir / "requirements.txt").exists()


def test_least_privilege() -> None:
    assert actions("IntentParserFunction") == {"ssm:GetParameter", "secretsmanager:GetSecretValue"}
    assert actions("AvailabilityFunction") == {"dynamodb:Query", "dynamodb:BatchGetItem"}
    assert actions("BookingFunction") <= {
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",  # a series' bookings, in one read
        "dynamodb:Query",
        "dynamodb:DeleteItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
    }
    assert actions("OrchestratorFunction") == {
        "lambda:InvokeFunction",
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }
    orchestrator_tables = [
        s["Resource"] for s in statements("OrchestratorFunction") if s["Sid"] == "IdempotencyRecords"
    ]
    assert orchestrator_tables == [{"Fn::GetAtt": ["IdempotencyTable", "Arn"]}]  # never the bookings table
    conversation = [s for s in statements("OrchestratorFunction") if s["Sid"] == "ConversationState"]
    assert [(set(s["Action"]), s["Resource"]) for s in conversation] == [
        (
            {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"},
            {"Fn::GetAtt": ["ConversationsTable", "Arn"]},
        )
    ]
    # The booking function reaches the conversations table only to leave a holder a notice: INBOX# keys only.
    inbox = [s for s in statements("BookingFunction") if s["Resource"] == {"Fn::GetAtt": ["ConversationsTable", "Arn"]}]
    assert [(s["Action"], s["Condition"]) for s in inbox] == [
        ("dynamodb:UpdateItem", {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INBOX#*"]}})
    ]
    history = [s for s in statements("BookingFunction") if s["Sid"] == "ReadHistory"]
    assert [(s["Action"], s["Resource"]) for s in history] == [
        ("dynamodb:Query", {"Fn::Sub": "${BookingsTable.Arn}/index/History"})
    ]
    # Exactly the three services: their `live` aliases with SnapStart on, else the functions (test_snapstart.py).
    invoke = statements("OrchestratorFunction")[0]["Resource"]
    assert invoke == {
        "Fn::If": [
            "UseSnapStart",
            [{"Ref": f"{f}.Alias"} for f in FUNCTIONS[:3]],
            [{"Fn::GetAtt": [f, "Arn"]} for f in FUNCTIONS[:3]],
        ]
    }
    for function in FUNCTIONS:
        policies = template.load_template()["Resources"][function]["Properties"].get("Policies", [])
        policy_text = json.dumps(policies)
        # No wildcard but a secret's suffix, and the INBOX#* key condition asserted above.
        assert "*" not in policy_text.replace("-??????", "").replace('"INBOX#*"', ""), function
        assert "dynamodb:Scan" not in policy_text


def test_only_table_users_see_the_table_name() -> None:
    specs = template.functions({"BookingsTable": "t"})
    assert {f for f, s in specs.items() if "TABLE_NAME" in s.environment} == {"AvailabilityFunction", "BookingFunction"}
    with_idempotency = {f for f, s in specs.items() if "IDEMPOTENCY_TABLE_NAME" in s.environment}
    assert with_idempotency == {"BookingFunction", "OrchestratorFunction"}


def test_conversations_expire_by_ttl_and_only_the_orchestrator_reads_them() -> None:
    table = template.load_template()["Resources"]["ConversationsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    specs = template.functions({})
    # The booking function has the name only to leave notices in holders' inboxes (IAM: INBOX# keys, UpdateItem).
    named = {f for f, s in specs.items() if "CONVERSATIONS_TABLE_NAME" in s.environment}
    assert named == {"OrchestratorFunction", "BookingFunction"}


def test_only_the_intent_parser_carries_openai() -> None:
    for function in FUNCTIONS:
        spec = template.functions({})[function]
        text = (spec.code_dir / "requirements.txt").read_text()
        assert ("openai" in text) == (function == "IntentParserFunction")


def test_bookings_table_is_safe_to_keep() -> None:
    table = template.load_template()["Resources"]["BookingsTable"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert props["SSESpecification"] == {"SSEEnabled": True}


ROUTES = {
    ("POST", "/chat"),
    ("GET", "/health"),
    ("GET", "/swagger"),
    ("GET", "/availability"),
    ("GET", "/bookings"),
    ("POST", "/bookings"),
    ("GET", "/bookings/{booking_id}"),
    ("PATCH", "/bookings/{booking_id}"),
    ("DELETE", "/bookings/{booking_id}"),
    ("GET", "/bookings/{booking_id}/calendar"),
    ("POST", "/waitlist"),
    ("GET", "/waitlist"),
    ("DELETE", "/waitlist/{entry_id}"),
    ("POST", "/series/preview"),
    ("POST", "/series"),
    ("GET", "/series"),
    ("GET", "/series/{series_id}"),
    ("DELETE", "/series/{series_id}"),
    ("DELETE", "/series/{series_id}/dates/{date}"),
    ("GET", "/"),
    ("GET", "/app/{file}"),
    # The club's staff (the orchestrator refuses anyone outside the admin group).
    ("GET", "/closures"),
    ("POST", "/closures"),
    ("DELETE", "/closures/{closure_id}"),
    ("GET", "/admin/day"),
    ("GET", "/admin/bookings/{booking_id}"),
    ("DELETE", "/admin/bookings/{booking_id}"),
}
# The page and its files are public: the page is what signs a person in.
PUBLIC = {("GET", "/health"), ("GET", "/swagger"), ("GET", "/"), ("GET", "/app/{file}")}


def test_http_api_routes_reach_the_orchestrator() -> None:
    assert template.http_routes() == dict.fromkeys(ROUTES, "OrchestratorFunction")
    integration = template.load_template()["Resources"]["OrchestratorIntegration"]["Properties"]
    assert integration["PayloadFormatVersion"] == "2.0"
    outputs = template.load_template()["Outputs"]
    assert {"ApiUrl", *(f"{f}Name" for f in FUNCTIONS)} <= set(outputs)


def test_every_route_but_health_swagger_and_the_page_needs_a_token_when_sign_in_is_on() -> None:
    signed_in = {(r.method, r.path): r.authorization for r in template.api_routes({"AuthMode": "jwt"})}
    assert {k for k, auth in signed_in.items() if auth == "NONE"} == PUBLIC
    assert {k for k, auth in signed_in.items() if auth == "JWT"} == ROUTES - PUBLIC
    demo = {(r.method, r.path): r.authorization for r in template.api_routes({"AuthMode": "none"})}
    assert set(demo.values()) == {"NONE"}
    assert template.parameter_defaults()["AuthMode"] == "jwt"  # secure unless the deployer says otherwise


def test_the_orchestrator_knows_the_auth_mode_so_it_fails_closed() -> None:
    env = template.functions({})["OrchestratorFunction"].environment
    assert env["AUTH_MODE"] == "jwt"


def test_history_is_an_index_of_booking_items_and_everything_expires_by_ttl() -> None:
    props = template.load_template()["Resources"]["BookingsTable"]["Properties"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    [index] = props["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "History"
    assert [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]] == [
        ("history_pk", "HASH"),
        ("history_sk", "RANGE"),
    ]
    # The local stack and the tests create the table from this same definition, index included.
    definition = template.table_definition("BookingsTable", "t")
    assert definition["GlobalSecondaryIndexes"] == props["GlobalSecondaryIndexes"]

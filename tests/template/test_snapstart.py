"""The SnapStart parameter, in the template as the SAM transform makes it (the SAM CLI's own translator).

Off by default. Either way every function publishes a version behind the alias `live`; on,
each published version starts from a snapshot, and what invokes a function (the orchestrator's
environment and its IAM policy, the HTTP API's integration and its permission) names the alias,
since a snapshot is only ever of a published version. The local stack resolves `!Ref F.Alias`
to the qualified name `F:live`, and its Lambda endpoint takes it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from local import template
from local.template import ROOT
from tests.local.conftest import LogCapture, chat, running_stack

FUNCTIONS = ("IntentParserFunction", "AvailabilityFunction", "BookingFunction", "OrchestratorFunction")
SERVICES = {
    "INTENT_PARSER_FUNCTION": FUNCTIONS[0],
    "AVAILABILITY_FUNCTION": FUNCTIONS[1],
    "BOOKING_FUNCTION": FUNCTIONS[2],
}
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"


@cache
def transformed() -> dict[str, Any]:
    """template.yaml after the SAM transform (parameters are CloudFormation's to resolve: the conditions stay)."""
    script = ROOT / "tests" / "template" / "sam_transform.py"
    done = subprocess.run(
        [str(SAM_PYTHON), str(script), str(ROOT / "template.yaml")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def alias(function: str) -> dict[str, str]:
    return {"Ref": f"{function}Aliaslive"}


def on_or_off(when_on: Any, when_off: Any) -> dict[str, Any]:
    return {"Fn::If": ["UseSnapStart", when_on, when_off]}


def test_snapstart_is_off_by_default_and_on_only_when_asked() -> None:
    parameter = template.load_template()["Parameters"]["SnapStart"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("off", ["off", "on"])
    assert transformed()["Conditions"]["UseSnapStart"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "on"]}


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_function_publishes_a_version_behind_live_and_snapshots_it_when_on(function: str) -> None:
    resources = transformed()["Resources"]
    assert resources[function]["Properties"]["SnapStart"] == {"ApplyOn": on_or_off("PublishedVersions", "None")}
    [(version_id, version)] = [
        (k, v)
        for k, v in resources.items()
        if v["Type"] == "AWS::Lambda::Version" and v["Properties"]["FunctionName"] == {"Ref": function}
    ]
    assert version["DeletionPolicy"] == "Delete"  # no old version (nor its snapshot) stays cached and billed
    live = resources[f"{function}Aliaslive"]
    assert live["Type"] == "AWS::Lambda::Alias"
    assert live["Properties"]["Name"] == "live"
    assert live["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}


def test_with_snapstart_everything_that_invokes_names_the_alias_and_only_it() -> None:
    resources = transformed()["Resources"]
    variables = resources["OrchestratorFunction"]["Properties"]["Environment"]["Variables"]
    for variable, function in SERVICES.items():
        assert variables[variable] == on_or_off(alias(function), {"Ref": function})
    role = resources[resources["OrchestratorFunction"]["Properties"]["Role"]["Fn::GetAtt"][0]]
    statements = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]
    [invoke] = [s for s in statements if s["Action"] == "lambda:InvokeFunction"]
    assert invoke["Resource"] == on_or_off(
        [alias(f) for f in SERVICES.values()], [{"Fn::GetAtt": [f, "Arn"]} for f in SERVICES.values()]
    )
    [integration] = [v for v in resources.values() if v["Type"] == "AWS::ApiGatewayV2::Integration"]
    assert integration["Properties"]["IntegrationUri"] == on_or_off(
        alias("OrchestratorFunction"), {"Fn::GetAtt": ["OrchestratorFunction", "Arn"]}
    )
    permissions = [v for v in resources.values() if v["Type"] == "AWS::Lambda::Permission"]
    assert [p["Properties"]["FunctionName"] for p in permissions] == [
        on_or_off(alias("OrchestratorFunction"), {"Ref": "OrchestratorFunction"})
    ]


@pytest.mark.slow
def test_the_local_stack_with_snapstart_on_invokes_the_aliases_and_answers() -> None:
    with running_stack(parameters={"AuthMode": "none", "SnapStart": "on"}, log=LogCapture()) as local:
        orchestrator = next(c for c in local.function_configs() if c.name == "OrchestratorFunction")
        assert {v: orchestrator.environment[v] for v in SERVICES} == {v: f"{f}:live" for v, f in SERVICES.items()}
        local.requests()  # not what starting it asked (GET /health)
        status, body = chat(local.api_url, "book court A tomorrow at 3pm", user="snap")
        assert (status, body["status"]) == (200, "booked"), body
        assert local.requests()["invokes"] == {f"{f}": 1 for f in SERVICES.values()}


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))

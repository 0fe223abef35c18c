"""Read `template.yaml` (with its CloudFormation tags) into plain data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps intrinsic functions (`!Ref X` -> {"Ref": "X"})."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@lru_cache(maxsize=1)
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def resources(of_type: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in load_template()["Resources"].items() if r["Type"] == of_type}


def parameter_defaults() -> dict[str, str]:
    return {name: str(p.get("Default", "")) for name, p in load_template().get("Parameters", {}).items()}


def table_definition(logical_id: str, table_name: str) -> dict[str, Any]:
    """CreateTable arguments for a table, taken from the template's own definition."""
    props = load_template()["Resources"][logical_id]["Properties"]
    definition: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    return definition


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    module: str
    attribute: str
    timeout: int
    environment: dict[str, str]


def _resolve(value: Any, names: dict[str, str]) -> str:
    """Resolve the few intrinsics the environment uses, against local names."""
    if isinstance(value, dict) and "Ref" in value:
        return names.get(value["Ref"], "")
    return str(value)


def functions(local_names: dict[str, str]) -> dict[str, FunctionSpec]:
    """Every function in the template, with its environment resolved for the local run.

    `local_names` maps logical ids (parameters and resources) to local values,
    e.g. {"BookingsTable": "court-bookings", "FacilityTimezone": "UTC"}.
    """
    template = load_template()
    names = {**parameter_defaults(), **local_names}
    global_fn = template.get("Globals", {}).get("Function", {})
    global_env = global_fn.get("Environment", {}).get("Variables", {})
    specs = {}
    for logical_id, resource in resources("AWS::Serverless::Function").items():
        props = resource["Properties"]
        module, attribute = props["Handler"].rsplit(".", 1)
        env_template = {**global_env, **props.get("Environment", {}).get("Variables", {})}
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_dir=ROOT / props["CodeUri"],
            module=module,
            attribute=attribute,
            timeout=int(props.get("Timeout", global_fn.get("Timeout", 3))),
            environment={k: _resolve(v, names) for k, v in env_template.items()},
        )
    return specs


def http_routes() -> dict[tuple[str, str], str]:
    """{(METHOD, path): function logical id} for every HttpApi event in the template."""
    routes = {}
    for logical_id, resource in resources("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                props = event["Properties"]
                routes[(props["Method"].upper(), props["Path"])] = logical_id
    return routes

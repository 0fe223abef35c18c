"""Read `template.yaml` (with its CloudFormation tags) into plain data."""

from __future__ import annotations

import re
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
    memory_size: int = 128
    layer_dirs: tuple[Path, ...] = ()
    alias: str | None = None  # AutoPublishAlias: the alias its published versions go behind

    @property
    def handler(self) -> str:
        return f"{self.module}.{self.attribute}"


def _resolve(value: Any, names: dict[str, str], conditions: Conditions) -> str:
    """Resolve the few intrinsics the environment uses (`!Ref`, `!If [Condition, a, b]`) against local names.

    SAM's `!Ref Function.Alias` (the alias ARN in AWS) is the qualified name `<local name>:<alias>`.
    """
    if isinstance(value, dict) and "Fn::If" in value:
        name, when_true, when_false = value["Fn::If"]
        return _resolve(when_true if conditions.holds(name) else when_false, names, conditions)
    if isinstance(value, dict) and "Ref" in value:
        target, _, attribute = value["Ref"].partition(".")
        if attribute == "Alias":
            return f"{names.get(target, '')}:{function_alias(target)}"
        return names.get(value["Ref"], "")
    return str(value)


def function_alias(logical_id: str) -> str | None:
    """The function's AutoPublishAlias (its own, else the Globals'); None when it publishes no versions."""
    props = load_template()["Resources"][logical_id]["Properties"]
    alias = props.get(
        "AutoPublishAlias", load_template().get("Globals", {}).get("Function", {}).get("AutoPublishAlias")
    )
    return None if alias is None else str(Conditions(parameter_defaults()).evaluate(alias))


def functions(local_names: dict[str, str]) -> dict[str, FunctionSpec]:
    """Every function in the template, with its environment resolved for the local run.

    `local_names` maps logical ids (parameters and resources) to local values,
    e.g. {"BookingsTable": "court-bookings", "FacilityTimezone": "UTC"}.
    """
    template = load_template()
    names = {**parameter_defaults(), **local_names}
    conditions = Conditions(names)
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
            environment={k: _resolve(v, names, conditions) for k, v in env_template.items()},
            memory_size=int(props.get("MemorySize", global_fn.get("MemorySize", 128))),
            layer_dirs=layer_dirs(props.get("Layers", global_fn.get("Layers", []))),
            alias=function_alias(logical_id),
        )
    return specs


def layer_dirs(layers: list[Any]) -> tuple[Path, ...]:
    """The source folder (ContentUri) of each layer in this template that a function references."""
    layer_resources = resources("AWS::Serverless::LayerVersion")
    found = []
    for layer in layers:
        name = layer.get("Ref") if isinstance(layer, dict) else None
        if name in layer_resources:
            found.append(ROOT / layer_resources[name]["Properties"]["ContentUri"])
    return tuple(found)


@dataclass(frozen=True)
class Route:
    """One HTTP API route: `method` may be ANY; `path` may end in a greedy `{name+}`."""

    method: str
    path: str
    function: str
    authorization: str = "NONE"  # "JWT" when a JWT authorizer guards the route

    @property
    def key(self) -> str:
        return "$default" if (self.method, self.path) == ("ANY", "/{proxy+}") else f"{self.method} {self.path}"


def api_routes(parameters: dict[str, str] | None = None) -> list[Route]:
    """Every HTTP API route of the template, SAM `HttpApi` events and `AWS::ApiGatewayV2::Route`s.

    Conditions (`!If [UseJwt, JWT, NONE]`) are decided with the parameters' defaults
    overridden by `parameters`, as CloudFormation would decide them.
    """
    conditions = Conditions({**parameter_defaults(), **(parameters or {})})
    routes = []
    for logical_id, resource in resources("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi":
                props = event["Properties"]
                routes.append(Route(props.get("Method", "ANY").upper(), props.get("Path", "/{proxy+}"), logical_id))
    integrations = resources("AWS::ApiGatewayV2::Integration")
    for resource in resources("AWS::ApiGatewayV2::Route").values():
        props = resource["Properties"]
        function = _integration_function(props.get("Target"), integrations, conditions)
        if function is None:
            continue
        method, _, path = props["RouteKey"].partition(" ")
        if props["RouteKey"] == "$default":
            method, path = "ANY", "/{proxy+}"
        authorization = conditions.evaluate(props.get("AuthorizationType", "NONE")) or "NONE"
        routes.append(Route(method.upper(), path, function, str(authorization).upper()))
    return routes


def http_routes() -> dict[tuple[str, str], str]:
    """{(METHOD, path): function logical id} for every HTTP API route in the template."""
    return {(route.method, route.path): route.function for route in api_routes()}


def _integration_function(target: Any, integrations: dict[str, dict[str, Any]], conditions: Conditions) -> str | None:
    """`integrations/${OrchestratorIntegration}` -> the function its IntegrationUri names
    (`!GetAtt F.Arn`, `!Ref F.Alias`, a `!Sub` of `${F.Arn}`, or an `!If` of them)."""
    text = target.get("Fn::Sub", "") if isinstance(target, dict) else str(target or "")
    found = re.search(r"integrations/\$\{(\w+)\}", text if isinstance(text, str) else "")
    if found is None or found[1] not in integrations:
        return None
    uri = conditions.evaluate(integrations[found[1]]["Properties"].get("IntegrationUri"))
    if isinstance(uri, str) and uri.endswith(".Alias"):  # `!Ref F.Alias`, as Conditions leaves a Ref it cannot decide
        return uri.removesuffix(".Alias")
    if isinstance(uri, dict) and "Fn::GetAtt" in uri:
        return str(uri["Fn::GetAtt"][0])
    names = re.findall(r"\$\{(\w+)\.Arn\}", str(uri.get("Fn::Sub", "")) if isinstance(uri, dict) else "")
    return names[0] if names else None


def access_log_format() -> str | None:
    """The HTTP API's access log format ($context variables), if the template sets one."""
    for of_type in ("AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"):
        for resource in resources(of_type).values():
            settings = resource["Properties"].get("AccessLogSettings") or {}
            if isinstance(settings.get("Format"), str):
                return str(settings["Format"])
    return None


class Conditions:
    """Decides the template's Conditions and the intrinsics that use them, for given parameters."""

    def __init__(self, parameters: dict[str, str]) -> None:
        self._parameters = parameters
        self._definitions = load_template().get("Conditions", {})

    def holds(self, name: str) -> bool:
        return bool(self.evaluate(self._definitions[name]))

    def evaluate(self, node: Any) -> Any:
        if not isinstance(node, dict) or len(node) != 1:
            return node
        ((function, args),) = node.items()
        if function == "Ref":
            return None if args == "AWS::NoValue" else self._parameters.get(args, args)
        if function == "Condition":
            return self.holds(args)
        if function == "Fn::If":
            name, when_true, when_false = args
            return self.evaluate(when_true if self.holds(name) else when_false)
        if function == "Fn::Equals":
            return self.evaluate(args[0]) == self.evaluate(args[1])
        if function == "Fn::Not":
            return not self.evaluate(args[0])
        if function == "Fn::And":
            return all(self.evaluate(a) for a in args)
        if function == "Fn::Or":
            return any(self.evaluate(a) for a in args)
        return node

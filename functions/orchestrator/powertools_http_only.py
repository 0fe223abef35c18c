"""Powertools' event handler for the orchestrator, without the resolvers and event classes it does not use.

Two Powertools packages have an `__init__` that imports everything they hold to re-export it:
- `aws_lambda_powertools.event_handler` imports every resolver (AppSync, AppSync events, Bedrock agents,
  VPC Lattice, function URLs ...); the orchestrator uses the HTTP API's alone (`event_handler.api_gateway`);
- `aws_lambda_powertools.utilities.data_classes` imports every event class (about 30: S3, SQS, Kafka,
  CodePipeline with `tempfile`, Cognito ...); `api_gateway` asks it for seven, from five modules.

The rest cost the orchestrator's cold start about 20 ms and 7 ms (issue 15, docs/performance.md). So each
package is registered without running its `__init__`: its submodules import as usual, the names the HTTP
resolver asks for come from the module that defines them, any other name the `__init__` re-exports
(`from .sqs_event import SQSEvent`) from its submodule, read off the `__init__`'s source without running
it, and a name the `__init__` defines itself by running it, the first time one is asked for. So nothing
that imports the package the usual way breaks.
This module is imported first by orchestrator_function, before anything imports the event handler.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

EVENT_HANDLER = "aws_lambda_powertools.event_handler"
DATA_CLASSES = "aws_lambda_powertools.utilities.data_classes"

# {package: {name its __init__ re-exports: the submodule defining it}}, for the names the HTTP resolver uses
# (Powertools' modules import `Response` from the event handler package itself).
HTTP_NAMES = {
    EVENT_HANDLER: {
        resolver: "api_gateway"
        for resolver in ("ALBResolver", "APIGatewayHttpResolver", "ApiGatewayResolver", "APIGatewayRestResolver")
    }
    | {"CORSConfig": "api_gateway", "Response": "api_gateway"},
    DATA_CLASSES: {
        "ALBEvent": "alb_event",
        "APIGatewayProxyEvent": "api_gateway_proxy_event",
        "APIGatewayProxyEventV2": "api_gateway_proxy_event",
        "BedrockAgentEvent": "bedrock_agent_event",
        "LambdaFunctionUrlEvent": "lambda_function_url_event",
        "VPCLatticeEvent": "vpc_lattice",
        "VPCLatticeEventV2": "vpc_lattice",
    },
}


def register(name: str, defined_in: dict[str, str]) -> None:
    """Put package `name` in sys.modules without running its __init__ (see the module's docstring)."""
    if name in sys.modules:
        return  # imported already (a test process, a local stack): nothing to save
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        module = defined_in.get(attribute) or _reexported(spec.origin).get(attribute)
        if module is not None:  # `from .module import attribute` in the __init__: from that module alone
            value = getattr(importlib.import_module(f"{name}.{module}"), attribute)
            setattr(package, attribute, value)  # bound as the __init__ binds it (over a submodule of that name)
            return value
        try:
            return importlib.import_module(f"{name}.{attribute}")  # a submodule: `import ... content_types`
        except ModuleNotFoundError:
            pass
        del package.__dict__["__getattr__"]
        try:
            loader.exec_module(package)  # a name the __init__ defines itself: run it once, after all
        except BaseException:
            package.__dict__["__getattr__"] = __getattr__  # half run: lazy again, as before it
            raise
        return getattr(package, attribute)

    package.__dict__["__getattr__"] = __getattr__
    sys.modules[name] = package
    parent, _, child = name.rpartition(".")
    setattr(importlib.import_module(parent), child, package)


@functools.cache
def _reexported(init: str | None) -> dict[str, str]:
    """{name: submodule} of a package __init__'s `from .submodule import name` lines, read, not run: a module
    that imports a name from its own package while it loads (data_classes.sqs_event imports S3Event) gets it
    without the __init__ running, which would import that very module again half-loaded."""
    if init is None:
        return {}
    tree = ast.parse(Path(init).read_text(encoding="utf-8"))
    return {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        for alias in node.names
    }


for _package, _names in HTTP_NAMES.items():
    register(_package, _names)

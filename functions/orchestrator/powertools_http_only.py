"""Powertools' event handler for the orchestrator, without the resolvers it does not use.

The package `aws_lambda_powertools.event_handler` has an `__init__` that imports every resolver Powertools
has (AppSync, AppSync events, Bedrock agents, VPC Lattice, function URLs ...) to re-export them. The
orchestrator uses the HTTP API's alone (`event_handler.api_gateway`), and the rest cost its cold start
about 20 ms (issue 15, docs/performance.md). So the package is registered without running its `__init__`:
its submodules import as usual, and a name only that `__init__` defines is looked up by running it, the
first time one is asked for, so nothing that imports it the usual way breaks.
This module is imported first by orchestrator_function, before anything imports the event handler.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

PACKAGE = "aws_lambda_powertools.event_handler"
# What the package's __init__ re-exports from the HTTP resolvers' own module (Powertools' modules import
# `Response` from the package itself).
FROM_API_GATEWAY = {"ALBResolver", "APIGatewayHttpResolver", "ApiGatewayResolver", "APIGatewayRestResolver"}
FROM_API_GATEWAY |= {"CORSConfig", "Response"}


def register() -> None:
    if PACKAGE in sys.modules:
        return  # imported already (a test process, a local stack): nothing to save
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in FROM_API_GATEWAY:
            return getattr(importlib.import_module(f"{PACKAGE}.api_gateway"), name)
        try:
            return importlib.import_module(f"{PACKAGE}.{name}")  # a submodule: `import ... content_types`
        except ModuleNotFoundError:
            pass
        del package.__dict__["__getattr__"]
        loader.exec_module(package)  # a name of the package's own: run its __init__ once, after all
        return getattr(package, name)

    package.__dict__["__getattr__"] = __getattr__
    sys.modules[PACKAGE] = package
    sys.modules["aws_lambda_powertools"].event_handler = package


register()

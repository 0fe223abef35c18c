"""Print template.yaml as the SAM transform makes it, for given parameters (run by the SAM CLI's own Python).

    .venv-sam/bin/python tests/template/sam_transform.py template.yaml SnapStart=on

Every CodeUri / ContentUri becomes an S3 location first, as `sam package` makes it; the
translator needs a region, no account and no network (the template names no managed policy).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template's policies are all inline: nothing to look up."""

    def load(self) -> dict[str, str]:
        return {}


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = "s3://bucket/" + properties[key].strip("/")
    return template


def main(path: str, *assignments: str) -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(path, encoding="utf-8") as handle:
        template = packaged(yaml_parse(handle.read()))
    parameters = dict(assignment.split("=", 1) for assignment in assignments)
    print(json.dumps(transform(template, parameters, NoManagedPolicies())))


if __name__ == "__main__":
    main(*sys.argv[1:])

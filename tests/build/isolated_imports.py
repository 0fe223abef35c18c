"""Run inside a built function's isolated interpreter (`python -I -S`): do its requirements import?

argv: a JSON object {"path": [folders to put on sys.path], "requirements": [distribution names]}.
Prints a JSON list of problems (empty when every distribution is installed, its
unconditional dependencies are installed, and its top-level modules import).
Only the standard library is used: nothing else is on the path yet.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import json
import re
import sys


def top_level_modules(dist: metadata.Distribution) -> list[str]:
    listed = (dist.read_text("top_level.txt") or "").split()
    if listed:
        return listed
    found = set()
    for file in dist.files or []:
        parts = file.parts
        if parts[0].endswith((".dist-info", ".data")) or parts[0] in ("__pycache__", "..", "bin"):
            continue
        if len(parts) > 1 and parts[-1] == "__init__.py":
            found.add(parts[0])
        elif len(parts) == 1 and file.suffix in (".py", ".so"):
            found.add(parts[0].split(".")[0])
    return sorted(found)


def check(name: str) -> list[str]:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return [f"{name}: not installed"]
    problems = []
    for requirement in dist.requires or []:
        if ";" in requirement:  # extras and platform markers: not needed unconditionally
            continue
        dependency = re.split(r"[\s<>=!~\[(;]", requirement, maxsplit=1)[0]
        try:
            metadata.distribution(dependency)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} needs {dependency}: not installed")
    for module in top_level_modules(dist):
        if module.startswith("_") or module.endswith("-stubs"):
            continue
        try:
            importlib.import_module(module)
        except Exception as exc:
            problems.append(f"{name}: import {module} failed: {type(exc).__name__}: {exc}")
    return problems


def main() -> int:
    request = json.loads(sys.argv[1])
    sys.path[:0] = request["path"]
    problems = [problem for name in request["requirements"] for problem in check(name)]
    print(json.dumps(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())

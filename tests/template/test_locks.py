"""Reproducible builds: what ships to Lambda and what the tests run on are exact pins, and agree.

Each lock (`requirements.txt`) is compiled from the `.in` file beside it by `make lock`.
"""

from __future__ import annotations

import re
from pathlib import Path

from local.template import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)\s*(#.*)?$")
FUNCTION_LOCKS = sorted(p for p in (ROOT / "functions").glob("*/requirements.txt") if p.with_suffix(".in").exists())
LOCKS = [ROOT / "layers/shared/requirements.txt", ROOT / "requirements-dev.txt", *FUNCTION_LOCKS]


def pins(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith(("#", "-")):
            continue
        match = PIN.match(line.strip())
        assert match, f"{lock.relative_to(ROOT)}: {line!r} is not an exact pin"
        found[match[1].lower()] = match[2]
    return found


def test_every_lock_is_exact_pins_made_from_its_in_file() -> None:
    for lock in LOCKS:
        assert lock.with_suffix(".in").exists(), f"{lock.relative_to(ROOT)} has no .in file to be made from"
        assert pins(lock), f"{lock.relative_to(ROOT)} pins nothing"


def test_the_locks_agree_and_the_tests_run_what_ships() -> None:
    development = pins(ROOT / "requirements-dev.txt")
    for lock in LOCKS:
        for name, version in pins(lock).items():
            assert development.get(name) == version, (
                f"{name}: {lock.relative_to(ROOT)} has {version}, dev has {development.get(name)}"
            )

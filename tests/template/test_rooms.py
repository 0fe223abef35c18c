"""One room per service, checked by reading the imports (docs/architecture.md).

- No module under layers/ is used by only one function: what one function alone
  needs lives in that function's folder.
- No function imports another function's code, and the layer imports no function.
- The layer stays small (under 1,850 lines): the contracts, errors and envelope,
  configuration, the AWS clients, BookingService and its schedule, the words.
"""

from __future__ import annotations

import ast
from pathlib import Path

from local.template import ROOT

LAYER = ROOT / "layers" / "shared"
LAYER_PACKAGE = "courtbooking"
FUNCTIONS = sorted(p for p in (ROOT / "functions").iterdir() if p.is_dir() and not p.name.startswith("_"))
# It grows with BookingService (move) and the contracts (conversation), never with any one function.
# 1850 since a cancel keeps the booking's record (issue 12, calendar invites): the conditional update
# of the record, its sequence and retention setting, and the CANCELLED refusal are BookingService's
# and the contracts', shared by the booking function and the orchestrator; sharing one read and one
# release of slots between cancel and move saved some of it, not all.
# 3600 since the club's rules (issue 14): weekday hours (config), the cut-off, the weekly counter, closure
# markers checked inside every booking's transaction, cancel by an admin or a closure with the holder's notice
# (BookingService, read by availability and booking alike), and the admin contracts. ClubAdmin (closing,
# reopening, the day sheet) and the history query are the booking function's alone and should move to its
# folder; they are here for now because BookingService's transactions and theirs share the same items.
# 3700 since a chat books in one call (issue 15): BookingService.book_first answers held, limit, booked or
# taken-with-what-is-free from one read of the person's list, and its two contracts.
# 4400 since waitlists (issue 13): the claim is written inside cancel's and move's own transactions, so it is
# BookingService's (layer), as are the waitlist contracts and words; joining, listing and leaving
# (waitlist.Waitlist) are the booking function's alone and should move with ClubAdmin.
# 4650 since recurring series (issue 13): the series contracts and their words are the layer's (the
# orchestrator shapes the same models); the series themselves (recurring.Recurring) are the booking function's.
# 4750 since the contracts are two modules (issue 15): models.py, what the intent parser needs, and contracts.py,
# the rest, so that the parser's cold start creates only its own classes; the second module's header costs lines.
# 4800 since BookingService reads by keys in one place (_batch_items, also the series' bookings): the same start
# on nearby days is one BatchGetItem, not a Query per day (issue 15: a chat whose start is taken made four reads).
# 4850 since a join and a release that race check what each read (waitlist.Claims.unchanged, the join's
# slot checks): the rule is the claim's, inside the release's transaction, so it is the layer's.
LAYER_MAX_LINES = 4850


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def top_level_names(folder: Path) -> set[str]:
    """The importable names a folder puts on the path: its modules and packages."""
    return {p.stem for p in folder.glob("*.py")} | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()}


def imports(path: Path) -> set[str]:
    """Every absolute module name a file imports (relative imports stay inside its own package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def layer_modules() -> set[str]:
    return {p.stem for p in (LAYER / LAYER_PACKAGE).glob("*.py") if p.stem != "__init__"}


def layer_modules_used_by(function: Path) -> set[str]:
    used = set()
    for path in python_files(function):
        for name in imports(path):
            parts = name.split(".")
            if parts[0] == LAYER_PACKAGE and len(parts) > 1:
                used.add(parts[1])
    return used


def test_every_module_of_the_layer_is_used_by_more_than_one_function() -> None:
    users: dict[str, list[str]] = {module: [] for module in layer_modules()}
    direct = {f.name: layer_modules_used_by(f) for f in FUNCTIONS}
    for module in users:
        users[module] = [f for f, used in direct.items() if module in used or _through_layer(module, used)]
    alone = {module: who for module, who in users.items() if len(who) < 2}
    assert alone == {}, f"used by fewer than two functions, so it belongs to that function: {alone}"


def _through_layer(module: str, used: set[str]) -> bool:
    """Whether a module the function imports from the layer imports `module` in turn."""
    seen, todo = set(), list(used)
    while todo:
        current = todo.pop()
        if current in seen or not (LAYER / LAYER_PACKAGE / f"{current}.py").exists():
            continue
        seen.add(current)
        for name in imports(LAYER / LAYER_PACKAGE / f"{current}.py"):
            parts = name.split(".")
            if parts[0] == LAYER_PACKAGE and len(parts) > 1:
                todo.append(parts[1])
        relative = ast.parse((LAYER / LAYER_PACKAGE / f"{current}.py").read_text(encoding="utf-8"))
        for node in ast.walk(relative):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo += [node.module] if node.module else [alias.name for alias in node.names]
    return module in seen


def test_no_function_imports_another_functions_code() -> None:
    own = {f.name: top_level_names(f) for f in FUNCTIONS}
    problems = []
    for function in FUNCTIONS:
        others = set().union(*(names for name, names in own.items() if name != function.name))
        for path in python_files(function):
            for name in imports(path):
                if name.split(".")[0] in others:
                    problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert problems == []


def test_the_layer_imports_no_function() -> None:
    names = set().union(*(top_level_names(f) for f in FUNCTIONS))
    problems = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(LAYER)
        for name in imports(path)
        if name.split(".")[0] in names
    ]
    assert problems == []


def test_entry_modules_and_packages_are_unique_across_functions() -> None:
    """Four modules all called `app` on one sys.path would shadow each other (tests, the local run)."""
    seen: dict[str, str] = {}
    for function in FUNCTIONS:
        for name in top_level_names(function):
            assert name not in seen, f"{name} is in both {seen[name]} and {function.name}"
            seen[name] = function.name
    assert not (set(seen) & {LAYER_PACKAGE})


def test_the_layer_is_small() -> None:
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in python_files(LAYER))
    assert lines <= LAYER_MAX_LINES, f"the layer has {lines} lines"

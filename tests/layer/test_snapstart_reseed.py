"""With SnapStart, every environment restored from one snapshot must draw its own backoff jitter.

Lambda's managed Python runtime provides `snapshot_restore_py`; nothing else does, so the
runtime's module is stood in for here with one that records what is registered and runs it
as a restore would.
"""

from __future__ import annotations

import importlib
import random
import sys
import types
from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def restore_hooks() -> Iterator[list[Callable[[], object]]]:
    hooks: list[Callable[[], object]] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = lambda hook, *args: hooks.append(lambda: hook(*args))  # type: ignore[attr-defined]
    sys.modules["snapshot_restore_py"] = runtime
    import courtbooking.keys

    try:
        importlib.reload(courtbooking.keys)
        yield hooks
    finally:
        del sys.modules["snapshot_restore_py"]
        importlib.reload(courtbooking.keys)


def test_after_a_restore_two_environments_from_one_snapshot_draw_different_jitter(
    restore_hooks: list[Callable[[], object]],
) -> None:
    assert len(restore_hooks) == 1
    snapshot = random.getstate()
    draws = []
    for _environment in range(2):
        random.setstate(snapshot)  # each restored environment starts from the snapshot's state
        for hook in restore_hooks:
            hook()
        draws.append([random.random() for _ in range(3)])  # noqa: S311 - the jitter generator itself
    assert draws[0] != draws[1]

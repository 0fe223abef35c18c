"""Run the local stack (and the tests) as if it were another moment: `LOCAL_CLOCK`.

    LOCAL_CLOCK=2027-03-28T00:55:00Z make run     # the night London's clocks go forward
    LOCAL_CLOCK=+45d make test-clock              # 45 days from now

The service itself has one clock (`courtbooking.clock.utc_now`, the system's
time). Locally, `time-machine` moves what the system's time reads, in every
process of the stack: the first process turns `LOCAL_CLOCK` into an offset
(`LOCAL_CLOCK_OFFSET_SECONDS`) and every process it starts travels by that same
offset, so all of them agree to the millisecond and time goes on passing.
`time.monotonic` (timeouts, sleeps) is not moved. Nothing here ships to Lambda.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

CLOCK = "LOCAL_CLOCK"
OFFSET = "LOCAL_CLOCK_OFFSET_SECONDS"
_RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([dhms])$")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_travel: Any = None


class ClockError(ValueError):
    """LOCAL_CLOCK cannot be read."""


def offset_for(value: str, now: dt.datetime | None = None) -> float:
    """Seconds from the real now to `value`: an ISO instant with an offset, or +45d / -2h / +30m."""
    value = value.strip()
    relative = _RELATIVE.match(value)
    if relative:
        sign = -1 if relative[1] == "-" else 1
        return sign * float(relative[2]) * _UNITS[relative[3]]
    try:
        target = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(f"{CLOCK}={value!r} is neither an ISO instant (2027-03-28T00:55:00Z) nor +45d") from None
    if target.tzinfo is None:
        raise ClockError(f"{CLOCK}={value!r} needs a UTC offset, e.g. 2027-03-28T00:55:00Z")
    return (target - (now or dt.datetime.now(dt.UTC))).total_seconds()


def offset_seconds() -> float | None:
    """The offset this process and its children run at, fixed the first time it is asked for."""
    if os.environ.get(OFFSET):
        return float(os.environ[OFFSET])
    if not os.environ.get(CLOCK):
        return None
    offset = offset_for(os.environ[CLOCK])
    os.environ[OFFSET] = repr(offset)  # children inherit the same offset, not the same target
    return offset


def travel() -> dt.datetime | None:
    """Move this process's clock by the offset, if one is set; the moved now, or None."""
    global _travel
    offset = offset_seconds()
    if offset is None or _travel is not None:
        return None
    import time_machine  # a development dependency: only imported when the clock is moved

    target = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
    _travel = time_machine.travel(target, tick=True)
    _travel.start()
    return target


def environment() -> dict[str, str]:
    """What a child process needs in its environment to run at this process's clock."""
    offset = offset_seconds()
    return {} if offset is None else {OFFSET: repr(offset)}

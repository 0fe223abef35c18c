"""The one clock of the service: every "now" the code reads comes from `utc_now`.

Services take a `clock` argument that defaults to this function, so the tests
can hand in their own. Nothing else in the code asks the system for the time.
"""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)

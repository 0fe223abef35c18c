"""Step 7c, a closure's reason: why an admin closes a court ("... for coaching", "due to a leak").

Read last, on what every other reader left: the words after "for" (or "because of", "due
to") up to the next words another reader took (a day, a time, a court, a length), as the
person wrote them ("for the Davis Cup tie" -> "the Davis Cup tie"), on one line, at most
200 characters. "for the whole day", "for the morning" say when, not why, and are no reason.
"""

from __future__ import annotations

import re
from typing import Final

from .normalise import as_written
from .scan import Scan

MAX_REASON_CHARS: Final = 200  # Intent.reason

_REASON = re.compile(r"\b(?:for|because\s+of|because|due\s+to|owing\s+to)\s+(?P<reason>[a-z0-9][^~]*)")
_TAKEN = re.compile(r"\s{2,}|~")  # where another reader's words were masked
# Words that say when, not why: a reason ends before them, and one made only of them is none.
_WHEN = (
    r"(?:the\s+)?(?:whole\s+|entire\s+|full\s+|rest\s+of\s+the\s+)?"
    r"(?:day|days|morning|afternoon|evening|night|week|weekend|month|lunchtime|lunch)"
)
_ONLY_WHEN = re.compile(rf"(?:{_WHEN}|all\s+day|the\s+day|today|a\s+while|now|good)")
_TRAILING = re.compile(
    rf"(?:\s+(?:on|at|in|from|until|till|between|during|and|all|the|this|next|please|thanks|{_WHEN}))+\s*[,.?!]*$"
)


def read_reason(scan: Scan, message: str) -> str | None:
    """Why a closure closes, as written in `message`, or None when it does not say."""
    for match in _REASON.finditer(scan.text):
        words = _TAKEN.split(match.group("reason"), maxsplit=1)[0]
        words = _TRAILING.sub("", " " + words).strip(" ,.?!-")
        if not words or _ONLY_WHEN.fullmatch(words):
            continue
        written = " ".join("".join(ch if ch.isprintable() else " " for ch in as_written(message, words)).split())
        if len(written) > MAX_REASON_CHARS:
            written = written[:MAX_REASON_CHARS].rsplit(" ", 1)[0] or written[:MAX_REASON_CHARS]
        return written or None
    return None

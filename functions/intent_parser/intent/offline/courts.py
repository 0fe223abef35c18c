"""Step 2a, courts: "Court B", "court b", "ct #2", "centre court", against the configured courts.

Read first, so "court 2" is never read as 2 o'clock. Every court named is a candidate
(`Scan.courts`): the first configured one wins, the last after "actually", none after
"not". A court that is named but not configured is a candidate without a value, with
its display name ("Court D"): "book court Z" is then a check.
The article guard: "a court a week from today" is not Court A. The plural "courts" is never
a name ("any courts free?", "book 2 courts": no court, and no count either), though it may
come before one ("courts b and c").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .normalise import MONTH_NAMES, WEEKDAY_NAMES, normalise
from .scan import CourtCandidate, Scan

_COURT_GENERIC = re.compile(
    # a letter is a name only as a word of its own: "court b", "courts b and c", never the "s" of "courts"
    r"\bcourts?\s*(?:no\.?|number|num)?\s*#?\s*((?<![a-z])[a-z]|\d{1,2})\b"
    r"(?!\s*(?::\d|\.\d|am\b|pm\b|hours?\b|h\b|minutes?\b|oclock\b|ish\b|people\b|players\b|-\s*\d))"
)
_COURT_CAPITAL_A = re.compile(r"\b[Cc][Oo][Uu][Rr][Tt]\s*A(?![A-Za-z])")
_COURT_A_NEXT_OK = frozenset(
    {
        "for",
        "on",
        "at",
        "in",
        "this",
        "next",
        "from",
        "between",
        "please",
        "the",
        "and",
        "or",
        "by",
        "after",
        "before",
        "around",
        "instead",
        "if",
        "is",
        "free",
        "available",
        "today",
        "tonight",
        "tomorrow",
        "thanks",
        "thank",
        "then",
        ",",
        "?",
        *WEEKDAY_NAMES,
        *MONTH_NAMES,
    }
)


class CourtReader:
    """The courts as configured ("Centre Court", "Court One" read as "court 1"), matched after the
    same normalisation as the message, and "court b" for courts named "Court B"."""

    def __init__(self, courts: Iterable[str]) -> None:
        self._court_names = {normalise(court): court for court in courts if normalise(court)}
        names = sorted(self._court_names, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in names)
        self._court_full = re.compile(rf"\b({alternatives})(?![a-z0-9])" if names else r"(?!x)x")
        self._court_by_suffix: dict[str, str] = {}
        for name, court in self._court_names.items():
            words = name.split()
            if len(words) >= 2 and len(words[-1]) <= 2:
                self._court_by_suffix.setdefault(words[-1], court)

    def read(self, scan: Scan, original: str) -> None:
        if "court" not in scan.text and not self._court_full.search(scan.text):
            return
        for match in self._court_full.finditer(scan.text):
            name = self._court_names.get(" ".join(match.group(1).split()))
            if match.group(1).endswith(" a") and not self._court_letter_a(match, original):
                continue
            _add_court(scan, match, 0, name, name or match.group(1))
        for match in _COURT_GENERIC.finditer(scan.text):
            suffix = match.group(1)
            court = self._court_by_suffix.get(suffix)
            if suffix == "a" and not self._court_letter_a(match, original):
                continue
            if court is None and not suffix.isdigit() and (len(suffix) > 1 or suffix in "ai"):
                continue  # "court i want" is not a court
            # a configured court before an unknown one: "court D or court B" is Court B
            _add_court(scan, match, 1 if court else 2, court, court or f"Court {suffix.upper()}")

    @staticmethod
    def _court_letter_a(match: re.Match[str], original: str) -> bool:
        """'court a' is Court A, unless the 'a' is an article ('a court a week from today')."""
        rest = match.string[match.end() :].split(maxsplit=1)
        if not rest or rest[0] in _COURT_A_NEXT_OK or rest[0][0].isdigit() or rest[0][0] == "~":
            return True
        return _COURT_CAPITAL_A.search(original) is not None


def _add_court(scan: Scan, match: re.Match[str], priority: int, court: str | None, name: str) -> None:
    if not scan.negated(match.start()):
        scan.courts.append(CourtCandidate(match.start(), priority, court, match.end(), name))
    scan.consume(match)

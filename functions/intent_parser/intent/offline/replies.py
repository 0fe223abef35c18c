"""Step 7b, replies: a bare yes ("yes", "sure", "go ahead", "book it", "that one") or no ("no
thanks", "never mind", "forget it", "leave it") to the question the last answer asked.

Only a message made of such words (and "please", "thanks", "then" ...) is a reply; one that
gives a date, time, court or length of its own is not ("ok 4pm then" is a time). Read with
or without a context: the caller answers it against what it asked.
"""

from __future__ import annotations

import re

from courtbooking.models import Reply

_YES = (
    r"yes|yeah|yep|yup|yea|ya|aye|sure|ok|okay|k|alright|all\s+right|fine|great|perfect|lovely|excellent|brilliant"
    r"|cool|go\s+ahead|go\s+for\s+it|book\s+it|book\s+that(?:\s+one)?|please\s+do|do\s+it|do\s+that|sounds\s+(?:good|great"
    r"|perfect|fine)|that\s+works|works\s+for\s+me|that\s+one|(?:i\s+will\s+|ill\s+)?take\s+it|lets\s+do\s+it"
    r"|confirm(?:ed)?|correct|absolutely|definitely|of\s+course"
)
_NO = (
    r"no|nope|nah|never\s*mind|forget\s+(?:it|that|about\s+it)|dont(?:\s+(?:bother|book\s+it|do\s+it))?"
    r"|do\s+not|leave\s+(?:it|that)|not\s+now|no\s+need|skip\s+it|not\s+that\s+one"
)
_FILLER = r"please|thanks|thank\s+you|cheers|then|just|oh|um|hmm|well|mate|that"
_ONLY_YES = re.compile(rf"(?:(?:{_YES}|{_FILLER})\b\s*)+")
_ONLY_NO = re.compile(rf"(?:(?:{_NO}|{_FILLER})\b\s*)+")
_ONLY_FILLER = re.compile(rf"(?:(?:{_FILLER})\b\s*)+")
_PUNCTUATION = re.compile(r"[\s,.?!~]+")
_LONGEST = 60


def read_reply(text: str) -> Reply | None:
    """yes or no when `text` (normalised, with what the readers took masked) is only a reply."""
    if len(text) > _LONGEST:
        return None
    words = _PUNCTUATION.sub(" ", text).strip()
    if not words or _ONLY_FILLER.fullmatch(words):
        return None
    if _ONLY_YES.fullmatch(words):
        return "yes"
    if _ONLY_NO.fullmatch(words):
        return "no"
    return None

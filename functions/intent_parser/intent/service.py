"""IntentService: OpenAI when configured and answering, the offline parser otherwise.

`parse` never raises. Every way OpenAI can fail (no key, timeout, 429/5xx,
malformed or refused output) ends in the offline parser's answer, with a
warning that names the reason and the message length but never the message or
the key.

When OpenAI answers a booking (book or move), the offline parser reads the same
message too (well under a millisecond). If it is confident (a booking as well,
with a date and a time read from the message itself) and reads another date,
time or court, the two readings are put in `intent.uncertain` ("I read 15:00 or
16:00 on Wednesday 2 December") so that the chat asks rather than books either.
A closure is a write too: when the offline parser also reads a closure with its
days from the message itself, and reads another court (None: every court), day,
period or hours, both readings go in `uncertain` ("I read Court B on Saturday 28
November 14:00-17:00 or every court on Saturday 28 November") and nothing is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from courtbooking.clock import utc_now
from courtbooking.config import Facility
from courtbooking.models import ConversationContext, Intent
from courtbooking.words import day

from .offline import OfflineParser
from .settings import OpenAISettings

if TYPE_CHECKING:  # the openai package is imported only when OpenAI is used
    from .llm import OpenAIParser

logger = Logger(child=True)

_BOOKING_ACTIONS = ("book", "move")
_COMPARED = ("court", "time", "date")  # the order the readings are written in
_CLOSURE_COMPARED = ("court", "date", "period", "window")


class IntentService:
    """Create once per container; `parse` is safe to call for any message."""

    def __init__(
        self,
        facility: Facility,
        openai_settings: OpenAISettings,
        *,
        on_fallback: Callable[[str], None] | None = None,
    ) -> None:
        """`on_fallback(reason)` is called whenever OpenAI was configured but the offline parser
        answered (the handler can count it as a metric)."""
        self.facility = facility
        self.settings = openai_settings
        self.offline = OfflineParser(facility)
        self._on_fallback = on_fallback
        self._openai: OpenAIParser | None = None

    def parse(self, message: str, now: dt.datetime | None = None, context: ConversationContext | None = None) -> Intent:
        """What `message` asks for, resolved in the facility's time zone from `now` (default: the current
        instant) and in the conversation so far (`context`: the day in focus, the last offers, a question)."""
        if not isinstance(message, str):
            message = "" if message is None else str(message)
        if now is None:
            now = utc_now()
        if self.settings.configured:
            from .llm import OpenAIUnavailable  # imported here: keeps openai out of the offline path

            try:
                intent = self._openai_parser().parse(message, now, context)
            except OpenAIUnavailable as exc:
                self._fell_back(exc.reason, message)
            except Exception as exc:  # never let the AI path take the chat down
                self._fell_back(f"unexpected error ({type(exc).__name__})", message)
            else:
                return self._second_opinion(intent, message, now, context)
        return self.parse_offline(message, now, context)

    def parse_offline(self, message: str, now: dt.datetime, context: ConversationContext | None = None) -> Intent:
        try:
            return self.offline.parse(message, now, context)
        except Exception:  # a bug in a rule must not become a 500; the chat asks again instead
            logger.exception("offline parser failed", extra={"message_length": len(message)})
            return Intent(raw_message=message if isinstance(message, str) else "", parser="offline")

    def _second_opinion(
        self, intent: Intent, message: str, now: dt.datetime, context: ConversationContext | None
    ) -> Intent:
        """OpenAI's booking or closure, with `uncertain` set when a confident offline reading differs from it."""
        if intent.action not in (*_BOOKING_ACTIONS, "close"):
            return intent
        try:
            offline = self.parse_offline(message, now, context)
            # What the message itself says, without the conversation: only those readings count as the
            # offline parser's own (a day inherited from the context is no second opinion).
            said = self.parse_offline(message, now) if context is not None else offline
            if intent.action == "close":
                differing = _closure_differing(intent, offline)
                readings = f"I read {_closure(offline)} or {_closure(intent)}"[:300] if differing else ""
            else:
                differing = _differing(intent, offline, said)
                readings = _both_readings(offline, intent, differing) if differing else ""
        except Exception:  # a second opinion must never cost the first
            logger.exception("offline comparison failed", extra={"message_length": len(message)})
            return intent
        if not differing:
            return intent
        logger.warning(
            "OpenAI and the offline parser read the request differently; asking which",
            extra={"fields": differing, "model": self.settings.model, "message_length": len(message)},
        )
        return intent.model_copy(update={"uncertain": readings})

    def _openai_parser(self) -> OpenAIParser:
        if self._openai is None:
            from .llm import OpenAIParser

            self._openai = OpenAIParser(self.facility, self.settings)
        return self._openai

    def _fell_back(self, reason: str, message: str) -> None:
        logger.warning(
            "OpenAI did not answer; the offline parser did",
            extra={"reason": reason, "model": self.settings.model, "message_length": len(message)},
        )
        if self._on_fallback is not None:
            try:
                self._on_fallback(reason)
            except Exception:
                logger.exception("on_fallback callback failed")


def _differing(openai: Intent, offline: Intent, said: Intent) -> list[str]:
    """The fields (court, time, date) where a confident offline reading differs from OpenAI's.

    Confident: a booking too (book or move), with a date and a time read from the message itself
    (`said`, the reading without the conversation). Only fields both read are compared; a court
    only when the message named one and OpenAI gave one.
    """
    if offline.action not in _BOOKING_ACTIONS or said.date is None or said.time is None:
        return []
    if offline.date is None or offline.time is None:
        return []
    return [
        name
        for name in _COMPARED
        if (name != "court" or said.court is not None)
        and getattr(offline, name) is not None
        and getattr(openai, name) is not None
        and getattr(offline, name) != getattr(openai, name)
    ]


def _closure_differing(openai: Intent, offline: Intent) -> list[str]:
    """The fields (court, date, period, window) where a confident offline closure differs from OpenAI's.

    Confident: a closure too, with its days (a date or a period) read. Every field counts, a court of
    None too: it means every court, which is never the same as one of them."""
    if offline.action != "close" or (offline.date is None and offline.period is None):
        return []
    return [name for name in _CLOSURE_COMPARED if getattr(offline, name) != getattr(openai, name)]


def _closure(intent: Intent) -> str:
    """'Court B on Saturday 28 November 14:00-17:00', 'every court from Monday 14 December to Friday 18 December'."""
    words = [intent.court or "every court"]
    if intent.period is not None:
        words.append(f"from {day(intent.period.start)} to {day(intent.period.end)}")
    elif intent.date is not None:
        words.append(f"on {day(intent.date)}")
    words.append(f"{intent.window.start}-{intent.window.end}" if intent.window else "all day")
    return " ".join(words)


def _both_readings(first: Intent, second: Intent, differing: list[str]) -> str:
    """ "I read 15:00 or 16:00 on Wednesday 2 December": what differs, both ways, then what they share."""
    shared = [name for name in _COMPARED if name not in differing and getattr(second, name) is not None]
    text = f"I read {_reading(first, differing)} or {_reading(second, differing)}"
    rest = _reading(second, shared, joined=True)
    return (f"{text} {rest}" if rest else text)[:300]


def _reading(intent: Intent, names: list[str], *, joined: bool = False) -> str:
    """Court B at 15:00 on Wednesday 2 December; `joined` when it follows other words (at 15:00 ...)."""
    words: list[str] = []
    for name in _COMPARED:
        if name not in names:
            continue
        follows = joined or bool(words)
        if name == "court":
            words.append(f"on {intent.court}" if follows else str(intent.court))
        elif name == "time":
            words.append(f"at {intent.time}" if follows else str(intent.time))
        elif intent.date is not None:
            words.append(f"on {day(intent.date)}" if follows else day(intent.date))
    return " ".join(words)

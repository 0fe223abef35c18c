"""IntentService: OpenAI when configured and answering, the offline parser otherwise.

`parse` never raises. Every way OpenAI can fail (no key, timeout, 429/5xx,
malformed or refused output) ends in the offline parser's answer, with a
warning that names the reason and the message length but never the message or
the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from courtbooking.clock import utc_now
from courtbooking.config import Facility
from courtbooking.models import ConversationContext, Intent

from .offline import OfflineParser
from .settings import OpenAISettings

if TYPE_CHECKING:  # the openai package is imported only when OpenAI is used
    from .llm import OpenAIParser

logger = Logger(child=True)


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
                return self._openai_parser().parse(message, now, context)
            except OpenAIUnavailable as exc:
                self._fell_back(exc.reason, message)
            except Exception as exc:  # never let the AI path take the chat down
                self._fell_back(f"unexpected error ({type(exc).__name__})", message)
        return self.parse_offline(message, now, context)

    def parse_offline(self, message: str, now: dt.datetime, context: ConversationContext | None = None) -> Intent:
        try:
            return self.offline.parse(message, now, context)
        except Exception:  # a bug in a rule must not become a 500; the chat asks again instead
            logger.exception("offline parser failed", extra={"message_length": len(message)})
            return Intent(raw_message=message if isinstance(message, str) else "", parser="offline")

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

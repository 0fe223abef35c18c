"""The OpenAI path: Chat Completions with structured outputs.

This module imports `openai`; nothing imports this module until OpenAI is
configured and a message arrives (see `service.py`), so the offline path and
the other functions never load the package.

- The response schema is generated from `prompt.IntentAnswer` (strict).
- The conversation so far (`ConversationContext`) goes into the user turn
  beside the message, as data; offers in the answer are checked against it.
- temperature 0, model `OPENAI_MODEL`, optional `OPENAI_BASE_URL` for any
  OpenAI-compatible vendor.
- An explicit timeout per attempt (`OPENAI_TIMEOUT_SECONDS`) and one retry,
  so the worst case stays well inside API Gateway's 30 s.
- The key: `OPENAI_API_KEY` locally; deployed, the SSM SecureString named by
  `OPENAI_API_KEY_PARAMETER` or the secret named by `OPENAI_API_KEY_SECRET`,
  read with Powertools parameter providers (short timeouts) and cached for five
  minutes. It is never logged.
- One client per container (per key, endpoint and timeout).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any

import openai
from pydantic import ValidationError

from courtbooking.config import Facility
from courtbooking.models import ConversationContext, Intent

from .prompt import IntentAnswer, build_messages, to_intent
from .settings import OpenAISettings

MAX_RETRIES = 1
KEY_MAX_AGE_SECONDS = 300


class OpenAIUnavailable(Exception):
    """OpenAI gave no usable answer; `reason` is safe to log (no key, no message text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OpenAIParser:
    def __init__(self, facility: Facility, settings: OpenAISettings, max_retries: int = MAX_RETRIES) -> None:
        self.facility = facility
        self.settings = settings
        self.max_retries = max_retries

    def parse(self, message: str, now: dt.datetime, context: ConversationContext | None = None) -> Intent:
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        settings = self.settings
        client = client_for(api_key(settings), settings.base_url, settings.timeout_seconds, self.max_retries)
        try:
            completion = client.chat.completions.parse(
                model=self.settings.model,
                messages=build_messages(self.facility, now, message, context),  # type: ignore[arg-type]
                response_format=IntentAnswer,
                temperature=0,
            )
        except openai.APITimeoutError:
            raise OpenAIUnavailable(f"timeout after {self.settings.timeout_seconds:g} s") from None
        except openai.RateLimitError:
            raise OpenAIUnavailable("rate limited (HTTP 429)") from None
        except openai.APIStatusError as exc:
            raise OpenAIUnavailable(f"HTTP {exc.status_code}") from None
        except openai.APIConnectionError:
            raise OpenAIUnavailable("connection failed") from None
        except openai.LengthFinishReasonError:
            raise OpenAIUnavailable("answer cut short (length)") from None
        except openai.ContentFilterFinishReasonError:
            raise OpenAIUnavailable("answer withheld by content filter") from None
        except (ValidationError, ValueError):
            raise OpenAIUnavailable("malformed output (not the requested JSON)") from None
        except openai.OpenAIError as exc:
            raise OpenAIUnavailable(f"OpenAI error ({type(exc).__name__})") from None

        if not completion.choices:
            raise OpenAIUnavailable("malformed output (no choices)")
        answer = completion.choices[0].message
        if answer.refusal:
            raise OpenAIUnavailable("the model refused")
        if answer.parsed is None:
            raise OpenAIUnavailable("malformed output (empty)")
        return to_intent(answer.parsed, self.facility, message, context)


@lru_cache(maxsize=4)
def client_for(key: str, base_url: str | None, timeout_seconds: float, max_retries: int) -> openai.OpenAI:
    """One client (and its connection pool) per container, reused across invocations."""
    return openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries)


def api_key(settings: OpenAISettings) -> str:
    """The API key: from the environment locally, else SSM Parameter Store or Secrets Manager (cached)."""
    if settings.api_key:
        return settings.api_key
    if not (settings.key_parameter or settings.key_secret):
        raise OpenAIUnavailable("no API key configured")
    try:
        if settings.key_parameter:
            value = ssm_provider().get(settings.key_parameter, decrypt=True, max_age=KEY_MAX_AGE_SECONDS)
        else:
            value = secrets_provider().get(settings.key_secret, max_age=KEY_MAX_AGE_SECONDS)
    except Exception as exc:
        raise OpenAIUnavailable(f"API key could not be read ({type(exc).__name__})") from None
    key = _key_from(value)
    if not key:
        raise OpenAIUnavailable("API key is empty")
    return key


# Powertools providers with short timeouts: a slow parameter store must end in the offline parser,
# not in a Lambda timeout (boto3's defaults wait 60 s and retry). boto3 loads only when they are used.
@lru_cache(maxsize=1)
def ssm_provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SSMProvider

    return SSMProvider(boto_config=_key_client_config())


@lru_cache(maxsize=1)
def secrets_provider() -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto_config=_key_client_config())


def _key_client_config() -> Any:
    from botocore.config import Config

    return Config(connect_timeout=2, read_timeout=2, retries={"mode": "standard", "total_max_attempts": 2})


def reset_key_cache() -> None:
    """Forget the providers and the key they cached (tests switch between fake AWS accounts)."""
    ssm_provider.cache_clear()
    secrets_provider.cache_clear()


def _key_from(value: object) -> str:
    """A secret may hold the key itself or JSON such as {"OPENAI_API_KEY": "..."} / {"api_key": "..."}."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value or "").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return ""
        if isinstance(data, dict):
            for name in ("OPENAI_API_KEY", "api_key", "apiKey", "key"):
                if isinstance(data.get(name), str):
                    return data[name].strip()
            strings = [v for v in data.values() if isinstance(v, str)]
            return strings[0].strip() if len(strings) == 1 else ""
        return ""
    return text

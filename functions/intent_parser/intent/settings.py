"""The intent parser's OpenAI settings, read once per container (the variable names are in courtbooking.config)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from courtbooking import config


@dataclass(frozen=True)
class OpenAISettings:
    model: str
    api_key: str | None
    base_url: str | None
    key_parameter: str | None
    key_secret: str | None
    timeout_seconds: float

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.key_parameter or self.key_secret)

    @classmethod
    def from_env(cls) -> OpenAISettings:
        raw_timeout = config.read(config.OPENAI_TIMEOUT_SECONDS, "4")
        try:
            timeout = float(raw_timeout)
        except ValueError as exc:
            raise config.ConfigurationError(f"{config.OPENAI_TIMEOUT_SECONDS}={raw_timeout!r} is not a number") from exc
        return cls(
            model=config.read(config.OPENAI_MODEL, "gpt-4o-mini"),
            api_key=os.environ.get(config.OPENAI_API_KEY) or None,
            base_url=os.environ.get(config.OPENAI_BASE_URL) or None,
            key_parameter=os.environ.get(config.OPENAI_API_KEY_PARAMETER) or None,
            key_secret=os.environ.get(config.OPENAI_API_KEY_SECRET) or None,
            timeout_seconds=timeout,
        )

    def __repr__(self) -> str:  # never print the key
        return (
            f"OpenAISettings(model={self.model!r}, api_key={'***' if self.api_key else None}, "
            f"base_url={self.base_url!r}, key_parameter={self.key_parameter!r}, "
            f"key_secret={self.key_secret!r}, timeout_seconds={self.timeout_seconds})"
        )


@lru_cache(maxsize=1)
def openai_settings() -> OpenAISettings:
    return OpenAISettings.from_env()

"""Test helpers for the intent parser: facilities, settings, the corpus, and a local OpenAI server.

`FakeOpenAI` is a real HTTP server on 127.0.0.1 that speaks the Chat Completions
API and replays scripted replies, so the OpenAI path runs the real `openai` client
end to end (retries, timeouts, parsing) with nothing patched.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from courtbooking.config import Facility
from intent.settings import OpenAISettings
from local.http_api import Handler as LocalHandler

CORPUS_PATH = Path(__file__).with_name("corpus.jsonl")
TEST_KEY = "sk-test-not-a-real-key-123"
# Every field of `intent.prompt.IntentAnswer`, in order: the strict schema makes each one required.
ANSWER_FIELDS = (
    "action",
    "date",
    "time",
    "window",
    "court",
    "duration_minutes",
    "offer",
    "reply",
    "booking",
    "impossible",
    "unknown_court",
    "period",
    "history",
    "reason",
    "until",
    "series",
)


def make_facility(
    timezone: str = "Europe/London",
    courts: tuple[str, ...] = ("Court A", "Court B", "Court C"),
    opening: str = "08:00",
    closing: str = "21:00",
    slot_minutes: int = 60,
) -> Facility:
    facility = Facility(
        timezone=ZoneInfo(timezone),
        courts=courts,
        opening=dt.time.fromisoformat(opening),
        closing=dt.time.fromisoformat(closing),
        slot_minutes=slot_minutes,
        horizon_days=14,
    )
    facility.validate()
    return facility


def offline_settings() -> OpenAISettings:
    return OpenAISettings(
        model="gpt-4o-mini", api_key=None, base_url=None, key_parameter=None, key_secret=None, timeout_seconds=2.0
    )


def openai_settings(base_url: str, timeout_seconds: float = 2.0, **changes: Any) -> OpenAISettings:
    values: dict[str, Any] = {
        "model": "gpt-4o-mini",
        "api_key": TEST_KEY,
        "base_url": base_url,
        "key_parameter": None,
        "key_secret": None,
        "timeout_seconds": timeout_seconds,
    }
    values.update(changes)
    return OpenAISettings(**values)


def load_corpus() -> list[dict[str, Any]]:
    with CORPUS_PATH.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- a local OpenAI-compatible server ---------------------------------------------


@dataclass
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    body: dict[str, Any] | str = ""
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def completion(content: str | None = None, refusal: str | None = None, finish_reason: str = "stop") -> Reply:
    """A Chat Completions response body, as the API sends it."""
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_790_000_000,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": finish_reason,
                    "logprobs": None,
                    "message": {"role": "assistant", "content": content, "refusal": refusal},
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340},
        }
    )


def answer(**fields: Any) -> Reply:
    """A good structured answer; unspecified fields are null (strict mode sends every field)."""
    body: dict[str, Any] = dict.fromkeys(ANSWER_FIELDS)
    body.update(fields)
    return completion(json.dumps(body))


def error(status: int, message: str = "scripted error", retry_after_ms: int | None = 10) -> Reply:
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return Reply(
        status=status, body={"error": {"message": message, "type": "server_error", "code": None}}, headers=headers
    )


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self.replies.popleft() if self.replies else error(500, "no scripted reply left")

    def _handler(self) -> type[LocalHandler]:
        server = self

        class Handler(LocalHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                try:
                    payload = json.loads(raw)
                except ValueError:
                    payload = None
                headers = {name.lower(): value for name, value in self.headers.items()}
                reply = server._next({"path": self.path, "headers": headers, "json": payload})
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                # a client that gave up (timeout) is exactly what some tests want: send() ignores it
                self.send(reply.status, {"Content-Type": "application/json", **reply.headers}, body.encode())

        return Handler

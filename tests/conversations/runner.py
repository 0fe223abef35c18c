"""Runs the labelled conversations of `corpus.jsonl` through POST /chat and scores every turn.

Each conversation runs against the orchestrator's real handler, wired in this
process to the three real service handlers (`tests.functions.conftest.wire`),
over moto DynamoDB in server mode, with the offline parser unless OpenAI is
configured. Every conversation gets fresh tables (bookings, idempotency,
conversations) and a fresh container (every per-container cache forgotten), and
its own FACILITY_TIMEZONE when it names a `zone`, so no conversation can see
another's bookings or state.

One conversation, one line of the corpus (its first line is a `header` object saying this in short):

    {"id", "category", "zone": null | "<IANA zone>",
     "setup": [{"user", "message"}, ...],
     "turns": [{"message", "expect": {"status", ...}}, ...]}

- `setup` messages are sent first, each on its own (no conversation carried on),
  by the user named; each must be answered "booked" (they fill courts, or give the
  person bookings of their own), else the conversation is scored wrong whole.
- `turns` are sent by the person, `PERSON` ("alice"), each with the
  `conversation_id` of the answer before, and scored: a turn is right when every
  field of its `expect` equals what was answered.

Expectation fields (`status` always; the others when given):

- `status`: the answer's status.
- `date`, `time`, `court`, `duration_minutes`: of the answer's `booking` when it has
  one (booked, moved, cancelled), else of its first offer, `slots[0]`
  (alternatives, available, a proposal); null when the answer has neither.
- `bookings_after`: how many upcoming bookings the person holds after the turn
  (asked of the booking service itself).
- `response_contains`: a text, or a list of texts, the answer's words must contain.

Dates are relative to the facility's today (tests/clock.py, in the conversation's
zone), so the corpus never depends on the day it runs:

- in `date`: "+N" (N days after today), "next:<weekday>" (the next such day,
  today included: what a bare "Friday" means), "nextweek:<weekday>" (that day of
  the next calendar week, weeks starting on Monday: what "next Friday" means);
- in a message or `response_contains`: "{+N:weekday}" (the weekday's name, e.g.
  "Friday"), "{+N:iso}" (2026-12-04) and "{+N:day}" ("Friday 4 December", as the
  answers write a day). A weekday written for N from 2 to 6 is never today or
  tomorrow, so "Friday" means exactly that day whatever day the corpus runs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from zoneinfo import available_timezones

import boto3

from courtbooking import words
from courtbooking.contracts import ChatStatus
from local import dynamodb as dynamodb_tables
from local import template
from local.stack import base_environment
from tests import clock
from tests.conftest import reset_caches
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handlers, wire

CORPUS_PATH = Path(__file__).with_name("corpus.jsonl")
PERSON = "alice"
CATEGORIES = (
    "taking_an_offer",
    "follow_up",
    "missing_parts",
    "changing_the_question",
    "moving",
    "cancelling",
    "explanations",
    "self_correction",
    "own_bookings",
    "continental_time",
)
STATUSES = frozenset(get_args(ChatStatus))
SUBJECT_FIELDS = ("date", "time", "court", "duration_minutes")
EXPECT_FIELDS = frozenset({"status", *SUBJECT_FIELDS, "bookings_after", "response_contains"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_CONVERSATIONS = 60
# The floors the corpus test and the benchmark hold the offline parser to, set from the measured score
# (230/230 turns, 110/110 conversations): a few turns of room for a new conversation, none for a regression.
TURN_FLOOR = 0.98
CONVERSATION_FLOOR = 0.97

_PLACEHOLDER = re.compile(r"\{\+(?P<days>\d{1,2}):(?P<form>weekday|iso|day)\}")
_DATE_RULE = re.compile(rf"^(?:\+(?P<days>\d{{1,2}})|(?P<rule>next|nextweek):(?P<weekday>{'|'.join(WEEKDAYS)}))$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# --- the corpus ----------------------------------------------------------------------


def load_corpus(path: Path = CORPUS_PATH) -> list[dict[str, Any]]:
    """Every conversation of the corpus, in order (without its first line, the `header`)."""
    with path.open(encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    return [entry for entry in entries if "header" not in entry]


def resolve_date(rule: str, today: dt.date) -> dt.date:
    """A corpus date ("+1", "next:friday", "nextweek:friday") as the date it means from `today`."""
    found = _DATE_RULE.match(rule)
    if found is None:
        raise ValueError(f"not a corpus date: {rule!r} (expected +N, next:<weekday> or nextweek:<weekday>)")
    if found["days"] is not None:
        return today + dt.timedelta(days=int(found["days"]))
    weekday = WEEKDAYS.index(found["weekday"])
    if found["rule"] == "next":
        return today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    monday_next_week = today + dt.timedelta(days=7 - today.weekday())
    return monday_next_week + dt.timedelta(days=weekday)


def fill_in(text: str, today: dt.date) -> str:
    """A corpus text with its placeholders ({+2:weekday}, {+2:iso}, {+2:day}) written out from `today`."""

    def written(match: re.Match[str]) -> str:
        date = today + dt.timedelta(days=int(match["days"]))
        if match["form"] == "weekday":
            return f"{date:%A}"
        return date.isoformat() if match["form"] == "iso" else words.day(date)

    return _PLACEHOLDER.sub(written, text)


def problems(conversation: Mapping[str, Any], courts: tuple[str, ...]) -> list[str]:
    """What is wrong with one conversation of the corpus as written (nothing: an empty list)."""
    name = conversation.get("id", "?")
    found: list[str] = []

    def say(problem: str) -> None:
        found.append(f"{name}: {problem}")

    extra = set(conversation) - {"id", "category", "zone", "setup", "turns"}
    if extra:
        say(f"unknown keys {sorted(extra)}")
    if not isinstance(conversation.get("id"), str) or not conversation["id"]:
        say("no id")
    if conversation.get("category") not in CATEGORIES:
        say(f"category {conversation.get('category')!r} is not one of {CATEGORIES}")
    zone = conversation.get("zone")
    if zone is not None and zone not in available_timezones():
        say(f"zone {zone!r} is not an IANA time zone")
    for entry in conversation.get("setup", []):
        if set(entry) != {"user", "message"} or not entry["message"] or not entry["user"]:
            say(f"a setup entry is not {{user, message}}: {entry}")
        else:
            found += [f"{name}: setup {p}" for p in _text_problems(entry["message"])]
    turns = conversation.get("turns")
    if not isinstance(turns, list) or not turns:
        say("no turns")
        return found
    for number, turn in enumerate(turns, 1):
        where = f"turn {number}"
        if set(turn) != {"message", "expect"} or not isinstance(turn.get("expect"), dict):
            say(f"{where} is not {{message, expect}}")
            continue
        found += [f"{name}: {where} {p}" for p in _text_problems(turn["message"])]
        found += [f"{name}: {where} {p}" for p in _expect_problems(turn["expect"], courts)]
    return found


def _text_problems(text: Any) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return ["has an empty message"]
    left = _PLACEHOLDER.sub("", text)
    return [f"has a malformed placeholder in {text!r}"] if "{" in left or "}" in left else []


def _expect_problems(expect: Mapping[str, Any], courts: tuple[str, ...]) -> list[str]:
    found = []
    if set(expect) - EXPECT_FIELDS:
        found.append(f"expects unknown fields {sorted(set(expect) - EXPECT_FIELDS)}")
    if expect.get("status") not in STATUSES:
        found.append(f"status {expect.get('status')!r} is not one of {sorted(STATUSES)}")
    date = expect.get("date")
    if date is not None and not (isinstance(date, str) and _DATE_RULE.match(date)):
        found.append(f"date {date!r} is not +N, next:<weekday> or nextweek:<weekday>")
    time = expect.get("time")
    if time is not None and not (isinstance(time, str) and _HHMM.match(time)):
        found.append(f"time {time!r} is not HH:MM")
    court = expect.get("court")
    if court is not None and court not in courts:
        found.append(f"court {court!r} is not one of {courts}")
    for number in ("duration_minutes", "bookings_after"):
        value = expect.get(number)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            found.append(f"{number} {value!r} is not a whole number")
    contains = expect.get("response_contains")
    texts = [contains] if isinstance(contains, str) else contains
    if contains is not None and not (isinstance(texts, list) and all(isinstance(t, str) and t for t in texts)):
        found.append("response_contains is not a text or a list of texts")
    elif texts:
        found += [p.replace("message", "response_contains") for t in texts for p in _text_problems(t)]
    return found


# --- running a conversation ------------------------------------------------------------


@dataclass
class TurnResult:
    conversation: str
    category: str
    number: int  # 1 is the first turn
    message: str  # as sent, placeholders written out
    expected: dict[str, Any]  # as compared, dates resolved
    actual: dict[str, Any]
    response: str = ""

    @property
    def ok(self) -> bool:
        return not self.wrong

    @property
    def wrong(self) -> list[str]:
        """The expected fields that were answered otherwise."""
        return [name for name, value in self.expected.items() if self.actual.get(name) != value]


@dataclass
class ConversationResult:
    conversation: Mapping[str, Any]
    turns: list[TurnResult] = field(default_factory=list)
    setup_error: str | None = None

    @property
    def id(self) -> str:
        return str(self.conversation["id"])

    @property
    def category(self) -> str:
        return str(self.conversation["category"])

    @property
    def turn_count(self) -> int:
        return len(self.conversation["turns"])

    @property
    def turns_right(self) -> int:
        return sum(t.ok for t in self.turns) if self.setup_error is None else 0

    @property
    def ok(self) -> bool:
        return self.setup_error is None and self.turns_right == self.turn_count


class ConversationRunner:
    """Runs conversations through the orchestrator's real handler; needs DynamoDB reachable through
    boto3's own settings (AWS_ENDPOINT_URL_DYNAMODB) and the functions' environment (`aws_env` in
    the tests, `service_environment` elsewhere)."""

    def __init__(self) -> None:
        self._handlers = Handlers()
        self._orchestrator = wire(self._handlers)

    def run(self, conversation: Mapping[str, Any]) -> ConversationResult:
        result = ConversationResult(conversation)
        stem = f"conv-{uuid.uuid4().hex[:10]}"
        tables = {
            "BookingsTable": stem,
            "IdempotencyTable": f"idempotency-{stem}",
            "ConversationsTable": f"conversations-{stem}",
        }
        variables = {
            "TABLE_NAME": tables["BookingsTable"],
            "IDEMPOTENCY_TABLE_NAME": tables["IdempotencyTable"],
            "CONVERSATIONS_TABLE_NAME": tables["ConversationsTable"],
            "FACILITY_TIMEZONE": conversation.get("zone") or os.environ.get("FACILITY_TIMEZONE") or clock.zone_name(),
        }
        client = boto3.client("dynamodb")
        with environment(variables):
            for logical_id, name in tables.items():
                client.create_table(**template.table_definition(logical_id, name))
            fresh_container()
            try:
                self._run(conversation, result)
            finally:
                fresh_container()
                for name in tables.values():
                    client.delete_table(TableName=name)
        return result

    def _run(self, conversation: Mapping[str, Any], result: ConversationResult) -> None:
        today = clock.today()  # in the conversation's zone: FACILITY_TIMEZONE is set
        for entry in conversation.get("setup", []):
            message = fill_in(entry["message"], today)
            code, answer = self._chat(message, entry["user"], None)
            if code != 200 or answer.get("status") != "booked":
                result.setup_error = f"setup {entry['user']!r}: {message!r} -> {code} {_short(answer)}"
                return
        conversation_id: str | None = None
        for number, turn in enumerate(conversation["turns"], 1):
            message = fill_in(turn["message"], today)
            expected = self._expected(turn["expect"], today)
            try:
                code, answer = self._chat(message, PERSON, conversation_id)
            except Exception as exc:  # a crash is this turn's failure; the corpus goes on
                answer, code = {"status": f"crashed: {type(exc).__name__}: {exc}"}, 0
            actual = self._actual(code, answer, expected)
            result.turns.append(
                TurnResult(
                    conversation=result.id,
                    category=result.category,
                    number=number,
                    message=message,
                    expected=expected,
                    actual=actual,
                    response=str(answer.get("response") or answer.get("error") or ""),
                )
            )
            conversation_id = answer.get("conversation_id") or conversation_id

    def _chat(self, message: str, user: str, conversation_id: str | None) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"message": message}
        if conversation_id:
            body["conversation_id"] = conversation_id
        headers = {"content-type": "application/json", "x-user-id": user}
        raw = json.dumps(body).encode()
        answer = self._orchestrator(api_event("POST", "/chat", headers, raw, "POST /chat", {}))
        return answer["statusCode"], json.loads(answer["body"])

    def _expected(self, expect: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
        expected = dict(expect)
        if expected.get("date") is not None:
            expected["date"] = resolve_date(expected["date"], today).isoformat()
        contains = expected.pop("response_contains", None)
        if contains is not None:
            texts = [contains] if isinstance(contains, str) else contains
            expected["response_contains"] = [fill_in(t, today) for t in texts]
        return expected

    def _actual(self, code: int, answer: Mapping[str, Any], expected: Mapping[str, Any]) -> dict[str, Any]:
        """What was answered, in the expectation's terms (only the fields expected are looked up)."""
        status = answer.get("status") if code == 200 else f"HTTP {code}: {_short(answer)}"
        actual: dict[str, Any] = {"status": status}
        subject = answer.get("booking") or next(iter(answer.get("slots") or []), None) or {}
        for name in SUBJECT_FIELDS:
            if name in expected:
                actual[name] = subject.get(name)
        if "bookings_after" in expected:
            actual["bookings_after"] = self.upcoming(PERSON)
        if "response_contains" in expected:
            text = str(answer.get("response") or "")
            actual["response_contains"] = [t for t in expected["response_contains"] if t in text]
        return actual

    def upcoming(self, user: str) -> int | None:
        """How many upcoming bookings `user` holds, asked of the booking service."""
        answer = self._handlers["BookingFunction"]({"operation": "list", "user_id": user})
        return len(answer["data"]["bookings"]) if answer.get("success") else None


def fresh_container() -> None:
    """Every per-container cache forgotten, as on a cold start: settings, clients, services, and the
    orchestrator's conversation store (which holds the conversations table's name)."""
    reset_caches()
    chat_routes = sys.modules.get("orchestration.routes.chat")
    if chat_routes is not None:
        chat_routes.conversations.cache_clear()


@contextmanager
def environment(variables: Mapping[str, str | None]) -> Iterator[None]:
    """os.environ with `variables` set (None: removed), put back as it was afterwards."""
    before = {name: os.environ.get(name) for name in variables}
    try:
        _set_environment(variables)
        yield
    finally:
        _set_environment(before)


def _set_environment(variables: Mapping[str, str | None]) -> None:
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def run_all(conversations: list[Mapping[str, Any]]) -> list[ConversationResult]:
    runner = ConversationRunner()
    return [runner.run(c) for c in conversations]


# --- scores ------------------------------------------------------------------------------


@dataclass
class Score:
    turns_right: int = 0
    turns: int = 0
    conversations_right: int = 0
    conversations: int = 0

    @property
    def turn_accuracy(self) -> float:
        return self.turns_right / self.turns if self.turns else 0.0

    @property
    def conversation_accuracy(self) -> float:
        return self.conversations_right / self.conversations if self.conversations else 0.0

    def add(self, result: ConversationResult) -> None:
        self.turns_right += result.turns_right
        self.turns += result.turn_count
        self.conversations_right += result.ok
        self.conversations += 1


def score(results: list[ConversationResult]) -> tuple[Score, dict[str, Score]]:
    """The whole corpus's score, and each category's."""
    total, per_category = Score(), defaultdict(Score)
    for result in results:
        total.add(result)
        per_category[result.category].add(result)
    return total, dict(per_category)


def failures(results: list[ConversationResult]) -> list[str]:
    """Every failing turn, and every setup that failed, expected against answered, in words."""
    lines = []
    for result in results:
        if result.setup_error is not None:
            lines.append(f"[{result.category}] {result.id}: {result.setup_error}")
            continue
        for turn in result.turns:
            if turn.ok:
                continue
            want = {name: turn.expected[name] for name in turn.wrong}
            got = {name: turn.actual.get(name) for name in turn.wrong}
            lines.append(f"[{turn.category}] {turn.conversation} turn {turn.number}: {turn.message!r}")
            lines.append(f"    expected {want}")
            lines.append(f"    answered {got}")
            lines.append(f"    response {turn.response[:240]!r}")
    return lines


def _short(answer: Any) -> str:
    text = json.dumps(answer, default=str) if not isinstance(answer, str) else answer
    return text if len(text) <= 200 else f"{text[:200]}..."


# --- outside pytest: a DynamoDB of its own and the functions' environment ----------------


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's DynamoDB server on a free loopback port, in this process (as tests/conftest.py runs it)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, dynamodb_tables.serialised_moto_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@contextmanager
def service_environment(endpoint: str) -> Iterator[None]:
    """The environment a deployed function has (as the tests' `aws_env`), pointed at `endpoint`;
    OpenAI not configured, so the offline parser answers; logs quiet unless POWERTOOLS_LOG_LEVEL says."""
    cleared: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("OPENAI_", "AWS_ENDPOINT_URL"))}
    variables: dict[str, str | None] = {
        **cleared,
        **base_environment(endpoint),
        "FACILITY_TIMEZONE": clock.zone_name(),
        "COURTS": template.parameter_defaults()["Courts"],
        "POWERTOOLS_METRICS_NAMESPACE": "CourtBooking",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "CRITICAL"),
        "AUTH_MODE": "none",
    }
    with environment(variables):
        fresh_container()
        try:
            yield
        finally:
            fresh_container()

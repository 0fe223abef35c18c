"""IntentService: which parser answers, where the key comes from, and what is never imported or raised."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from courtbooking.models import ConversationContext
from intent import IntentService, llm
from intent.llm import _key_from
from tests.intent_parser.fakes import FakeOpenAI, answer, error, make_facility, offline_settings, openai_settings

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
SSM_KEY = "sk-from-ssm-abc123"
SECRET_KEY = "sk-from-secrets-manager-xyz789"


# --- the openai package stays out of the offline path --------------------------------


def test_openai_is_imported_only_when_openai_is_configured_and_used() -> None:
    code = textwrap.dedent(
        """
        import datetime as dt, sys
        from courtbooking.config import Facility
        from intent.settings import OpenAISettings
        from intent import IntentService
        from zoneinfo import ZoneInfo

        facility = Facility(ZoneInfo("Europe/London"), ("Court A", "Court B"), dt.time(8), dt.time(21), 60, 14)
        now = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
        off = OpenAISettings("gpt-4o-mini", None, None, None, None, 1.0)
        on = OpenAISettings("gpt-4o-mini", "sk-x", "http://127.0.0.1:9/v1", None, None, 0.2)

        assert IntentService(facility, off).parse("tomorrow at 3pm", now).parser == "offline"
        assert "openai" not in sys.modules, "offline path imported openai"
        configured = IntentService(facility, on)
        assert "openai" not in sys.modules, "constructing the service imported openai"
        configured.parse("tomorrow at 3pm", now)  # port 9 refuses: falls back, but openai was used
        assert "openai" in sys.modules
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["PYTHONPATH"] = os.pathsep.join(str(ROOT / path) for path in ("layers/shared", "functions/intent_parser"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


# --- where the key comes from ----------------------------------------------------------


@pytest.mark.usefixtures("aws_credentials")
def test_key_clients_have_short_timeouts() -> None:
    llm.reset_key_cache()
    with mock_aws():
        for provider in (llm.ssm_provider(), llm.secrets_provider()):
            config = provider.client.meta.config
            assert (config.connect_timeout, config.read_timeout) == (2, 2)
            assert config.retries["total_max_attempts"] == 2
    llm.reset_key_cache()


@pytest.mark.usefixtures("aws_credentials")
def test_key_from_ssm_securestring(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="list"), answer(action="list"))
    with mock_aws():
        ssm = boto3.client("ssm")
        ssm.put_parameter(Name="/courtbooking/openai-api-key", Value=SSM_KEY, Type="SecureString")
        settings = openai_settings(openai_server.base_url, api_key=None, key_parameter="/courtbooking/openai-api-key")
        service = IntentService(make_facility(), settings)

        assert service.parse("my bookings", NOW).parser == "openai"
        # Cached by Powertools for five minutes: a second message does not read SSM again.
        ssm.delete_parameter(Name="/courtbooking/openai-api-key")
        assert service.parse("my bookings", NOW).parser == "openai"

    assert [r["headers"]["authorization"] for r in openai_server.requests] == [f"Bearer {SSM_KEY}"] * 2


@pytest.mark.usefixtures("aws_credentials")
def test_key_from_secrets_manager_json_secret(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="list"))
    with mock_aws():
        boto3.client("secretsmanager").create_secret(
            Name="courtbooking/openai", SecretString=json.dumps({"OPENAI_API_KEY": SECRET_KEY})
        )
        settings = openai_settings(openai_server.base_url, api_key=None, key_secret="courtbooking/openai")

        assert IntentService(make_facility(), settings).parse("my bookings", NOW).parser == "openai"

    assert openai_server.requests[0]["headers"]["authorization"] == f"Bearer {SECRET_KEY}"


@pytest.mark.usefixtures("aws_credentials")
def test_missing_parameter_falls_back_without_calling_openai(openai_server: FakeOpenAI, fallbacks) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    with mock_aws():
        settings = openai_settings(openai_server.base_url, api_key=None, key_parameter="/no/such/parameter")
        intent = IntentService(make_facility(), settings, on_fallback=on_fallback).parse("tomorrow at 3pm", NOW)

    assert intent.parser == "offline"
    assert (intent.date, intent.time) == (dt.date(2026, 11, 28), "15:00")
    assert openai_server.requests == []
    assert len(reasons) == 1
    assert reasons[0].startswith("API key could not be read")


@pytest.mark.parametrize(
    ("stored", "key"),
    [
        ("sk-plain", "sk-plain"),
        ("  sk-padded\n", "sk-padded"),
        (b"sk-bytes", "sk-bytes"),
        ('{"OPENAI_API_KEY": "sk-json"}', "sk-json"),
        ('{"api_key": "sk-json2", "note": "x"}', "sk-json2"),
        ('{"only": "sk-single"}', "sk-single"),
        ('{"a": "x", "b": "y"}', ""),
        ("{not json", ""),
        ("", ""),
    ],
)
def test_key_formats(stored: str | bytes, key: str) -> None:
    assert _key_from(stored) == key


class StoredKey:
    """Stands in for a Powertools provider: returns a stored value, or raises."""

    def __init__(self, value: str | Exception) -> None:
        self.value = value

    def get(self, name: str, **options: object) -> str:
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


def test_empty_key_falls_back(openai_server: FakeOpenAI, fallbacks, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    reasons, on_fallback = fallbacks
    monkeypatch.setattr(llm, "secrets_provider", lambda: StoredKey("   "))
    settings = openai_settings(openai_server.base_url, api_key=None, key_secret="empty")

    intent = IntentService(make_facility(), settings, on_fallback=on_fallback).parse("tomorrow at 3pm", NOW)

    assert intent.parser == "offline"
    assert reasons == ["API key is empty"]
    assert openai_server.requests == []


# --- two parsers that disagree ---------------------------------------------------------

TOMORROW = dt.date(2026, 11, 28)  # Saturday, from NOW


def disagreements(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and "differently" in r.getMessage()]


def test_openai_and_offline_disagreeing_on_the_time_is_uncertain(
    openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="16:00"))

    with caplog.at_level(logging.WARNING):
        intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(
            "book tomorrow at 3pm", NOW
        )

    assert (intent.parser, intent.date, intent.time) == ("openai", TOMORROW, "16:00")  # OpenAI's answer stands
    assert intent.uncertain == "I read 15:00 or 16:00 on Saturday 28 November"
    (record,) = disagreements(caplog)
    assert record.fields == ["time"]  # type: ignore[attr-defined]
    assert record.message_length == len("book tomorrow at 3pm")  # type: ignore[attr-defined]
    assert "3pm" not in " ".join([caplog.text, *(str(vars(r)) for r in caplog.records)])


@pytest.mark.parametrize(
    ("message", "said", "uncertain"),
    [
        (
            "book court A tomorrow at 3pm",
            {"action": "book", "date": "2026-11-28", "time": "15:00", "court": "Court B"},
            "I read Court A or Court B at 15:00 on Saturday 28 November",
        ),
        (
            "book Sunday at 3pm",
            {"action": "book", "date": "2026-11-28", "time": "15:00"},
            "I read Sunday 29 November or Saturday 28 November at 15:00",
        ),
        (
            "book Sunday at 3pm",
            {"action": "move", "date": "2026-11-28", "time": "17:00"},
            "I read 15:00 on Sunday 29 November or 17:00 on Saturday 28 November",
        ),
    ],
)
def test_every_field_that_differs_is_named_both_ways(
    openai_server: FakeOpenAI, message: str, said: dict[str, str], uncertain: str
) -> None:
    openai_server.script(answer(**said))

    intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(message, NOW)

    assert intent.uncertain == uncertain


@pytest.mark.parametrize(
    ("message", "said"),
    [
        # the same reading
        ("book tomorrow at 3pm", {"action": "book", "date": "2026-11-28", "time": "15:00"}),
        ("book court B tomorrow at 3pm", {"action": "book", "date": "2026-11-28", "time": "15:00", "court": "Court B"}),
        # a court only when both named one: the message named none
        ("book tomorrow at 3pm", {"action": "book", "date": "2026-11-28", "time": "15:00", "court": "Court C"}),
        # only fields both read: OpenAI gave no time
        ("book tomorrow at 3pm", {"action": "book", "date": "2026-11-28"}),
        # offline not confident: no date of its own
        ("book at 3pm", {"action": "book", "date": "2026-11-28", "time": "16:00"}),
        # not a booking: nothing to book twice
        ("what's free tomorrow at 3pm?", {"action": "check", "date": "2026-11-28", "time": "16:00"}),
    ],
)
def test_no_doubt_when_they_agree_or_offline_is_not_sure(
    openai_server: FakeOpenAI, caplog: pytest.LogCaptureFixture, message: str, said: dict[str, str]
) -> None:
    openai_server.script(answer(**said))

    with caplog.at_level(logging.WARNING):
        intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(message, NOW)

    assert intent.parser == "openai"
    assert intent.uncertain is None
    assert disagreements(caplog) == []


def test_a_day_from_the_conversation_is_no_second_opinion(openai_server: FakeOpenAI) -> None:
    """ "ok 4pm then": any day the offline parser gives came from the context, not from the message."""
    openai_server.script(answer(action="book", date="2026-12-03", time="16:00"))
    context = ConversationContext(action="book", date=dt.date(2026, 12, 2), time="15:00", pending="time")

    intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse("ok 4pm then", NOW, context)

    assert (intent.parser, intent.date, intent.uncertain) == ("openai", dt.date(2026, 12, 3), None)


def test_the_message_read_offline_with_the_context(openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="16:00"))
    service = IntentService(make_facility(), openai_settings(openai_server.base_url))
    seen: list[object] = []
    parse = service.offline.parse

    def spy(message: str, now: dt.datetime, context: ConversationContext | None = None):  # type: ignore[no-untyped-def]
        seen.append(context)
        return parse(message, now, context)

    monkeypatch.setattr(service.offline, "parse", spy)
    context = ConversationContext(action="book", pending="time")

    intent = service.parse("book tomorrow at 3pm", NOW, context)

    assert seen == [context, None]  # with the conversation, then what the message alone says
    assert intent.uncertain == "I read 15:00 or 16:00 on Saturday 28 November"


def test_when_openai_fails_the_offline_answer_is_not_doubted(openai_server: FakeOpenAI) -> None:
    openai_server.script(error(500), error(500))

    intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse("book tomorrow at 3pm", NOW)

    assert (intent.parser, intent.date, intent.time, intent.uncertain) == ("offline", TOMORROW, "15:00", None)


def test_a_failing_second_opinion_keeps_openais_answer(
    openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    openai_server.script(answer(action="book", date="2026-11-28", time="16:00"))
    service = IntentService(make_facility(), openai_settings(openai_server.base_url))

    def broken(message: str, now: dt.datetime, context: object = None) -> None:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(service.offline, "parse", broken)
    intent = service.parse("book tomorrow at 3pm", NOW)

    assert (intent.parser, intent.time, intent.uncertain) == ("openai", "16:00", None)


# --- never raises ----------------------------------------------------------------------


def test_odd_arguments_still_answer() -> None:
    service = IntentService(make_facility(), offline_settings())
    assert service.parse(None, NOW).raw_message == ""  # type: ignore[arg-type]
    assert service.parse(1500, NOW).time == "15:00"  # type: ignore[arg-type]
    assert service.parse("tomorrow").date is not None  # now defaults to the current instant


def test_a_bug_in_the_offline_rules_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    service = IntentService(make_facility(), offline_settings())

    def broken(message: str, now: dt.datetime, context: object = None) -> None:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(service.offline, "parse", broken)
    intent = service.parse("tomorrow at 3pm", NOW)

    assert intent.parser == "offline"
    assert not intent.understood
    assert intent.raw_message == "tomorrow at 3pm"


def test_a_failing_fallback_callback_does_not_break_parsing(
    openai_server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    def explode(reason: str) -> None:
        raise RuntimeError("metrics are down")

    monkeypatch.setattr(llm, "secrets_provider", lambda: StoredKey(GetParameterError("AccessDenied")))
    settings = openai_settings(openai_server.base_url, api_key=None, key_secret="x")
    service = IntentService(make_facility(), settings, on_fallback=explode)

    assert (
        service.parse("tomorrow at 3pm", NOW).parser == "offline"
    )  # the key fails, the callback fails, still an answer


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    message=st.text(max_size=600),
    now=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 12, 31), timezones=st.just(dt.UTC)),
    zone=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Pacific/Kiritimati"]),
)
def test_service_never_raises(message: str, now: dt.datetime, zone: str) -> None:
    intent = IntentService(make_facility(zone), offline_settings()).parse(message, now)
    assert intent.parser == "offline"
    assert intent.raw_message == message


# --- a closure is a write too ----------------------------------------------------------------

CLOSE = "close court B tomorrow 2pm to 5pm for coaching"
CLOSURE = {"action": "close", "court": "Court B", "date": "2026-11-28", "window": {"start": "14:00", "end": "17:00"}}


@pytest.mark.parametrize(
    ("message", "said", "uncertain"),
    [
        (
            CLOSE,
            {**CLOSURE, "court": None},
            "I read Court B on Saturday 28 November 14:00-17:00 or every court on Saturday 28 November 14:00-17:00",
        ),
        (
            CLOSE,
            {**CLOSURE, "window": {"start": "14:00", "end": "18:00"}},
            "I read Court B on Saturday 28 November 14:00-17:00 or Court B on Saturday 28 November 14:00-18:00",
        ),
        (
            "close Court B from 14 to 18 December for resurfacing",
            {"action": "close", "court": "Court B", "date": "2026-12-14", "window": None},
            "I read Court B from Monday 14 December to Friday 18 December all day"
            " or Court B on Monday 14 December all day",
        ),
    ],
)
def test_a_closure_read_differently_is_uncertain(
    openai_server: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
    message: str,
    said: dict,
    uncertain: str,  # type: ignore[type-arg]
) -> None:
    openai_server.script(answer(**said))

    with caplog.at_level(logging.WARNING):
        intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(message, NOW)

    assert (intent.parser, intent.action) == ("openai", "close")  # OpenAI's answer stands, with the doubt
    assert intent.uncertain == uncertain
    (record,) = disagreements(caplog)
    assert "coaching" not in str(vars(record))  # the message is never logged
    assert "resurfacing" not in str(vars(record))


@pytest.mark.parametrize(
    ("message", "said"),
    [
        (CLOSE, CLOSURE),  # the same reading
        ("shut it for coaching", CLOSURE),  # the offline parser reads no closure: no second opinion
        ("close court B for coaching", CLOSURE),  # nor one without its days
    ],
)
def test_no_doubt_about_a_closure_when_they_agree_or_offline_is_not_sure(
    openai_server: FakeOpenAI,
    message: str,
    said: dict,  # type: ignore[type-arg]
) -> None:
    openai_server.script(answer(**said))

    intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(message, NOW)

    assert (intent.parser, intent.action, intent.uncertain) == ("openai", "close", None)


def test_a_history_is_never_doubted(openai_server: FakeOpenAI) -> None:
    openai_server.script(answer(action="history", history="past", period={"start": "2026-09-01", "end": "2026-09-30"}))

    intent = IntentService(make_facility(), openai_settings(openai_server.base_url)).parse(
        "what did I play last month?", NOW
    )

    assert (intent.parser, intent.action, intent.uncertain) == ("openai", "history", None)
    assert intent.period is not None
    assert intent.period.start == dt.date(2026, 9, 1)  # a read, never a write: OpenAI's answer as it is

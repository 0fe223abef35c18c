"""Input that cannot be parsed is a 400 (or 415), never a 500.

A body of 10,000 nested `[` on /chat or POST /bookings once gave API Gateway's 500
(a RecursionError in the router). Every troublesome body here goes to the real
orchestrator handler, wired to the real services: nested arrays and objects of any
depth from 1 to 100,000, at the top level or inside a field, balanced or not; invalid
UTF-8 and bad base64; huge strings and integers; NaN and Infinity; duplicate keys;
top-level scalars; media types that are not JSON. Each gets a 4xx in the error shape
`{"error": {"code", "message"}}` whose message says why, and nothing is written.
Direct invokes of each service with deeply nested fields always get an envelope.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.http_body import MAX_JSON_DEPTH
from tests import clock
from tests.conftest import table_items
from tests.functions.aws_events import api_event
from tests.functions.conftest import Handler

ROUTES = ["/chat", "/bookings"]
SLOT = clock.slot_id("Court B", hour=11)  # tomorrow 11:00: bookable, so only the body can be wrong
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = "nested too deeply"


# --- sending a body and judging the answer -------------------------------------------


def send(
    api: Handler,
    path: str,
    body: str | bytes,
    content_type: str = "application/json",
    encode: bool = False,
) -> tuple[int, dict[str, Any]]:
    """POST `body` to `path` as API Gateway would hand it over (base64 when `encode` or bytes)."""
    event = api_event("POST", path, {"content-type": content_type, "x-user-id": "fuzzer"}, b"", f"POST {path}", {})
    if isinstance(body, bytes) or encode:
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        event |= {"body": base64.b64encode(raw).decode(), "isBase64Encoded": True}
    else:
        event |= {"body": body, "isBase64Encoded": False}
    answer = api(event)  # an exception here is what Lambda reports and API Gateway turns into a 500
    assert answer["statusCode"] < 500, answer
    return int(answer["statusCode"]), json.loads(answer["body"])


def assert_refused(status: int, answer: dict[str, Any], why: str | None = None, statuses: tuple[int, ...] = (400,)):
    """A 4xx in the error shape, with a message that names the problem (and says `why`, if given)."""
    assert status in statuses, (status, answer)
    assert set(answer) == {"error"}, answer
    assert set(answer["error"]) == {"code", "message"}, answer
    code, message = answer["error"]["code"], answer["error"]["message"]
    assert code == {400: "INVALID_REQUEST", 415: "UNSUPPORTED_MEDIA_TYPE"}[status], answer
    assert isinstance(message, str)
    if status == 400:
        assert message.startswith("invalid request: "), message
        assert len(message) > len("invalid request: ") + 5, message
    else:
        assert message.startswith("send the body as JSON"), message
    if why is not None:
        assert why in message, (why, message[:300])


def assert_nothing_written(dynamodb: Any, table_name: str) -> None:
    assert table_items(dynamodb, table_name) == []
    assert table_items(dynamodb, f"idempotency-{table_name}") == []


# --- nested bodies ---------------------------------------------------------------------

depths = st.one_of(
    st.integers(min_value=1, max_value=MAX_JSON_DEPTH + 2),
    st.integers(min_value=MAX_JSON_DEPTH, max_value=2_000),
    st.integers(min_value=2_000, max_value=20_000),
    st.integers(min_value=20_000, max_value=100_000),
    # the parser's own limits, and the band (on Python 3.13) that passed the old check and then overflowed
    st.sampled_from([999, 1_000, 1_001, 9_968, 9_969, 9_975, 9_980, 9_981, 9_998, 9_999, 10_000, 100_000]),
)
patterns = st.lists(st.sampled_from("[{"), min_size=1, max_size=5)  # repeated down to the depth: mixed nesting
LEAVES = {'"?"': 0, "1": 0, "null": 0, "NaN": 0, "[]": 1, "{}": 1, '"' + "[{" * 300 + '"': 0}  # leaf: its depth
SHAPES = ["balanced", "unterminated", "mismatched", "truncated", "overclosed"]
PLACES = ["top", "message", "slot_id", "duration_minutes"]


def nested(depth: int, pattern: list[str], leaf: str, shape: str) -> str:
    """`depth` containers following `pattern` ("[" an array, "{" an object), around `leaf`, in `shape`."""
    cycle = "".join("[" if kind == "[" else '{"k":' for kind in pattern)
    whole, part = divmod(depth, len(pattern))
    opens = cycle * whole + "".join("[" if kind == "[" else '{"k":' for kind in pattern[:part])
    kinds = (pattern * (whole + 1))[:depth]
    closes = "".join("]" if kind == "[" else "}" for kind in reversed(kinds))
    if shape == "unterminated":
        return opens + leaf
    if shape == "mismatched":
        return opens + leaf + closes.translate(str.maketrans("]}", "}]"))
    if shape == "truncated":
        return opens + leaf + closes[:-1]
    if shape == "overclosed":
        return opens + leaf + closes + "]"
    return opens + leaf + closes


def placed(value: str, place: str) -> tuple[str, int]:
    """The body with `value` at `place`, and how many containers the placing adds around it."""
    if place == "top":
        return value, 0
    if place == "duration_minutes":
        return f'{{"slot_id": {json.dumps(SLOT)}, "duration_minutes": {value}}}', 1
    return f'{{"{place}": {value}}}', 1


CONTENT_TYPES_READ_AS_JSON = [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "Application/Json; Charset=UTF-8",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/vnd.api+json",
    "",
]


@pytest.mark.parametrize("path", ROUTES)
def test_a_nested_body_of_any_depth_and_shape_is_a_400_that_says_why(
    orchestrator: Handler, path: str, dynamodb: Any, table_name: str
) -> None:
    @FUZZ
    @given(
        depth=depths,
        pattern=patterns,
        leaf=st.sampled_from(sorted(LEAVES)),
        shape=st.sampled_from(SHAPES),
        place=st.sampled_from(PLACES),
        content_type=st.sampled_from(CONTENT_TYPES_READ_AS_JSON),
        encode=st.booleans(),
    )
    def check(
        depth: int, pattern: list[str], leaf: str, shape: str, place: str, content_type: str, encode: bool
    ) -> None:
        body, around = placed(nested(depth, pattern, leaf, shape), place)
        status, answer = send(orchestrator, path, body, content_type, encode)
        deepest = depth + around + LEAVES[leaf]
        if deepest > MAX_JSON_DEPTH:
            assert_refused(status, answer, DEEP)
        else:
            assert_refused(status, answer)
            assert DEEP not in answer["error"]["message"]  # brackets inside strings are not nesting
        if shape == "balanced" and deepest <= MAX_JSON_DEPTH:
            assert "is not valid JSON" not in answer["error"]["message"]  # it is read, and refused for its content

    check()
    assert_nothing_written(dynamodb, table_name)


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("depth", [10_000, 9_969, 9_975, 9_980, 100_000], ids=lambda d: f"depth-{d}")
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_the_bodies_that_used_to_be_500s_are_400s(
    orchestrator: Handler, path: str, depth: int, opener: str, dynamodb: Any, table_name: str
) -> None:
    closer = "]" if opener == "[" else "}"
    for body in (opener * depth, opener * depth + "1" + closer * depth, f'{{"message": {opener * depth}}}'):
        assert_refused(*send(orchestrator, path, body), DEEP)
    assert_nothing_written(dynamodb, table_name)


def test_a_valid_chat_with_an_ignored_field_nested_too_deeply_is_refused_and_within_the_bound_is_read(
    orchestrator: Handler, dynamodb: Any, table_name: str
) -> None:
    def chat_with_note(depth: int) -> str:
        return '{"message": "book tomorrow at 3pm", "note": ' + "[" * depth + "]" * depth + "}"

    for depth in (MAX_JSON_DEPTH, 1_000, 9_975, 100_000):  # the object itself is one level more
        assert_refused(*send(orchestrator, "/chat", chat_with_note(depth)), DEEP)
    assert_nothing_written(dynamodb, table_name)
    status, answer = send(orchestrator, "/chat", chat_with_note(MAX_JSON_DEPTH - 1))
    assert (status, answer["status"]) == (200, "booked")


# --- bodies that cannot be decoded -------------------------------------------------------

BAD_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xe2\x82", b"\xf0\x28\x8c\x28"]
BAD_UTF8 += [b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xf4\x90\x80\x80"]


def not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def not_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return True
    return False


fragments = st.sampled_from([b"", b'{"message": "', b'{"slot_id": "', b"[", b'{"message": "book tomorrow at 3pm"}'])
invalid_utf8 = st.builds(
    lambda before, bad, after: before + bad + after,
    fragments,
    st.sampled_from(BAD_UTF8) | st.binary(min_size=1, max_size=64).filter(not_utf8),
    st.sampled_from([b"", b'"}', b"]", b"\x00"]),
)


@pytest.mark.parametrize("path", ROUTES)
def test_a_base64_body_that_is_not_utf8_is_a_400(
    orchestrator: Handler, path: str, dynamodb: Any, table_name: str
) -> None:
    @FUZZ
    @given(body=invalid_utf8, content_type=st.sampled_from(CONTENT_TYPES_READ_AS_JSON))
    def check(body: bytes, content_type: str) -> None:
        assert_refused(*send(orchestrator, path, body, content_type), "not UTF-8")

    check()
    assert_nothing_written(dynamodb, table_name)


bad_base64 = st.one_of(
    st.sampled_from(["!!not base64!!", "abc", "a===", "====", "ab=c", "YWJj\n", " YWJj", "e30", "e30=x", "é30="]),
    st.text(min_size=1, max_size=80).filter(not_base64),
    st.binary(min_size=1, max_size=60).map(lambda b: base64.b64encode(b).decode()[:-1]).filter(not_base64),
)


@pytest.mark.parametrize("path", ROUTES)
def test_a_body_marked_base64_that_is_not_base64_is_a_400(
    orchestrator: Handler, path: str, dynamodb: Any, table_name: str
) -> None:
    @FUZZ
    @given(body=bad_base64)
    def check(body: str) -> None:
        event = api_event("POST", path, {"content-type": "application/json"}, b"", f"POST {path}", {})
        answer = orchestrator(event | {"body": body, "isBase64Encoded": True})
        assert_refused(int(answer["statusCode"]), json.loads(answer["body"]), "could not be decoded")

    check()
    assert_nothing_written(dynamodb, table_name)


# --- odd JSON: scalars, NaN, duplicates, huge strings and numbers, malformed text -----------

# values of the wrong type for the field, so any body of them is a 400 (duration_minutes is optional, so
# null is no mistake there, and pydantic reads true as 1: a 422 for a duration that is not whole slots)
BAD_VALUES = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "false", "[]", "{}", "[1]", '{"a": 1}']
BAD_FOR = {"message": [*BAD_VALUES, "null", "true", "42"], "slot_id": [*BAD_VALUES, "null", "true", "42"]}
BAD_FOR["duration_minutes"] = [*BAD_VALUES, "0", "-60", "60.5", '"sixty"']
huge_integer = st.integers(min_value=4_301, max_value=20_000).map(lambda n: "9" * n)
fields = st.sampled_from(sorted(BAD_FOR))


def bad_values(field: str, count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(BAD_FOR[field]) | huge_integer, min_size=count, max_size=count + 2)


def with_field(field: str, *values: str) -> str:
    """A body whose `field` holds `values` in turn (duplicate keys when several); slot_id valid beside duration."""
    pairs = [f'"{field}": {value}' for value in values]
    if field == "duration_minutes":
        pairs.insert(0, f'"slot_id": {json.dumps(SLOT)}')
    return "{" + ", ".join(pairs) + "}"


top_level_scalars = st.one_of(
    st.sampled_from(["null", "true", "false", "0", "-0", "1.5", "1e999", "NaN", "-Infinity", '""', "[]", "{}"]),
    st.sampled_from(['"book tomorrow at 3pm"', '[{"message": "book tomorrow at 3pm"}]', f'[{{"slot_id": "{SLOT}"}}]']),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(json.dumps),
    st.text(max_size=50).map(json.dumps),
    st.lists(st.integers() | st.text(max_size=5), max_size=5).map(json.dumps),
)
with_bad_fields = fields.flatmap(lambda f: bad_values(f, 1).map(lambda values: with_field(f, values[0])))
duplicate_keys = fields.flatmap(lambda f: bad_values(f, 2).map(lambda values: with_field(f, *values)))
huge_strings = st.one_of(
    st.integers(min_value=501, max_value=1_000_000).map(lambda n: json.dumps({"message": "b" * n})),
    st.integers(min_value=201, max_value=1_000_000).map(lambda n: json.dumps({"slot_id": SLOT + "x" * n})),
    st.integers(min_value=10_000, max_value=1_000_000).map(lambda n: json.dumps({"m" * n: 1})),
)
huge_integers_beside_a_valid_request = st.builds(
    lambda n, chat: (
        f'{{"message": "book tomorrow at 3pm", "n": {"1" * n}}}'
        if chat
        else f'{{"slot_id": "{SLOT}", "duration_minutes": -{"6" * n}}}'
    ),
    st.integers(min_value=4_301, max_value=200_000),
    st.booleans(),
)
MALFORMED = [
    "{",
    "}",
    "[",
    "]",
    "{]",
    "[}",
    '{"message": "book tomorrow at 3pm",}',
    "{'message': 'book tomorrow at 3pm'}",
    "{message: 1}",
    '{"message" "x"}',
    '{"message": "x"} trailing',
    '{"message": "x"}{"message": "y"}',
    '\ufeff{"message": "book tomorrow at 3pm"}',
    '{"message": "book\ntomorrow"}',  # a raw control character inside a string
    '{"message": "unterminated',
    '{"message": "\\x41"}',
    '{"message": "\\u12"}',
    "/* comment */ {}",
    "   ",
    "\x00",
    "undefined",
    "nan",
    "01",
    "+1",
    ".5",
    "1.",
    "0x1F",
]
odd_json = st.one_of(
    top_level_scalars,
    with_bad_fields,
    duplicate_keys,
    huge_strings,
    huge_integers_beside_a_valid_request,
    st.sampled_from(MALFORMED),
    st.sampled_from(MALFORMED).map(lambda m: '{"message": ' + m + "}"),
)


@pytest.mark.parametrize("path", ROUTES)
def test_odd_json_is_a_400_that_says_why(orchestrator: Handler, path: str, dynamodb: Any, table_name: str) -> None:
    @FUZZ
    @given(body=odd_json, content_type=st.sampled_from(CONTENT_TYPES_READ_AS_JSON), encode=st.booleans())
    def check(body: str, content_type: str, encode: bool) -> None:
        status, answer = send(orchestrator, path, body, content_type, encode)
        assert_refused(status, answer)
        assert answer["error"]["message"].count("\n") == 0
        assert len(answer["error"]["message"]) < 2_000  # says why without echoing the body

    check()
    assert_nothing_written(dynamodb, table_name)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('{"message": "book tomorrow at 3pm", "n": 1' + "0" * 4_300 + "}", "more than 4300 digits"),
        (f'{{"slot_id": "{SLOT}", "duration_minutes": 6{"0" * 5_000}}}', "more than 4300 digits"),
        ('{"message": NaN}', "message: Input should be a valid string"),
        (f'{{"slot_id": "{SLOT}", "duration_minutes": Infinity}}', "valid integer"),
        ('{"message": 1, "message": null}', "message: Input should be a valid string"),
        ("null", "a JSON object is required"),
        ('"book tomorrow at 3pm"', "valid dictionary"),
        ('{"message": "' + "x" * 501 + '"}', "at most 500 characters"),
        ('{"message": "book tomorrow at 3pm",}', "is not valid JSON"),
        ('{"message": "\\ud800 book tomorrow at 3pm"}', "message"),
    ],
)
def test_each_kind_of_odd_json_names_its_problem(
    orchestrator: Handler, body: str, why: str, dynamodb: Any, table_name: str
) -> None:
    assert_refused(*send(orchestrator, "/chat" if "slot_id" not in body else "/bookings", body), why)
    assert_nothing_written(dynamodb, table_name)


# --- media types ------------------------------------------------------------------------

not_json_media_types = st.one_of(
    st.sampled_from(
        [
            "text/html",
            "text/json",
            "application/xml",
            "application/jsonx",
            "application/octet-stream",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "image/png",
            "*/*",
            "application/json, text/html",
            "\x00",
        ]
    ),
    st.from_regex(r"[a-z]{1,12}/[a-z0-9.-]{1,20}", fullmatch=True),
).filter(lambda t: t not in {"application/json", "application/x-www-form-urlencoded", "text/plain"})
any_troublesome_body = st.one_of(
    odd_json,
    st.builds(lambda d: "[" * d + "]" * d, st.integers(min_value=1, max_value=100_000)),
    st.just('{"message": "book tomorrow at 3pm"}'),
)


@pytest.mark.parametrize("path", ROUTES)
def test_a_body_in_another_media_type_is_a_415_and_an_empty_one_a_400(
    orchestrator: Handler, path: str, dynamodb: Any, table_name: str
) -> None:
    @FUZZ
    @given(content_type=not_json_media_types, body=any_troublesome_body, encode=st.booleans())
    def check(content_type: str, body: str, encode: bool) -> None:
        status, answer = send(orchestrator, path, body, content_type, encode)
        assert_refused(status, answer, content_type.split(";")[0].strip().lower(), statuses=(415,))
        status, answer = send(orchestrator, path, "", content_type)  # no body to refuse: it is simply missing
        assert_refused(status, answer, "a JSON object is required")

    check()
    assert_nothing_written(dynamodb, table_name)


# --- direct invokes ---------------------------------------------------------------------

FREE_SLOT = clock.slot_id("Court C", hour=12)
INVOKES: dict[str, tuple[dict[str, Any], list[str]]] = {  # function -> (a valid event, the fields to spoil)
    "IntentParserFunction": ({"message": "book tomorrow at 3pm"}, ["message", "now", "correlation_id", "extra"]),
    "AvailabilityFunction": (
        {"date": clock.tomorrow().isoformat()},
        ["intent", "date", "time", "window", "court", "duration_minutes", "action", "correlation_id", "extra"],
    ),
    "BookingFunction": (
        {"slot_id": FREE_SLOT, "user_id": "fuzzer"},
        ["slot_id", "user_id", "duration_minutes", "idempotency_key", "request_fingerprint", "correlation_id"],
    ),
}
BY_ID = ({"operation": "cancel", "user_id": "fuzzer", "booking_id": "b-1"}, ["operation", "user_id", "booking_id"])
# pydantic quotes a discriminator it cannot match in its message (repr), which for deeper values than a
# Lambda runtime can decode (about 10,000 levels) itself runs out of stack; so `operation` goes to 5,000.
OPERATION_DEPTH = 5_000


def deep_value(depth: int, pattern: list[str]) -> Any:
    """`depth` lists or {"date": ...} objects, innermost "?": wrong for every field, at every level."""
    value: Any = "?"
    for level in range(depth):
        value = [value] if pattern[level % len(pattern)] == "[" else {"date": value}
    return value


@pytest.mark.parametrize("function", [*INVOKES, "BookingFunction:cancel"])
def test_a_direct_invoke_with_a_deeply_nested_field_gets_invalid_request(
    function: str, handlers: dict[str, Handler], dynamodb: Any, table_name: str
) -> None:
    name, _, operation = function.partition(":")
    valid, spoilable = BY_ID if operation else INVOKES[name]
    handler = handlers[name]

    @FUZZ
    @given(
        field=st.sampled_from([*spoilable, None]),  # None: the whole event is the nested value
        depth=depths,
        pattern=patterns,
    )
    def check(field: str | None, depth: int, pattern: list[str]) -> None:
        if field == "operation":
            depth = min(depth, OPERATION_DEPTH)
        value = deep_value(depth, pattern)
        event = value if field is None else {**valid, field: value}
        answer = handler(event)
        json.dumps(answer)  # what Lambda sends back must serialise
        assert set(answer) == {"success", "error"}, answer
        assert answer["success"] is False
        assert answer["error"]["code"] == "INVALID_REQUEST"
        message = answer["error"]["message"]
        assert message.startswith("invalid request: ")
        if field is not None:
            assert field in message or DEEP in message, message[:300]

    check()
    assert_nothing_written(dynamodb, table_name)
    served = handler(valid)  # the same event unspoilt reaches the service: booked, or no such booking
    assert served["success"] is True or served["error"]["code"] == "NOT_FOUND", served

"""Sign-in with real JWTs against the local API in AuthMode=jwt, as API Gateway's JWT authorizer does it.

Tokens are signed with RSA keys and checked by `local.jwt_auth` in front of the
orchestrator: a good token's `sub` is the user, whatever X-User-Id says; a bad
or missing token is API Gateway's 401 {"message":"Unauthorized"}, the
orchestrator is not invoked and nothing is written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local import dynamodb
from local.jwt_auth import LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtAuthorizer, claim_text, key_id, mint, signing_key
from local.stack import LocalStack, local_tables
from local.template import ROOT
from tests import clock
from tests.conftest import table_items
from tests.local.conftest import LogCapture, RunCommand, request, running_stack

pytestmark = pytest.mark.slow

UNAUTHORIZED = (401, {"message": "Unauthorized"})
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def logs() -> LogCapture:
    return LogCapture()


@pytest.fixture(scope="module")
def key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stack's signing key: made by the stack on start, in a folder of this test run."""
    return tmp_path_factory.mktemp("sign-in") / ".local-data" / "jwt-signing-key.pem"


@pytest.fixture(scope="module")
def stack(key_path: Path, logs: LogCapture) -> Iterator[LocalStack]:
    """The local stack in sign-in mode on free ports (conftest's `empty_table` empties its tables)."""
    with running_stack(parameters={"AuthMode": "jwt"}, jwt_key=key_path, log=logs) as local:
        yield local


@pytest.fixture
def token(key_path: Path) -> Callable[..., str]:
    """token("alice", **mint options): a token the stack accepts unless the options spoil it."""

    def make(user: str, **options: Any) -> str:
        return mint(user, key_path=key_path, **options)

    return make


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json", **headers}


def tomorrow_slot(hour: int, court: str = "Court A") -> str:
    return clock.slot_id(court, hour)


def stored_items(stack: LocalStack) -> dict[str, list[dict[str, Any]]]:
    assert stack.dynamodb_endpoint is not None
    client = dynamodb.client(stack.dynamodb_endpoint)
    return {name: table_items(client, name) for name in local_tables().values()}


def orchestrator_invocations(logs: LogCapture) -> int:
    return sum(line.startswith("START RequestId") for line in logs.lines("OrchestratorFunction"))


def b64url(data: bytes | dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode() if isinstance(data, dict) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def good_claims(user: str = "alice") -> dict[str, Any]:
    now = int(time.time())
    return {"iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "sub": user, "iat": now, "exp": now + 600}


# --- a good token ---------------------------------------------------------------------------
def test_health_and_swagger_need_no_token(stack: LocalStack) -> None:
    assert request("GET", f"{stack.api_url}/health") == (200, {"status": "ok", "dynamodb": "ok"})
    assert request("GET", f"{stack.api_url}/swagger?format=json")[0] == 200


def test_a_valid_token_books_and_the_booking_is_the_tokens_sub(
    stack: LocalStack, empty_table: str, token: Callable[..., str]
) -> None:
    headers = bearer(token("alice"))
    status, body = request("POST", f"{stack.api_url}/chat", {"message": "Book a court tomorrow at 3pm"}, headers)
    assert status == 200, body
    assert (body["status"], body["booking"]["user_id"]) == ("booked", "alice")
    stored = json.dumps(stored_items(stack)[empty_table])
    assert body["booking"]["booking_id"] in stored
    assert '"USER#alice"' in stored


def test_x_user_id_is_ignored_when_a_token_is_valid(
    stack: LocalStack, empty_table: str, token: Callable[..., str]
) -> None:
    alice, bob = bearer(token("alice"), **{"x-user-id": "bob"}), bearer(token("bob"))
    status, booking = request("POST", f"{stack.api_url}/bookings", {"slot_id": tomorrow_slot(10)}, alice)
    assert status == 201, booking
    assert booking["user_id"] == "alice"

    status, bobs = request("GET", f"{stack.api_url}/bookings", headers=bob)
    assert (status, bobs["bookings"]) == (200, [])
    assert request("GET", f"{stack.api_url}/bookings/{booking['booking_id']}", headers=bob)[0] == 404
    status, alices = request("GET", f"{stack.api_url}/bookings", headers=alice)
    assert [b["booking_id"] for b in alices["bookings"]] == [booking["booking_id"]]


def test_alice_cannot_read_or_cancel_bobs_booking(
    stack: LocalStack, empty_table: str, token: Callable[..., str]
) -> None:
    bob = bearer(token("bob"))
    status, bobs = request("POST", f"{stack.api_url}/bookings", {"slot_id": tomorrow_slot(15)}, bob)
    assert status == 201, bobs
    bob_id = bobs["booking_id"]

    alice = bearer(token("alice"), **{"x-user-id": "bob"})
    for method in ("GET", "DELETE"):
        theirs = request(method, f"{stack.api_url}/bookings/{bob_id}", headers=alice)
        missing = request(method, f"{stack.api_url}/bookings/{MISSING}", headers=alice)
        assert theirs[0] == missing[0] == 404, (theirs, missing)
        assert theirs[1]["error"]["code"] == missing[1]["error"]["code"] == "NOT_FOUND"
        assert theirs[1]["error"]["message"].replace(bob_id, "X") == missing[1]["error"]["message"].replace(
            MISSING, "X"
        )
    status, still = request("GET", f"{stack.api_url}/bookings/{bob_id}", headers=bob)
    assert (status, still["user_id"]) == (200, "bob")


def test_a_token_made_by_the_token_command_is_accepted(stack: LocalStack, empty_table: str, key_path: Path) -> None:
    minted = subprocess.run(
        [sys.executable, "-m", "local.token", "--user", "carol", "--jwt-key", str(key_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    token = minted.stdout.strip()
    assert minted.stdout == token + "\n"  # only the token, so $(make -s token ...) is the header value
    status, body = request("POST", f"{stack.api_url}/bookings", {"slot_id": tomorrow_slot(11)}, bearer(token))
    assert (status, body["user_id"]) == (201, "carol"), body


def test_the_signing_key_is_private_and_kept(stack: LocalStack, key_path: Path) -> None:
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert isinstance(stack.authorizer, LocalJwtAuthorizer)
    assert stack.authorizer.kid == key_id(signing_key(key_path).public_key())  # the same key, not a new one


# --- bad tokens: 401, the function not invoked, nothing written --------------------------------
def other_key_same_kid(kid: str) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(good_claims(), other, algorithm="RS256", headers={"kid": kid})


def other_key_own_kid(_: str) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(good_claims(), other, algorithm="RS256", headers={"kid": key_id(other.public_key())})


def alg_none(kid: str) -> str:
    return f"{b64url({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{b64url(good_claims())}."


def hs256_with_the_public_key(kid: str, key_path: Path) -> str:
    """The algorithm-confusion attack: HMAC keyed with the (public) RSA key."""
    public_pem = (
        signing_key(key_path)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{b64url({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{b64url(good_claims())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def tampered_payload(token: str) -> str:
    """A good token whose claims were changed after signing (sub: alice -> bob)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64url({**claims, 'sub': 'bob'})}.{signature}"


# case: (how to make the token from (mint, the stack's kid, its key file), why the authorizer refuses it)
BAD_TOKENS: dict[str, tuple[Callable[[Callable[..., str], str, Path], str | None], str]] = {
    "missing": (lambda make, kid, path: None, "no token"),
    "empty Bearer": (lambda make, kid, path: "", "no token"),
    "not a JWT": (lambda make, kid, path: "not-a-token", "DecodeError"),
    "expired": (lambda make, kid, path: make("alice", minutes=-1), "ExpiredSignatureError"),
    "no exp": (lambda make, kid, path: make("alice", claims={"exp": None}), 'missing the "exp" claim'),
    "not valid yet (nbf)": (lambda make, kid, path: make("alice", claims={"nbf": int(time.time()) + 600}), "(nbf)"),
    "issued in the future (iat)": (
        lambda make, kid, path: make("alice", claims={"iat": int(time.time()) + 600}),
        "(iat)",
    ),
    "wrong audience": (lambda make, kid, path: make("alice", audience="someone-else"), "InvalidAudienceError"),
    "wrong issuer": (lambda make, kid, path: make("alice", issuer="https://issuer.example.com"), "InvalidIssuerError"),
    "no sub": (lambda make, kid, path: make("alice", claims={"sub": None}), 'missing the "sub" claim'),
    "empty sub": (lambda make, kid, path: make(""), "sub must be a non-empty string"),
    "signed with another key (same kid)": (lambda make, kid, path: other_key_same_kid(kid), "InvalidSignatureError"),
    "signed with another key (its own kid)": (lambda make, kid, path: other_key_own_kid(kid), "is not the local"),
    "claims changed after signing": (
        lambda make, kid, path: tampered_payload(make("alice")),
        "InvalidSignatureError",
    ),
    "alg none": (lambda make, kid, path: alg_none(kid), "InvalidAlgorithmError"),
    "HS256 keyed with the public key": (
        lambda make, kid, path: hs256_with_the_public_key(kid, path),
        "InvalidAlgorithmError",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/chat", {"message": "Book a court tomorrow at 3pm"}),
        ("POST", "/bookings", {"slot_id": tomorrow_slot(16)}),
        ("GET", "/bookings", None),
    ],
)
def test_a_bad_or_missing_token_is_401_invokes_nothing_and_writes_nothing(
    case: str,
    method: str,
    path: str,
    body: Any,
    stack: LocalStack,
    empty_table: str,
    token: Callable[..., str],
    key_path: Path,
    logs: LogCapture,
) -> None:
    assert isinstance(stack.authorizer, LocalJwtAuthorizer)
    make_token, reason = BAD_TOKENS[case]
    bad = make_token(token, stack.authorizer.kid, key_path)
    headers = {"content-type": "application/json", "x-user-id": "alice", "idempotency-key": str(uuid.uuid4())}
    if bad is not None:
        headers["authorization"] = f"Bearer {bad}"
    before = orchestrator_invocations(logs)

    assert request(method, f"{stack.api_url}{path}", body, headers) == UNAUTHORIZED

    assert orchestrator_invocations(logs) == before, "the orchestrator ran for a request without a valid token"
    assert stored_items(stack) == {name: [] for name in local_tables().values()}
    assert reason in logs.lines("JwtAuthorizer")[-1]  # refused for the reason the case is about
    if bad:
        assert not any(bad in line for source in ("HttpApi", "JwtAuthorizer") for line in logs.lines(source))


def test_the_same_request_with_a_good_token_is_let_through(
    stack: LocalStack, empty_table: str, token: Callable[..., str], logs: LogCapture
) -> None:
    """The control for the 401 cases: only the token differs."""
    before = orchestrator_invocations(logs)
    headers = bearer(token("alice"), **{"idempotency-key": str(uuid.uuid4())})
    assert request("POST", f"{stack.api_url}/bookings", {"slot_id": tomorrow_slot(16)}, headers)[0] == 201
    assert orchestrator_invocations(logs) == before + 1


# --- the validator on its own -----------------------------------------------------------------
def test_the_authorizer_block_is_shaped_like_api_gateways(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    authorizer = LocalJwtAuthorizer(key_path=key)
    groups = ["admins", "players"]
    token = mint("alice", key_path=key, claims={"cognito:groups": groups, "email_verified": True})
    block = authorizer({"authorization": f"Bearer {token}"})
    assert block is not None
    assert set(block) == {"jwt"}
    assert block["jwt"]["scopes"] is None
    claims = block["jwt"]["claims"]
    assert all(isinstance(value, str) for value in claims.values()), claims
    assert (claims["sub"], claims["iss"], claims["aud"]) == ("alice", LOCAL_ISSUER, LOCAL_AUDIENCE)
    assert (claims["cognito:groups"], claims["email_verified"]) == ("[admins players]", "true")
    assert claims["exp"].isdigit()
    # API Gateway takes the token with or without the Bearer prefix.
    assert authorizer({"authorization": token}) == block
    assert authorizer({"authorization": f"bearer  {token}"}) == block
    assert authorizer({}) is None


def test_an_audience_list_or_client_id_matches_as_in_api_gateway(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    authorizer = LocalJwtAuthorizer(key_path=key)
    listed = mint("alice", key_path=key, claims={"aud": ["other", LOCAL_AUDIENCE]})
    assert authorizer({"authorization": listed}) is not None
    access = mint("alice", key_path=key, claims={"aud": None, "client_id": LOCAL_AUDIENCE})
    assert authorizer({"authorization": access}) is not None
    foreign = mint("alice", key_path=key, claims={"aud": None, "client_id": "other"})
    assert authorizer({"authorization": foreign}) is None


def test_the_key_is_made_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    key = tmp_path / "new" / ".local-data" / "jwt-signing-key.pem"
    first = mint("alice", key_path=key)
    assert key.stat().st_mode & 0o777 == 0o600
    pem = key.read_bytes()
    mint("bob", key_path=key)
    assert key.read_bytes() == pem
    assert LocalJwtAuthorizer(key_path=key)({"authorization": first}) is not None


def test_claims_become_strings() -> None:
    assert [claim_text(v) for v in ("a", 3, 2.0, 1.5, True, ["x", 1], {"k": "v"})] == [
        "a",
        "3",
        "2",
        "1.5",
        "true",
        "[x 1]",
        '{"k":"v"}',
    ]


# --- the run command ----------------------------------------------------------------------------
def test_run_with_auth_jwt_needs_a_token_and_says_how_to_get_one(tmp_path: Path) -> None:
    key = tmp_path / "jwt-signing-key.pem"
    run = RunCommand("--auth", "jwt", "--jwt-key", str(key))
    process, output, api = run.process, run.output, run.api
    try:
        run.wait()
        ask = {"message": "what is free tomorrow?"}
        assert request("POST", f"{api}/chat", ask, {"x-user-id": "alice"}) == UNAUTHORIZED
        minted = subprocess.run(
            [sys.executable, "-m", "local.token", "--user", "alice", "--jwt-key", str(key)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        status, body = request("POST", f"{api}/chat", ask, bearer(minted.stdout.strip()))
        assert (status, body["status"]) == (200, "available"), body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        run.kill()
    text = output.text()
    assert "Sign-in ON" in text
    assert f"get a token:    {sys.executable} -m local.token --user alice --jwt-key {key}" in text
    assert "Authorization: Bearer $(" in text
    assert "[JwtAuthorizer] 401 Unauthorized: no token in the Authorization header" in text


def test_run_refuses_auth_flags_that_disagree() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "local.run", "--auth", "none", "--parameter-overrides", "AuthMode=jwt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "disagree" in result.stderr

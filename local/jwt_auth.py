"""Sign-in for the local run: a local issuer of real JWTs and the validator API Gateway would be.

In AWS the HTTP API's JWT authorizer checks every token against the issuer's
public keys (`JwtIssuer`, `JwtAudience` in template.yaml). Locally the issuer
is this module: an RSA key made on first use and kept in
`.local-data/jwt-signing-key.pem` (mode 0600, git-ignored), so a token minted by
one command (`make token USER_ID=alice`) is accepted by a stack started by
another (`make run ARGS="--auth jwt"`).

`LocalJwtAuthorizer` checks what API Gateway checks, with PyJWT: the header's
`kid` names the signing key, the algorithm is RSA, the signature is good, `exp`
is in the future, `nbf` and `iat` (if present) are not, `iss` is the issuer,
`aud` (or, without `aud`, `client_id`) is the audience; `sub` is required since
the service's user is the token's `sub`. A good token becomes the block API
Gateway puts in `requestContext.authorizer` (every claim a string); anything
else is None, which the local HTTP API answers as API Gateway does:
401 {"message":"Unauthorized"}, the function not invoked.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .template import ROOT

DEFAULT_KEY_PATH = ROOT / ".local-data" / "jwt-signing-key.pem"
# The local identity provider's names, used as the template's JwtIssuer / JwtAudience
# when the local stack runs with AuthMode=jwt. The issuer is a name, not a served URL.
LOCAL_ISSUER = "http://127.0.0.1:3000/local-issuer"
LOCAL_AUDIENCE = "court-booking-local"
SIGNING_ALGORITHM = "RS256"
# API Gateway's JWT authorizer supports only RSA-based algorithms.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512")
KEY_BITS = 2048
DEFAULT_MINUTES = 60

AuthorizerLog = Callable[[str], None]


class KeyFileError(Exception):
    """The signing key file exists but cannot be used."""


# --- the signing key ------------------------------------------------------------------
def signing_key(path: Path = DEFAULT_KEY_PATH) -> rsa.RSAPrivateKey:
    """The local signing key, made (and saved with mode 0600) the first time it is asked for.

    Two commands starting at once agree on one key: the new key is written to a
    private temporary file and linked into place only if no key is there yet.
    """
    path = Path(path)
    try:
        if not path.exists():
            _create_key(path)
        return _load_key(path)
    except OSError as exc:
        raise KeyFileError(f"cannot use the local signing key {path}: {exc}") from exc


def _create_key(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        # os.link never replaces an existing file: the first key written wins.
        with contextlib.suppress(FileExistsError):
            os.link(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # a private key is for its owner only
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise KeyFileError(f"{path} is not a PEM private key ({exc}); delete it and a new key is made") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an RSA key; delete it and a new key is made")
    return key


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256) of the public key: the `kid` of every token it signs."""
    numbers = public_key.public_numbers()
    members = {"e": _b64_uint(numbers.e), "kty": "RSA", "n": _b64_uint(numbers.n)}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return _b64(digest)


def _b64_uint(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


# --- minting ----------------------------------------------------------------------------
def mint(
    user: str,
    *,
    minutes: float = DEFAULT_MINUTES,
    audience: str = LOCAL_AUDIENCE,
    issuer: str = LOCAL_ISSUER,
    key_path: Path = DEFAULT_KEY_PATH,
    now: float | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    """A token for `user` (its `sub`) signed with the local key, valid for `minutes` from `now`.

    A negative `minutes` gives a token that has already expired. `claims` adds or
    replaces claims, and leaves out those set to None (tests use it to forge bad tokens).
    """
    key = signing_key(key_path)
    issued = int(time.time() if now is None else now)
    expires = issued + round(minutes * 60)
    payload: dict[str, Any] = {
        "iss": issuer,
        "sub": user,
        "aud": audience,
        "iat": min(issued, expires),
        "exp": expires,
        "jti": str(uuid.uuid4()),
    }
    payload.update(claims or {})
    payload = {name: value for name, value in payload.items() if value is not None}
    headers = {"kid": key_id(key.public_key()), "typ": "JWT"}
    return jwt.encode(payload, key, algorithm=SIGNING_ALGORITHM, headers=headers)


def admin_claims() -> dict[str, object]:
    """The claim that makes a token's holder an admin, named as the stack reads it (GROUPS_CLAIM, ADMIN_GROUP)."""
    claim = os.environ.get("GROUPS_CLAIM", "").strip() or "cognito:groups"
    group = os.environ.get("ADMIN_GROUP", "").strip() or "admins"
    return {claim: [group]}


# --- validating ---------------------------------------------------------------------------
class LocalJwtAuthorizer:
    """The local stack's JWT authorizer: `authorizer(lower-cased headers)` -> the authorizer block or None."""

    def __init__(
        self,
        issuer: str = LOCAL_ISSUER,
        audience: str = LOCAL_AUDIENCE,
        key_path: Path = DEFAULT_KEY_PATH,
        log: AuthorizerLog | None = None,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.key_path = Path(key_path)
        self.public_key = signing_key(self.key_path).public_key()
        self.kid = key_id(self.public_key)
        self._log = log

    def __call__(self, headers: dict[str, str]) -> dict[str, Any] | None:
        token = bearer_token(headers.get("authorization"))
        if token is None:
            return self._refuse("no token in the Authorization header")
        try:
            claims = self.validate(token)
        except Exception as exc:  # whatever is wrong with a token, the answer is API Gateway's 401
            return self._refuse(f"{type(exc).__name__}: {exc}")
        return {"jwt": {"claims": {name: claim_text(value) for name, value in claims.items()}, "scopes": None}}

    def validate(self, token: str) -> dict[str, Any]:
        """The token's claims if API Gateway would accept it; raises a `jwt.PyJWTError` saying why not."""
        header = jwt.get_unverified_header(token)
        if header.get("kid") != self.kid:
            raise jwt.InvalidTokenError(
                f"kid {header.get('kid')!r} is not the local signing key's ({self.kid});"
                f" was {self.key_path} replaced since the stack started?"
            )
        options: dict[str, Any] = {"require": ["exp", "iss", "sub"]}
        arguments: dict[str, Any] = {"algorithms": list(ACCEPTED_ALGORITHMS), "issuer": self.issuer}
        try:
            claims = jwt.decode(token, self.public_key, audience=self.audience, options=options, **arguments)
        except jwt.MissingRequiredClaimError as exc:
            if exc.claim != "aud":
                raise
            # API Gateway takes `client_id` (Cognito access tokens) when a token has no `aud`.
            claims = jwt.decode(token, self.public_key, options={**options, "verify_aud": False}, **arguments)
            if claims.get("client_id") != self.audience:
                raise jwt.InvalidAudienceError("neither aud nor client_id is the audience") from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"].strip():
            raise jwt.InvalidTokenError("sub must be a non-empty string")
        return claims

    def _refuse(self, reason: str) -> None:
        if self._log is not None:
            self._log(f"401 Unauthorized: {reason}")
        return None


def bearer_token(value: str | None) -> str | None:
    """The token in an Authorization header: `Bearer <token>` or, as API Gateway also accepts, the bare token."""
    if value is None:
        return None
    value = value.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        value = rest.strip()
    return value or None


def claim_text(value: Any) -> str:
    """A claim as API Gateway passes it to the function: always a string ("[a b]" for a list)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(claim_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)

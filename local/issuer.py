"""The local sign-in pages: OAuth 2.0 authorization code with PKCE, FOR DEVELOPMENT ONLY.

Deployed, the web page signs people in with Cognito's managed login (Hosted UI) at
`{SignInDomain}/oauth2/authorize`, `/oauth2/token` and `/logout`. When the local
stack runs with `--auth jwt`, this module answers those same paths under
`{api_url}/local-issuer/`, so the page runs the same flow against the laptop:

- GET  /local-issuer/oauth2/authorize  the sign-in form (no password: whoever you type is who you are)
- POST /local-issuer/oauth2/authorize  the form: a 302 to `redirect_uri?code=...&state=...`
- POST /local-issuer/oauth2/token      code + code_verifier -> access and id tokens (RS256 JWTs)
- GET  /local-issuer/logout            a 302 to `logout_uri`

It checks what a real authorization server must (RFC 6749, RFC 7636): the client id
is the stack's JwtAudience; redirect and sign-out URIs are on the local API's own
origin (http://127.0.0.1:<port> or http://localhost:<port>); PKCE is required and
only S256 is taken; a code is random (32 bytes), lives 5 minutes, is bound to the
client, the redirect URI, the challenge and the user, and can be exchanged once
(any attempt to exchange it uses it up). The tokens are minted by `local.jwt_auth`
with the stack's signing key, issuer and audience, so the stack's JWT authorizer
accepts them. Codes live in memory, in the running stack.

Anyone who can reach the page can sign in as anyone: it exists so the web page's
sign-in can be tried on a laptop, and nothing of it ships to AWS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from .jwt_auth import DEFAULT_KEY_PATH, LOCAL_AUDIENCE, LOCAL_ISSUER, admin_claims, mint

PREFIX = "/local-issuer/"
AUTHORIZE = f"{PREFIX}oauth2/authorize"
TOKEN = f"{PREFIX}oauth2/token"
LOGOUT = f"{PREFIX}logout"

CODE_SECONDS = 300  # as Cognito's authorization codes
TOKEN_MINUTES = 60
# The service's user id rule (courtbooking.models.USER_ID_PATTERN; tests/local/test_issuer.py keeps them equal).
# The local run's own process does not have the layer on its path, hence the copy.
USER_ID_PATTERN = r"[A-Za-z0-9_.@:+\-|]{1,128}"
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 4.1
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # BASE64URL(SHA256(verifier)), no padding
SCOPES = frozenset({"openid", "email", "profile"})
FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 32
RULE = "Letters, digits and _ . @ : + - | only, up to 128 characters, no spaces."

# No scripts at all on these pages; the form may only post to this origin (and redirect to the page's).
CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
HTML_HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
PREFLIGHT = {
    "access-control-allow-methods": "POST",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
}
JSON_HEADERS = {"content-type": "application/json;charset=UTF-8", "cache-control": "no-store", "pragma": "no-cache"}

Response = tuple[int, dict[str, str], bytes]
Clock = Callable[[], float]
IssuerLog = Callable[[str], None]


class PageError(Exception):
    """The client or the redirect URI cannot be trusted: a 400 page, never a redirect."""


class Refused(Exception):
    """A bad authorization request from a known client: sent back to its redirect URI (RFC 6749 4.1.2.1)."""

    def __init__(self, response: Response) -> None:
        super().__init__("refused")
        self.response = response


class TokenError(Exception):
    """A refused token request: 400 {"error", "error_description"} (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked authorization request: what the form carries in hidden fields and the code is bound to."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    state: str | None
    scope: str
    nonce: str | None

    def fields(self) -> dict[str, str]:
        fields = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
            "scope": self.scope,
        }
        optional = {"state": self.state, "nonce": self.nonce}
        return {**fields, **{name: value for name, value in optional.items() if value is not None}}


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for, until it is exchanged or expires."""

    request: AuthorizationRequest
    user: str
    expires: float
    staff: bool = False  # signed in as one of the club's staff: the tokens name the admin group


class LocalIssuer:
    """`issuer(method, target, headers, body)` -> (status, headers, body) for the paths under PREFIX.

    `client_id` is the stack's JwtAudience and `issuer` its JwtIssuer (the tokens' `aud` and `iss`);
    `serve_on(host, port)` names the origin redirect and sign-out URIs must be on. `clock` (seconds,
    default time.monotonic) times the codes; tests hand in their own.
    """

    def __init__(
        self,
        client_id: str = LOCAL_AUDIENCE,
        issuer: str = LOCAL_ISSUER,
        key_path: Path = DEFAULT_KEY_PATH,
        log: IssuerLog | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.issuer = issuer
        self.key_path = Path(key_path)
        self.clock = clock
        self._log = log
        self.origins: tuple[str, ...] = ()  # set by serve_on
        self._codes: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def serve_on(self, host: str, port: int) -> None:
        """The local API's own origins: loopback by number and by name, and `host` if it is an address."""
        hosts = ["127.0.0.1", "localhost"]
        if host not in ("", "0.0.0.0", "::", *hosts) and ":" not in host:
            hosts.append(host)
        self.origins = tuple(f"http://{name}:{port}" for name in hosts)

    # --- dispatch -----------------------------------------------------------------------
    def __call__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        split = urlsplit(target)
        if split.path == AUTHORIZE and method == "GET":
            return self._authorize_page(split.query, headers)
        if split.path == AUTHORIZE and method == "POST":
            return self._sign_in(headers, body)
        if split.path == TOKEN and method == "POST":
            return self._token(headers, body)
        if split.path == TOKEN and method == "OPTIONS":
            return 204, {**self._cors(headers), **PREFLIGHT}, b""
        if split.path == LOGOUT and method == "GET":
            return self._logout(split.query)
        allowed = {AUTHORIZE: "GET, POST", TOKEN: "POST, OPTIONS", LOGOUT: "GET"}.get(split.path)
        if allowed is None:
            return 404, {"content-type": "application/json"}, b'{"message":"Not Found"}'
        return 405, {"content-type": "application/json", "allow": allowed}, b'{"message":"Method Not Allowed"}'

    # --- authorize --------------------------------------------------------------------------
    def _authorize_page(self, query: str, headers: dict[str, str]) -> Response:
        try:
            request = self._authorization_request(parameters(query))
        except PageError as exc:
            return error_page(str(exc))
        except Refused as redirect:
            return redirect.response
        return self._form(request, headers)

    def _sign_in(self, headers: dict[str, str], body: bytes) -> Response:
        if not is_form(headers):
            return error_page(f"The sign-in form is sent as {FORM}.")
        try:
            values = parameters(body.decode("utf-8"))
            request = self._authorization_request(values)
        except UnicodeDecodeError:
            return error_page("The sign-in form is not UTF-8.")
        except PageError as exc:
            return error_page(str(exc))
        except Refused as redirect:
            return redirect.response
        user = values.get("username", "")
        if re.fullmatch(USER_ID_PATTERN, user) is None:
            return self._form(request, headers, user, user_name_problem(user))
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            self._codes = {key: grant for key, grant in self._codes.items() if grant.expires > now}
            staff = values.get("staff") == "yes"
            self._codes[code] = Grant(request, user, now + CODE_SECONDS, staff)
        who = f"{user} (staff)" if staff else user
        self._say(f"signed in {who}: a code for {request.redirect_uri}, valid {CODE_SECONDS} s, once")
        return redirect_to(request.redirect_uri, {"code": code, "state": request.state})

    def _authorization_request(self, values: dict[str, str]) -> AuthorizationRequest:
        """The checked request; PageError for an unknown client or redirect URI, Refused for the rest."""
        client_id, redirect_uri = values.get("client_id", ""), values.get("redirect_uri", "")
        if not client_id:
            raise PageError("The request has no client_id.")
        if client_id != self.client_id:
            raise PageError(f"client_id {client_id!r} is not this stack's app client (its JwtAudience).")
        if not redirect_uri:
            raise PageError("The request has no redirect_uri.")
        if not self.on_origin(redirect_uri):
            raise PageError(f"redirect_uri {redirect_uri!r} is not on this API's origin ({self._origin_text()}).")
        state = values.get("state")

        def refuse(error: str, description: str) -> Refused:
            answer = {"error": error, "error_description": description, "state": state}
            return Refused(redirect_to(redirect_uri, answer))

        if values.get("response_type") != "code":
            raise refuse("unsupported_response_type", "response_type must be code")
        if values.get("code_challenge_method") != "S256":
            raise refuse("invalid_request", "code_challenge_method must be S256 (plain is refused)")
        challenge = values.get("code_challenge", "")
        if S256_CHALLENGE.fullmatch(challenge) is None:
            raise refuse("invalid_request", "code_challenge must be BASE64URL(SHA256(code_verifier)), 43 characters")
        scope = values.get("scope") or "openid"
        if not set(scope.split(" ")) <= SCOPES:
            raise refuse("invalid_scope", f"scope may hold only {' '.join(sorted(SCOPES))}")
        return AuthorizationRequest(client_id, redirect_uri, challenge, state, scope, values.get("nonce"))

    def _form(
        self, request: AuthorizationRequest, headers: dict[str, str], user: str = "", problem: str = ""
    ) -> Response:
        hidden = "\n".join(
            f'    <input type="hidden" name="{name}" value="{escape(value)}">'
            for name, value in request.fields().items()
        )
        error = f'  <p id="problem" class="problem" role="alert">{escape(problem)}</p>\n' if problem else ""
        described = "rule problem" if problem else "rule"
        invalid = ' aria-invalid="true"' if problem else ""
        page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in (local, for development only)</title>
  <style>{STYLE}</style>
</head>
<body>
<main>
  <h1>Sign in</h1>
  <p class="note">Local sign-in for development only: no password, whoever you type is who you are.</p>
{error}  <form method="post" action="{AUTHORIZE}">
{hidden}
    <label for="username">User name</label>
    <input id="username" name="username" autocomplete="username" required maxlength="128"
           autocapitalize="none" spellcheck="false" value="{escape(user)}" aria-describedby="{described}"{invalid}>
    <p id="rule" class="rule">{RULE}</p>
    <label class="staff"><input type="checkbox" name="staff" value="yes">
      One of the club's staff (the admin group)</label>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
"""
        policy = form_policy(request.redirect_uri, headers.get("host", ""))
        return (400 if problem else 200), {**HTML_HEADERS, "content-security-policy": policy}, page.encode()

    # --- token ------------------------------------------------------------------------------
    def _token(self, headers: dict[str, str], body: bytes) -> Response:
        cors = self._cors(headers)
        try:
            user, request, staff = self._exchange(headers, body)
        except TokenError as exc:
            self._say(f"token refused: {exc.error}: {exc.description}")
            answer = {"error": exc.error, "error_description": exc.description}
            return 400, {**JSON_HEADERS, **cors}, json.dumps(answer).encode()
        groups = admin_claims() if staff else {}  # Cognito puts cognito:groups in both tokens
        access = self._mint(
            user, {"token_use": "access", "client_id": request.client_id, "scope": request.scope, **groups}
        )
        id_claims = {"token_use": "id", "auth_time": int(time.time()), "nonce": request.nonce, **groups}
        tokens = {
            "access_token": access,
            "id_token": self._mint(user, {**id_claims, "cognito:username": user}),
            "token_type": "Bearer",
            "expires_in": TOKEN_MINUTES * 60,
        }
        self._say(f"tokens issued for {user} (valid {TOKEN_MINUTES} minutes)")
        return 200, {**JSON_HEADERS, **cors}, json.dumps(tokens).encode()

    def _exchange(self, headers: dict[str, str], body: bytes) -> tuple[str, AuthorizationRequest, bool]:
        """(user, the authorization request, staff) the code stands for; the code is used up whatever the outcome."""
        if not is_form(headers):
            raise TokenError("invalid_request", f"the token request is sent as {FORM}")
        try:
            values = parameters(body.decode("utf-8"))
        except (UnicodeDecodeError, PageError) as exc:
            raise TokenError("invalid_request", str(exc)) from None
        grant_type = values.get("grant_type")
        if not grant_type:
            raise TokenError("invalid_request", "grant_type is missing")
        if grant_type != "authorization_code":
            raise TokenError("unsupported_grant_type", "grant_type must be authorization_code")
        if values.get("client_id") != self.client_id:
            raise TokenError("invalid_client", "client_id is missing or not this stack's app client")
        for name in ("code", "redirect_uri", "code_verifier"):
            if not values.get(name):
                raise TokenError("invalid_request", f"{name} is missing")
        verifier = values["code_verifier"]
        if VERIFIER.fullmatch(verifier) is None:
            raise TokenError("invalid_request", "code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~")
        with self._lock:
            grant = self._codes.pop(values["code"], None)
            now = self.clock()
        if grant is None or grant.expires <= now:
            raise TokenError("invalid_grant", "the code is unknown, already used or expired")
        request = grant.request
        if values["redirect_uri"] != request.redirect_uri:
            raise TokenError("invalid_grant", "redirect_uri is not the one the code was issued for")
        if not hmac.compare_digest(s256(verifier), request.code_challenge):
            raise TokenError("invalid_grant", "code_verifier does not match the code_challenge")
        return grant.user, request, grant.staff

    def _mint(self, user: str, claims: dict[str, object]) -> str:
        return mint(
            user,
            minutes=TOKEN_MINUTES,
            audience=self.client_id,
            issuer=self.issuer,
            key_path=self.key_path,
            claims=claims,
        )

    def _cors(self, headers: dict[str, str]) -> dict[str, str]:
        """The page may be open on the other loopback name than the issuer's: let it read the answer."""
        origin = headers.get("origin", "")
        allowed = {"access-control-allow-origin": origin} if origin in self.origins else {}
        return {**allowed, "vary": "Origin"}

    # --- logout -----------------------------------------------------------------------------
    def _logout(self, query: str) -> Response:
        try:
            values = parameters(query)
        except PageError as exc:
            return error_page(str(exc))
        client_id, logout_uri = values.get("client_id", ""), values.get("logout_uri", "")
        if client_id != self.client_id:
            return error_page(f"client_id {client_id!r} is not this stack's app client (its JwtAudience).")
        if not logout_uri or not self.on_origin(logout_uri):
            return error_page(f"logout_uri {logout_uri!r} is not on this API's origin ({self._origin_text()}).")
        return redirect_to(logout_uri, {})

    # --- shared -----------------------------------------------------------------------------
    def on_origin(self, uri: str) -> bool:
        """Whether `uri` is a registered callback: exactly the page's URL on one of the local API's own
        origins (`http://127.0.0.1:<port>/` or `http://localhost:<port>/`), as Cognito takes only the
        callback and sign-out URLs registered on the app client, compared exactly."""
        return uri in {f"{origin}/" for origin in self.origins}

    def _origin_text(self) -> str:
        return " or ".join(self.origins[:2]) if self.origins else "not serving"

    def _say(self, line: str) -> None:
        if self._log is not None:
            self._log(line)


def s256(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(code_verifier))), no padding: RFC 7636's S256 code challenge."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def parameters(text: str) -> dict[str, str]:
    """Form or query parameters; PageError for one given twice (RFC 6749 3.1) or a malformed encoding."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise PageError(f"The parameters cannot be read: {exc}.") from None
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise PageError(f"The parameter {name!r} is given more than once.")
        values[name] = value
    return values


def user_name_problem(user: str) -> str:
    """What is wrong with a user name off the service's rule, in the words of the form."""
    if not user:
        return "Type a user name."
    if len(user) > 128:
        return f"That user name is {len(user)} characters long: 128 at most."
    return f"That user name is not allowed: {RULE.lower()}"


def is_form(headers: dict[str, str]) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() == FORM


def redirect_to(uri: str, parameters: dict[str, str | None]) -> Response:
    query = urlencode({name: value for name, value in parameters.items() if value is not None})
    location = f"{uri}{'&' if '?' in uri else '?'}{query}" if query else uri
    return 302, {"location": location, "cache-control": "no-store", "referrer-policy": "no-referrer"}, b""


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def error_page(problem: str) -> Response:
    page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign-in request refused (local, for development only)</title>
  <style>{STYLE}</style>
</head>
<body>
<main>
  <h1>Sign-in request refused</h1>
  <p class="problem" role="alert">{escape(problem)}</p>
  <p class="note">This is the local sign-in page, for development only. It takes requests from this
  stack's own web page: client_id is the stack's JwtAudience, and redirect_uri and logout_uri are on
  the API's own address.</p>
</main>
</body>
</html>
"""
    return 400, {**HTML_HEADERS, "content-security-policy": CSP}, page.encode()


def form_policy(redirect_uri: str, host: str) -> str:
    """The form page's CSP. Browsers check the redirect that follows a posted form against form-action
    too, so a redirect URI on the other loopback name (localhost, 127.0.0.1) than the page's is named."""
    split = urlsplit(redirect_uri)
    if split.netloc == host:
        return CSP
    return CSP.replace("form-action 'self'", f"form-action 'self' {split.scheme}://{split.netloc}")


STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f4f4f0; }
main { max-width: 26rem; margin: 3rem auto; padding: 1.5rem; background: #fff; border: 1px solid #c8c8c0; }
h1 { font-size: 1.5rem; margin-top: 0; }
.note { background: #fff4ce; border-left: 4px solid #8a6d00; padding: .5rem .75rem; }
.problem { color: #a4000f; font-weight: 600; }
.rule { font-size: .9rem; color: #444; margin-top: .25rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #555; }
.staff { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
.staff input { width: auto; }
button { font: inherit; margin-top: 1rem; padding: .5rem 1.25rem; background: #0b5394; color: #fff; border: 0; }
input:focus-visible, button:focus-visible { outline: 3px solid #e07000; outline-offset: 2px; }
"""

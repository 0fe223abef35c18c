"""The web page people book from (functions/orchestrator/web/): its files, their headers, and its configuration.

The files are read once per container, on the first request for one, with the
hash of each as its ETag. Only the files in web/ are ever served, by their exact
names: a name that is not one of them (including any `..` or `/`) is not found.
`config_document()` is the page's configuration, from the environment and the
service's one clock: the page never works out "today" in the browser's zone.
Nothing heavy is imported here, to keep the orchestrator's cold start lean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from courtbooking import config, words
from courtbooking.clock import utc_now

WEB = Path(__file__).resolve().parent.parent / "web"
INDEX = "index.html"
CONFIG = "config.json"

# What the page signs in with (public values, set by template.yaml from SignInDomain and JwtAudience).
SIGN_IN_DOMAIN = "SIGN_IN_DOMAIN"
SIGN_IN_CLIENT_ID = "SIGN_IN_CLIENT_ID"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
# The page itself is checked on every load (its ETag makes that a 304); its files are cached briefly.
INDEX_CACHE = "no-cache"
FILE_CACHE = "max-age=300"
CONFIG_CACHE = "no-store"


@dataclass(frozen=True)
class PageFile:
    name: str
    body: str
    content_type: str
    etag: str


@lru_cache(maxsize=1)
def files() -> dict[str, PageFile]:
    """Every file of the page, by name, read once per container."""
    found: dict[str, PageFile] = {}
    for path in sorted(WEB.iterdir()):
        content_type = CONTENT_TYPES.get(path.suffix)
        if content_type is None or not path.is_file():
            continue
        raw = path.read_bytes()
        etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
        found[path.name] = PageFile(path.name, raw.decode("utf-8"), content_type, etag)
    return found


def index() -> PageFile:
    return files()[INDEX]


def asset(name: str) -> PageFile | None:
    """A file the page loads (/app/<name>), or None: only the exact names in web/, never the page itself."""
    if name == INDEX:
        return None
    return files().get(name)


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """The browser's copy (If-None-Match) is this version of the file."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def sign_in_domain() -> str:
    return config.read(SIGN_IN_DOMAIN, "").rstrip("/")


def sign_in() -> dict[str, str] | None:
    """Where the page signs people in (OAuth 2.0 authorization code with PKCE), or None when it cannot."""
    domain = sign_in_domain()
    if config.auth_mode() != "jwt" or not domain:
        return None
    return {
        "authorize_url": f"{domain}/oauth2/authorize",
        "token_url": f"{domain}/oauth2/token",
        "logout_url": f"{domain}/logout",
        "client_id": config.read(SIGN_IN_CLIENT_ID, ""),
        "scope": "openid",
    }


def config_document() -> dict[str, Any]:
    """GET /app/config.json: how the page signs in, and the facility's rules and today, from the service's clock."""
    facility = config.facility()
    local_now = utc_now().astimezone(facility.timezone)
    return {
        "auth_mode": config.auth_mode(),
        "sign_in": sign_in(),
        "facility": {
            "timezone": facility.timezone.key,
            "courts": list(facility.courts),
            "opening_time": f"{facility.opening:%H:%M}",  # the widest span of the week
            "closing_time": f"{facility.closing:%H:%M}",
            "hours": week_hours(facility),
            "slot_minutes": facility.slot_minutes,
            "horizon_days": facility.horizon_days,
            "today": local_now.date().isoformat(),
            "now": f"{local_now:%H:%M}",
        },
    }


def week_hours(facility: config.Facility) -> dict[str, list[str] | None]:
    """Each ISO weekday's hours ("1" Monday ... "7" Sunday): ["08:00", "21:00"], or None when closed all day."""
    monday = dt.date(2024, 1, 1)  # any Monday: only the weekday matters
    hours: dict[str, list[str] | None] = {}
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        span = facility.hours_on(day)
        hours[str(day.isoweekday())] = [words.clock_time(m) for m in span] if span else None
    return hours


def content_security_policy() -> str:
    """Only this origin, no inline script or style; the identity provider's token endpoint may be fetched."""
    connect = ["'self'"]
    settings = sign_in()
    if settings:
        token = urlsplit(settings["token_url"])
        connect.append(f"{token.scheme}://{token.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {' '.join(connect)}",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def security_headers() -> dict[str, str]:
    """On every answer of the page's routes."""
    return {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


def reset() -> None:
    """Forget the files read (tests)."""
    files.cache_clear()

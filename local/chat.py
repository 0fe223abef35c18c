"""`make chat`: talk to the local API in the terminal.

Type a request ("Book a court tomorrow at 3pm", "What is free on Saturday
afternoon?"), see the answer, the booking or the alternatives. Needs the local
stack running (`make run`); `--user NAME` books as NAME (the X-User-Id header).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any, TextIO

EXIT_WORDS = {"quit", "exit", "bye", ":q"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.chat", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="the API (default http://127.0.0.1:3000)")
    parser.add_argument("--user", default="guest", help="who is booking (X-User-Id; default guest)")
    parser.add_argument("--token", help="a bearer token, for a stack in sign-in mode (make token USER_ID=...)")
    return parser.parse_args(argv)


def ask(
    url: str, user: str, message: str, token: str | None = None, conversation_id: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST /chat in a conversation; (status, JSON body). Raises OSError when the API is not there."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        f"{url.rstrip('/')}/chat",
        data=json.dumps(
            {"message": message, **({"conversation_id": conversation_id} if conversation_id else {})}
        ).encode(),
        headers={
            "content-type": "application/json",
            "x-user-id": user,
            **({"authorization": f"Bearer {token}"} if token else {}),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=35) as response:  # noqa: S310 - checked above
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body or b"{}")
        except ValueError:
            return error.code, {"message": body.decode(errors="replace")}


def describe(status: int, body: dict[str, Any]) -> list[str]:
    """The lines to show for one answer."""
    if status != 200:
        error = body.get("error") or {}
        message = error.get("message") or body.get("message") or "no details"
        return [f"(HTTP {status}) {message}"]
    lines = [body.get("response", "")]
    booking = body.get("booking")
    if booking:
        lines.append(f"  booking {booking['booking_id']}: {booking['court']}, {booking['date']} at {booking['time']}")
    elif body.get("slots"):
        label = "alternatives" if body.get("status") == "alternatives" else "free"
        shown = ", ".join(f"{n}. {s['time']} {s['court']}" for n, s in enumerate(body["slots"][:10], start=1))
        lines.append(f"  {label}: {shown}")
    return lines


def read_line(lines: TextIO, out: TextIO) -> str | None:
    """The next request; None at the end. Interactive terminals get a prompt and line editing."""
    if lines is sys.stdin and lines.isatty():
        import readline  # noqa: F401 - gives input() history and editing

        try:
            return input("you> ")
        except EOFError:
            out.write("\n")
            return None
    line = lines.readline()
    return line or None


def loop(url: str, user: str, lines: TextIO, out: TextIO, token: str | None = None) -> int:
    out.write(f"Court booking chat on {url} as {user!r}. Ctrl-D or 'quit' ends.\n")
    conversation_id: str | None = None  # one conversation for the session: follow-ups refer to earlier answers
    while (line := read_line(lines, out)) is not None:
        message = line.strip()
        if message.lower() in EXIT_WORDS:
            break
        if not message:
            continue
        try:
            status, body = ask(url, user, message, token, conversation_id)
        except OSError as exc:
            out.write(f"The local API is not answering at {url} ({exc}). Start it with `make run`.\n")
            return 1
        conversation_id = body.get("conversation_id") or conversation_id
        first, *rest = describe(status, body)
        out.write("".join(f"{text}\n" for text in [f"court> {first}", *rest]))
        out.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.url.startswith(("http://", "https://")):
        print(f"error: --url must be an http(s) URL, not {args.url!r}", file=sys.stderr)
        return 2
    try:
        return loop(args.url, args.user, sys.stdin, sys.stdout, args.token)
    except KeyboardInterrupt:
        print()
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make run`: the SAM application on loopback, as it runs in AWS, without Docker.

HTTP API on http://127.0.0.1:3000, the Lambda endpoint on http://127.0.0.1:3001,
DynamoDB (moto) on http://127.0.0.1:8000; every function in its own processes,
its log lines prefixed with its name. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from . import clock
from .dynamodb import PortInUse
from .jwt_auth import DEFAULT_KEY_PATH, LOCAL_AUDIENCE, LOCAL_ISSUER, KeyFileError, LocalJwtAuthorizer
from .runtime import DEFAULT_CONCURRENCY
from .stack import LocalStack, env_vars_file, key_values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.run", description=__doc__)
    parser.add_argument("--port", type=int, default=3000, help="HTTP API port (default 3000)")
    parser.add_argument("--invoke-port", type=int, default=3001, help="Lambda endpoint port (default 3001)")
    parser.add_argument("--dynamodb-port", type=int, default=8000, help="moto DynamoDB port (default 8000)")
    parser.add_argument("--persist", type=Path, metavar="FILE", help="keep the tables in FILE between runs")
    parser.add_argument("--env-vars", type=Path, metavar="FILE", help='JSON {"FunctionId": {"VAR": "value"}}')
    parser.add_argument("--parameter-overrides", nargs="+", default=[], metavar="KEY=VALUE", help="template parameters")
    parser.add_argument("--build-dir", type=Path, help="run `sam build` output (built for this machine) instead")
    parser.add_argument(
        "--auth",
        choices=("none", "jwt"),
        help="sign-in: jwt = bearer tokens from the local sign-in pages or `make token` (AuthMode=jwt);"
        " none = X-User-Id, the default locally",
    )
    parser.add_argument(
        "--jwt-key", type=Path, default=DEFAULT_KEY_PATH, metavar="FILE", help="local signing key (default %(default)s)"
    )
    parser.add_argument(
        "--max-concurrency", type=int, default=DEFAULT_CONCURRENCY, help="worker processes per function at most"
    )
    return parser.parse_args(argv)


def parameters(args: argparse.Namespace) -> dict[str, str]:
    """--parameter-overrides, with --auth as AuthMode (the two must not disagree).

    Settings from the shell (FACILITY_TIMEZONE=...) come under these (see local/settings.py).
    """
    overrides = key_values(args.parameter_overrides)
    if args.auth is not None:
        if overrides.get("AuthMode", args.auth) != args.auth:
            raise ValueError(f"--auth {args.auth} and --parameter-overrides AuthMode={overrides['AuthMode']} disagree")
        overrides["AuthMode"] = args.auth
    return overrides


def _warn(line: str) -> None:
    print(f"warning: {line}", file=sys.stderr, flush=True)


def token_command(authorizer: LocalJwtAuthorizer, user: str = "alice") -> str:
    """The command that prints a token this stack accepts."""
    extra = []
    if authorizer.audience != LOCAL_AUDIENCE:
        extra.append(f"--audience {authorizer.audience}")
    if authorizer.issuer != LOCAL_ISSUER:
        extra.append(f"--issuer {authorizer.issuer}")
    if authorizer.key_path.resolve() != DEFAULT_KEY_PATH:
        extra.append(f"--jwt-key {authorizer.key_path}")
    if extra:
        return f"{sys.executable} -m local.token --user {user} {' '.join(extra)}"
    return f"make -s token USER_ID={user}"


def banner(stack: LocalStack) -> str:
    chat = f"""curl -s -X POST {stack.api_url}/chat -H 'content-type: application/json' """
    ask = """-d '{"message":"Book a court tomorrow at 3pm"}'"""
    lines = [
        f"The page        {stack.api_url}/  (open it in a browser: the chat, the day grid, My bookings)",
        f"HTTP API        {stack.api_url}  (POST /chat, GET /health)",
        f"Lambda endpoint {stack.invoke_url}  (aws lambda invoke --endpoint-url {stack.invoke_url} ...)",
        f"DynamoDB (moto) {stack.dynamodb_endpoint}",
    ]
    if isinstance(stack.authorizer, LocalJwtAuthorizer):
        command = token_command(stack.authorizer)
        lines += [
            f"Sign-in ON      every route but /health, /swagger and the page needs a token from the local issuer"
            f" ({stack.authorizer.issuer}, audience {stack.authorizer.audience})",
            f"sign in at      {stack.api_url}/  (the web page, with the local sign-in pages"
            f" {stack.sign_in_url}/oauth2/...: for development only, no password)",
            f"get a token:    {command}",
            f'try: {chat}-H "Authorization: Bearer $({command})" {ask}',
        ]
    else:
        lines += [
            "Sign-in off     demo mode: the user is the X-User-Id header (--auth jwt turns sign-in on)",
            f"try: {chat}-H 'x-user-id: alice' {ask}",
        ]
    lines.append("Ctrl-C stops.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        moved_to = clock.travel()
        if moved_to is not None:
            _warn(f"the clock is moved ({clock.CLOCK}): the stack runs as if it were {moved_to:%Y-%m-%d %H:%M} UTC")
        stack = LocalStack(
            api_port=args.port,
            invoke_port=args.invoke_port,
            dynamodb_port=args.dynamodb_port,
            persist=args.persist,
            environment=env_vars_file(args.env_vars) if args.env_vars else {},
            parameters=parameters(args),
            jwt_key=args.jwt_key,
            build_dir=args.build_dir.resolve() if args.build_dir else None,
            max_concurrency=max(1, args.max_concurrency),
        )
    except (OSError, ValueError) as exc:  # ClockError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in stack.warnings:
        _warn(line)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a polite kill
        signal.signal(signum, lambda *_: stopped.set())
    try:
        stack.start()
        if not stopped.is_set():
            print(banner(stack), flush=True)
        stopped.wait()
    except (PortInUse, KeyFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        stack.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

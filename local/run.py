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

from .dynamodb import PortInUse
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
        "--max-concurrency", type=int, default=DEFAULT_CONCURRENCY, help="worker processes per function at most"
    )
    return parser.parse_args(argv)


def banner(stack: LocalStack) -> str:
    return "\n".join(
        [
            f"HTTP API        {stack.api_url}  (POST /chat, GET /health)",
            f"Lambda endpoint {stack.invoke_url}  (aws lambda invoke --endpoint-url {stack.invoke_url} ...)",
            f"DynamoDB (moto) {stack.dynamodb_endpoint}",
            f"""try: curl -s -X POST {stack.api_url}/chat -H 'content-type: application/json' """
            """-d '{"message":"Book a court tomorrow at 3pm"}'""",
            "Ctrl-C stops.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        stack = LocalStack(
            api_port=args.port,
            invoke_port=args.invoke_port,
            dynamodb_port=args.dynamodb_port,
            persist=args.persist,
            environment=env_vars_file(args.env_vars) if args.env_vars else {},
            parameters=key_values(args.parameter_overrides),
            build_dir=args.build_dir.resolve() if args.build_dir else None,
            max_concurrency=max(1, args.max_concurrency),
        )
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a polite kill
        signal.signal(signum, lambda *_: stopped.set())
    try:
        stack.start()
        if not stopped.is_set():
            print(banner(stack), flush=True)
        stopped.wait()
    except PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        stack.stop()
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make run`: the API on http://127.0.0.1:3000 with DynamoDB (moto) on loopback."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading

from .stack import LocalStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=3000, help="HTTP API port (default 3000)")
    parser.add_argument("--dynamodb-port", type=int, default=8000, help="moto DynamoDB port (default 8000)")
    args = parser.parse_args(argv)

    stack = LocalStack(api_port=args.port, dynamodb_port=args.dynamodb_port)
    try:
        stack.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"error: a port is already in use ({exc}); pass --port/--dynamodb-port", file=sys.stderr)
            stack.stop()
            return 2
        raise
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(f"API on {stack.api_url}  (POST /chat, GET /health); DynamoDB (moto) on {stack.dynamodb_endpoint}")
    print(f"""try: curl -s -X POST {stack.api_url}/chat -d '{{"message":"Book a court tomorrow at 3pm"}}'""")
    print("Ctrl-C stops.", flush=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

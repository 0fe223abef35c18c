"""`make token USER_ID=alice`: a signed JWT for the local API in sign-in mode.

Prints only the token, so it fits in a header:

    curl -H "Authorization: Bearer $(make -s token USER_ID=alice)" localhost:3000/bookings

The token is signed with the local key (.local-data/jwt-signing-key.pem, made on
first use) for the local issuer and audience, which is what the local stack
checks when it runs with `--auth jwt`. The user is the token's `sub`. With
`--admin` (`make token USER_ID=staff ADMIN=1`) its `cognito:groups` claim names
the admin group (ADMIN_GROUP, default admins), as Cognito's token for a member of
that group would: that person is one of the club's staff.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .jwt_auth import (
    DEFAULT_KEY_PATH,
    DEFAULT_MINUTES,
    LOCAL_AUDIENCE,
    LOCAL_ISSUER,
    KeyFileError,
    admin_claims,
    mint,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local.token", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--user", help="who the token is for (its sub claim); required")
    parser.add_argument(
        "--minutes", type=float, default=DEFAULT_MINUTES, help=f"how long it is valid (default {DEFAULT_MINUTES})"
    )
    parser.add_argument(
        "--admin", action="store_true", help="one of the club's staff: the groups claim names the admin group"
    )
    parser.add_argument("--expired", action="store_true", help="a token that expired a minute ago (to see a 401)")
    parser.add_argument("--audience", default=LOCAL_AUDIENCE, help=f"its aud claim (default {LOCAL_AUDIENCE})")
    parser.add_argument("--issuer", default=LOCAL_ISSUER, help=f"its iss claim (default {LOCAL_ISSUER})")
    parser.add_argument(
        "--jwt-key", type=Path, default=DEFAULT_KEY_PATH, metavar="FILE", help="the signing key (default %(default)s)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.user or "").strip():
        print("error: say who the token is for: --user NAME (make token USER_ID=NAME)", file=sys.stderr)
        return 2
    if not args.expired and args.minutes <= 0:
        print("error: --minutes must be more than 0 (use --expired for an expired token)", file=sys.stderr)
        return 2
    new_key = not args.jwt_key.exists()
    try:
        token = mint(
            args.user,
            minutes=-1 if args.expired else args.minutes,
            audience=args.audience,
            issuer=args.issuer,
            key_path=args.jwt_key,
            claims=admin_claims() if args.admin else None,
        )
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if new_key:
        print(f"made a new local signing key in {args.jwt_key}", file=sys.stderr)
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())

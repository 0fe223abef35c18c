"""AWS clients, created once per container with explicit timeouts and retries.

Endpoints come from the SDK's own settings (`AWS_ENDPOINT_URL_DYNAMODB`,
`AWS_ENDPOINT_URL_LAMBDA`), so the local run and the tests point the very same
code at moto or at the local Lambda endpoint.

The clients are botocore's, made from one botocore session: the same clients boto3
hands out (boto3.client is a session wrapper around botocore's), without boto3's
own session on top, which costs a cold start about 45 ms (docs/performance.md).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.config import Config

# DynamoDB answers in milliseconds; fail fast and retry a bounded number of times
# so a throttled table becomes a clear 503 well inside API Gateway's 30 s limit.
DYNAMODB_CONFIG = Config(connect_timeout=1, read_timeout=3, retries={"mode": "standard", "total_max_attempts": 3})


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@lru_cache(maxsize=1)
def dynamodb_client() -> Any:
    return _session().create_client("dynamodb", config=DYNAMODB_CONFIG)


def lambda_client(read_timeout: float) -> Any:
    """A Lambda client that waits at most `read_timeout` seconds for an answer.

    Invokes are never retried by botocore: a retried booking invoke could run the
    booking twice; the workflow decides what to do with a failure instead.
    Clients are cached per whole second of timeout: one (the cap, 11 s) unless a request nears
    the end of its budget, and at most eleven per container.
    """
    return _lambda_client(float(max(1, math.ceil(read_timeout))))


@lru_cache(maxsize=16)
def _lambda_client(read_timeout: float) -> Any:
    config = Config(connect_timeout=2, read_timeout=read_timeout, retries={"mode": "standard", "total_max_attempts": 1})
    return _session().create_client("lambda", config=config)

"""Powertools for the intent parser, imported without loading botocore.

Powertools' package `__init__` tries `import botocore` for one thing: to add its name
to the user agent of the boto3 sessions a function makes. The offline parser makes
none, and botocore costs its cold start about 22 ms (issue 15: no boto3, botocore,
openai or X-Ray SDK until a key is configured). So botocore is hidden while Powertools
loads (it then skips the user agent, as it does where botocore is absent) and is
importable again right after, for the OpenAI path's SSM or Secrets Manager read.
This module is imported first, before anything else imports Powertools.
"""

from __future__ import annotations

import sys

_hidden = "botocore" not in sys.modules
if _hidden:
    sys.modules["botocore"] = None  # type: ignore[assignment]  # `import botocore` raises ImportError
try:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.metrics import MetricUnit
finally:
    if _hidden:
        del sys.modules["botocore"]

__all__ = ["Logger", "MetricUnit"]

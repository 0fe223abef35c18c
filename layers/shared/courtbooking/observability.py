"""Powertools observability shared by the functions."""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Metrics


def metrics() -> Metrics:
    """Powertools Metrics (namespace from POWERTOOLS_METRICS_NAMESPACE).

    Most invocations record no metric (a booking records one, a parse only on a
    fallback); Powertools would warn about each of those in the logs.
    """
    warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
    return Metrics()

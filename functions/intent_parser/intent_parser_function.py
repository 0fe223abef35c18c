"""Intent parser Lambda: message -> structured intent.

OpenAI (structured outputs) when a key is configured, the offline parser
otherwise or whenever OpenAI fails; `parser` in the answer says which answered.
The openai package is imported only on the OpenAI path.
"""

from __future__ import annotations

from functools import lru_cache

from powertools_without_botocore import Logger, MetricUnit  # first: before anything imports Powertools

from courtbooking import config, observability
from courtbooking.clock import utc_now
from courtbooking.envelope import service_handler
from courtbooking.models import Intent, IntentRequest
from intent import IntentService
from intent.settings import openai_settings

logger = Logger()
metrics = observability.metrics()


@lru_cache(maxsize=1)
def intent_service() -> IntentService:
    return IntentService(config.facility(), openai_settings())


@logger.inject_lambda_context
@metrics.log_metrics
@service_handler(IntentRequest, logger.set_correlation_id)
def handler(request: IntentRequest) -> Intent:
    intent = intent_service().parse(request.message, request.now or utc_now(), request.context)
    if openai_settings().configured and intent.parser == "offline":
        metrics.add_metric(name="OfflineParserFallbacks", unit=MetricUnit.Count, value=1)
    if intent.uncertain:  # OpenAI and the offline parser read the booking differently: the chat asks
        metrics.add_metric(name="ParserDisagreements", unit=MetricUnit.Count, value=1)
    return intent

"""schemathesis holds the live local API to the OpenAPI description it publishes.

The local stack runs as `make run` starts it (sign-in off, the user is X-User-Id);
the description is read from its GET /swagger?format=json. For every operation
schemathesis generates requests that follow the schema and requests that break
it, MAX_EXAMPLES of them, each sent with an X-User-Id. No answer may be a 5xx,
and each must be one the description declares: status code, content type,
headers and body. Together the operations send at least MIN_REQUESTS requests,
only to the stack on loopback. `make fuzz-api` is the same run, longer.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import fuzz_api

pytestmark = pytest.mark.slow

USER = "e2e-fuzz"
MAX_EXAMPLES = 90
MIN_REQUESTS = 500
OPERATIONS = [
    "GET /health",
    "POST /chat",
    "GET /availability",
    "GET /bookings",
    "POST /bookings",
    "GET /bookings/{booking_id}",
    "PATCH /bookings/{booking_id}",
    "DELETE /bookings/{booking_id}",
    "GET /bookings/{booking_id}/calendar",
    "POST /waitlist",
    "GET /waitlist",
    "DELETE /waitlist/{entry_id}",
    "POST /series/preview",
    "POST /series",
    "GET /series",
    "GET /series/{series_id}",
    "DELETE /series/{series_id}",
    "DELETE /series/{series_id}/dates/{date}",
    "GET /closures",
    "POST /closures",
    "DELETE /closures/{closure_id}",
    "GET /admin/day",
    "GET /admin/bookings/{booking_id}",
    "DELETE /admin/bookings/{booking_id}",
]


@pytest.fixture(scope="module")
def api_schema(api_url: str) -> Any:
    return fuzz_api.load_schema(api_url, USER, MAX_EXAMPLES)


@pytest.fixture(scope="module")
def report() -> fuzz_api.Report:
    """What the generated tests of this module sent and found, operation by operation."""
    return fuzz_api.Report()


def test_the_description_lists_every_route(api_schema: Any) -> None:
    assert sorted(result.ok().label for result in api_schema.get_all_operations()) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_answer_is_one_the_description_declares(
    label: str, api_schema: Any, api_url: str, report: fuzz_api.Report
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the published description"
    findings_before = set(report.findings)

    fuzz_api.fuzz_operation(operation, api_url, {"X-User-Id": USER}, MAX_EXAMPLES, report, seed=None)

    found = [report.findings[key] for key in report.findings.keys() - findings_before]
    assert report.by_operation.get(label), f"no request was sent to {label}"
    assert not found, "\n\n".join(fuzz_api.describe(finding) for finding in found)


def test_the_generated_tests_sent_enough_requests(report: fuzz_api.Report) -> None:
    if set(report.by_operation) != set(OPERATIONS):
        pytest.skip("counts the requests of the generated tests of every operation; run the whole module")
    print(f"\nschemathesis: {report.summary()}")
    assert report.requests >= MIN_REQUESTS, report.summary()

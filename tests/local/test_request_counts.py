"""The local stack counts requests at its endpoints: what `LocalStack.requests()` returns, and zeroes.

DynamoDB (moto) counts each request it answers by operation and table, once per table a
transaction or batch names; the local Lambda endpoint counts the invokes it is sent, per
function. The counting endpoint on moto is a path DynamoDB never uses, and only answers POST.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local import dynamodb
from local.dynamodb import COUNTS_PATH
from local.stack import LocalStack, local_tables
from tests.local.conftest import local_lambda_client, request

BOOKINGS = local_tables()["BookingsTable"]
CONVERSATIONS = local_tables()["ConversationsTable"]


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    """Moto and the Lambda endpoint only (no HTTP API, no worker started until invoked), on free ports."""
    local = LocalStack(api_port=None, invoke_port=0, dynamodb_port=0, prewarm=False, log=lambda source, line: None)
    local.start()
    try:
        local.requests()  # what starting it asked (ListTables while waiting for moto)
        yield local
    finally:
        local.stop()


@pytest.fixture
def client(stack: LocalStack) -> Any:
    assert stack.dynamodb_endpoint is not None
    return dynamodb.client(stack.dynamodb_endpoint)


def test_each_request_is_counted_by_operation_and_table_then_zeroed(stack: LocalStack, client: Any) -> None:
    client.list_tables()
    client.put_item(TableName=CONVERSATIONS, Item={"id": {"S": "counted"}})
    client.get_item(TableName=CONVERSATIONS, Key={"id": {"S": "counted"}})
    client.get_item(TableName=CONVERSATIONS, Key={"id": {"S": "counted"}})
    client.get_item(TableName=BOOKINGS, Key={"pk": {"S": "none"}, "sk": {"S": "none"}})

    assert stack.requests()["dynamodb"] == {
        ("ListTables", ""): 1,
        ("PutItem", CONVERSATIONS): 1,
        ("GetItem", CONVERSATIONS): 2,
        ("GetItem", BOOKINGS): 1,
    }
    assert stack.requests()["dynamodb"] == {}


def test_a_transaction_or_batch_counts_once_for_each_table_it_names(stack: LocalStack, client: Any) -> None:
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": BOOKINGS, "Item": {"pk": {"S": "a"}, "sk": {"S": "1"}}}},
            {"Put": {"TableName": BOOKINGS, "Item": {"pk": {"S": "a"}, "sk": {"S": "2"}}}},
            {"Put": {"TableName": CONVERSATIONS, "Item": {"id": {"S": "a"}}}},
        ]
    )
    client.batch_get_item(
        RequestItems={
            BOOKINGS: {"Keys": [{"pk": {"S": "a"}, "sk": {"S": "1"}}, {"pk": {"S": "a"}, "sk": {"S": "2"}}]},
            CONVERSATIONS: {"Keys": [{"id": {"S": "a"}}]},
        }
    )

    assert stack.requests()["dynamodb"] == {
        ("TransactWriteItems", BOOKINGS): 1,
        ("TransactWriteItems", CONVERSATIONS): 1,
        ("BatchGetItem", BOOKINGS): 1,
        ("BatchGetItem", CONVERSATIONS): 1,
    }


def test_a_refused_request_is_counted_too(stack: LocalStack, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_item(TableName="no-such-table", Key={"id": {"S": "x"}})

    assert stack.requests()["dynamodb"] == {("GetItem", "no-such-table"): 1}


def test_the_counts_are_read_with_post_only(stack: LocalStack) -> None:
    assert stack.dynamodb_endpoint is not None
    status, _ = request("GET", f"{stack.dynamodb_endpoint}{COUNTS_PATH}")
    assert status == 405
    status, body = request("POST", f"{stack.dynamodb_endpoint}{COUNTS_PATH}")
    assert status == 200
    assert body == {"requests": []}


def test_invokes_are_counted_per_function_and_a_dry_run_is_not(stack: LocalStack) -> None:
    lambda_client = local_lambda_client(stack.invoke_url)
    lambda_client.invoke(FunctionName="IntentParserFunction", InvocationType="DryRun", Payload=b"{}")
    for _ in range(2):
        answer = lambda_client.invoke(FunctionName="IntentParserFunction", Payload=json.dumps({"message": "hi"}))
        assert answer["StatusCode"] == 200

    assert stack.requests()["invokes"] == {"IntentParserFunction": 2}
    assert stack.requests()["invokes"] == {}

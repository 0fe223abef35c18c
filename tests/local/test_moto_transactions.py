"""The local DynamoDB's TransactWriteItems (local/moto_transactions.py) keeps DynamoDB's promises.

All or nothing: a failed condition cancels the whole transaction with a reason per item, in
order, and writes nothing; a write that fails only when made puts back what was written; an
item named twice is a ValidationException. Over real HTTP, through boto3, as the services call it.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import table_items


def put(table: str, pk: str, sk: str, **attributes: str) -> dict[str, Any]:
    item = {"pk": {"S": pk}, "sk": {"S": sk}} | {k: {"S": v} for k, v in attributes.items()}
    return {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def contents(dynamodb: Any, table: str) -> list[tuple[str, str, str | None]]:
    return sorted((i["pk"]["S"], i["sk"]["S"], i.get("v", {}).get("S")) for i in table_items(dynamodb, table))


def test_a_transaction_writes_every_item(dynamodb: Any, table_name: str) -> None:
    dynamodb.transact_write_items(TransactItems=[put(table_name, "A", "1", v="x"), put(table_name, "A", "2", v="y")])
    assert contents(dynamodb, table_name) == [("A", "1", "x"), ("A", "2", "y")]


def test_a_failed_condition_cancels_everything_with_each_items_reason_and_the_old_item(
    dynamodb: Any, table_name: str
) -> None:
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "B"}, "sk": {"S": "2"}, "v": {"S": "old"}})
    taken = put(table_name, "B", "2", v="new")
    taken["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    items = [put(table_name, "B", "1", v="a"), taken, put(table_name, "B", "3", v="c")]
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=items)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = raised.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"]["v"] == {"S": "old"}
    assert contents(dynamodb, table_name) == [("B", "2", "old")]  # the first item, checked fine, was not written


def test_a_condition_check_and_an_update_and_a_delete_go_together(dynamodb: Any, table_name: str) -> None:
    for sk, v in (("1", "keep"), ("2", "change"), ("3", "drop")):
        dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "C"}, "sk": {"S": sk}, "v": {"S": v}})
    key = {"pk": {"S": "C"}}
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "ConditionCheck": {
                    "TableName": table_name,
                    "Key": key | {"sk": {"S": "1"}},
                    "ConditionExpression": "v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "keep"}},
                }
            },
            {
                "Update": {
                    "TableName": table_name,
                    "Key": key | {"sk": {"S": "2"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "changed"}},
                }
            },
            {"Delete": {"TableName": table_name, "Key": key | {"sk": {"S": "3"}}}},
        ]
    )
    assert contents(dynamodb, table_name) == [("C", "1", "keep"), ("C", "2", "changed")]


def test_a_write_that_fails_when_made_puts_back_what_was_written(dynamodb: Any, table_name: str) -> None:
    dynamodb.put_item(TableName=table_name, Item={"pk": {"S": "D"}, "sk": {"S": "2"}, "v": {"S": "text"}})
    before = contents(dynamodb, table_name)
    adding_to_text = {  # ADD to a string: DynamoDB (and moto) refuse it only when writing
        "Update": {
            "TableName": table_name,
            "Key": {"pk": {"S": "D"}, "sk": {"S": "2"}},
            "UpdateExpression": "ADD v :n",
            "ExpressionAttributeValues": {":n": {"N": "1"}},
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put(table_name, "D", "1", v="new"), adding_to_text])
    assert contents(dynamodb, table_name) == before


def test_an_item_named_twice_is_refused_and_nothing_is_written(dynamodb: Any, table_name: str) -> None:
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=[put(table_name, "E", "1"), put(table_name, "E", "1")])
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert contents(dynamodb, table_name) == []

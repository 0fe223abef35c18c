"""TransactWriteItems for the local DynamoDB (moto) in time that grows with the transaction, not the table.

moto backs a transaction up by deep-copying the whole table once for every item that
names it, then restores the copy if any condition fails. A booking is a transaction of
six to eight items on the bookings table, so each booking copied that table six to eight
times: 14 ms on an almost empty table, and more with every booking kept (issue 15).

DynamoDB's rules make a cheaper way exact. An item may appear only once in a transaction,
so no item's condition can see another item's write: every condition is checked first,
against the items as they are, and if any fails the transaction is cancelled having written
nothing, with the same reasons in the same order as moto gives. Only then are the writes
made, each item's old state kept; should a write itself fail (a validation error moto finds
only when writing), the items already written are put back as they were. Requests are one
at a time (local.dynamodb.MotoApp holds its lock around each), so nothing sees a half-made
transaction. Everything else is moto's own: key and condition parsing, the writes, errors.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}
Error = tuple[str, str, Any] | tuple[None, None, None]  # moto's (Code, Message, Item) per item; Nones when fine


def install() -> None:
    """Make every moto DynamoDB backend in this process use `transact_write_items` below (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def transact_write_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    checked = [_check(backend, item, seen) for item in transact_items]
    errors: list[Error] = [error for _, _, _, error in checked]
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    written: list[tuple[str, dict[str, Any], Any]] = []
    for index, (op_type, op, key, _) in enumerate(checked):
        if op_type == "ConditionCheck":
            continue
        before = copy.deepcopy(backend.get_item(op["TableName"], key))
        try:
            _write(backend, op_type, op, key)
        except Exception as failure:
            _put_back(backend, [*written, (op["TableName"], key, before)])
            if isinstance(failure, (MockValidationException, MultipleTransactionsException)):
                raise
            cancelled: list[Error] = [(None, None, None)] * len(checked)
            cancelled[index] = (type(failure).__name__, str(failure), None)
            raise TransactionCanceledException(cancelled) from failure
        written.append((op["TableName"], key, before))


def _check(backend: DynamoDBBackend, item: dict[str, Any], seen: set[tuple[str, str]]) -> tuple[str, Any, Any, Error]:
    """(operation, its request, the item's key, its error): the item's condition against the table as it is."""
    if len(item) > 1:
        raise TransactWriteSingleOpException
    op_type, op = next(iter(item.items()))
    old: Any = None
    try:
        if op_type not in OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        key = _key(backend, op_type, op)
        identity = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        current = backend.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            holds = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(current)
            if not holds:
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=old)
    except (MultipleTransactionsException, MockValidationException):
        raise
    except ConditionalCheckFailed as failed:
        return op_type, op, None, ("ConditionalCheckFailed", str(failed.message), old)
    except Exception as failure:  # as moto does: the item's reason, and the transaction is cancelled
        return op_type, op, None, (type(failure).__name__, str(failure), old)
    return op_type, op, key, (None, None, None)


def _key(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table, attributes = backend.get_table(op["TableName"]), op["Item"]
    key = {table.hash_key_attr: attributes[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attributes[table.range_key_attr]
    return key


def _write(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    """The write, its condition already checked."""
    table_name, names, values = op["TableName"], op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(table_name, op["Item"])
    elif op_type == "Delete":
        backend.delete_item(table_name, key)
    else:
        backend.update_item(
            table_name,
            key,
            update_expression=op["UpdateExpression"],
            expression_attribute_names=names,
            expression_attribute_values=values,
        )


def _put_back(backend: DynamoDBBackend, written: list[tuple[str, dict[str, Any], Any]]) -> None:
    """Each written item as it was before the transaction, last written first."""
    for table_name, key, before in reversed(written):
        if before is None:
            backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, before.to_json()["Attributes"])

"""Projections for the local DynamoDB (moto) that keep the asked attributes instead of rebuilding the item.

For each item a read answers with a ProjectionExpression, moto turns the whole item into plain
JSON once per projected path, picks the path out, merges the picks and builds a new item from
them again. A Query of a full day's 40 slot items for `sk, court, #t, #cl` (every availability
check) spent half its time there: 1.7 ms of its 2.9 ms (issue 15).

Where every path is a top-level attribute name (no `.` and no `[`) and every value kept is one
moto's round trip leaves as it is (strings, booleans, NULL, integers written plainly, and maps
and lists of such values), the answer is the item's own values of those names. Anything else is
left to moto as it is: nested paths and list elements, binary values, sets (which the round trip
passes through a Python set, so their order changes) and numbers such as `007` (which it writes
`7`). The values are made as moto's Item makes them from the stored ones; the item's size is not
checked again (it was when written, and moto's own Item.__deepcopy__ skips it too).
`tests/local/test_moto_queries_and_answers.py` compares the two on the same items.
"""

from __future__ import annotations

import re
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

_moto_project = Item.project


def install() -> None:
    """Make every moto DynamoDB item in this process project as below (idempotent)."""
    Item.project = project  # type: ignore[method-assign]


def project(item: Item, projection_expressions: list[list[str]]) -> Item:
    if not all(len(path) == 1 and "[" not in path[0] for path in projection_expressions):
        return _moto_project(item, projection_expressions)
    names = [path[0] for path in projection_expressions]
    kept = {name: item.attrs[name] for name in names if name in item.attrs}
    if not all(unchanged(value.to_json()) for value in kept.values()):
        return _moto_project(item, projection_expressions)
    projected = Item.__new__(Item)  # as Item.__deepcopy__ does: the item was checked for size when written
    projected.hash_key, projected.range_key = item.hash_key, item.range_key
    projected.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
    dict.update(projected.attrs, {name: DynamoType(value) for name, value in kept.items()})  # as Item() makes them
    return projected


_PLAIN_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def unchanged(value: dict[str, Any]) -> bool:
    """Whether moto's round trip through plain JSON writes this attribute value (DynamoDB JSON, its
    members possibly still moto's DynamoType) back as it is."""
    ((member, inner),) = value.items()
    if member in ("S", "BOOL", "NULL"):
        return True
    if member == "N":
        return isinstance(inner, str) and _PLAIN_INTEGER.fullmatch(inner) is not None
    if member == "M":
        return all(unchanged(_json(v)) for v in inner.values())
    if member == "L":
        return all(unchanged(_json(v)) for v in inner)
    return False


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else value.to_json()

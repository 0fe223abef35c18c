"""Query for the local DynamoDB (moto) in time that grows with the partition, not the table.

For a Query on a table's own key, moto sorts every item in the table (by hash and range
key, comparing typed values) and then keeps those of the asked partition. Each chat makes
at least one such Query on the bookings table, which holds every booking, user and day
item: with 600 items one Query took 30 ms, and it grew with every booking kept (issue 15).

DynamoDB reads one partition for it, and so does this: moto's own query runs on a shallow
view of the table that holds only the asked partition. Everything after the partition is
found is moto's: the range-key sort, conditions, filters, limits, pages, projections and
errors. Queries on an index (which may span partitions) and tables without a range key
are left to moto as they are. A Query writes nothing, so the view is never written to.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.models.table import Table

_moto_query = Table.query


def install() -> None:
    """Make every moto DynamoDB table in this process use `query` below (idempotent)."""
    Table.query = query  # type: ignore[method-assign]


def query(table: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    """Table.query(hash_key, range_comparison, range_objs, limit, exclusive_start_key,
    scan_index_forward, projection_expressions, index_name=None, ...) as moto's backend calls it."""
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None or not table.range_key_attr:
        return _moto_query(table, hash_key, *args, **kwargs)
    view = copy.copy(table)  # a new Table object sharing the table's attributes
    partition = table.items.get(hash_key)  # items is a defaultdict: .get adds nothing
    view.items = {hash_key: partition} if partition is not None else {}
    return _moto_query(view, hash_key, *args, **kwargs)

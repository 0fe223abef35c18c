"""The local DynamoDB's faster Query (local/moto_queries.py), answers (local/moto_answers.py) and
projections (local/moto_projections.py) answer what moto answered before them, over real HTTP,
through boto3, as the services call it.

A Query reads only its partition: sorted by the range key, its key conditions, filters,
limits, pages, projections and direction are moto's, and an index Query still spans
partitions. An answer's attribute values are written as they are only where moto's walk
would write the same: the two writers are compared on the same answers, binary included.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from moto.core.responses import get_service_model
from moto.core.serialize import BaseJSONSerializer, XFormedAttributePicker, get_serializer_class

from local import moto_answers, moto_projections


def put(dynamodb: Any, table: str, pk: str, sk: str, **extra: Any) -> None:
    dynamodb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": sk}, **extra})


@pytest.fixture
def days(dynamodb: Any, table_name: str) -> str:
    """Three partitions, written out of order, one with items on the History index."""
    for pk, sk in (("DAY#2", "SLOT#B#10:00"), ("DAY#1", "SLOT#A#09:00"), ("DAY#2", "SLOT#A#08:00")):
        put(dynamodb, table_name, pk, sk, court={"S": sk.split("#")[1]}, n={"N": sk[-5:-3]})
    for n in range(5):
        put(dynamodb, table_name, "DAY#3", f"SLOT#A#{10 + n}:00", history_pk={"S": "H#u"}, history_sk={"S": f"{n}"})
    put(dynamodb, table_name, "USER#u", "ACTIVE", history_pk={"S": "H#u"}, history_sk={"S": "9"})
    return table_name


def query(dynamodb: Any, table: str, pk: str, **extra: Any) -> dict[str, Any]:
    values = {":pk": {"S": pk}} | extra.pop("values", {})
    return dynamodb.query(
        TableName=table, KeyConditionExpression=extra.pop("key", "pk = :pk"), ExpressionAttributeValues=values, **extra
    )


def sks(answer: dict[str, Any]) -> list[str]:
    return [item["sk"]["S"] for item in answer["Items"]]


def test_a_query_answers_its_partition_only_in_range_key_order(dynamodb: Any, days: str) -> None:
    answer = query(dynamodb, days, "DAY#2", ConsistentRead=True)
    assert sks(answer) == ["SLOT#A#08:00", "SLOT#B#10:00"]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 2)
    assert answer["Items"][0] == {
        "pk": {"S": "DAY#2"},
        "sk": {"S": "SLOT#A#08:00"},
        "court": {"S": "A"},
        "n": {"N": "08"},
    }


def test_a_partition_that_is_not_there_answers_nothing_and_adds_nothing(dynamodb: Any, days: str) -> None:
    before = dynamodb.scan(TableName=days, Select="COUNT")["Count"]
    assert query(dynamodb, days, "DAY#9")["Items"] == []
    assert dynamodb.scan(TableName=days, Select="COUNT")["Count"] == before


def test_key_conditions_direction_filters_and_projections_are_mosts_own(dynamodb: Any, days: str) -> None:
    prefix = query(dynamodb, days, "DAY#3", key="pk = :pk AND begins_with(sk, :p)", values={":p": {"S": "SLOT#A#1"}})
    assert len(prefix["Items"]) == 5
    between = query(
        dynamodb,
        days,
        "DAY#3",
        key="pk = :pk AND sk BETWEEN :a AND :b",
        values={":a": {"S": "SLOT#A#11:00"}, ":b": {"S": "SLOT#A#13:00"}},
        ScanIndexForward=False,
    )
    assert sks(between) == ["SLOT#A#13:00", "SLOT#A#12:00", "SLOT#A#11:00"]
    filtered = query(dynamodb, days, "DAY#3", FilterExpression="history_sk > :h", values={":h": {"S": "2"}})
    assert sks(filtered) == ["SLOT#A#13:00", "SLOT#A#14:00"]
    assert (filtered["Count"], filtered["ScannedCount"]) == (2, 5)
    projected = query(dynamodb, days, "DAY#2", ProjectionExpression="sk, court")
    assert projected["Items"] == [
        {"sk": {"S": "SLOT#A#08:00"}, "court": {"S": "A"}},
        {"sk": {"S": "SLOT#B#10:00"}, "court": {"S": "B"}},
    ]


def test_pages_follow_one_another_to_the_partitions_end(dynamodb: Any, days: str) -> None:
    seen, start = [], {}
    for _ in range(5):
        page = query(dynamodb, days, "DAY#3", Limit=2, **start)
        seen += sks(page)
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert seen == [f"SLOT#A#{10 + n}:00" for n in range(5)]


def test_an_index_query_still_spans_partitions(dynamodb: Any, days: str) -> None:
    answer = query(dynamodb, days, "H#u", key="history_pk = :pk", IndexName="History", ScanIndexForward=False)
    assert [i["history_sk"]["S"] for i in answer["Items"]] == ["9", "4", "3", "2", "1", "0"]
    assert {i["pk"]["S"] for i in answer["Items"]} == {"DAY#3", "USER#u"}


def test_every_kind_of_value_comes_back_as_it_was_put(dynamodb: Any, table_name: str) -> None:
    values = {
        "s": {"S": ""},
        "n": {"N": "-1.50"},
        "b": {"B": b"\x00\xffcourt"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2"]},
        "bs": {"BS": [b"x", b"y"]},
        "t": {"BOOL": False},
        "z": {"NULL": True},
        "m": {"M": {"inner": {"L": [{"S": "x"}, {"M": {}}, {"L": []}, {"B": b"in a list"}]}}},
    }
    put(dynamodb, table_name, "P", "1", **values)
    item = dynamodb.get_item(TableName=table_name, Key={"pk": {"S": "P"}, "sk": {"S": "1"}})["Item"]
    assert {k: v for k, v in item.items() if k not in ("pk", "sk")} == {
        **values,
        "ss": {"SS": item["ss"]["SS"]},  # sets come back in any order
        "ns": {"NS": item["ns"]["NS"]},
        "bs": {"BS": item["bs"]["BS"]},
    }
    assert (sorted(item["ss"]["SS"]), sorted(item["ns"]["NS"]), sorted(item["bs"]["BS"])) == (
        ["a", "b"],
        ["1", "2"],
        [b"x", b"y"],
    )


ANSWERS = {
    "GetItem": {
        "Item": {
            "pk": {"S": "DAY#1"},
            "n": {"N": "3"},
            "ss": {"SS": ["a"]},
            "ok": {"BOOL": True},
            "none": {"NULL": True},
            "m": {"M": {"l": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"S": ""}}}]}, "e": {"M": {}}}},
        }
    },
    "Query": {
        "Items": [
            {"pk": {"S": "A"}, "blob": {"B": base64.b64encode(b"b").decode()}},
            {"pk": {"S": "B"}, "n": {"N": 5}},
        ],
        "Count": 2,
        "ScannedCount": 2,
        "LastEvaluatedKey": {"pk": {"S": "B"}},
    },
    "BatchGetItem": {"Responses": {"t": [{"k": {"L": [{"BS": ["eA=="]}, {"S": "y"}]}}]}, "UnprocessedKeys": {}},
}


def written(operation: str, result: dict[str, Any]) -> Any:
    model = get_service_model("dynamodb").operation_model(operation)
    serializer = get_serializer_class("dynamodb", "json")(
        operation_model=model, pretty_print=False, value_picker=XFormedAttributePicker()
    )
    return json.loads(serializer.serialize(result)["body"])


@pytest.mark.parametrize("operation", sorted(ANSWERS))
def test_answers_are_written_as_mosts_own_walk_writes_them(operation: str, monkeypatch: pytest.MonkeyPatch) -> None:
    moto_answers.install()
    fast = written(operation, ANSWERS[operation])
    monkeypatch.setattr(BaseJSONSerializer, "_serialize_type_structure", moto_answers._moto_structure)
    assert fast == written(operation, ANSWERS[operation])


def test_only_values_that_write_as_themselves_skip_the_walk() -> None:
    assert moto_answers.plain({"M": {"a": {"L": [{"S": "x"}, {"NS": ["1"]}, {"NULL": True}]}}})
    for walked in ({"B": "eA=="}, {"BS": []}, {"N": 5}, {"S": "x", "N": "1"}, {"L": [{"B": "eA=="}]}, {"SS": [1]}):
        assert not moto_answers.plain(walked)


PROJECTED = {
    "s": {"S": ""},
    "i": {"N": "-12"},
    "n": {"N": "1.50"},
    "z": {"N": "007"},
    "ss": {"SS": ["b", "a", "c"]},
    "ns": {"NS": ["2", "1.0"]},
    "b": {"B": b"\x00\xff"},
    "bs": {"BS": [b"x"]},
    "t": {"BOOL": False},
    "nul": {"NULL": True},
    "m": {"M": {"court": {"S": "Court A"}, "l": {"L": [{"S": "q"}, {"N": "3"}, {"M": {}}]}}},
    "mss": {"M": {"hours": {"SS": ["11:00", "10:00"]}}},
    "mz": {"M": {"l": {"L": [{"N": "03"}]}}},
    "l": {"L": [{"M": {"a": {"S": "b"}}}]},
}


@pytest.mark.parametrize(
    "paths",
    [[[name], ["sk"], ["missing"]] for name in PROJECTED] + [[["m", "court"]], [["l[0]"]], [["i"], ["m", "l"]]],
    ids=lambda paths: ",".join(".".join(path) for path in paths),
)
def test_a_projection_keeps_what_mosts_own_round_trip_keeps(paths: list[list[str]]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    attrs = {"pk": {"S": "DAY#1"}, "sk": {"S": "SLOT#A"}, **PROJECTED}
    item = Item(DynamoType(attrs["pk"]), DynamoType(attrs["sk"]), attrs)
    assert moto_projections.project(item, paths).to_json() == moto_projections._moto_project(item, paths).to_json()


def test_only_top_level_names_of_values_the_round_trip_leaves_alone_skip_it() -> None:
    for kept in ("s", "i", "t", "nul", "m", "l"):
        assert moto_projections.unchanged(PROJECTED[kept]), kept
    for walked in ("n", "z", "ss", "ns", "b", "bs", "mz", "mss"):
        assert not moto_projections.unchanged(PROJECTED[walked]), walked


def test_a_projected_query_answers_the_asked_attributes_only(dynamodb: Any, days: str) -> None:
    answer = query(dynamodb, days, "DAY#2", ProjectionExpression="sk, #c", ExpressionAttributeNames={"#c": "court"})
    assert answer["Items"] == [
        {"sk": {"S": "SLOT#A#08:00"}, "court": {"S": "A"}},
        {"sk": {"S": "SLOT#B#10:00"}, "court": {"S": "B"}},
    ]


def test_a_handler_lists_its_methods_once_and_the_same_as_moto() -> None:
    from moto.core.utils import method_names_from_class
    from moto.dynamodb.responses import DynamoHandler

    from local import moto_dispatch

    moto_dispatch.install()
    listed = moto_dispatch._method_names(DynamoHandler)
    assert listed == method_names_from_class(DynamoHandler)
    assert {"query", "get_item", "batch_get_item", "transact_write_items"} <= set(listed)
    assert moto_dispatch._method_names(DynamoHandler) is listed  # made once

"""The local DynamoDB's (moto's) answers written in time that grows with the items, not the model.

moto writes every answer by walking botocore's model of the operation's output, and each
attribute value of each item is a structure of ten members (S, N, B, SS, NS, BS, M, L, NULL,
BOOL) that it looks up one by one under several spellings. A Query answering 15 small items
took 6 ms that way, most of a chat's time in the local DynamoDB (issue 15).

An attribute value moto holds is already in DynamoDB's JSON form: {"S": "..."}, {"N": "12"},
{"M": {...}}. Where one is made only of the members that write as themselves (strings,
numbers and their sets, booleans, NULL, and maps and lists of such values), it is written
as it is, which is what moto's own walk would write for it. Anything else (binary values,
which moto base64-encodes, or a value of an unexpected type) goes through moto's walk as
before, as does everything outside attribute values: the answer's other fields and errors.
`tests/local/test_moto_answers.py` compares the two writers on the same answers.
"""

from __future__ import annotations

from typing import Any

from moto.core.serialize import BaseJSONSerializer

_moto_structure = BaseJSONSerializer._serialize_type_structure

STRINGS = frozenset({"S", "N"})
STRING_SETS = frozenset({"SS", "NS"})
FLAGS = frozenset({"BOOL", "NULL"})


def install() -> None:
    """Make moto's JSON serializer in this process write attribute values as below (idempotent)."""
    BaseJSONSerializer._serialize_type_structure = _serialize_type_structure  # type: ignore[method-assign]


def _serialize_type_structure(
    serializer: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str
) -> None:
    if key and shape.name == "AttributeValue" and plain(value):
        serialized[serializer.get_serialized_name(shape, key)] = value
        return
    _moto_structure(serializer, serialized, value, shape, key)


def plain(value: Any) -> bool:
    """Whether an attribute value is one that moto's walk would write as it is: exactly one member,
    of the right type, and every value inside a map or list plain too."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((member, inner),) = value.items()
    if member in STRINGS:
        return type(inner) is str
    if member in STRING_SETS:
        return type(inner) is list and all(type(s) is str for s in inner)
    if member in FLAGS:
        return type(inner) is bool
    if member == "M":
        return type(inner) is dict and all(type(k) is str and plain(v) for k, v in inner.items())
    if member == "L":
        return type(inner) is list and all(plain(v) for v in inner)
    return False

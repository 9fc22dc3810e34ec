"""Table layouts, loaded from the project's ``schemas/`` folder (their single source of truth)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import yaml
from pyspark.sql import DataFrame
from pyspark.sql.types import DataType, StructField, StructType, _parse_datatype_string

from postcurate.errors import InputError
from postcurate.resources import data_dir

if TYPE_CHECKING:
    from postcurate.resources import Traversable


def schemas_dir() -> Traversable:
    """The checkout's ``schemas/``, or the copy an installed (possibly zipped) package carries."""
    return data_dir("schemas")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    partition: bool = False
    doc: str = ""

    @property
    def data_type(self) -> DataType:
        return _parse_datatype_string(self.type)


@dataclass(frozen=True)
class TableSchema:
    table: str
    columns: tuple[Column, ...]

    @property
    def struct(self) -> StructType:
        return StructType([StructField(c.name, c.data_type, nullable=not c.required) for c in self.columns])

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def enum(self, column: str) -> tuple[str, ...]:
        values = self.column(column).enum
        if values is None:
            raise KeyError(f"{self.table}.{column} has no enum")
        return values

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.table} has no column {name}")


@cache
def load(table: str) -> TableSchema:
    """The layout of ``table`` (``posts``, ``users``, ``objections`` or ``shard``)."""
    raw = yaml.safe_load((schemas_dir() / f"{table}.yaml").read_text())
    columns = tuple(
        Column(
            name=c["name"],
            type=c["type"],
            required=bool(c.get("required", False)),
            enum=tuple(c["enum"]) if c.get("enum") else None,
            partition=bool(c.get("partition", False)),
            doc=c.get("doc", ""),
        )
        for c in raw["columns"]
    )
    return TableSchema(table=raw["table"], columns=columns)


def conform(df: DataFrame, table: str) -> DataFrame:
    """Check ``df`` against the contract's layout for ``table`` and select its columns in contract order.

    Extra columns are dropped (a dump may carry more than we use); a missing column or a column of
    another type stops the run with one message naming the table and the column.
    """
    expected = load(table)
    actual = {f.name.lower(): f for f in df.schema.fields}
    for column in expected.columns:
        field = actual.get(column.name.lower())
        if field is None:
            raise InputError(
                f"input table '{table}' has no column '{column.name}' (expected {column.type}); "
                f"fix the table or point inputs.{table} in the config at the right one"
            )
        if field.dataType != column.data_type:
            raise InputError(
                f"input table '{table}', column '{column.name}' is {field.dataType.simpleString()}, "
                f"expected {column.type}"
            )
    return df.select(*[df[actual[c.name.lower()].name].alias(c.name) for c in expected.columns])

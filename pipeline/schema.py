"""The published tables' specification (pipeline/data/schemas/tables.yaml) and value typing.

A Field is a table Column (pipeline/tables.py, which writes its values to CSV and JSON) that knows its type and
how to turn a raw cell (text from a stage's CSV, or a Python value) into a typed value (int, float, bool, str, or
None for empty). A TableSpec's `file` is the table's file contract: its CSV and JSON are written by it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.tables import Column, TableFile
from pipeline.yaml_files import load_yaml

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "schemas"
TABLES_FILE = SCHEMA_DIR / "tables.yaml"
DATASET_FILE = SCHEMA_DIR / "dataset.yaml"
TYPES = ("string", "integer", "number", "boolean")
TREE_SUFFIX = ".tree.json"
# an indicator's fields in frameworks/<id>.tree.json (the tree's leaves)
TREE_LEAF_COLUMNS = ("indicator_id", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "locator", "seq", "text",
                     "text_normalised", "canonical_dimensions", "dimensions_inferred", "themes", "protective_themes",
                     "severity", "frequency", "age_condition", "corrections")
_INT = re.compile(r"^-?\d+$")
_NUM = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_TRUE, _FALSE = {"true", "True", "TRUE", "1", "yes"}, {"false", "False", "FALSE", "0", "no"}


def tree_file_name(framework: str) -> str:
    """`<framework>.tree.json`: never a name a tool reads as a descriptor of its own (frictionless takes any file
    whose name ends in "report.json", "schema.json", "map.json", "datapackage.json" ... for one)."""
    return f"{framework}{TREE_SUFFIX}"


class SpecError(ValueError):
    """A value does not fit its declared type, or the specification file is malformed."""


@dataclass(frozen=True)
class Field(Column):
    type: str = "string"
    description: str = ""
    required: bool = False
    decimals: int = 4
    list: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str = ""
    indicator_ref: bool = False
    documented: bool = True

    def parse(self, raw: Any) -> Any:
        """Typed value of a raw cell; None when empty. Raises SpecError when it does not fit the type."""
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return None
        if isinstance(raw, (list, tuple)):
            raw = ";".join(str(x) for x in raw)
        if isinstance(raw, str):
            raw = raw.strip()
            if raw == "" or raw in ("None", "nan", "NaN", "null"):
                return None
        if self.type == "string":
            return str(raw)
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if str(raw) in _TRUE:
                return True
            if str(raw) in _FALSE:
                return False
        elif self.type == "integer":
            if isinstance(raw, bool):
                raise SpecError(f"column {self.name}: {raw!r} is not an integer")
            if isinstance(raw, int):
                return raw
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            text = str(raw)
            if _INT.match(text):
                return int(text)
            if _NUM.match(text) and float(text).is_integer():
                return int(float(text))
        elif self.type == "number":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return round(float(raw), self.decimals)
            if _NUM.match(str(raw)):
                return round(float(raw), self.decimals)
        raise SpecError(f"column {self.name}: {raw!r} is not a {self.type}")


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[dict, ...] = ()
    open: bool = False
    stage: str = "publish"

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def file(self) -> TableFile:
        """How the table's CSV and JSON are written (floats to each field's decimals)."""
        return TableFile(self.fields)

    def with_fields(self, fields: list[Field]) -> "TableSpec":
        names = {f.name for f in fields}
        keys = tuple(fk for fk in self.foreign_keys if set(fk["fields"]) <= names)
        pk = self.primary_key if set(self.primary_key) <= names else ()
        return replace(self, fields=tuple(fields), foreign_keys=keys, primary_key=pk)


def _field(raw: dict, where: str) -> Field:
    if raw.get("type", "string") not in TYPES:
        raise SpecError(f"{where}: field {raw.get('name')!r} has unknown type {raw.get('type')!r}")
    known = {k: v for k, v in raw.items() if k in Field.__dataclass_fields__}
    if "enum" in known:
        known["enum"] = tuple(known["enum"])
    return Field(**known)


@lru_cache(maxsize=None)
def load_specs(path: Path = TABLES_FILE) -> dict[str, TableSpec]:
    """Every published table's spec by name (the stage's own tables, then the compare stage's)."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: the table specification must be a mapping")
    specs: dict[str, TableSpec] = {}
    for raw in data.get("tables", []):
        where = f"{path}: table {raw.get('name')!r}"
        specs[raw["name"]] = TableSpec(
            name=raw["name"], title=raw.get("title", raw["name"]), description=raw.get("description", ""),
            fields=tuple(_field(f, where) for f in raw.get("fields", [])),
            primary_key=tuple(raw.get("primary_key", ())),
            foreign_keys=tuple(raw.get("foreign_keys", ())), open=bool(raw.get("open", False)))
    compare_fields = tuple(_field(f, f"{path}: compare_fields") for f in data.get("compare_fields", []))
    for raw in data.get("compare_tables", []):
        specs[raw["name"]] = TableSpec(
            name=raw["name"], title=raw.get("title", raw["name"]), description=raw.get("description", ""),
            fields=compare_fields, primary_key=tuple(raw.get("primary_key", ())), open=True, stage="compare")
    return specs


@lru_cache(maxsize=None)
def load_dataset(path: Path = DATASET_FILE) -> dict:
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise SpecError(f"{path}: the dataset metadata must be a mapping")
    return data


def infer_field(name: str, values: list[Any], stage: str) -> Field:
    """A field for an undocumented column, typed from its values (integer, number, boolean, else string)."""
    texts = [str(v).strip() for v in values if v is not None and str(v).strip() not in ("", "None", "nan")]
    kind, decimals = "string", 4
    if texts and all(t in ("true", "false") for t in texts):
        kind = "boolean"
    elif texts and all(_INT.match(t) for t in texts):
        kind = "integer"
    elif texts and all(_NUM.match(t) for t in texts):
        kind = "number"
        decimals = min(6, max(len(t.partition(".")[2]) for t in texts))  # keep the stage's own precision
    return Field(name=name, type=kind, decimals=decimals, documented=False,
                 description=f"Column written by the {stage} stage (not documented in tables.yaml).")


def fits(field_: Field, values: list[Any]) -> bool:
    """Whether every value parses as the field's type."""
    try:
        for value in values:
            field_.parse(value)
    except SpecError:
        return False
    return True

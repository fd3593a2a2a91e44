"""Load a published release as pandas DataFrames typed as its Table Schema declares.

    from pipeline import load
    ds = load("extracted")            # or load(): $PIPELINE_DATA, else extracted/
    ds.indicators                      # a DataFrame; also ds["indicators"]
    ds.tables                          # the table names, in publishing order
    ds.describe("indicators")          # column, type, list, required, description

Types follow datapackage.json's Table Schema: integer -> nullable Int64, number -> Float64, boolean -> nullable
boolean, string -> string (pd.NA for missing). List columns (arrays in the JSON, or the columns tables.yaml marks
`list`, which the CSV and JSON write ";"-joined) become Python lists, [] when empty. Rows come from the JSON files
(the CSV's twins), in published order. Tables are read when first used.

A relative folder is looked up from the working directory, then from the repository (notebooks run in
notebooks/).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

REPOSITORY = Path(__file__).resolve().parent.parent
_DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


class ReleaseNotFound(FileNotFoundError):
    """No published release (datapackage.json) in the folder."""


def find_release(folder: str | os.PathLike | None = None) -> Path:
    """The folder holding datapackage.json: `folder` (default $PIPELINE_DATA, else extracted), relative to the
    working directory, then to the repository."""
    given = Path(folder if folder is not None else os.environ.get("PIPELINE_DATA") or "extracted")
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, REPOSITORY / given]
    for candidate in candidates:
        if (candidate / "datapackage.json").is_file():
            return candidate.resolve()
    raise ReleaseNotFound(f"no published release in {given} (looked in "
                          f"{', '.join(str(c) for c in candidates)}; run `make run` or `threshold run` first)")


class Release(Mapping):
    """The published tables of one release, by name, as typed DataFrames (read on first use)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder)
        self.package = json.loads((self.path / "datapackage.json").read_text(encoding="utf-8"))
        self._resources = {r["name"]: r for r in self.package["resources"]
                           if r.get("profile") == "tabular-data-resource"}
        self._frames: dict[str, pd.DataFrame] = {}

    # Mapping ---------------------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._resources:
            raise KeyError(f"{name!r} is not a published table (tables: {', '.join(self._resources)})")
        if name not in self._frames:
            self._frames[name] = self._read(name)
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name not in self.__dict__.get("_resources", {}):
            raise AttributeError(name)
        return self[name]

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._resources))

    def __repr__(self) -> str:
        return f"<Release {self.version} at {self.path}: {', '.join(self._resources)}>"

    # information -----------------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return str(self.package.get("version", ""))

    @property
    def tables(self) -> list[str]:
        return list(self._resources)

    def schema(self, name: str) -> dict:
        """The table's Table Schema as published in datapackage.json."""
        return self._resources[name]["schema"]

    def lookup(self, description: str, *, frameworks: Iterable[str] | None = None, top: int = 3) -> pd.DataFrame:
        """`threshold lookup` on this release (the same answers as the command and datasette's canned query):
        one row per hit - framework, rank, score, canonical_level, level_label, text, why, page, indicator_id -
        and one per framework with nothing relevant."""
        from pipeline.lookup import flat_rows, lookup

        return pd.DataFrame(flat_rows(lookup(self.path, description, frameworks=frameworks, top=top)))

    def describe(self, name: str) -> pd.DataFrame:
        """One row per column: name, type, dtype, list, required, description."""
        lists = _list_columns(name)
        rows = []
        for f in self.schema(name)["fields"]:
            is_list = f["name"] in lists
            rows.append({"column": f["name"], "type": f.get("type", "string"),
                         "dtype": "object (list)" if is_list else _DTYPES.get(f.get("type", "string"), "string"),
                         "list": is_list, "required": bool(f.get("constraints", {}).get("required")),
                         "description": f.get("description", "")})
        return pd.DataFrame(rows)

    # reading ---------------------------------------------------------------------------------------------
    def _read(self, name: str) -> pd.DataFrame:
        fields = self.schema(name)["fields"]
        records = json.loads((self.path / f"{name}.json").read_text(encoding="utf-8"))
        lists = _list_columns(name)
        columns = {}
        for f in fields:
            values = [r.get(f["name"]) for r in records]
            kind = f.get("type", "string")
            if f["name"] in lists or any(isinstance(v, list) for v in values):
                columns[f["name"]] = pd.Series([_as_list(v, kind) for v in values], dtype=object)
            else:
                columns[f["name"]] = _typed(values, kind)
        return pd.DataFrame(columns, columns=[f["name"] for f in fields])


def _list_columns(name: str) -> set[str]:
    from pipeline.schema import load_specs

    spec = load_specs().get(name)
    return {f.name for f in spec.fields if f.list} if spec else set()


def _as_list(value: Any, kind: str) -> list:
    if value is None:
        return []
    items = value if isinstance(value, list) else [p.strip() for p in str(value).split(";") if p.strip()]
    return [int(i) for i in items] if kind == "integer" else items


def _typed(values: list, kind: str) -> pd.Series:
    dtype = _DTYPES.get(kind, "string")
    if kind == "string":
        values = [None if v is None else str(v) for v in values]
    elif kind == "boolean":
        values = [None if v is None else (v if isinstance(v, bool) else str(v).lower() == "true") for v in values]
    return pd.Series(pd.array(values, dtype=dtype))


def load(folder: str | os.PathLike | None = None) -> Release:
    """The published release in `folder` (default $PIPELINE_DATA, else extracted/) as typed DataFrames."""
    return Release(find_release(folder))

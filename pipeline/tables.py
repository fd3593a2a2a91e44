"""The table contract: every stage writes its tables (a CSV, and optionally its JSON twin) and reads them back here.

A TableFile is the columns in order, each with how a float in it is written, and the JSON twin's layout. One rule
turns a value into a cell and a JSON value: None is empty (null); booleans are true/false; a float has the
column's decimals (with `trim`, whole numbers as integers and no trailing zeros; NaN and infinity are empty);
lists are ";"-joined in the CSV and arrays in the JSON; anything else is its text. The CSV dialect and its guard
against spreadsheet formulas are pipeline/csvfile.py's; files are replaced atomically (pipeline/runner_files.py).
The published tables' columns and decimals come from pipeline/data/schemas (pipeline/schema.py: a Field is a Column).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from pipeline import csvfile
from pipeline.runner_files import atomic_write_text

LIST_SEP = ";"


@dataclass(frozen=True)
class Column:
    """A table's column: its name and how a float in it is written."""

    name: str
    decimals: int = 2
    trim: bool = False  # whole floats as integers and no trailing zeros ("3", "2.5"), else always `decimals` places

    def csv(self, value: Any) -> str:
        """The value's cell text (csvfile then guards it against formulas)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return self._float_text(value)
        if isinstance(value, (list, tuple)):
            return LIST_SEP.join(self.csv(v) for v in value)
        return str(value)

    def json(self, value: Any) -> Any:
        """The value in the JSON twin: null for None and "", floats rounded, lists as arrays."""
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return int(value) if self.trim and value.is_integer() else round(value, self.decimals)
        if isinstance(value, (list, tuple)):
            return [self.json(v) for v in value]
        return None if value is None or value == "" else value

    def _float_text(self, value: float) -> str:
        if not math.isfinite(value):
            return ""
        if self.trim and value.is_integer():
            return str(int(value))
        text = f"{value:.{self.decimals}f}"
        return text.rstrip("0").rstrip(".") if self.trim else text


@dataclass(frozen=True)
class TableFile:
    """How one table is written: its columns in order, and the JSON twin's layout (None: one compact record per
    line; a number: json.dumps with that indent)."""

    columns: tuple[Column, ...]
    json_indent: int | None = None

    @classmethod
    def of(cls, names: Iterable[str], *, decimals: int = 2, trim: bool = False,
           json_indent: int | None = None) -> TableFile:
        """Columns that all write floats alike."""
        return cls(tuple(Column(name, decimals, trim) for name in names), json_indent)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def csv_text(self, rows: Iterable[Mapping[str, Any]]) -> str:
        return csvfile.csv_text(self.names, ([c.csv(row.get(c.name)) for c in self.columns] for row in rows))

    def json_text(self, rows: Iterable[Mapping[str, Any]]) -> str:
        records = [{c.name: c.json(row.get(c.name)) for c in self.columns} for row in rows]
        if self.json_indent is not None:
            return json.dumps(records, ensure_ascii=False, indent=self.json_indent, allow_nan=False) + "\n"
        lines = [json.dumps(r, ensure_ascii=False, allow_nan=False) for r in records]
        return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"

    def write(self, path: Path, rows: Iterable[Mapping[str, Any]], *, with_json: bool = True) -> list[Path]:
        """Write the CSV at `path` and (with_json) its twin path.with_suffix(".json"): both texts are made first,
        then each file is replaced atomically, so a failure leaves the old files. Returns the paths written."""
        rows, path = list(rows), Path(path)
        texts = {path: self.csv_text(rows)}
        if with_json:
            texts[path.with_suffix(".json")] = self.json_text(rows)
        for target, text in texts.items():
            atomic_write_text(target, text)
        return list(texts)


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows as dicts) of a table's CSV, cells restored as written (csvfile.read_cell); like
    csv.DictReader: blank lines skipped, missing cells None, extra cells listed under the key None."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [csvfile.read_cell(c) for c in next(reader, [])]
        rows = []
        for cells in reader:
            if not cells:
                continue
            cells = [csvfile.read_cell(c) for c in cells]
            row = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header)}
            if len(cells) > len(header):
                row[None] = cells[len(header):]
            rows.append(row)
    return header, rows

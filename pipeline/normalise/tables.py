"""Writing the stage's CSV and JSON files by the project's conventions, atomically.

CSV (pipeline/csvfile.py, with its rule against spreadsheet formulas): UTF-8, header row, "\n" line endings, empty string for missing, integers as integers, booleans as
true/false, lists ";"-joined. JSON: the same columns, null for missing, lists as lists.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pipeline import csvfile
from pipeline.runner_files import atomic_write_text

LIST_SEPARATOR = ";"


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def format_number(value: float) -> str:
    """Integral floats as integers, others rounded to 2 decimals without trailing zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def json_value(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() else round(value, 2)
    return value


def csv_text(columns: list[str], rows: list[dict]) -> str:
    return csvfile.csv_text(columns, ([csv_value(row.get(c)) for c in columns] for row in rows))


def json_text(columns: list[str], rows: list[dict]) -> str:
    """A JSON array with one record per line (compact, diff-friendly)."""
    records = [json.dumps({c: json_value(row.get(c)) for c in columns}, ensure_ascii=False) for row in rows]
    return "[\n" + ",\n".join(records) + "\n]\n" if records else "[]\n"


def write_table(base: Path, columns: list[str], rows: list[dict], *, with_json: bool = True) -> list[Path]:
    """Write base.csv (and base.json); returns the paths written."""
    csv_path = base.with_suffix(".csv")
    atomic_write_text(csv_path, csv_text(columns, rows))
    written = [csv_path]
    if with_json:
        json_path = base.with_suffix(".json")
        atomic_write_text(json_path, json_text(columns, rows))
        written.append(json_path)
    return written

"""Read the normalise stage's tables and write the compare stage's tables (CSV + JSON, deterministic)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from pipeline.runner_files import atomic_write_text
from pipeline.tables import TableFile, read_table
from pipeline.vocab import THEMES_FILE
from pipeline.yaml_files import load_yaml

DATA_DIR = Path(__file__).parent / "data"

INDICATOR_COLUMNS = (
    "indicator_id", "framework", "document", "page", "seq", "level_label", "level_rank", "canonical_level",
    "area", "domain", "canonical_area", "canonical_dimensions", "text", "text_normalised", "themes",
    "protective_themes", "severity", "frequency", "age_condition",
)
LEVEL_COLUMNS = ("framework", "document", "level_rank", "level_label", "canonical_level")
DOCUMENT_COLUMNS = ("framework", "document", "published")
LIST_COLUMNS = ("canonical_dimensions", "themes", "protective_themes")
INT_COLUMNS = ("page", "seq", "level_rank", "canonical_level")


class CompareInputError(ValueError):
    """The normalised tables are missing or malformed; the message names the file and the reason."""


@dataclass(frozen=True)
class Normalised:
    """The compare stage's input: one row per indicator, per document level and per document (its publication
    date tells a framework's editions apart)."""

    indicators: pd.DataFrame
    levels: pd.DataFrame
    documents: pd.DataFrame


def load_settings(path: Path | None = None) -> dict:
    """The stage's parameters (thresholds, grading markers) from data/settings.yaml."""
    return _read_yaml(path or DATA_DIR / "settings.yaml")


def load_early_help_groups(path: Path | None = None) -> list[dict]:
    """Working Together 2023 early-help groups, each {id, label, themes}, from the theme vocabulary's
    `early_help_groups` (one source for the normalise and compare stages)."""
    path = path or THEMES_FILE
    groups = []
    for entry in _read_yaml(path).get("early_help_groups") or []:
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("themes"):
            raise CompareInputError(f"{path}: early-help group {entry!r} needs an id and themes")
        groups.append({"id": str(entry["id"]), "label": str(entry.get("wording") or entry["id"]),
                       "themes": [str(t) for t in entry["themes"]]})
    if not groups:
        raise CompareInputError(f"{path}: no early_help_groups listed")
    return groups


def _read_yaml(path: Path) -> dict:
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise CompareInputError(f"{path}: expected a mapping")
    return data


def _read_csv(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """A normalised table (read_table) as a frame of text cells, a missing cell empty."""
    if not path.is_file():
        raise CompareInputError(f"{path}: missing (run the normalise stage first)")
    try:
        header, rows = read_table(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CompareInputError(f"{path}: cannot read as CSV ({exc})") from exc
    if any(None in row for row in rows):
        raise CompareInputError(f"{path}: a line has more cells than the header")
    missing = [c for c in required if c not in header]
    if missing:
        raise CompareInputError(f"{path}: missing columns {', '.join(missing)}")
    return pd.DataFrame([[row[c] or "" for c in header] for row in rows], columns=header, dtype=object)


def _to_int(value: str, path: Path, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError as exc:
        raise CompareInputError(f"{path}: column {column} has a non-integer value {value!r}") from exc


def split_list(value: str) -> tuple[str, ...]:
    """A ";"-joined cell as a sorted tuple of unique non-empty items."""
    return tuple(sorted({part.strip() for part in str(value).split(";") if part.strip()}))


def _objects(frame: pd.DataFrame, values: list) -> pd.Series:
    """A column that keeps Python ints / None / tuples as they are (no float or NaN coercion)."""
    return pd.Series(values, index=frame.index, dtype=object)


def prepare_indicators(frame: pd.DataFrame, path: Path = Path("indicators.csv")) -> pd.DataFrame:
    """Type the contract columns: ints (None when empty), list columns as tuples; rows in reading order."""
    frame = frame.copy()
    for column in INT_COLUMNS:
        frame[column] = _objects(frame, [_to_int(str(v), path, column) for v in frame[column]])
    for column in LIST_COLUMNS:
        frame[column] = _objects(frame, [split_list(v) for v in frame[column]])
    for column in ("severity", "frequency", "age_condition", "canonical_area", "text_normalised"):
        frame[column] = [str(v).strip() for v in frame[column]]
    # themes may include the protective ones (a subset marked in protective_themes): concerns are the rest
    frame["concern_themes"] = _objects(frame, [tuple(t for t in themes if t not in set(protective))
                                               for themes, protective in zip(frame["themes"], frame["protective_themes"])])
    if frame["indicator_id"].duplicated().any():
        dups = sorted(frame.loc[frame["indicator_id"].duplicated(), "indicator_id"].unique())[:5]
        raise CompareInputError(f"{path}: duplicate indicator_id values, e.g. {', '.join(dups)}")
    frame["seq"] = _objects(frame, [s if s is not None else i for i, s in enumerate(frame["seq"])])
    return frame.sort_values(["framework", "document", "seq", "indicator_id"], kind="stable").reset_index(drop=True)


def prepare_levels(levels: pd.DataFrame | None, indicators: pd.DataFrame, path: Path = Path("levels.csv")) -> pd.DataFrame:
    """Typed levels table; derived from the indicators when no levels table exists."""
    if levels is None:
        levels = indicators[list(LEVEL_COLUMNS)].drop_duplicates(["framework", "document", "level_rank"])
    else:
        levels = levels.copy()
        for column in ("level_rank", "canonical_level"):
            levels[column] = _objects(levels, [_to_int(str(v), path, column) for v in levels[column]])
    return levels.sort_values(["framework", "document", "level_rank"], kind="stable").reset_index(drop=True)


def load_normalised(out: Path) -> Normalised:
    """OUT/normalised/indicators.csv (+ levels.csv when present) as typed frames."""
    folder = Path(out) / "normalised"
    ind_path = folder / "indicators.csv"
    indicators = prepare_indicators(_read_csv(ind_path, INDICATOR_COLUMNS), ind_path)
    lev_path = folder / "levels.csv"
    levels = _read_csv(lev_path, LEVEL_COLUMNS) if lev_path.is_file() else None
    doc_path = folder / "documents.csv"
    documents = _read_csv(doc_path, DOCUMENT_COLUMNS) if doc_path.is_file() else None
    return Normalised(indicators, prepare_levels(levels, indicators, lev_path), prepare_documents(documents, indicators))


def prepare_documents(documents: pd.DataFrame | None, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per document with indicators: framework, document, published ("" when the manifest gives none)."""
    known = indicators[["framework", "document"]].drop_duplicates()
    if documents is None:
        documents = known.assign(published="")
    documents = documents[list(DOCUMENT_COLUMNS)].merge(known, on=["framework", "document"])
    return documents.sort_values(["framework", "document"], kind="stable").reset_index(drop=True)


def primary_documents(indicators: pd.DataFrame, documents: pd.DataFrame | None = None) -> dict[str, str]:
    """Framework -> the document that represents it across frameworks: its latest edition (by the manifest's
    publication date), then the one with most indicators, then the first by name."""
    counts = indicators.groupby(["framework", "document"]).size().reset_index(name="n")
    published = dict(zip(documents["document"], documents["published"])) if documents is not None else {}
    counts["published"] = [str(published.get(d, "")) for d in counts["document"]]
    counts = counts.sort_values(["framework", "published", "n", "document"], ascending=[True, False, False, True],
                                kind="stable")
    return dict(counts.drop_duplicates("framework")[["framework", "document"]].itertuples(index=False, name=None))


# ---------------------------------------------------------------------------------------------- writing

def table_file(columns: Sequence[str]) -> TableFile:
    """A compare table's file: floats to 3 decimals, the JSON twin indented."""
    return TableFile.of(columns, decimals=3, json_indent=1)


def write_table(folder: Path, name: str, columns: Sequence[str], rows: Iterable[dict]) -> int:
    """Write folder/name.csv and folder/name.json (list of records; lists as arrays, "" as null); returns the
    number of rows."""
    rows = list(rows)
    table_file(columns).write(folder / f"{name}.csv", rows)
    return len(rows)


def write_json(path: Path, payload: Any) -> None:
    atomic_write_text(path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n")

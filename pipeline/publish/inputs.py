"""Read what the earlier stages wrote under OUT (interim, normalised, compare) and what raw_docs holds.

Every problem is a PublishInputError naming the file and the reason.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.manifest import load_manifest
from pipeline.tables import TableFile, read_table
from pipeline.vocab import THEMES_FILE
from pipeline.yaml_files import load_yaml



class PublishInputError(ValueError):
    """An input of the publish stage is missing or malformed."""


@dataclass
class CsvTable:
    path: Path
    columns: list[str]
    rows: list[dict[str, str]]


@dataclass
class Inputs:
    out: Path
    raw_docs: Path
    interim: dict[str, dict]                 # document -> interim JSON (indicators dropped)
    run: list[dict]                          # interim/run.json entries
    indicators: CsvTable
    levels: CsvTable | None
    compare: dict[str, CsvTable]
    manifest: dict[str, dict[str, str]]
    themes: list[dict]
    themes_source: str
    normalisation_report: Any = None
    page_sizes: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    pdf_sha256: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_csv(path: Path) -> CsvTable:
    try:
        columns, rows = read_table(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PublishInputError(f"{path}: cannot read as UTF-8 CSV ({exc})") from exc
    if not columns:
        raise PublishInputError(f"{path}: no header row")
    if len(set(columns)) != len(columns):
        raise PublishInputError(f"{path}: repeated column names in the header")
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise PublishInputError(f"{path}: line {number} has more cells than the header")
    return CsvTable(path, columns, rows)


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PublishInputError(f"{path}: cannot read as JSON ({exc})") from exc


def load_interim(out: Path) -> dict[str, dict]:
    """OUT/interim/<stem>.json per document, keyed by document file name (indicator lists dropped)."""
    folder = Path(out) / "interim"
    docs: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.name == "run.json" or path.name.startswith("."):
            continue
        data = read_json(path)
        if not isinstance(data, dict) or not data.get("document"):
            raise PublishInputError(f"{path}: not an interim document file (no 'document')")
        data = {k: v for k, v in data.items() if k != "indicators"}
        docs[data["document"]] = data
    return docs


def load_run(out: Path) -> list[dict]:
    path = Path(out) / "interim" / "run.json"
    if not path.is_file():
        return []
    data = read_json(path)
    if isinstance(data, dict):
        data = data.get("documents", [])
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def load_themes(out: Path, themes_file: Path = THEMES_FILE) -> tuple[list[dict], str]:
    """The theme vocabulary as items {theme, label, description, early_help_group, dimensions, adult_theme}:
    OUT/normalised/themes.csv (the vocabulary the normalise run applied), else pipeline/data/themes.yaml;
    ([], "") when there is none."""
    applied = Path(out) / "normalised" / "themes.csv"
    if applied.is_file():
        return [_theme_item(row, applied) for row in read_csv(applied).rows], str(applied)
    if not themes_file.is_file():
        return [], ""
    data = load_yaml(themes_file)
    items = data.get("themes", []) if isinstance(data, dict) else data
    if isinstance(items, dict):  # {id: {label: ...}}
        items = [{"id": k, **(v or {})} for k, v in items.items()]
    return [_theme_item(i, themes_file) for i in items or []], str(themes_file)


def _theme_item(raw: dict, path: Path) -> dict:
    theme = raw.get("id") or raw.get("theme")
    if not theme:
        raise PublishInputError(f"{path}: a theme entry has no id: {raw!r}")
    group = raw.get("wt2023") or raw.get("early_help_group") or ""
    dims = raw.get("dimensions") or []
    return {"theme": str(theme), "label": str(raw.get("label") or theme),
            "description": str(raw.get("description") or "").strip(),
            "early_help_group": ";".join(group) if isinstance(group, list) else str(group),
            "dimensions": ";".join(dims) if isinstance(dims, list) else str(dims),
            "adult_theme": str(raw.get("adult_theme") or "")}


def pdf_facts(path: Path) -> tuple[str, list[tuple[float, float]]]:
    """sha256 and per-page (width, height) in pdfplumber's coordinates, or ("", []) if unreadable."""
    import pdfplumber

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        with pdfplumber.open(path) as pdf:
            return digest, [(float(p.width), float(p.height)) for p in pdf.pages]
    except Exception:  # noqa: BLE001 - an unreadable PDF only means its pages cannot be checked
        return digest, []


def load_inputs(raw_docs: Path, out: Path) -> Inputs:
    """Everything the publish stage reads. Missing stage outputs raise PublishInputError naming the file."""
    out, raw_docs = Path(out), Path(raw_docs)
    ind_path = out / "normalised" / "indicators.csv"
    if not ind_path.is_file():
        raise PublishInputError(f"{ind_path}: missing (run the normalise stage first)")
    lev_path = out / "normalised" / "levels.csv"
    compare_dir = out / "compare"
    compare = {p.stem: read_csv(p) for p in sorted(compare_dir.glob("*.csv"))} if compare_dir.is_dir() else {}
    themes, themes_source = load_themes(out)
    report_path = out / "normalised" / "report.json"
    inputs = Inputs(
        out=out, raw_docs=raw_docs, interim=load_interim(out), run=load_run(out),
        indicators=read_csv(ind_path), levels=read_csv(lev_path) if lev_path.is_file() else None,
        compare=compare, manifest=load_manifest(raw_docs) if raw_docs.is_dir() else {},
        themes=themes, themes_source=themes_source,
        normalisation_report=read_json(report_path) if report_path.is_file() else None)
    if not inputs.indicators.rows:
        raise PublishInputError(f"{ind_path}: no indicators to publish (did corrections drop every row?); "
                                "nothing was published")
    if not compare:
        inputs.warnings.append(f"{compare_dir}: no comparison tables (run the compare stage first)")
    if not themes:
        inputs.warnings.append("no theme vocabulary found (pipeline/data/themes.yaml); the themes table is built "
                               "from the ids in use")
    documents = sorted({r.get("document", "") for r in inputs.indicators.rows} | set(inputs.interim))
    for document in documents:
        pdf = raw_docs / document
        if document and Path(document).name == document and pdf.is_file():
            inputs.pdf_sha256[document], inputs.page_sizes[document] = pdf_facts(pdf)
    return inputs


def without_documents(inputs: Inputs, documents: set[str], work: Path) -> Inputs:
    """The inputs with these documents' rows left out, the comparison tables recomputed without them (the
    compare stage run on the remaining normalised rows in `work`)."""
    def keep(table: CsvTable | None) -> CsvTable | None:
        if table is None:
            return None
        return CsvTable(table.path, table.columns, [r for r in table.rows if r.get("document") not in documents])

    indicators, levels = keep(inputs.indicators), keep(inputs.levels)
    compare = inputs.compare
    if compare:
        from pipeline.compare import run_compare

        shutil.rmtree(work, ignore_errors=True)
        for table in (indicators, levels):
            if table is not None:
                _write_csv(work / "normalised" / table.path.name, table)
        run_compare(work)
        compare = {p.stem: read_csv(p) for p in sorted((work / "compare").glob("*.csv"))}
    return replace(inputs, indicators=indicators, levels=levels, compare=compare,
                   interim={k: v for k, v in inputs.interim.items() if k not in documents})


def _write_csv(path: Path, table: CsvTable) -> None:
    TableFile.of(table.columns).write(path, table.rows, with_json=False)

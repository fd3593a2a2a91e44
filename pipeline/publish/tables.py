"""Build the published tables from the stages' outputs, and write them as CSV and JSON deterministically.

Tables are lists of typed rows (int, float, bool, str or None) with a TableSpec giving the column order and
types. Building never drops or repairs bad rows (validation, validate.py, is the gate that refuses them), except
that bullet boxes are clipped to their page: a bullet printed past the page's edge keeps the part on the page.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pipeline.publish.inputs import CsvTable, Inputs, PublishInputError
from pipeline.schema import (TREE_LEAF_COLUMNS, Field, SpecError, TableSpec, fits, infer_field, load_specs,
                             tree_file_name)
from pipeline.tables import LIST_SEP

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Table:
    spec: TableSpec
    rows: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def columns(self) -> list[str]:
        return self.spec.columns


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(LIST_SEP) if part.strip()]


# ------------------------------------------------------------------------------------------------ typing

def typed_table(spec: TableSpec, source: CsvTable, warnings: list[str]) -> Table:
    """Rows of a stage's CSV typed by the spec; documented columns first (in spec order), then the others.
    A documented column the stage did not write is published empty (an error if it is required)."""
    missing_required = [f.name for f in spec.fields if f.required and f.name not in source.columns]
    if missing_required and spec.stage != "compare":
        raise PublishInputError(f"{source.path}: missing column(s) {', '.join(missing_required)}")
    if spec.stage == "compare":  # the stage's own column order; documented columns typed when they fit
        fields = [_compare_field(spec, column, [r[column] for r in source.rows]) for column in source.columns]
    else:
        fields = list(spec.fields)
        for f in spec.fields:
            if f.name not in source.columns:
                warnings.append(f"{source.path}: column {f.name!r} missing; published empty")
        known = {f.name for f in fields}
        fields += [infer_field(c, [r[c] for r in source.rows], spec.stage) for c in source.columns if c not in known]
    table_spec = spec.with_fields(fields)
    rows = []
    for number, raw in enumerate(source.rows, start=2):
        try:
            rows.append({f.name: f.parse(raw.get(f.name)) for f in table_spec.fields})
        except SpecError as exc:
            raise PublishInputError(f"{source.path}: line {number}: {exc}") from None
    return Table(table_spec, rows)


def _compare_field(spec: TableSpec, column: str, values: list) -> Field:
    declared = spec.field(column)
    return declared if declared is not None and fits(declared, values) else infer_field(column, values, spec.stage)


def make_table(name: str, rows: Iterable[dict]) -> Table:
    spec = load_specs()[name]
    return Table(spec, [{f.name: f.parse(r.get(f.name)) for f in spec.fields} for r in rows])


def _sort(rows: list[dict], *keys: str) -> list[dict]:
    def key(row: dict) -> tuple:
        return tuple((row[k] is None, row[k] if row[k] is not None else 0) for k in keys)
    return sorted(rows, key=key)


# ------------------------------------------------------------------------------------------------ tables

def build_indicators(inputs: Inputs, warnings: list[str]) -> Table:
    table = typed_table(load_specs()["indicators"], inputs.indicators, warnings)
    table.rows = _sort(table.rows, "framework", "document", "seq", "indicator_id")
    clip_to_page(table.rows, inputs.page_sizes)
    return table


def clip_to_page(rows: list[dict], page_sizes: dict[str, list[tuple[float, float]]]) -> None:
    """Clip each box to its page's size (rounded down to the published 2 decimals, so it stays inside)."""
    for row in rows:
        sizes = page_sizes.get(row["document"]) or []
        page = row["page"]
        if not (isinstance(page, int) and 1 <= page <= len(sizes)):
            continue  # an unknown page: the gate names it
        width, height = (math.floor(v * 100) / 100 for v in sizes[page - 1])
        for key, limit in (("bbox_x0", width), ("bbox_x1", width), ("bbox_top", height), ("bbox_bottom", height)):
            if isinstance(row.get(key), (int, float)):
                row[key] = min(max(row[key], 0.0), limit)


def build_levels(inputs: Inputs, indicators: Table, warnings: list[str]) -> Table:
    """The documents' levels with descriptions and indicator counts (from normalised/levels.csv, else from
    the interim files and the indicators)."""
    spec = load_specs()["levels"]
    counts = Counter((r["document"], r["level_rank"]) for r in indicators.rows)
    if inputs.levels is not None:
        source = CsvTable(inputs.levels.path, inputs.levels.columns + ["indicators"],
                          [{**r, "indicators": ""} for r in inputs.levels.rows])
        table = typed_table(spec, source, warnings)
    else:
        warnings.append(f"{inputs.out / 'normalised' / 'levels.csv'}: missing; levels taken from the indicators")
        rows, seen = [], set()
        for r in indicators.rows:
            key = (r["document"], r["level_rank"])
            if key not in seen:
                seen.add(key)
                rows.append({k: r[k] for k in ("framework", "document", "level_rank", "level_label",
                                                "canonical_level")})
        table = make_table("levels", rows)
    for row in table.rows:
        if row.get("description") is None:
            row["description"] = _interim_description(inputs, row["document"], row["level_rank"])
        row["indicators"] = counts.get((row["document"], row["level_rank"]), 0)
    table.rows = _sort(table.rows, "framework", "document", "level_rank")
    return table


def _interim_description(inputs: Inputs, document: str, rank: Any) -> str | None:
    for level in (inputs.interim.get(document) or {}).get("levels", []):
        if level.get("rank") == rank:
            return (level.get("description") or "").strip() or None
    return None


def build_documents(inputs: Inputs, indicators: Table, levels: Table) -> Table:
    per_doc = Counter(r["document"] for r in indicators.rows)
    level_count = Counter(r["document"] for r in levels.rows)
    names = sorted(set(per_doc) | set(level_count))
    rows = []
    for name in names:
        interim = inputs.interim.get(name, {})
        entry = inputs.manifest.get(name, {})
        framework = interim.get("framework") or entry.get("framework") or next(
            (r["framework"] for r in indicators.rows if r["document"] == name), None)
        row = {key: entry.get(key) for key in ("authority", "partnership", "title", "published", "source",
                                                "licence", "attribution")}
        structure = interim.get("structure") or {}
        row.update(document=name, framework=framework, format=interim.get("format") or "pdf",
                   sha256=interim.get("sha256"), pages=interim.get("pages"),
                   levels=level_count.get(name, 0), indicators=per_doc.get(name, 0), listed=name in inputs.manifest,
                   structure_reading=structure.get("reading"), structure_confidence=structure.get("confidence"))
        rows.append(row)
    return make_table("documents", rows)


def current_document(docs: list[dict]) -> dict:
    """A framework's current document: the latest published, then the first by file name."""
    return sorted(docs, key=lambda d: (_negate(d.get("published") or ""), d["document"]))[0]


def _negate(text: str) -> tuple:
    return tuple(-ord(c) for c in text)


def build_frameworks(documents: Table, levels: Table) -> Table:
    by_fw: dict[str, list[dict]] = defaultdict(list)
    for doc in documents.rows:
        by_fw[doc["framework"]].append(doc)
    rows = []
    for framework in sorted(by_fw, key=str):
        docs = by_fw[framework]
        cur = current_document(docs)
        labels = [r["level_label"] for r in _sort([r for r in levels.rows if r["document"] == cur["document"]],
                                                  "level_rank")]
        rows.append({**{k: cur.get(k) for k in ("authority", "partnership", "title", "published", "document",
                                               "source", "licence", "attribution", "sha256", "pages", "levels")},
                     "framework": framework, "level_labels": " | ".join(str(x) for x in labels),
                     "documents": len(docs), "indicators": sum(d["indicators"] for d in docs)})
    return make_table("frameworks", rows)


def build_domain_crosswalk(indicators: Table) -> Table:
    keys = ("framework", "area", "domain", "canonical_area", "canonical_dimensions", "dimensions_inferred")
    counts = Counter(tuple(r.get(k) for k in keys) for r in indicators.rows)
    rows = [{**dict(zip(keys, key)), "indicators": n} for key, n in counts.items()]
    for row in rows:
        row["dimensions_inferred"] = bool(row["dimensions_inferred"])
    table = make_table("domain_crosswalk", rows)
    table.rows = sorted(table.rows, key=lambda r: tuple(str(r[k] or "") for k in keys))
    return table


def build_indicator_themes(indicators: Table) -> Table:
    rows = []
    for r in indicators.rows:
        for column, protective in (("themes", False), ("protective_themes", True)):
            for theme in split_list(r.get(column)):
                rows.append({"indicator_id": r["indicator_id"], "theme": theme, "protective": protective,
                             "framework": r["framework"], "canonical_level": r.get("canonical_level")})
    table = make_table("indicator_themes", rows)
    table.rows = sorted(table.rows, key=lambda r: (r["indicator_id"], r["theme"], r["protective"]))
    return table


def build_themes(inputs: Inputs, indicator_themes: Table) -> Table:
    concern = Counter(r["theme"] for r in indicator_themes.rows if not r["protective"])
    protective = Counter(r["theme"] for r in indicator_themes.rows if r["protective"])
    items = list(inputs.themes) or [{"theme": t, "label": t} for t in sorted(set(concern) | set(protective))]
    rows = [{**item, "indicators": concern.get(item["theme"], 0),
             "protective_indicators": protective.get(item["theme"], 0)} for item in items]
    table = make_table("themes", rows)
    table.rows = sorted(table.rows, key=lambda r: r["theme"])
    return table


def build_compare_tables(inputs: Inputs, warnings: list[str]) -> dict[str, Table]:
    """Each OUT/compare/<name>.csv, typed, rows in the compare stage's order (its rankings are meaningful)."""
    specs = load_specs()
    tables = {}
    for file_name, source in inputs.compare.items():
        clash = file_name in specs and specs[file_name].stage != "compare"
        name = f"compare_{file_name}" if clash else file_name  # e.g. compare's documents.csv
        spec = specs.get(name)
        if spec is None:
            documented = next((s.fields for s in specs.values() if s.stage == "compare"), ())
            spec = TableSpec(name=name, title=name.replace("_", " ").capitalize(),
                             description=f"Table written by the compare stage ({source.path.name}).",
                             fields=documented, open=True, stage="compare")
        tables[name] = typed_table(spec, source, warnings)
    for name, spec in specs.items():
        if spec.stage == "compare" and name not in tables:
            warnings.append(f"comparison table {name!r} missing from {inputs.out / 'compare'}")
    return tables


def build_tables(inputs: Inputs, warnings: list[str]) -> dict[str, Table]:
    """All published tables by name, in publishing order."""
    indicators = build_indicators(inputs, warnings)
    levels = build_levels(inputs, indicators, warnings)
    documents = build_documents(inputs, indicators, levels)
    frameworks = build_frameworks(documents, levels)
    indicator_themes = build_indicator_themes(indicators)
    tables = {t.name: t for t in (indicators, levels, documents, frameworks, build_domain_crosswalk(indicators),
                                  build_themes(inputs, indicator_themes), indicator_themes)}
    tables.update(build_compare_tables(inputs, warnings))
    return tables


# ------------------------------------------------------------------------------------------------ writing

def write_table(folder: Path, table: Table) -> list[Path]:
    """folder/<name>.csv and .json, by the table contract (pipeline/tables.py) with the schema's columns."""
    return table.spec.file.write(folder / f"{table.name}.csv", table.rows)


# ------------------------------------------------------------------------------------------------ nested

def framework_tree(framework: dict, tables: dict[str, Table]) -> dict:
    """One framework as a tree: documents -> levels -> areas -> domains -> indicators."""
    docs = [d for d in tables["documents"].rows if d["framework"] == framework["framework"]]
    tree = {k: v for k, v in framework.items()}
    tree["documents"] = [_document_tree(doc, tables) for doc in docs]
    return tree




def _document_tree(doc: dict, tables: dict[str, Table]) -> dict:
    indicators = [r for r in tables["indicators"].rows if r["document"] == doc["document"]]
    levels = []
    for level in [r for r in tables["levels"].rows if r["document"] == doc["document"]]:
        at_level = [r for r in indicators if r["level_rank"] == level["level_rank"]]
        areas: dict[Any, dict] = {}
        for r in at_level:
            area = areas.setdefault(r["area"], {"area": r["area"], "canonical_area": r["canonical_area"],
                                                "domains": {}})
            domain = area["domains"].setdefault(r["domain"], {"domain": r["domain"], "indicators": []})
            domain["indicators"].append({k: _leaf_value(k, r.get(k)) for k in TREE_LEAF_COLUMNS})
        for area in areas.values():
            area["domains"] = list(area["domains"].values())
        levels.append({k: level[k] for k in ("level_rank", "level_label", "canonical_level", "description",
                                             "indicators")} | {"areas": list(areas.values())})
    return {k: v for k, v in doc.items() if k not in ("framework",)} | {"levels": levels}


def _leaf_value(key: str, value: Any) -> Any:
    if key in ("canonical_dimensions", "themes", "protective_themes"):
        return split_list(value)  # a tree is for tools: lists as arrays
    return value


def write_framework_trees(folder: Path, tables: dict[str, Table]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for framework in tables["frameworks"].rows:
        if not _SLUG.match(str(framework["framework"])):
            raise PublishInputError(f"framework id {framework['framework']!r} is not a slug (lower-case letters, "
                                    "digits, hyphens); it cannot name a file")
        path = folder / tree_file_name(framework["framework"])
        text = json.dumps(framework_tree(framework, tables), ensure_ascii=False, indent=1, allow_nan=False)
        path.write_text(text + "\n", encoding="utf-8", newline="")
        paths.append(path)
    return paths

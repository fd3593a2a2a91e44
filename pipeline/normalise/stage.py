"""The normalise stage: OUT/interim/*.json (+ raw_docs/corrections.yaml) -> OUT/normalised/.

Writes indicators.csv/.json (one row per indicator, COLUMNS in order: the published indicators table's columns in
pipeline/data/schemas/tables.yaml), levels.csv, themes.csv (the theme vocabulary), documents.csv and
report.json/.md, all by the table contract (pipeline/tables.py).
Deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pipeline.runner_files import atomic_write_text
from pipeline.schema import load_specs
from pipeline.tables import TableFile

from .annotate import get_annotator
from .corrections import apply_field_corrections, load_corrections
from pipeline.vocab.levels import map_levels
from .report import build_report, report_json, report_markdown
from pipeline.vocab.text import clean_text

COLUMNS = load_specs()["indicators"].columns
LEVEL_COLUMNS = ["framework", "document", "level_rank", "level_label", "canonical_level", "description",
                 "mapping", "mapping_detail"]
DOCUMENT_COLUMNS = ["framework", "document", "published", "levels", "indicators"]
THEME_COLUMNS = ["theme", "label", "description", "early_help_group", "dimensions", "adult_theme"]
CORRECTIONS_FILE = "corrections.yaml"


def indicator_id(framework: str, document: str, level_label: str, area: str, domain: str, text: str, k: int) -> str:
    """Stable id: framework + sha1 of (document|level_label|area|domain|text|k), k = occurrence index."""
    key = "|".join([document, level_label, area, domain, text, str(k)])
    return f"{framework}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def framework_slug(document: str) -> str:
    """A file's framework id when the interim file gives none: its name's slug without any "__suffix"."""
    stem = Path(document).stem.split("__")[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def read_interim(interim: Path) -> tuple[list[dict], list[dict]]:
    """Interim documents (sorted by file name) and the files skipped, with reasons."""
    if not interim.is_dir():
        raise FileNotFoundError(f"{interim}: no interim folder; run the extract stage first")
    failed = _failed_documents(interim / "run.json")
    docs, skipped = [], []
    for path in sorted(interim.glob("*.json")):
        if path.name == "run.json":
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            skipped.append({"file": path.name, "reason": f"unreadable JSON: {exc}"})
            continue
        problem = _interim_problem(doc)
        if problem:
            skipped.append({"file": path.name, "reason": problem})
        elif doc["document"] in failed:
            skipped.append({"file": path.name, "reason": "run.json marks this document as failed"})
        else:
            doc.setdefault("framework", None)
            doc["framework"] = doc["framework"] or framework_slug(doc["document"])
            docs.append(doc)
    return docs, skipped


def _interim_problem(doc) -> str:
    if not isinstance(doc, dict):
        return "not a JSON object"
    for key, kind in (("document", str), ("levels", list), ("indicators", list)):
        if not isinstance(doc.get(key), kind):
            return f"missing or invalid {key!r}"
    if not all(isinstance(i, dict) for i in doc["indicators"]):
        return "indicators must be objects"
    return ""


def _failed_documents(run_json: Path) -> set[str]:
    if not run_json.exists():
        return set()
    try:
        data = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return set()
    entries = data.get("documents", []) if isinstance(data, dict) else data
    return {e.get("document") for e in entries if isinstance(e, dict) and e.get("status") == "failed"}


def base_rows(doc: dict) -> list[dict]:
    """One row per extracted indicator, in reading order, with its stable id."""
    indicators = sorted(enumerate(doc["indicators"]), key=lambda p: (_int(p[1].get("seq"), p[0]), p[0]))
    seen: dict[tuple, int] = {}
    rows = []
    for position, ind in indicators:
        fields = {k: _str(ind.get(k)) for k in ("level_label", "area", "domain", "text")}
        key = (doc["document"], fields["level_label"], fields["area"], fields["domain"], fields["text"])
        k = seen.get(key, 0)
        seen[key] = k + 1
        bbox = ind.get("bbox") if isinstance(ind.get("bbox"), (list, tuple)) and len(ind["bbox"]) == 4 else [None] * 4
        rows.append({
            "indicator_id": indicator_id(doc["framework"], *key, k),
            "framework": doc["framework"], "document": doc["document"],
            "page": _int(ind.get("page")), "bbox_x0": _num(bbox[0]), "bbox_top": _num(bbox[1]),
            "bbox_x1": _num(bbox[2]), "bbox_bottom": _num(bbox[3]), "locator": clean_text(ind.get("locator") or ""),
            "seq": _int(ind.get("seq"), position),
            "level_label": clean_text(fields["level_label"]), "level_rank": _int(ind.get("level_rank")),
            "area": clean_text(fields["area"]), "domain": clean_text(fields["domain"]),
            "text": clean_text(fields["text"]), "corrections": "",
        })
    return rows


def _str(value) -> str:
    return "" if value is None else str(value)


def _int(value, default=None):
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return default


def _num(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def level_rows(docs: list[dict], level_maps: dict) -> list[dict]:
    out = []
    for doc in docs:
        descriptions = {lv.get("rank"): lv.get("description") for lv in doc["levels"]}
        for m in level_maps[doc["document"]]:
            out.append({"framework": doc["framework"], "document": doc["document"], "level_rank": m.rank,
                        "level_label": clean_text(m.label), "canonical_level": m.canonical,
                        "description": clean_text(descriptions.get(m.rank)), "mapping": m.method,
                        "mapping_detail": m.detail})
    return sorted(out, key=lambda r: (r["framework"], r["document"], r["level_rank"] or 0))


def theme_rows(vocabulary) -> list[dict]:
    """The theme vocabulary as a table (one row per theme, sorted by id)."""
    return [{"theme": t.id, "label": t.label, "description": t.description,
             "early_help_group": t.early_help_group or "", "dimensions": list(t.dimensions),
             "adult_theme": t.adult_theme or ""} for t in sorted(vocabulary.themes.values(), key=lambda t: t.id)]


def document_rows(docs: list[dict], rows: list[dict]) -> list[dict]:
    """One row per normalised document: its framework, publication date (from the manifest; editions of a
    framework are told apart by it), levels and indicators."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["document"]] = counts.get(row["document"], 0) + 1
    return sorted(({"framework": d["framework"], "document": d["document"], "published": d.get("published") or "",
                    "levels": len(d["levels"]), "indicators": counts.get(d["document"], 0)} for d in docs),
                  key=lambda r: (r["framework"], r["document"]))


def write_table(path: Path, columns: list[str], rows: list[dict], *, with_json: bool = False) -> None:
    """A normalised table by the table contract: whole numbers as integers, others to 2 decimals."""
    TableFile.of(columns, trim=True).write(path, rows, with_json=with_json)


def run_normalise(raw_docs: Path, out: Path) -> dict:
    """Normalise every interim document under OUT/interim and write OUT/normalised/. Returns a summary."""
    raw_docs, out = Path(raw_docs), Path(out)
    docs, skipped = read_interim(out / "interim")
    annotator = get_annotator()
    corrections = load_corrections(raw_docs / CORRECTIONS_FILE)
    rows = [row for doc in docs for row in base_rows(doc)]
    levels_by_doc = {d["document"]: d["levels"] for d in docs}
    rows, outcome = apply_field_corrections(rows, corrections, levels_by_doc, set(annotator.vocab.themes))
    level_maps = {d["document"]: map_levels(d["levels"], annotator.levels) for d in docs}
    annotator.annotate(rows, level_maps)
    rows.sort(key=lambda r: (r["framework"], r["document"], r["seq"] if r["seq"] is not None else -1,
                             r["indicator_id"]))
    report = build_report(rows, level_maps, docs, outcome.as_dict(), skipped,
                          [g.id for g in annotator.vocab.groups])
    target = out / "normalised"
    write_table(target / "indicators.csv", COLUMNS, rows, with_json=True)
    write_table(target / "levels.csv", LEVEL_COLUMNS, level_rows(docs, level_maps))
    write_table(target / "themes.csv", THEME_COLUMNS, theme_rows(annotator.vocab))
    write_table(target / "documents.csv", DOCUMENT_COLUMNS, document_rows(docs, rows))
    atomic_write_text(target / "report.json", report_json(report))
    atomic_write_text(target / "report.md", report_markdown(report))
    return {**report["totals"], "output": str(target)}

"""Test support for the publish stage: build an OUT folder the way the earlier stages would, straight from the
dev corpus truth files (real indicator wording, levels, areas, domains and the hand canonical mapping).

Pages and boxes are spread over the document's real pages (the truth files do not record positions); themes
come from a small keyword vocabulary; the comparison tables are computed from those rows with simple rules.
This module holds no tests itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pdfplumber
import yaml

from pipeline.compare import run_compare

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "corpus" / "dev"
PYTHON = ROOT / ".venv" / "bin" / "python"

INDICATOR_COLUMNS = [
    "indicator_id", "framework", "document", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "locator", "seq",
    "level_label", "level_rank", "canonical_level", "area", "domain", "canonical_area", "canonical_dimensions",
    "dimensions_inferred", "text", "text_normalised", "themes", "protective_themes", "severity", "frequency",
    "age_condition", "corrections", "early_help_groups", "level_mapping", "area_mapping", "domain_mapping"]

# Keywords standing in for the normalise stage's theme tagging (ids from pipeline/data/themes.yaml).
THEMES = {
    "neet": ["neet", "not in education"],
    "domestic_abuse": ["domestic abuse", "domestic violence"],
    "child_substance_misuse": ["substance", "alcohol", "drug"],
    "child_mental_health": ["mental health", "self-harm"],
    "school_attendance": ["attendance", "truant", "absence"],
    "homelessness": ["homeless"],
    "housing_conditions": ["housing", "accommodation"],
    "fgm": ["fgm", "female genital"],
    "neglect": ["neglect"],
    "child_offending": ["offend", "criminal", "crime"],
    "sexual_health": ["sexual", "pregnan", "conception"],
    "hygiene": ["hygiene"],
    "attachment": ["attachment"],
}


def truth_files(names: list[str]) -> list[Path]:
    return [DEV / f"{name}.truth.yaml" for name in names]


def _tag(text: str) -> tuple[list[str], list[str]]:
    low = text.lower()
    hits = sorted(t for t, words in THEMES.items() if any(w in low for w in words))
    if low.startswith(("no ", "good ")):
        return [], hits
    return hits, []


def _qualifiers(text: str) -> tuple[str, str, str]:
    low = text.lower()
    severity = "severe" if "severe" in low or "serious" in low else ("mild" if "minor" in low else "")
    frequency = "persistent" if "persistent" in low or "chronic" in low else (
        "occasional" if "occasional" in low else "")
    age = ""
    for n in ("13", "16", "18"):
        if f"under {n}" in low:
            age = f"under {n}"
    return severity, frequency, age


def indicator_id(framework: str, parts: tuple, k: int) -> str:
    digest = hashlib.sha1("|".join([*map(str, parts), str(k)]).encode("utf-8")).hexdigest()
    return f"{framework}-{digest[:10]}"


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def build_raw_docs(raw_docs: Path, names: list[str]) -> None:
    """Copy the dev PDFs and write a manifest from their truth files."""
    copy_with_manifest(raw_docs, [DEV / f"{name}.pdf" for name in names])


def copy_with_manifest(raw_docs: Path, sources: list[Path]) -> None:
    """Copy corpus documents (PDF, Word or web page, each beside its truth file) into raw_docs and write a
    manifest from their truth files."""
    raw_docs.mkdir(parents=True, exist_ok=True)
    entries = []
    for source in sources:
        truth = yaml.safe_load(source.with_suffix(".truth.yaml").read_text(encoding="utf-8"))
        shutil.copyfile(source, raw_docs / source.name)
        entries.append({"file": source.name, "framework": truth["slug"], "authority": truth["authority"],
                        "partnership": truth["partnership"], "title": truth["title"],
                        "published": str(truth.get("published") or ""), "source": "https://example.org/" + truth["slug"],
                        "licence": "Open Government Licence v3.0", "attribution": truth["partnership"],
                        "sha256": hashlib.sha256(source.read_bytes()).hexdigest()})
    (raw_docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}, sort_keys=False),
                                            encoding="utf-8")


def _document_rows(name: str, raw_docs: Path) -> tuple[dict, list[dict], list[dict]]:
    truth = yaml.safe_load((DEV / f"{name}.truth.yaml").read_text(encoding="utf-8"))
    pdf_path = raw_docs / f"{name}.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        sizes = [(float(p.width), float(p.height)) for p in pdf.pages]
    framework, document = truth["slug"], f"{name}.pdf"
    canon = truth["canonical"]
    levels = {lv["id"]: (rank, lv) for rank, lv in enumerate(truth["levels"], start=1)}
    level_rows = [{"framework": framework, "document": document, "level_rank": rank, "level_label": lv["label"],
                   "canonical_level": canon["levels"][lv["id"]], "description": lv.get("description") or "",
                   "mapping": "crosswalk", "mapping_detail": lv["label"].lower()}
                  for rank, lv in levels.values()]
    seen: dict[tuple, int] = defaultdict(int)
    rows, interim_indicators = [], []
    n = len(truth["indicators"])
    for seq, ind in enumerate(truth["indicators"]):
        rank, level = levels[ind["level"]]
        page = 1 + min(len(sizes) - 1, seq * len(sizes) // n)
        width, height = sizes[page - 1]
        slot = seq % 20
        bbox = [round(width * 0.1, 2), round(60 + slot * (height - 120) / 20, 2), round(width * 0.6, 2),
                round(60 + slot * (height - 120) / 20 + 11, 2)]
        area, domain = ind.get("area") or "", ind.get("domain") or ""
        key = (document, level["label"], area, domain, ind["text"])
        k = seen[key]
        seen[key] += 1
        themes, protective = _tag(ind["text"])
        severity, frequency, age = _qualifiers(ind["text"])
        dims = canon.get("domains", {}).get(ind.get("domain")) or []
        rows.append({
            "indicator_id": indicator_id(framework, key, k), "framework": framework, "document": document,
            "page": page, "bbox_x0": bbox[0], "bbox_top": bbox[1], "bbox_x1": bbox[2], "bbox_bottom": bbox[3],
            "seq": seq, "level_label": level["label"], "level_rank": rank,
            "canonical_level": canon["levels"][ind["level"]], "area": area, "domain": domain,
            "canonical_area": canon.get("areas", {}).get(ind.get("area")) or "",
            "canonical_dimensions": ";".join(dims), "dimensions_inferred": "false", "text": ind["text"],
            "text_normalised": ind["text"].lower(), "themes": ";".join(themes),
            "protective_themes": ";".join(protective), "severity": severity, "frequency": frequency,
            "age_condition": age, "corrections": "", "early_help_groups": "", "level_mapping": "crosswalk",
            "area_mapping": "crosswalk" if area else "", "domain_mapping": "crosswalk" if dims else ""})
        interim_indicators.append({"seq": seq, "page": page, "bbox": bbox, "level_label": level["label"],
                                   "level_rank": rank, "area": area, "domain": domain, "text": ind["text"]})
    interim = {"document": document, "framework": framework,
               "sha256": hashlib.sha256(pdf_path.read_bytes()).hexdigest(), "pages": len(sizes),
               "levels": [{"rank": rank, "label": lv["label"], "description": lv.get("description")}
                          for rank, lv in levels.values()],
               "indicators": interim_indicators, "warnings": []}
    return interim, rows, level_rows


def build_out(out: Path, raw_docs: Path, names: list[str]) -> Path:
    """Write OUT/interim and OUT/normalised for the named dev documents, then OUT/compare with the real
    compare stage."""
    build_raw_docs(raw_docs, names)
    all_rows, all_levels, run = [], [], []
    for name in names:
        interim, rows, levels = _document_rows(name, raw_docs)
        (out / "interim").mkdir(parents=True, exist_ok=True)
        (out / "interim" / f"{name}.json").write_text(json.dumps(interim, indent=1), encoding="utf-8")
        run.append({"document": interim["document"], "framework": interim["framework"], "status": "ok",
                    "reason": "", "detail": ""})
        all_rows += rows
        all_levels += levels
    (out / "interim" / "run.json").write_text(json.dumps(run, indent=1), encoding="utf-8")
    write_csv(out / "normalised" / "indicators.csv", INDICATOR_COLUMNS, all_rows)
    write_csv(out / "normalised" / "levels.csv", list(all_levels[0]), all_levels)
    run_compare(out)
    return out


def edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV through `edit(rows) -> rows` (rows as dicts of text)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames), list(reader)
    write_csv(path, columns, edit(rows))


def snapshot(out: Path) -> dict[str, bytes]:
    """Bytes of every published file reachable from OUT's top level (following the release links), except
    the folders the earlier stages own."""
    files = {}
    for entry in sorted(Path(out).iterdir()):
        if entry.name.startswith(".") or entry.name in ("interim", "normalised", "compare"):
            continue
        paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for path in paths:
            files[str(path.relative_to(out))] = path.read_bytes()
    return files


# --------------------------------------------------------------------------------------------- shared releases
DOCS = ["milton-keynes__level_grid__v1", "worcestershire__level_tables__v1"]
CHANGED_TEXT = "Good height/weight"  # a Milton Keynes level 1 indicator the "changed" variant rewords
_CACHE: dict[str, Path] = {}


def published_base(tmp_path_factory) -> Path:
    """A folder with raw_docs/ and out/ holding one publish of the two dev documents (built once per session;
    clone it before changing anything)."""
    if "base" not in _CACHE:
        from pipeline.publish import run_publish

        base = tmp_path_factory.mktemp("published")
        build_out(base / "out", base / "raw_docs", DOCS)
        run_publish(base / "raw_docs", base / "out")
        _CACHE["base"] = base
    return _CACHE["base"]


def reword(out: Path, old: str = CHANGED_TEXT, new: str = "Healthy height and weight") -> None:
    """Change one indicator's text in OUT/normalised (a new id, as the normalise stage would give it)."""
    def edit(rows):
        for row in rows:
            if row["text"] == old:
                row["text"], row["text_normalised"] = new, new.lower()
                row["indicator_id"] = row["indicator_id"][:-10] + hashlib.sha1(new.encode()).hexdigest()[:10]
        return rows
    edit_csv(out / "normalised" / "indicators.csv", edit)
    run_compare(out)


def changed_base(tmp_path_factory) -> Path:
    """The published base after one Milton Keynes indicator was reworded and published again (release 2)."""
    if "changed" not in _CACHE:
        from pipeline.publish import run_publish

        base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("changed") / "c")
        reword(base / "out")
        run_publish(base / "raw_docs", base / "out")
        _CACHE["changed"] = base
    return _CACHE["changed"]


def clone(base: Path, target: Path) -> Path:
    """Copy a base folder, keeping the release links as links."""
    shutil.copytree(base, target, symlinks=True)
    return target


def data_snapshot(out: Path) -> dict[str, bytes]:
    """snapshot() without the run record and the Data Docs (they record the run's time)."""
    return {k: v for k, v in snapshot(out).items() if k != "release.json" and not k.startswith("data_docs/")}


def frictionless_valid(out: Path) -> list[str]:
    import frictionless

    report = frictionless.validate(str(out / "datapackage.json"))
    return [] if report.valid else [str(e) for e in report.flatten(["type", "note"])][:5]

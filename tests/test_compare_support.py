"""Test support for the compare stage (no tests here): normalised tables built from truth files or by hand.

`truth_frame(name)` turns a dev-corpus truth YAML into rows of the normalise stage's indicators.csv contract,
with canonical level / area / dimensions from the file's hand-made `canonical` block. Text normalisation and
themes come from pipeline.normalise when that stage is importable, else from the small keyword tagger below.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pandas as pd
import yaml

from pipeline.compare.io import INDICATOR_COLUMNS, LEVEL_COLUMNS, prepare_indicators, prepare_levels
from pipeline.compare.text import fold

DEV = Path(__file__).parent / "data" / "corpus" / "dev"

CONTRACT_COLUMNS = (
    "indicator_id", "framework", "document", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "seq",
    "level_label", "level_rank", "canonical_level", "area", "domain", "canonical_area", "canonical_dimensions",
    "dimensions_inferred", "text", "text_normalised", "themes", "protective_themes", "severity", "frequency",
    "age_condition", "corrections",
)

# Fallback tagger, used only while pipeline.normalise is not importable: theme -> regex on folded text.
_FALLBACK_THEMES = {
    "neet": r"\bneet\b|not in education, (employment|training)",
    "fgm": r"\bfgm\b|genital mutilation",
    "teenage_pregnancy": r"\bconception\b|pregnan",
    "domestic_abuse": r"domestic (abuse|violence)",
    "school_attendance": r"attendance|truant|absen",
    "exclusion": r"exclu",
    "young_carer": r"young carer|caring responsib",
    "substance_misuse": r"substance|drug|alcohol",
    "mental_health": r"mental health|self.harm",
    "missing": r"\bmissing\b",
    "exploitation": r"exploit",
    "hygiene": r"hygiene",
    "housing": r"housing|homeless|accommodation",
}
_SEVERITY = {"some": "mild", "occasional": "mild", "minor": "mild", "moderate": "moderate", "persistent": "severe",
             "persistently": "severe", "severe": "severe", "chronic": "severe", "significant": "severe"}
_FREQUENCY = {"occasional": "occasional", "occasionally": "occasional", "repeated": "repeated",
              "frequently": "repeated", "persistent": "persistent", "persistently": "persistent"}


def _fallback_tag(text: str) -> dict:
    folded = fold(text)
    tokens = re.findall(r"[a-z0-9]+", folded)
    age = re.search(r"\b(?:aged )?(under|over) (\d+)\b", folded)
    protective = bool(re.match(r"(no|good|not|able)\b", folded)) and "not in education" not in folded
    themes = sorted(t for t, rx in _FALLBACK_THEMES.items() if re.search(rx, folded))
    return {
        "text_normalised": " ".join(tokens),
        "themes": "" if protective else ";".join(themes),
        "protective_themes": ";".join(themes) if protective else "",
        "severity": next((_SEVERITY[t] for t in tokens if t in _SEVERITY), ""),
        "frequency": next((_FREQUENCY[t] for t in tokens if t in _FREQUENCY), ""),
        "age_condition": f"{age.group(1)} {age.group(2)}" if age else "",
    }


def _real_tagger():
    """pipeline.normalise's per-text annotator, when that stage exists and exposes one."""
    try:
        from pipeline.normalise import annotate_text  # type: ignore[attr-defined]
    except ImportError:
        return None
    return annotate_text


def tag(text: str) -> dict:
    real = _real_tagger()
    return real(text) if real else _fallback_tag(text)


def indicator_id(framework: str, document: str, level: str, area: str, domain: str, text: str, k: int) -> str:
    digest = hashlib.sha1("|".join([document, level, area, domain, text, str(k)]).encode("utf-8")).hexdigest()
    return f"{framework}-{digest[:10]}"


def truth_rows(name: str, per_page: int = 20) -> tuple[list[dict], list[dict]]:
    """(indicator rows, level rows) of one dev truth file as normalised-contract dicts; pages made up."""
    truth = yaml.safe_load((DEV / f"{name}.truth.yaml").read_text(encoding="utf-8"))
    framework, document, canon = truth["slug"], f"{name}.pdf", truth["canonical"]
    levels = {lv["id"]: (rank, lv) for rank, lv in enumerate(truth["levels"], start=1)}
    seen: dict[tuple, int] = {}
    rows = []
    for seq, ind in enumerate(truth["indicators"]):
        rank, level = levels[ind["level"]]
        area, domain, text = ind.get("area") or "", ind.get("domain") or "", ind["text"]
        key = (document, level["label"], area, domain, text)
        k = seen.get(key, 0)
        seen[key] = k + 1
        rows.append({
            "indicator_id": indicator_id(framework, document, level["label"], area, domain, text, k),
            "framework": framework, "document": document, "page": 2 + seq // per_page, "seq": seq,
            "bbox_x0": 50, "bbox_top": 100, "bbox_x1": 300, "bbox_bottom": 112,
            "level_label": level["label"], "level_rank": rank, "canonical_level": canon["levels"][ind["level"]],
            "area": area, "domain": domain, "canonical_area": canon["areas"].get(area, "") if area else "",
            "canonical_dimensions": ";".join(canon["domains"].get(domain) or []), "dimensions_inferred": "false",
            "text": text, "corrections": "", **tag(text),
        })
    level_rows = [{"framework": framework, "document": document, "level_rank": rank, "level_label": lv["label"],
                   "canonical_level": canon["levels"][lid], "description": lv.get("description") or ""}
                  for lid, (rank, lv) in levels.items()]
    return rows, level_rows


def frame(rows: list[dict]) -> pd.DataFrame:
    """Typed indicators frame, as pipeline.compare.io.load_normalised returns it, from contract-like dicts."""
    base = {c: "" for c in CONTRACT_COLUMNS}
    table = pd.DataFrame([{**base, **{k: "" if v is None else str(v) for k, v in r.items()}} for r in rows],
                         columns=list(CONTRACT_COLUMNS), dtype=str)
    return prepare_indicators(table)


def levels_frame(level_rows: list[dict], indicators: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in level_rows],
                         columns=list(LEVEL_COLUMNS) + ["description"], dtype=str)
    return prepare_levels(table, indicators)


def write_normalised(out: Path, rows: list[dict], level_rows: list[dict]) -> None:
    """Write OUT/normalised/indicators.csv and levels.csv in the contract's format."""
    folder = out / "normalised"
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, data in (("indicators", CONTRACT_COLUMNS, rows),
                                ("levels", tuple(LEVEL_COLUMNS) + ("description",), level_rows)):
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            for row in data:
                writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})


def make_rows(framework: str, items: list[tuple], document: str | None = None) -> list[dict]:
    """Hand-built indicators: items of (level_rank, canonical_level, area, dimensions, text, themes[, severity,
    frequency, age_condition]); level labels are "Level <rank>"."""
    document = document or f"{framework}.pdf"
    rows = []
    for seq, item in enumerate(items):
        rank, canonical, area, dims, text, themes, *qual = item
        severity, frequency, age = (list(qual) + ["", "", ""])[:3]
        rows.append({
            "indicator_id": indicator_id(framework, document, f"Level {rank}", area, "", text, seq),
            "framework": framework, "document": document, "page": rank + 1, "seq": seq,
            "level_label": f"Level {rank}", "level_rank": rank, "canonical_level": canonical, "area": area,
            "domain": "", "canonical_area": area, "canonical_dimensions": dims, "dimensions_inferred": "false",
            "text": text, "text_normalised": " ".join(re.findall(r"[a-z0-9]+", fold(text))), "themes": themes,
            "protective_themes": "", "severity": severity, "frequency": frequency, "age_condition": age,
        })
    return rows


assert set(INDICATOR_COLUMNS) <= set(CONTRACT_COLUMNS)

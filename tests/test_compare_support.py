"""Test support for the compare stage (no tests here): normalised tables built from truth files or by hand.

`truth_rows(name)` turns a dev-corpus truth YAML into rows of the normalise stage's indicators.csv contract: the
real normalise stage supplies ids, normalised text, themes and qualifiers; the file's hand-made `canonical` block
supplies canonical level / area / dimensions. `make_rows` builds small frameworks by hand.
"""

from __future__ import annotations

import atexit
import csv
import hashlib
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from pipeline.compare.io import INDICATOR_COLUMNS, LEVEL_COLUMNS, prepare_indicators, prepare_levels
from pipeline.compare.text import fold

DEV = Path(__file__).parent / "data" / "corpus" / "dev"

CONTRACT_COLUMNS = (
    "indicator_id", "framework", "document", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "locator", "seq",
    "level_label", "level_rank", "canonical_level", "area", "domain", "canonical_area", "canonical_dimensions",
    "dimensions_inferred", "text", "text_normalised", "themes", "protective_themes", "severity", "frequency",
    "age_condition", "corrections",
)

@lru_cache(maxsize=1)
def _normalised_dev() -> dict[str, list[dict]]:
    """Every dev truth file run through the real normalise stage once per session: document -> indicator rows."""
    from pipeline.normalise import run_normalise
    from interim_from_truth import write_interim

    out = Path(tempfile.mkdtemp(prefix="compare-dev-"))
    atexit.register(shutil.rmtree, out, True)
    (out / "raw_docs").mkdir()
    write_interim(sorted(DEV.glob("*.truth.yaml")), out)
    run_normalise(out / "raw_docs", out)
    by_doc: dict[str, list[dict]] = {}
    with (out / "normalised" / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_doc.setdefault(row["document"], []).append(row)
    return by_doc


def indicator_id(framework: str, document: str, level: str, area: str, domain: str, text: str, k: int) -> str:
    digest = hashlib.sha1("|".join([document, level, area, domain, text, str(k)]).encode("utf-8")).hexdigest()
    return f"{framework}-{digest[:10]}"


def truth_rows(name: str) -> tuple[list[dict], list[dict]]:
    """(indicator rows, level rows) of one dev truth file in the normalised contract: text, themes and
    qualifiers from the real normalise stage, canonical level / area / dimensions from the file's hand-made
    `canonical` block."""
    truth = yaml.safe_load((DEV / f"{name}.truth.yaml").read_text(encoding="utf-8"))
    canon, document = truth["canonical"], f"{name}.pdf"
    level_id = {lv["label"]: lv["id"] for lv in truth["levels"]}
    rows = []
    for row in _normalised_dev()[document]:
        rows.append({**row, "canonical_level": canon["levels"][level_id[row["level_label"]]],
                     "canonical_area": canon["areas"].get(row["area"], "") if row["area"] else "",
                     "canonical_dimensions": ";".join(canon["domains"].get(row["domain"]) or [])})
    assert len(rows) == len(truth["indicators"]), f"{name}: normalise kept {len(rows)} of {len(truth['indicators'])}"
    level_rows = [{"framework": truth["slug"], "document": document, "level_rank": rank, "level_label": lv["label"],
                   "canonical_level": canon["levels"][lv["id"]], "description": lv.get("description") or ""}
                  for rank, lv in enumerate(truth["levels"], start=1)]
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

"""Interim files (the extract stage's output) built from dev-corpus truth files, for tests and benchmarks.

The truth files hold the real indicator wordings with their levels, areas and domains; pages and boxes are
made up (page 1, a box per reading-order position), which the normalise stage only passes through.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.yaml_files import load_yaml


def interim_from_truth(truth_path: Path) -> dict:
    """The interim document an ideal extractor would write for the PDF beside `truth_path`."""
    truth_path = Path(truth_path)
    truth = load_yaml(truth_path)
    document = truth_path.name.replace(".truth.yaml", ".pdf")
    levels = [{"rank": i + 1, "label": lv["label"], "number": lv.get("number"), "description": lv.get("description")}
              for i, lv in enumerate(truth["levels"])]
    rank = {lv["id"]: i + 1 for i, lv in enumerate(truth["levels"])}
    label = {lv["id"]: lv["label"] for lv in truth["levels"]}
    indicators = []
    for seq, ind in enumerate(truth["indicators"]):
        top = 60.0 + (seq % 40) * 18.0
        indicators.append({
            "seq": seq, "page": 1 + seq // 40, "bbox": [56.7, top, 300.25, top + 12.5],
            "level_label": label[ind["level"]], "level_rank": rank[ind["level"]],
            "area": ind.get("area") or "", "domain": ind.get("domain") or "", "text": ind["text"],
        })
    pdf = truth_path.with_name(document)
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest() if pdf.exists() else ""
    return {"document": document, "framework": truth["slug"], "sha256": sha,
            "pages": (truth.get("rendered") or {}).get("pages"), "levels": levels,
            "indicators": indicators, "warnings": []}


def write_interim(truth_paths, out: Path) -> list[Path]:
    """Write OUT/interim/<stem>.json for each truth file, plus OUT/interim/run.json; returns the doc files."""
    interim = Path(out) / "interim"
    interim.mkdir(parents=True, exist_ok=True)
    written, run = [], []
    for truth_path in sorted(Path(p) for p in truth_paths):
        doc = interim_from_truth(truth_path)
        path = interim / (Path(doc["document"]).stem + ".json")
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
        run.append({"document": doc["document"], "framework": doc["framework"], "status": "ok",
                    "reason": "", "detail": ""})
    (interim / "run.json").write_text(json.dumps(run, indent=1), encoding="utf-8")
    return written

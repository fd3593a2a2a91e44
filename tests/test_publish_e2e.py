"""End to end through the real stages (extract, normalise, compare, publish) on two dev PDFs of different
frameworks, layouts and PDF producers: the published table scores against the truth, the package validates,
and every sampled indicator's page and box really hold its text."""

from __future__ import annotations

import csv
import json
import subprocess

import pdfplumber
from rapidfuzz import fuzz

from pipeline.compare import run_compare
from pipeline.extract.stage import run_extract
from pipeline.normalise import run_normalise
from pipeline.publish import render_indicator, run_publish
from test_publish_support import DEV, PYTHON, ROOT, build_raw_docs, frictionless_valid

DOCS = ["milton-keynes__level_tables__h3", "worcestershire__matrix__v1"]  # browser-printed + LibreOffice


def test_real_stages_publish_a_valid_traceable_release(tmp_path):
    raw_docs, out = tmp_path / "raw_docs", tmp_path / "out"
    docs = DOCS
    build_raw_docs(raw_docs, docs)
    run_extract(raw_docs, out, jobs=1, use_cache=False, progress=False)
    run_normalise(raw_docs, out)
    run_compare(out)
    summary = run_publish(raw_docs, out)
    assert summary["documents"] == len(docs) and summary["warnings"] == []
    assert frictionless_valid(out) == []

    result = subprocess.run([str(PYTHON), str(ROOT / "tools" / "score_extraction.py"), "--truth",
                             *[str(DEV / f"{d}.truth.yaml") for d in docs], "--pred", str(out / "indicators.csv"),
                             "--json"], capture_output=True, text=True, check=True)
    for name, scores in json.loads(result.stdout)["documents"].items():
        assert scores["tuple_f1"] >= 0.97 and scores["text_f1"] >= 0.99, name
        assert scores["canonical_level_acc"] >= 0.97, name

    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sample = rows[:: max(1, len(rows) // 25)]
    for document in {r["document"] for r in sample}:
        with pdfplumber.open(raw_docs / document) as pdf:
            for row in (r for r in sample if r["document"] == document):
                page = pdf.pages[int(row["page"]) - 1]
                box = (float(row["bbox_x0"]) - 2, float(row["bbox_top"]) - 2, float(row["bbox_x1"]) + 2,
                       float(row["bbox_bottom"]) + 2)
                words = " ".join(w["text"] for w in page.crop(box, strict=False).extract_words())
                assert fuzz.partial_ratio(row["text"].lower(), words.lower()) >= 85, (row["text"], words)

    png = tmp_path / "shown.png"
    info = render_indicator(out, rows[0]["indicator_id"], png)  # finds raw_docs through the run record
    assert png.stat().st_size > 1000 and info["page"] == int(rows[0]["page"]) and not info["warning"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert f'href="../raw_docs/{docs[0]}.pdf#page=' in report
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        documents = {r["document"]: r for r in csv.DictReader(handle)}
    matrix = documents[f"{docs[1]}.pdf"]
    assert matrix["structure_reading"].startswith("columns: 4 levels from repeated shaded header columns")
    assert 0.6 <= float(matrix["structure_confidence"]) <= 1
    assert f"Read as {matrix['structure_reading']}" in report

"""Hostile but plausible inputs (issue 13): one document must never sink a release. Each test builds its own small
hostile files."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import docgen
from conftest import DEV_CORPUS, GOOD_PDFS, ROOT

SEED_LEVELS = ["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Targeted", "Level 4 - Specialist"]
OVERFLOW = "Bullet printed past both edges of the page " + "and further " * 12


def threshold(*args: str, **kwargs) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=600, **kwargs)


def run(raw: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return threshold("run", "--raw-docs", str(raw), "--out", str(out), "--no-progress", *more)


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_bullet_running_past_the_page_edge_is_published_clipped_to_the_page(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(DEV_CORPUS / GOOD_PDFS[0], raw)
    docgen.threshold_list_pdf(raw / "overflow.pdf", SEED_LEVELS, overflow=OVERFLOW)
    result = run(raw, out)
    assert result.returncode == 0, result.stderr[-3000:]
    published = rows(out / "indicators.csv")
    assert {r["document"] for r in published} == {GOOD_PDFS[0], "overflow.pdf"}
    wide = next(r for r in published if r["text"].startswith("Bullet printed past both edges"))
    sizes = {r["document"]: r for r in rows(out / "documents.csv")}
    assert sizes["overflow.pdf"]["pages"]
    assert 0 <= float(wide["bbox_x0"]) < float(wide["bbox_x1"]) <= 595.27  # A4 width in points

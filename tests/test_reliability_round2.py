"""Hostile inputs, round 2 (issue 18): names, hints, long texts and many frameworks must never sink a release or
exhaust memory. Each test builds its own small files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import docgen
from conftest import ROOT

SEED_LEVELS = ["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Targeted", "Level 4 - Specialist"]
# names a data-package tool gives a meaning to (frictionless reads any file ending in these as a descriptor)
RESERVED = ["report", "datapackage", "schema", "inquiry", "resource", "sitemap", "pipeline", "checklist"]


def threshold(*args: str, **kwargs) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=600, **kwargs)


def run(raw: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return threshold("run", "--raw-docs", str(raw), "--out", str(out), "--no-progress", *more)


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _levels_page(title: str) -> str:
    levels = "".join(f"<h2>{label}</h2><ul>" + "".join(f"<li>{t}</li>" for d in docgen.LEVELS[n + 1].values()
                                                      for t in d) + "</ul>"
                     for n, label in enumerate(SEED_LEVELS))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>{levels}</main>" \
           "</body></html>"


def test_documents_named_after_reserved_descriptor_names_publish_with_the_rest(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for n, name in enumerate(RESERVED):
        pdf = docgen.threshold_list_pdf(raw / f"{name}.pdf", SEED_LEVELS)
        pdf.write_bytes(pdf.read_bytes() + f"\n% copy {n}\n".encode())  # distinct bytes: not a duplicate
    (raw / "report-page.html").write_text(_levels_page("Levels of need"), encoding="utf-8")
    (raw / "manifest.yaml").write_text(
        "documents:\n  - file: report-page.html\n    framework: report\n    published: '2024'\n", encoding="utf-8")
    result = run(raw, out)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: the files missing from the manifest are named
    published = {r["document"] for r in rows(out / "indicators.csv")}
    assert published == {f"{name}.pdf" for name in RESERVED} | {"report-page.html"}
    release = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert release["held_back"] == [] and release["validation"]["failures"] == []
    trees = sorted(p.name for p in (out / "frameworks").iterdir())
    assert trees == sorted(f"{name}.tree.json" for name in RESERVED)

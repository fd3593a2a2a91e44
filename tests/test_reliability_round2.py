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


def _limited(megabytes: int):
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit


def bounded(*args: str, megabytes: int = 2048) -> subprocess.CompletedProcess:
    """The CLI under an address-space limit, so a bound that does not hold fails instead of eating the machine."""
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          preexec_fn=_limited(megabytes))


def test_a_manifest_of_thousands_of_whole_range_page_hints_runs_in_bounded_memory(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "good.pdf", SEED_LEVELS)
    entries = ["  - file: good.pdf\n    framework: good\n    pages: 1-100000"]
    entries += [f"  - file: missing-{n}.pdf\n    framework: f{n}\n    pages: 1-100000" for n in range(2500)]
    (raw / "manifest.yaml").write_text("documents:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    result = bounded("extract", "--raw-docs", str(raw), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((tmp_path / "out" / "interim" / "good.json").read_text(encoding="utf-8"))
    assert len(record["indicators"]) == 19 and any("pages hint" in w for w in record["warnings"])


def test_one_long_label_aliased_thousands_of_times_is_refused_at_once(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    label = "L" * 24_000
    entries = [f"  - file: a{n}.pdf\n    framework: a{n}\n    levels: [*label]" for n in range(20_000)]
    text = f"anchors: [&label '{label}']\ndocuments:\n" + "\n".join(entries) + "\n"
    (raw / "manifest.yaml").write_text(text[:1_000_000], encoding="utf-8")
    result = bounded("extract", "--raw-docs", str(raw), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 2 and "characters of text once aliases are expanded" in result.stderr, \
        result.stderr[-2000:]


def test_a_corrections_file_aliasing_a_long_text_onto_many_indicators_is_refused_at_once(tmp_path):
    from pipeline.normalise.fixtures import write_interim

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_interim([ROOT / "tests" / "data" / "corpus" / "dev" / "worcestershire__list__v1.truth.yaml"], out)
    text = "x" * 500_000
    entries = [f"  - match: {{indicator_id: id{n}}}\n    set: {{text: *t}}" for n in range(700)]
    (raw / "corrections.yaml").write_text(f"long: &t '{text}'\ncorrections:\n" + "\n".join(entries) + "\n",
                                          encoding="utf-8")
    result = bounded("normalise", "--raw-docs", str(raw), "--out", str(out))
    assert result.returncode == 2 and "characters of text once aliases are expanded" in result.stderr, \
        result.stderr[-2000:]

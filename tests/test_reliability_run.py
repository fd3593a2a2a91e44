"""The whole pipeline (`threshold run`) on good documents mixed with bad ones: the good ones are published, the
bad ones are reported with their reason, the exit status says some failed, and a second run gives
byte-identical published files."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pdfgen
import pytest
from conftest import DEV_CORPUS, GOOD_PDFS, ROOT

BAD = {"locked.pdf": ("encrypted", pdfgen.encrypted_pdf([["Levels of need"]])),
       "broken.pdf": ("not_pdf", b"GIF89a, not a document")}
# Allowed to differ between runs: the run records (times, versions: run-record.json from extraction,
# release.json from publishing) and great-expectations' Data Docs (validation reports stamped with their time).
NOT_DATA = {"run-record.json", "release.json", "data_docs"}
DATA_SUFFIXES = {".csv", ".json", ".md", ".html"}


def threshold_run(raw: Path, out: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), "run", "--raw-docs", str(raw), "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def published_files(out: Path) -> dict[str, bytes]:
    """The data files of a run: at the top of OUT (through its links) and in the stages' folders."""
    files = {}
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(".") or entry.name in NOT_DATA:
            continue
        paths = [entry] if entry.is_file() else sorted(p for p in entry.rglob("*") if p.is_file())
        for path in paths:
            if path.suffix in DATA_SUFFIXES:
                files[str(path.relative_to(out))] = path.read_bytes()
    return files


@pytest.fixture(scope="module")
def mixed_release(tmp_path_factory):
    raw, out = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("out")
    shutil.copy(ROOT / "raw_docs" / "manifest.yaml", raw / "manifest.yaml")
    for name in GOOD_PDFS:
        shutil.copy(DEV_CORPUS / name, raw / name)
    for name, (_, data) in BAD.items():
        (raw / name).write_bytes(data)
    return raw, out, threshold_run(raw, out)


def test_good_documents_publish_and_bad_ones_are_reported(mixed_release):
    _, out, result = mixed_release
    assert result.returncode == 1, result.stderr[-3000:]
    with open(out / "indicators.csv", newline="", encoding="utf-8") as handle:
        published = {row["document"] for row in csv.DictReader(handle)}
    assert published == set(GOOD_PDFS)
    status = {r["document"]: r for r in json.loads((out / "interim" / "run.json").read_text())["documents"]}
    for name, (reason, _) in BAD.items():
        assert (status[name]["status"], status[name]["reason"]) == ("failed", reason)
        assert f"error: {name}: " in result.stderr
    assert "documents 4: 2 ok, 2 failed, 0 skipped" in result.stdout


def test_second_run_gives_byte_identical_published_files(mixed_release):
    raw, out, first = mixed_release
    before = published_files(out)
    assert "indicators.csv" in before and "datapackage.json" in before
    second = threshold_run(raw, out)
    assert second.returncode == first.returncode
    after = published_files(out)
    assert sorted(after) == sorted(before)
    assert [name for name in before if before[name] != after[name]] == []

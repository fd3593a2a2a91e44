"""The installed `threshold` with relative paths, from a working directory that is not the repository (as a new
user types `make run` or `threshold run --out here`): the release is published where the paths point."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DEV_CORPUS, GOOD_PDFS, ROOT

THRESHOLD = Path(sys.executable).with_name("threshold")
DROPPED = "Homeless young people - Southwark"
CORRECTIONS = f"""corrections:
  - match: {{framework: worcestershire, text: "{DROPPED}"}}
    drop: true
"""


def threshold(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(THRESHOLD), *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_run_and_show_with_relative_paths_from_another_working_directory(tmp_path):
    raw, work = tmp_path / "inputs" / "raw", tmp_path / "work"
    raw.mkdir(parents=True)
    work.mkdir()
    shutil.copy(ROOT / "raw_docs" / "manifest.yaml", raw / "manifest.yaml")
    (raw / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    for name in GOOD_PDFS:
        shutil.copy(DEV_CORPUS / name, raw / name)

    result = threshold("run", "--raw-docs", "../inputs/raw", "--out", "out", "--no-progress", cwd=work)
    assert result.returncode == 0, result.stderr[-3000:]
    out = work / "out"
    assert (out / "indicators.csv").is_file() and (out / "datapackage.json").is_file()
    assert (out / "data_docs" / "index.html").is_file()
    with open(out / "indicators.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["document"] for row in rows} == set(GOOD_PDFS)
    assert DROPPED not in {row["text"] for row in rows}  # corrections.yaml was read from the relative RAW_DOCS
    assert not (ROOT / "out").exists()

    shown = threshold("show", rows[0]["indicator_id"], "--out", "out", cwd=work)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert (work / f"{rows[0]['indicator_id']}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

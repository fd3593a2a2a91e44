"""`threshold extract` on real documents: the summary, warnings, one-line errors and exit statuses."""

from __future__ import annotations

import re
import shutil

import pdfgen
import pytest
from conftest import GOOD_PDFS, ROOT, folder_held_elsewhere, load_truth
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory):
    """raw_docs/ (the two PDFs and their manifest) copied, and an output folder."""
    base = tmp_path_factory.mktemp("cli")
    shutil.copytree(ROOT / "raw_docs", base / "raw_docs")
    return base / "raw_docs", base / "out"


def extract(raw, out, *more):
    return runner.invoke(app, ["extract", "--raw-docs", str(raw), "--out", str(out), *more])


def level_lines(stdout: str) -> dict[int, tuple[str, int]]:
    """rank -> (labels, count) from the summary's per-level lines."""
    found = re.findall(r"^ {4}(\d)  (.+?)\s+(\d+)$", stdout, flags=re.M)
    return {int(rank): (labels, int(count)) for rank, labels, count in found}


def test_summary_of_a_clean_run(project_copy):
    raw, out = project_copy
    result = extract(raw, out)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # every PDF listed, nothing failed
    assert "documents 2: 2 ok, 0 failed, 0 skipped" in result.stdout
    total = int(re.search(r"; (\d+) indicators", result.stdout).group(1))
    levels = level_lines(result.stdout)
    assert sorted(levels) == [1, 2, 3, 4] and sum(count for _, count in levels.values()) == total
    for name in GOOD_PDFS:  # each document's own level names are shown beside their rank
        for level in load_truth(name)["levels"]:
            assert level["label"][:20] in levels[level["number"]][0]


def test_second_run_comes_from_the_cache(project_copy):
    raw, out = project_copy
    extract(raw, out)
    result = extract(raw, out)
    assert result.exit_code == 0 and "2 from cache" in result.stdout


def test_failed_and_unlisted_documents(raw_folder, tmp_path):
    raw = raw_folder(GOOD_PDFS[:1], extra={"locked.pdf": pdfgen.encrypted_pdf([["Levels of need"]])})
    result = extract(raw, tmp_path / "out")
    assert result.exit_code == 1
    assert f"warning: {GOOD_PDFS[0]}: not in manifest.yaml; framework id 'milton-keynes'" in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: locked.pdf: encrypted PDF (a password is needed to open it)"]
    assert "documents 2: 1 ok, 1 failed, 0 skipped" in result.stdout
    assert "not extracted (1):" in result.stdout and "failed: locked.pdf: encrypted PDF" in result.stdout


def test_busy_output_folder_exits_3(raw_folder, tmp_path):
    out = tmp_path / "out"
    with folder_held_elsewhere(out):
        result = extract(raw_folder(GOOD_PDFS[:1]), out)
        assert result.exit_code == 3 and "another run is writing to this folder" in result.stderr


@pytest.mark.parametrize("files, code", [({}, 2), ({"broken.pdf": b"<html></html>"}, 1)])
def test_run_publishes_nothing_when_no_document_extracts(raw_folder, tmp_path, files, code):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--raw-docs", str(raw_folder(extra=files)), "--out", str(out)])
    assert result.exit_code == code
    assert "could be extracted; nothing was published" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".cache", ".lock", "interim", "run-record.json"]  # no release


@pytest.mark.parametrize("command", ["extract", "run", "inspect", "show"])
@pytest.mark.parametrize("option", [["--timeout", "inf"], ["--timeout", "1e19"], ["--memory-mb", str(10 ** 20)]])
def test_limits_beyond_what_the_system_accepts_are_usage_errors(project_copy, command, option):
    raw, out = project_copy
    args = {"inspect": [GOOD_PDFS[0], "--raw-docs", str(raw)], "show": ["some-id", "--out", str(out)]}.get(
        command, ["--raw-docs", str(raw), "--out", str(out)])
    result = runner.invoke(app, [command, *args, *option])
    assert result.exit_code == 2 and f"Invalid value for '{option[0]}'" in result.stderr, result.output


def test_the_runner_refuses_limits_it_cannot_set():
    from pipeline.runner import run_isolated

    for limits in ({"timeout_s": float("inf")}, {"timeout_s": 1e19}, {"memory_mb": 10 ** 20}):
        with pytest.raises(ValueError, match="must be a number"):
            run_isolated([("x", ())], print, **limits)

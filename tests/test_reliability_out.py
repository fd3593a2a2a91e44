"""The output folder: the pipeline never deletes or overwrites files it did not write, and an OUT it cannot use
is named in one line (exit 2) instead of a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess

import pytest
from conftest import GOOD_PDFS, ROOT, fake_extractor
from test_publish_support import clone, published_base
from typer.testing import CliRunner

import pipeline.extract
from pipeline.cli import app
from pipeline.extract.stage import run_extract
from pipeline.publish import run_publish
from pipeline.runner_files import OutFolderError

runner = CliRunner()


def tree(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_non_empty_folder_that_is_not_an_output_folder_is_refused_untouched(tmp_path):
    out = tmp_path / "mine"
    for name, text in {"frameworks/budget.json": "{}", "schemas/mine.json": "{}", "report.html": "<p>mine</p>",
                       "notes.txt": "keep me"}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    before = tree(out)
    result = runner.invoke(app, ["run", "--raw-docs", str(ROOT / "raw_docs"), "--out", str(out), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert "is not an output folder of this pipeline" in result.stderr and len(result.stderr.splitlines()) == 1
    assert tree(out) == before


def test_files_the_pipeline_did_not_write_are_never_replaced_in_an_output_folder(tmp_path_factory):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("out") / "b")
    out = base / "out"
    (out / "report.html").unlink()  # the user replaces the published link with their own file
    (out / "report.html").write_text("<p>my annotated report</p>", encoding="utf-8")
    with pytest.raises(OutFolderError, match=r"report\.html: not a file this pipeline published"):
        run_publish(base / "raw_docs", out)
    assert (out / "report.html").read_text(encoding="utf-8") == "<p>my annotated report</p>"
    assert not list((out / ".releases").glob(".staging-*"))


def test_extraction_removes_only_its_own_stale_interim_files(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    folder, out = raw_folder(GOOD_PDFS), tmp_path / "out"
    run_extract(folder, out, progress=False)
    mine = out / "interim" / "my-notes.json"
    mine.write_text(json.dumps({"notes": "keep me"}), encoding="utf-8")
    (folder / GOOD_PDFS[0]).unlink()
    run_extract(folder, out, progress=False)
    names = sorted(p.name for p in (out / "interim").glob("*.json"))
    assert names == ["my-notes.json", "run.json", GOOD_PDFS[1].replace(".pdf", ".json")]
    shutil.rmtree(out)


@contextlib.contextmanager
def read_only(folder):
    """The folder made read-only for this process (immutable when running as root, who ignores modes)."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("command", ["run", "extract", "normalise", "compare", "publish"])
@pytest.mark.parametrize("where", ["a file", "under a file", "read-only"])
def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, command, where):
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    out = {"a file": afile, "under a file": afile / "out", "read-only": tmp_path / "ro"}[where]
    if where == "read-only":
        out.mkdir()
    args = [command, "--out", str(out)] + ([] if command == "compare" else ["--raw-docs", str(ROOT / "raw_docs")])
    with read_only(out) if where == "read-only" else contextlib.nullcontext():
        result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"error: {out}: cannot write the output folder here")
    assert len(result.stderr.splitlines()) == 1


def test_a_folder_holding_only_a_readme_is_free_to_use(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    out = tmp_path / "extracted"  # as the repository's extracted/ with its README.md
    out.mkdir()
    (out / "README.md").write_text("# extracted/\n", encoding="utf-8")
    assert run_extract(raw_folder(GOOD_PDFS), out, progress=False)["ok"] == 2
    assert (out / "README.md").read_text(encoding="utf-8") == "# extracted/\n"

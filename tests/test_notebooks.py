"""The analyst notebooks run top to bottom on a published release and draw their charts."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from test_publish_support import ROOT, published_base

NOTEBOOKS = ROOT / "notebooks"


def execute(name: str, data, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("PIPELINE_DATA", str(data))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def _outputs(notebook):
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def _text(notebook) -> str:
    return "\n".join(o.get("text", "") for o in _outputs(notebook) if o.get("output_type") == "stream")


@pytest.mark.parametrize("name,charts", [("compare_frameworks_by_theme", 2), ("board_consistency_review", 3)])
def test_notebook_runs_on_published_files(name, charts, tmp_path_factory, monkeypatch):
    out = published_base(tmp_path_factory) / "out"
    notebook = execute(name, out, monkeypatch)
    images = [o for o in _outputs(notebook) if "image/png" in o.get("data", {})]
    assert len(images) >= charts
    text = _text(notebook)
    assert "378 indicators from 2 framework(s)" in text
    if name == "compare_frameworks_by_theme":
        assert text.count("\n=== ") >= 3 and "Themes compared: Domestic abuse" in text
    else:
        assert "milton-keynes: MK Together" in text and "groups mentioned; never mentioned:" in text


def test_notebook_finds_a_relative_output_folder_from_the_repository(tmp_path_factory, monkeypatch):
    """`make run OUT=mine` then PIPELINE_DATA=mine: the kernel runs in notebooks/, the folder is the repository's."""
    out = published_base(tmp_path_factory) / "out"
    notebook = execute("board_consistency_review", os.path.relpath(out, ROOT), monkeypatch)
    assert "378 indicators from 2 framework(s)" in _text(notebook)

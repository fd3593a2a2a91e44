"""Limits that agree with each other: a document within the default page and character limits fits in the
default memory; the stages after extraction run within a memory budget and never build n x m matrices whole."""

from __future__ import annotations

import random
import resource
import time

import pdfgen
import pytest
from test_compare_support import frame, make_rows
from typer.testing import CliRunner

import pipeline.compare
from pipeline.cli import app
from pipeline.compare.findings import duplicates
from pipeline.compare.io import load_settings
from pipeline.compare.matching import top_matches
from pipeline.extract.stage import run_extract
from pipeline.runner import memory_budget
from pipeline.runner_limits import Limits

LINE = "The child has needs described in this line of text, written out at length for the test: abcdefgh"


def test_a_dense_document_beyond_the_default_character_limit_is_refused_before_extraction(raw_folder, tmp_path):
    pages = [[LINE] * 50 for _ in range(100)]  # 100 pages, 5,000 characters each: 500,000 in all
    folder = raw_folder(extra={"dense.pdf": pdfgen.text_pdf(pages)})
    start = time.monotonic()
    summary = run_extract(folder, tmp_path / "out", progress=False)
    (failure,) = summary["failures"]
    assert failure["reason"] == "too_large", failure
    assert f"characters, the limit is {Limits().max_chars}" in failure["message"]
    assert time.monotonic() - start < 60


def _words(rng: random.Random, n: int) -> str:
    vocabulary = ["child", "parent", "school", "health", "housing", "risk", "needs", "support", "family", "neglect",
                  "abuse", "attendance", "mental", "substance", "income", "carer", "young", "person", "safety"]
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def test_matching_large_frameworks_stays_within_a_small_memory_budget():
    rng = random.Random(5)
    rows = []
    for framework in ("north", "south"):
        rows += make_rows(framework, [(1 + k % 4, 1 + k % 4, "", "", f"{_words(rng, 8)} {k}", "neglect")
                                      for k in range(4000)])
    indicators = frame(rows)
    settings = load_settings()
    top_matches(indicators.head(50), settings["matching"])  # libraries loaded before the budget
    duplicates(indicators.head(50).to_dict("records"), settings)
    with memory_budget(300):  # a whole 4000 x 4000 score matrix with its ranking would need well over this
        matches = top_matches(indicators, settings["matching"])
        found = duplicates(indicators[indicators["framework"] == "north"].to_dict("records"), settings)
    assert matches and isinstance(found, list)


def _greedy(out):
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(32)]  # 2 GiB if nothing stops it
    return {"rows": len(hoard)}


def test_the_stages_after_extraction_run_within_their_memory_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.compare, "run_compare", _greedy)
    before = resource.getrlimit(resource.RLIMIT_AS)
    result = CliRunner().invoke(app, ["compare", "--out", str(tmp_path / "out"), "--stage-memory-mb", "512"])
    assert result.exit_code == 3, result.output
    assert "the compare stage ran out of memory" in result.stderr and len(result.stderr.splitlines()) == 1
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the budget is lifted afterwards


@pytest.mark.parametrize("field", ["max_chars", "stage_memory_mb"])
def test_the_cli_exposes_the_new_limits(field):
    option = "--" + field.replace("_", "-")
    assert option in CliRunner().invoke(app, ["run", "--help"]).stdout

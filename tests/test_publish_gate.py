"""The validation gate refuses bad data and leaves the previous release exactly as it was."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare import run_compare
from pipeline.publish import run_publish
from pipeline.publish.inputs import PublishInputError
from pipeline.publish.stage import PublishValidationError
from test_publish_support import clone, edit_csv, frictionless_valid, published_base, snapshot


def _corrupt(rows):
    """A duplicated indicator (same id twice), a canonical level 7 and a page beyond the document's end in the
    first document; a canonical level 7 in the second too."""
    rows.append(dict(rows[0]))
    rows[5]["canonical_level"] = "7"
    rows[6]["page"] = "99"
    rows[-2]["canonical_level"] = "7"
    return rows


def test_gate_refuses_when_every_document_breaks_it_and_old_release_survives(tmp_path_factory, capsys):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "b")
    out = base / "out"
    before = snapshot(out)
    current = (out / ".current").readlink()
    edit_csv(out / "normalised" / "indicators.csv", _corrupt)

    with pytest.raises(PublishValidationError) as refused:
        run_publish(base / "raw_docs", out)

    failures = "\n".join(refused.value.failures)
    assert "expect_column_values_to_be_unique(column='indicator_id')" in failures
    assert "expect_column_values_to_be_between(column='canonical_level'" in failures
    assert "column_A='doc_pages', column_B='page'" in failures
    assert "FAILED indicators: expect_column_values_to_be_unique" in capsys.readouterr().err  # printed
    # nothing changed: same release, same bytes, no staging left, still valid
    assert (out / ".current").readlink() == current
    assert snapshot(out) == before
    assert not list((out / ".releases").glob(".staging-*"))
    assert frictionless_valid(out) == []
    # the refused run's Data Docs are kept for the analyst, outside the release
    assert (refused.value.docs / "index.html").is_file()


def test_unreadable_input_is_refused_before_anything_is_written(tmp_path_factory):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "b")
    out = base / "out"
    before = snapshot(out)

    def bad_page(rows):
        rows[3]["page"] = "three"
        return rows

    edit_csv(out / "normalised" / "indicators.csv", bad_page)
    with pytest.raises(PublishInputError, match=r"normalised/indicators.csv: line 5: column page: 'three'"):
        run_publish(base / "raw_docs", out)
    assert snapshot(out) == before


def test_stale_comparison_tables_are_refused(tmp_path_factory):
    """Comparison tables computed before the indicators changed point at ids that no longer exist."""
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "s")
    out = base / "out"
    before = snapshot(out)
    edit_csv(out / "normalised" / "indicators.csv", lambda rows: [r for r in rows if r["framework"] != "worcestershire"
                                                                 or r["level_rank"] != "2"])
    with pytest.raises(PublishValidationError) as refused:
        run_publish(base / "raw_docs", out)
    assert any("expect_column_values_to_be_null(column='dangling_indicator_ids')" in f
               for f in refused.value.failures)
    assert snapshot(out) == before


def _published_documents(out) -> set[str]:
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        return {row["document"] for row in csv.DictReader(handle)}


def test_a_document_breaking_a_critical_expectation_is_held_back_and_the_rest_publish(tmp_path_factory):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "h")
    out = base / "out"

    def break_first_document(rows):
        first = rows[0]["document"]
        for row in rows[5:8]:
            assert row["document"] == first
        rows[5]["page"], rows[6]["canonical_level"], rows[7]["bbox_bottom"] = "99", "7", ""
        return rows

    edit_csv(out / "normalised" / "indicators.csv", break_first_document)
    run_compare(out)  # the comparison tables carry the bad rows too, as after a real normalise
    result = CliRunner().invoke(app, ["publish", "--raw-docs", str(base / "raw_docs"), "--out", str(out)])
    held, kept = "milton-keynes__level_grid__v1.pdf", "worcestershire__level_tables__v1.pdf"
    assert result.exit_code == 1, result.output
    line = next(x for x in result.stderr.splitlines() if x.startswith(f"error: {held}: held back"))
    assert "column_A='doc_pages', column_B='page'" in line and "column='canonical_level'" in line
    assert "column='bbox_bottom'" in line
    assert _published_documents(out) == {kept}
    record = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert [d["document"] for d in record["held_back"]] == [held]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Documents not published" in report and held in report.split("Documents not published")[1]
    assert frictionless_valid(out) == []
    for name in ("matches", "theme_levels", "coverage_counts", "documents", "levels"):
        assert held not in (out / f"{name}.csv").read_text(encoding="utf-8")  # recomputed without it


def test_more_than_six_levels_is_a_plausibility_warning_not_a_refusal(tmp_path_factory):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "l")
    out = base / "out"
    document = "worcestershire__level_tables__v1.pdf"

    def seventh_level(rows):
        for rank in (5, 6, 7):
            rows.append({**next(r for r in rows if r["document"] == document), "level_rank": str(rank),
                         "level_label": f"Level {rank}", "canonical_level": "4"})
        return rows

    def move_last_indicators(rows):
        mine = [r for r in rows if r["document"] == document]
        for rank, row in zip((5, 6, 7), mine[-3:]):
            row["level_rank"], row["level_label"] = str(rank), f"Level {rank}"
        return rows

    edit_csv(out / "normalised" / "levels.csv", seventh_level)
    edit_csv(out / "normalised" / "indicators.csv", move_last_indicators)
    run_compare(out)
    summary = run_publish(base / "raw_docs", out)
    assert summary["held_back"] == [] and document in _published_documents(out)
    assert any("column='level_rank', max_value=6" in w for w in summary["validation_warnings"])
    assert frictionless_valid(out) == []


def test_missing_normalised_table_names_the_file(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(PublishInputError, match=r"normalised/indicators.csv: missing \(run the normalise stage"):
        run_publish(tmp_path / "raw_docs", tmp_path / "out")


def test_plausibility_warnings_do_not_block_publishing(tmp_path_factory):
    """A level left with no indicators is reported (severity "warning") but the release still publishes."""
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "w")
    out = base / "out"
    edit_csv(out / "normalised" / "indicators.csv",
             lambda rows: [r for r in rows if not (r["framework"] == "worcestershire" and r["level_rank"] == "1")])
    run_compare(out)
    summary = run_publish(base / "raw_docs", out)
    assert summary["version"] == "1.2.0"
    assert any(w.startswith("levels: expect_column_values_to_be_between(column='indicators'")
               for w in summary["validation_warnings"]), summary["validation_warnings"]
    assert frictionless_valid(out) == []


FULL_DISK = """
import sys
from great_expectations.data_context.store.tuple_store_backend import TupleFilesystemStoreBackend

def full(self, key, value, **kwargs):
    raise OSError(28, "No space left on device")

TupleFilesystemStoreBackend._set = full
from pipeline.cli import app
sys.argv = ["threshold", "publish", "--raw-docs", sys.argv[1], "--out", sys.argv[2]]
app()
"""


def test_a_full_disk_while_writing_data_docs_is_one_line_not_pages_of_tracebacks(tmp_path_factory):
    base = clone(published_base(tmp_path_factory), tmp_path_factory.mktemp("gate") / "d")
    result = subprocess.run([sys.executable, "-c", FULL_DISK, str(base / "raw_docs"), str(base / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr[-2000:]
    assert len(result.stderr.splitlines()) == 1 and "No space left on device" in result.stderr, result.stderr[-2000:]

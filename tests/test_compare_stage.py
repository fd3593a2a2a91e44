"""run_compare end to end: files and columns, CSV/JSON conventions, determinism, several documents per framework,
clear errors on bad input."""

from __future__ import annotations

import csv
import json

import pytest
from test_compare_support import truth_rows, write_normalised

from pipeline.compare import run_compare
from pipeline.compare.io import CompareInputError
from pipeline.compare.stage import DOCUMENT_COLUMNS
from pipeline.compare import coverage, findings, matching, templates, themes

TABLES = {
    "documents": DOCUMENT_COLUMNS, "theme_levels": themes.THEME_LEVEL_COLUMNS,
    "theme_spread": themes.THEME_SPREAD_COLUMNS, "matches": matching.MATCH_COLUMNS,
    "level_disagreements": matching.DISAGREEMENT_COLUMNS, "coverage_groups": coverage.GROUP_COLUMNS,
    "coverage_counts": coverage.COUNT_COLUMNS, "templates": templates.TEMPLATE_COLUMNS,
    "findings": findings.FINDING_COLUMNS,
}
NAMES = ("milton-keynes__level_grid__v1", "milton-keynes__list__v1", "worcestershire__level_tables__v1")


def _write(out, names=NAMES, reverse=False):
    rows, levels = [], []
    for name in names:
        r, lv = truth_rows(name)
        rows += r
        levels += lv
    write_normalised(out, list(reversed(rows)) if reverse else rows, levels)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    _write(out)
    summary = run_compare(out)
    return out, summary


def _read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_table_written_as_csv_and_json_with_declared_columns(compared):
    out, summary = compared
    for name, columns in TABLES.items():
        text = (out / "compare" / f"{name}.csv").read_text(encoding="utf-8")
        assert text.splitlines()[0] == ",".join(columns)
        assert "\r" not in text and "nan" not in text.lower().split(",") and ",None," not in text
        records = json.loads((out / "compare" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(records) == len(_read_csv(out / "compare" / f"{name}.csv")) == summary["rows"][name]
        assert all(list(r) == list(columns) for r in records)
    assert json.loads((out / "compare" / "summary.json").read_text())["frameworks"] == 2


def test_documents_table_marks_one_primary_per_framework(compared):
    out, _ = compared
    docs = _read_csv(out / "compare" / "documents.csv")
    assert [d["document"] for d in docs] == [f"{n}.pdf" for n in NAMES]
    primaries = [d for d in docs if d["primary"] == "true"]
    assert sorted(d["framework"] for d in primaries) == ["milton-keynes", "worcestershire"]
    # cross-framework tables use the primary document only; findings cover every document
    primary_docs = {d["document"] for d in primaries}
    assert {r["document"] for r in _read_csv(out / "compare" / "matches.csv")} <= primary_docs
    assert {r["document"] for r in _read_csv(out / "compare" / "findings.csv")} == {f"{n}.pdf" for n in NAMES}


def test_disagreements_and_findings_reach_the_files(compared):
    out, _ = compared
    rows = _read_csv(out / "compare" / "level_disagreements.csv")
    # graded NEET bullets ("less than six weeks" / "persistently") are not one indicator at two levels
    assert not [r for r in rows if "less than six weeks" in r["text_a"] and r["text_b"].startswith("Persistently")]
    matches = _read_csv(out / "compare" / "matches.csv")
    assert matches and all(m["page"].isdigit() and m["match_page"].isdigit() for m in matches)
    assert all(len(m["score"].split(".")[1]) == 3 for m in matches)
    found = _read_csv(out / "compare" / "findings.csv")
    assert any(f["subject"] == "conception aged under 16" for f in found)
    dup = next(f for f in json.loads((out / "compare" / "findings.json").read_text()) if f["kind"] == "duplicate_same_level")
    assert isinstance(dup["indicator_ids"], list) and isinstance(dup["pages"][0], int)


def test_byte_identical_on_rerun_and_on_shuffled_input(compared, tmp_path):
    out, _ = compared
    _write(tmp_path, reverse=True)
    run_compare(tmp_path)
    for name in list(TABLES) + ["summary"]:
        for ext in ("csv", "json") if name != "summary" else ("json",):
            first = (out / "compare" / f"{name}.{ext}").read_bytes()
            assert first == (tmp_path / "compare" / f"{name}.{ext}").read_bytes(), f"{name}.{ext} differs"


def test_missing_input_names_the_file(tmp_path):
    with pytest.raises(CompareInputError, match=r"normalised/indicators\.csv: missing"):
        run_compare(tmp_path)


def test_missing_column_names_the_column(tmp_path):
    folder = tmp_path / "normalised"
    folder.mkdir()
    (folder / "indicators.csv").write_text("indicator_id,framework,document\nx-1,x,x.pdf\n", encoding="utf-8")
    with pytest.raises(CompareInputError, match=r"indicators\.csv: missing columns .*level_rank"):
        run_compare(tmp_path)


def test_vocabulary_without_early_help_groups_names_the_file(tmp_path):
    from pipeline.compare.io import load_early_help_groups
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes: []\n", encoding="utf-8")
    with pytest.raises(CompareInputError, match=r"themes\.yaml: no early_help_groups"):
        load_early_help_groups(bad)

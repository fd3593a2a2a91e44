"""Analyst corrections (raw_docs/corrections.yaml): applied on every run, recorded on the row, stale and
invalid ones reported, a malformed file rejected with its name and the reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from pipeline.normalise import run_normalise
from pipeline.normalise.corrections import load_corrections
from pipeline.vocab.crosswalk_files import DataFileError
from interim_from_truth import write_interim

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "data" / "corpus" / "dev" / "worcestershire__list__v1.truth.yaml"
DOC = "worcestershire__list__v1.pdf"


def _rows(out: Path) -> list[dict]:
    with open(out / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _row(rows, text):
    (row,) = [r for r in rows if r["text"] == text]
    return row


@pytest.fixture
def setup(tmp_path):
    out, raw = tmp_path / "out", tmp_path / "raw"
    raw.mkdir()
    write_interim([TRUTH], out)
    run_normalise(raw, out)
    return out, raw, _rows(out)


def _write(raw: Path, corrections) -> None:
    (raw / "corrections.yaml").write_text(yaml.safe_dump({"corrections": corrections}, sort_keys=False),
                                          encoding="utf-8")


def test_corrections_are_applied_recorded_and_stale_ones_reported(setup):
    out, raw, before = setup
    radical = _row(before, "Radicalisation")
    southwark = _row(before, "Homeless young people - Southwark")
    _write(raw, [
        {"match": {"indicator_id": radical["indicator_id"]},
         "set": {"level_label": "Threshold to work with partners as Targeted Support",
                 "domain": "Identity"}, "note": "moved by the analyst"},
        {"match": {"document": DOC, "text": "poor   personal HYGIENE"},  # case, spacing ignored
         "set": {"text": "Poor personal hygiene and dental care"}, "add_themes": ["neglect"]},
        {"match": {"framework": "worcestershire", "text": "Homeless young people - Southwark"}, "drop": True,
         "note": "another partnership's line"},
        {"match": {"document": DOC, "text": "A bullet that is not in the document"},
         "set": {"domain": "Health"}},
        {"match": {"document": DOC, "text": "Radicalisation"}, "set": {"level_label": "Level Nine"}},
    ])
    summary = run_normalise(raw, out)
    rows = _rows(out)
    assert len(rows) == len(before) - 1
    assert southwark["indicator_id"] not in {r["indicator_id"] for r in rows}

    moved = [r for r in rows if r["indicator_id"] == radical["indicator_id"]][0]  # the id does not change
    assert (moved["level_label"], moved["level_rank"], moved["canonical_level"]) == \
        ("Threshold to work with partners as Targeted Support", "3", "3")
    assert moved["domain"] == "Identity" and moved["canonical_dimensions"] == "identity"
    assert "level_label: 'Criteria for Statutory Social Work Intervention' -> " \
           "'Threshold to work with partners as Targeted Support'" in moved["corrections"]
    assert "note: moved by the analyst" in moved["corrections"]

    hygiene = _row(rows, "Poor personal hygiene and dental care")
    assert "text: 'Poor personal hygiene' -> 'Poor personal hygiene and dental care'" in hygiene["corrections"]
    assert {"neglect", "dental", "hygiene"} <= set(hygiene["themes"].split(";"))
    assert "themes:" in hygiene["corrections"]

    untouched = [r for r in rows if r["corrections"] == ""]
    assert len(untouched) == len(rows) - 2

    report = json.loads((out / "normalised" / "report.json").read_text(encoding="utf-8"))
    corrections = report["corrections"]
    assert [s["correction"] for s in corrections["stale"]] == \
        ["#4 (document='worcestershire__list__v1.pdf', text='A bullet that is not in the document')"]
    assert len(corrections["invalid"]) == 1 and "Level Nine" in corrections["invalid"][0]["reason"]
    assert corrections["dropped"][0]["indicator_id"] == southwark["indicator_id"]
    assert summary["corrections_stale"] == 1 and summary["rows_dropped"] == 1
    assert "stale (match nothing): 1" in (out / "normalised" / "report.md").read_text(encoding="utf-8")

    # applied on every run: the same inputs give the same files
    first = (out / "normalised" / "indicators.csv").read_bytes()
    run_normalise(raw, out)
    assert (out / "normalised" / "indicators.csv").read_bytes() == first


def test_themes_can_be_replaced_or_removed(setup):
    out, raw, before = setup
    target = _row(before, "No substance misuse")
    assert target["protective_themes"] == "child_substance_misuse"
    _write(raw, [{"match": {"indicator_id": target["indicator_id"]}, "remove_themes": ["child_substance_misuse"]},
                 {"match": {"document": DOC, "text": "Radicalisation"}, "themes": ["radicalisation", "online_harm"]}])
    run_normalise(raw, out)
    rows = _rows(out)
    fixed = _row(rows, "No substance misuse")
    assert fixed["themes"] == "" and fixed["protective_themes"] == ""
    assert "protective_themes: child_substance_misuse -> -" in fixed["corrections"]
    assert _row(rows, "Radicalisation")["themes"] == "online_harm;radicalisation"


def test_unknown_theme_in_a_correction_is_reported_not_applied(setup):
    out, raw, _ = setup
    _write(raw, [{"match": {"document": DOC, "text": "Radicalisation"}, "add_themes": ["not_a_theme"]}])
    run_normalise(raw, out)
    report = json.loads((out / "normalised" / "report.json").read_text(encoding="utf-8"))
    assert "unknown theme ids ['not_a_theme']" in report["corrections"]["invalid"][0]["reason"]
    assert _row(_rows(out), "Radicalisation")["corrections"] == ""


@pytest.mark.parametrize("entry, message", [
    ({"match": {"text": "x"}, "drop": True}, r"match: give indicator_id, or document/framework and text"),
    ({"match": {"indicator_id": "a-0123456789"}}, r"nothing to do"),
    ({"match": {"indicator_id": "a-0123456789"}, "set": {"colour": "red"}}, r"set: only text, level_label"),
    ({"match": {"indicator_id": "a-0123456789"}, "drop": True, "set": {"text": "x"}}, r"cannot also be changed"),
    ({"match": {"indicator_id": "a-0123456789"}, "drop": "yes please"}, r"drop: must be true or false"),
    ({"match": {"indicator_id": "a-0123456789"}, "delete": True}, r"unknown keys \['delete'\]"),
])
def test_malformed_corrections_name_the_file_and_entry(tmp_path, entry, message):
    _write(tmp_path, [entry])
    with pytest.raises(DataFileError, match=r"corrections\.yaml: corrections\[1\]" + ".*" + message):
        load_corrections(tmp_path / "corrections.yaml")


def test_project_corrections_file_has_no_active_corrections():
    path = ROOT / "raw_docs" / "corrections.yaml"
    assert path.exists()
    assert load_corrections(path) == []
    assert "# corrections:" in path.read_text(encoding="utf-8")  # the commented example


def test_missing_corrections_file_means_none(tmp_path):
    assert load_corrections(tmp_path / "corrections.yaml") == []


def test_corrections_that_drop_every_row_leave_compare_working_and_publish_says_why(setup):
    from typer.testing import CliRunner

    from pipeline.cli import app

    out, raw, before = setup
    _write(raw, [{"match": {"indicator_id": r["indicator_id"]}, "drop": True} for r in before])
    assert run_normalise(raw, out)["rows_dropped"] == len(before)
    runner = CliRunner()
    compared = runner.invoke(app, ["compare", "--out", str(out)])
    assert compared.exit_code == 0, compared.output
    assert (out / "compare" / "matches.csv").read_text(encoding="utf-8").count("\n") == 1  # the header alone
    published = runner.invoke(app, ["publish", "--raw-docs", str(raw), "--out", str(out)])
    assert published.exit_code == 3 and "no indicators to publish" in published.stderr, published.output
    assert len(published.stderr.splitlines()) == 1


def test_the_normalise_summary_shows_every_fact(setup):
    from typer.testing import CliRunner

    from pipeline.cli import app

    out, raw, before = setup
    _write(raw, [{"match": {"indicator_id": before[0]["indicator_id"]}, "set": {"level_rank": 9}}])  # invalid
    result = CliRunner().invoke(app, ["normalise", "--raw-docs", str(raw), "--out", str(out)])
    assert result.exit_code == 0, result.output
    facts = " ".join(result.stdout.split())
    for fact in ("corrections_invalid 1", "corrections_stale 0", "rows_dropped 0", "skipped_documents 0"):
        assert fact in facts


@pytest.mark.parametrize("entry, message", [
    ({"match": {"indicator_id": "a-0123456789"}, "set": {"area": ["a", "b"]}}, r"set\.area: must be text, not list"),
    ({"match": {"indicator_id": "a-0123456789"}, "set": {"text": {"a": 1}}}, r"set\.text: must be text, not dict"),
    ({"match": {"indicator_id": "a-0123456789"}, "set": {"level_rank": True}}, r"set\.level_rank: must be an integer"),
    ({"match": {"document": "d.pdf", "text": ["x"]}, "drop": True}, r"match\.text: must be text, not list"),
    ({"match": {"indicator_id": 12}, "drop": True}, r"match\.indicator_id: must be text, not int"),
    ({"match": {"indicator_id": "a-0123456789"}, "drop": True, "note": ["x"]}, r"note: must be text, not list"),
])
def test_correction_values_are_type_checked(tmp_path, entry, message):
    _write(tmp_path, [entry])
    with pytest.raises(DataFileError, match=r"corrections\.yaml: corrections\[1\]\." + message):
        load_corrections(tmp_path / "corrections.yaml")

"""Stage bookkeeping: which interim files are read, what happens with missing, failed or broken ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.normalise import COLUMNS, run_normalise
from interim_from_truth import write_interim
from pipeline.normalise.stage import framework_slug, indicator_id

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"


def test_missing_interim_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no interim folder; run the extract stage first"):
        run_normalise(tmp_path / "raw", tmp_path / "out")


def test_no_documents_writes_empty_tables_with_headers(tmp_path):
    (tmp_path / "interim").mkdir()
    summary = run_normalise(tmp_path / "raw", tmp_path)
    assert summary["indicators"] == 0
    header = (tmp_path / "normalised" / "indicators.csv").read_text(encoding="utf-8")
    assert header == ",".join(COLUMNS) + "\n"
    assert json.loads((tmp_path / "normalised" / "indicators.json").read_text(encoding="utf-8")) == []


def test_failed_and_broken_interim_files_are_skipped_and_reported(tmp_path):
    good, failed = write_interim([DEV / "milton-keynes__list__v1.truth.yaml",
                                  DEV / "worcestershire__list__v1.truth.yaml"], tmp_path)
    run = [{"document": "milton-keynes__list__v1.pdf", "status": "ok"},
           {"document": "worcestershire__list__v1.pdf", "status": "failed", "reason": "corrupt"}]
    (tmp_path / "interim" / "run.json").write_text(json.dumps({"documents": run}), encoding="utf-8")
    (tmp_path / "interim" / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "interim" / "odd.json").write_text(json.dumps({"document": "odd.pdf"}), encoding="utf-8")
    summary = run_normalise(tmp_path / "raw", tmp_path)
    assert summary["documents"] == 1 and summary["skipped_documents"] == 3
    report = json.loads((tmp_path / "normalised" / "report.json").read_text(encoding="utf-8"))
    reasons = {s["file"]: s["reason"] for s in report["skipped_documents"]}
    assert reasons[failed.name] == "run.json marks this document as failed"
    assert reasons["broken.json"].startswith("unreadable JSON")
    assert reasons["odd.json"] == "missing or invalid 'levels'"
    with open(tmp_path / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        assert {r["document"] for r in csv.DictReader(fh)} == {"milton-keynes__list__v1.pdf"}


def test_interim_without_framework_uses_the_file_name_slug(tmp_path):
    (path,) = write_interim([DEV / "milton-keynes__list__v1.truth.yaml"], tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["framework"]
    doc["indicators"][0]["bbox"] = None
    doc["indicators"][0]["page"] = None
    path.write_text(json.dumps(doc), encoding="utf-8")
    run_normalise(tmp_path / "raw", tmp_path)
    with open(tmp_path / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["framework"] for r in rows} == {"milton-keynes"}
    assert (rows[0]["page"], rows[0]["bbox_x0"], rows[0]["bbox_bottom"]) == ("", "", "")


def test_ids_and_slugs():
    assert framework_slug("Milton Keynes__matrix__v1.pdf") == "milton-keynes"
    a = indicator_id("mk", "a.pdf", "Universal", "", "Health", "Good height/weight", 0)
    assert a == indicator_id("mk", "a.pdf", "Universal", "", "Health", "Good height/weight", 0)
    assert a != indicator_id("mk", "a.pdf", "Universal", "", "Health", "Good height/weight", 1)
    assert a.startswith("mk-") and len(a) == len("mk-") + 10

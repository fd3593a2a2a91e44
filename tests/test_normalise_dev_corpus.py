"""The normalise stage on the whole dev corpus: interim files built from the 22 truth files (the real indicator
wordings with their printed levels, areas and domains), checked against each truth file's hand `canonical`
mapping, the output contract, determinism and speed."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
import yaml

from pipeline.normalise import COLUMNS, run_normalise
from pipeline.normalise.annotate import get_annotator
from pipeline.normalise.fixtures import write_interim

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"
TRUTHS = sorted(DEV.glob("*.truth.yaml"))
CONTRACT = [  # the shared brief's data contract, in order
    "indicator_id", "framework", "document", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "seq",
    "level_label", "level_rank", "canonical_level", "area", "domain", "canonical_area", "canonical_dimensions",
    "dimensions_inferred", "text", "text_normalised", "themes", "protective_themes", "severity", "frequency",
    "age_condition", "corrections",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    raw = tmp_path_factory.mktemp("raw")
    write_interim(TRUTHS, out)
    get_annotator()  # build the pipeline and matchers before timing, as `make bench` does after imports
    start = time.perf_counter()
    summary = run_normalise(raw, out)
    elapsed = time.perf_counter() - start
    folder = out / "normalised"
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {"out": out, "raw": raw, "summary": summary, "elapsed": elapsed, "rows": rows, "folder": folder}


def _truth(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dims(value: str) -> set[str]:
    return {d for d in value.split(";") if d}


def test_whole_dev_corpus_normalises_under_five_seconds(run):
    assert run["summary"]["documents"] == 22
    assert run["elapsed"] < 5.0, f"normalising the dev corpus took {run['elapsed']:.2f}s"


def test_every_indicator_gets_a_canonical_level_area_and_dimension(run):
    rows = run["rows"]
    assert len(rows) == sum(len(_truth(p)["indicators"]) for p in TRUTHS)
    missing = [r["text"] for r in rows if not r["canonical_level"] or not r["canonical_area"]
               or not _dims(r["canonical_dimensions"])]
    assert missing == []


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.replace(".truth.yaml", ""))
def test_mapping_agrees_with_the_hand_canonical_block(run, truth_path):
    truth = _truth(truth_path)
    canon = truth["canonical"]
    document = truth_path.name.replace(".truth.yaml", ".pdf")
    rows = [r for r in run["rows"] if r["document"] == document]
    assert len(rows) == len(truth["indicators"])
    disagreements = []
    for row, ind in zip(rows, truth["indicators"]):  # both in reading order
        assert row["text"] == ind["text"]
        want = (canon["levels"][ind["level"]], canon["areas"][ind["area"]], set(canon["domains"][ind["domain"]]))
        got = (int(row["canonical_level"]), row["canonical_area"], _dims(row["canonical_dimensions"]))
        if got != want:
            disagreements.append((ind["text"], got, want))
        assert row["dimensions_inferred"] == "false"  # every dev document prints its domains
    assert disagreements == []


def test_levels_table_maps_every_dev_level(run):
    with open(run["folder"] / "levels.csv", encoding="utf-8", newline="") as fh:
        levels = list(csv.DictReader(fh))
    assert len(levels) == 4 * len(TRUTHS)
    by_doc = {(r["document"], int(r["level_rank"])): r for r in levels}
    for path in TRUTHS:
        truth = _truth(path)
        for rank, lv in enumerate(truth["levels"], start=1):
            row = by_doc[(path.name.replace(".truth.yaml", ".pdf"), rank)]
            assert row["level_label"] == lv["label"]
            assert int(row["canonical_level"]) == truth["canonical"]["levels"][lv["id"]]
            assert row["description"] == (lv.get("description") or "")


def test_columns_follow_the_contract(run):
    header = (run["folder"] / "indicators.csv").read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert header == COLUMNS
    assert header[: len(CONTRACT)] == CONTRACT


def test_csv_and_json_conventions(run):
    folder = run["folder"]
    raw = (folder / "indicators.csv").read_bytes()
    assert b"\r\n" not in raw
    rows = run["rows"]
    for row in rows:
        assert not ({"None", "nan", "NaN", "null"} & set(row.values()))
        assert row["dimensions_inferred"] in ("true", "false")
        assert row["level_rank"].isdigit() and row["seq"].isdigit() and row["page"].isdigit()
        assert row["severity"] in ("", "mild", "moderate", "severe")
        assert row["frequency"] in ("", "occasional", "repeated", "persistent")
        assert not (set(row["themes"].split(";")) & set(row["protective_themes"].split(";")) - {""})
    records = json.loads((folder / "indicators.json").read_text(encoding="utf-8"))
    assert [list(r) for r in records[:1]] == [COLUMNS]
    assert len(records) == len(rows)
    first = records[0]
    assert isinstance(first["canonical_level"], int) and isinstance(first["dimensions_inferred"], bool)
    assert isinstance(first["canonical_dimensions"], list) and isinstance(first["themes"], list)
    assert first["corrections"] is None  # empty -> null in JSON
    assert [r["indicator_id"] for r in records] == [r["indicator_id"] for r in rows]


def test_indicator_ids_are_unique_and_stable(run):
    ids = [r["indicator_id"] for r in run["rows"]]
    assert len(ids) == len(set(ids))
    for row in run["rows"]:
        assert row["indicator_id"].startswith(row["framework"] + "-")
    # a bullet the document prints twice gets two ids (occurrence index k)
    twice = [r for r in run["rows"] if r["document"] == "worcestershire__list__v1.pdf"
             and r["text"] == "Conception aged under 16"]
    assert len(twice) == 2 and twice[0]["indicator_id"] != twice[1]["indicator_id"]


def test_report_is_written_per_framework(run):
    report = json.loads((run["folder"] / "report.json").read_text(encoding="utf-8"))
    assert set(report["frameworks"]) == {"milton-keynes", "worcestershire"}
    for fw in report["frameworks"].values():
        assert fw["unmapped_levels"] == [] and fw["unmapped_areas"] == [] and fw["unmapped_domains"] == []
        assert fw["no_canonical_level"] == 0 and fw["no_dimensions"] == 0
        assert fw["untagged_share"] < 0.03
        assert fw["dimensions_inferred"] == 0
    markdown = (run["folder"] / "report.md").read_text(encoding="utf-8")
    assert "## milton-keynes" in markdown and "## worcestershire" in markdown


def test_same_inputs_give_byte_identical_files(run, tmp_path):
    first = {p.name: p.read_bytes() for p in run["folder"].iterdir()}
    run_normalise(run["raw"], run["out"])
    second = {p.name: p.read_bytes() for p in run["folder"].iterdir()}
    assert first == second


def test_without_domain_headings_dimensions_are_inferred_and_flagged(tmp_path):
    """A list-style document with no domain headings: the printed domain stays empty, the dimensions come
    from the text and are flagged; they overlap the hand mapping for most indicators."""
    truth_path = DEV / "worcestershire__list__v1.truth.yaml"
    (interim,) = write_interim([truth_path], tmp_path)
    doc = json.loads(interim.read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        ind["domain"] = ""
    interim.write_text(json.dumps(doc), encoding="utf-8")
    run_normalise(tmp_path / "raw", tmp_path)
    with open(tmp_path / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    truth = _truth(truth_path)
    overlap = 0
    for row, ind in zip(rows, truth["indicators"]):
        assert row["domain"] == ""
        got = _dims(row["canonical_dimensions"])
        assert row["dimensions_inferred"] == ("true" if got else "false")
        overlap += bool(got & set(truth["canonical"]["domains"][ind["domain"]]))
    assert sum(1 for r in rows if r["dimensions_inferred"] == "true") >= 0.97 * len(rows)
    assert overlap >= 0.7 * len(rows)
    report = json.loads((tmp_path / "normalised" / "report.json").read_text(encoding="utf-8"))
    assert report["frameworks"]["worcestershire"]["dimensions_inferred"] >= 0.97 * len(rows)

"""The table contract (pipeline/tables.py): one rule for cells and JSON values, atomic CSV + JSON writes, a reader
that gives back what was written, and the published tables' columns taken from the schema."""

from __future__ import annotations

import json

import pytest

from pipeline.normalise import COLUMNS
from pipeline.publish.tables import make_table, write_table
from pipeline.schema import load_specs
from pipeline.tables import Column, TableFile, read_table

FORMULAS = ["=SUM(A1:A9)", "+cmd", "-danger", "@me", "\tlead", "'=quoted", "＝wide", "-1.5", "plain"]


class Exploding:
    """A value whose text cannot be made: the write fails midway through the rows."""

    def __str__(self) -> str:
        raise RuntimeError("boom")


def test_a_failed_write_leaves_the_old_files_and_no_partial_ones(tmp_path):
    table = TableFile.of(["name", "value"])
    path = tmp_path / "t.csv"
    table.write(path, [{"name": "old", "value": 1}])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    with pytest.raises(RuntimeError, match="boom"):
        table.write(path, [{"name": "new", "value": 2}, {"name": "bad", "value": Exploding()}])
    with pytest.raises(TypeError):  # the CSV text is fine, the JSON twin's is not: neither file is replaced
        table.write(path, [{"name": "new", "value": object()}])

    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temporary file left either
    assert sorted(before) == ["t.csv", "t.json"]


def test_csv_and_json_round_trip_restore_values_including_formula_text(tmp_path):
    table = TableFile((Column("text"), Column("items"), Column("score", decimals=3), Column("flag"),
                       Column("count"), Column("ratio", trim=True)))
    rows = [{"text": t, "items": [t, "b"], "score": 0.5, "flag": i % 2 == 0, "count": i, "ratio": 2.0 + i / 4}
            for i, t in enumerate(FORMULAS)]
    rows.append({"text": None, "items": [], "score": float("nan"), "flag": None, "count": None, "ratio": 3.0})
    csv_path, json_path = table.write(tmp_path / "t.csv", rows)

    header, back = read_table(csv_path)
    assert header == ["text", "items", "score", "flag", "count", "ratio"]
    assert [r["text"] for r in back] == FORMULAS + [""]
    assert [r["items"] for r in back][:2] == ["=SUM(A1:A9);b", "+cmd;b"]
    assert [r["score"] for r in back] == ["0.500"] * len(FORMULAS) + [""]
    assert [r["flag"] for r in back][:2] == ["true", "false"]
    assert [r["ratio"] for r in back][:3] + [back[-1]["ratio"]] == ["2", "2.25", "2.5", "3"]
    # the file itself holds the guarded cells, never a live formula
    assert "\n'=SUM(A1:A9)," in csv_path.read_text(encoding="utf-8")

    records = json.loads(json_path.read_text(encoding="utf-8"))
    assert [r["text"] for r in records] == FORMULAS + [None]  # raw text, null for missing
    assert records[0] == {"text": "=SUM(A1:A9)", "items": ["=SUM(A1:A9)", "b"], "score": 0.5, "flag": True,
                          "count": 0, "ratio": 2}
    assert records[-1] == {"text": None, "items": [], "score": None, "flag": None, "count": None, "ratio": 3}


def test_published_tables_are_written_with_the_schemas_columns_and_decimals(tmp_path):
    specs = load_specs()
    levels = make_table("levels", [{"framework": "fw", "document": "a.pdf", "level_rank": "1", "level_label": "=L",
                                    "indicators": 3}])
    written = write_table(tmp_path, levels)
    assert [p.name for p in written] == ["levels.csv", "levels.json"]
    assert read_table(tmp_path / "levels.csv")[0] == specs["levels"].columns
    assert list(json.loads(written[1].read_text(encoding="utf-8"))[0]) == specs["levels"].columns

    indicators = specs["indicators"]
    assert COLUMNS == indicators.columns  # the normalise stage writes the published indicators' columns
    assert indicators.field("bbox_x0").csv(12.3456) == "12.35"  # decimals from tables.yaml
    assert indicators.field("seq").csv(7) == "7" and indicators.field("dimensions_inferred").csv(False) == "false"

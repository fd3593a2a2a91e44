"""What the publish stage writes: the tables' columns and conventions, the Data Package, JSON Schemas, the
per-framework trees, the changelog, determinism."""

from __future__ import annotations

import csv
import json
import subprocess

import jsonschema
import yaml

from pipeline.publish import run_publish
from pipeline.publish.datapackage import JSON_SCHEMA_DIR, static_json_schemas
from test_publish_support import (DEV, DOCS, PYTHON, ROOT, build_out, changed_base, data_snapshot, published_base)

SCORER_COLUMNS = ["document", "level_label", "area", "domain", "text", "level_rank", "canonical_level",
                  "canonical_area", "canonical_dimensions"]


def _csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_indicator_table_has_the_scorer_columns_and_conventions(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    raw = (out / "indicators.csv").read_bytes()
    assert b"\r\n" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    rows = _csv(out / "indicators.csv")
    assert set(SCORER_COLUMNS) <= set(rows[0])
    cells = [v for r in rows for v in r.values()]
    assert not {"None", "nan", "NaN", "null"} & set(cells)
    records = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert len(records) == len(rows) == 378
    assert [list(r) for r in records[:1]] == [list(rows[0])]  # same columns, same order
    first = records[0]
    assert isinstance(first["level_rank"], int) and isinstance(first["canonical_level"], int)
    assert isinstance(first["page"], int) and isinstance(first["bbox_x0"], float)
    assert isinstance(first["dimensions_inferred"], bool)
    empty = [k for r in rows for k, v in r.items() if v == ""]
    assert empty, "the fixture has empty cells (no severity on most rows)"
    by_id = {r["indicator_id"]: r for r in records}
    for row in rows:
        for key, value in row.items():
            if value == "":
                assert by_id[row["indicator_id"]][key] is None, key
    assert {r["level_rank"] for r in rows} == {"1", "2", "3", "4"}  # integers written as integers


def test_scorer_reads_the_published_table_back_exactly(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    truths = [str(DEV / f"{name}.truth.yaml") for name in DOCS]
    for pred in ("indicators.csv", "indicators.json"):
        result = subprocess.run([str(PYTHON), str(ROOT / "tools" / "score_extraction.py"), "--truth", *truths,
                                 "--pred", str(out / pred), "--json"], capture_output=True, text=True, check=True)
        report = json.loads(result.stdout)
        assert report["overall"]["tuple_f1"] == 1.0
        for doc in report["documents"].values():
            assert doc["canonical_level_acc"] == doc["canonical_area_acc"] == doc["dimensions_exact"] == 1.0


def test_frictionless_cli_validates_the_package(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "frictionless"), "validate", "datapackage.json"],
                            cwd=out, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_datapackage_describes_every_table(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "1.1.0" and package["licenses"] and len(package["sources"]) == 2
    tables = {r["name"]: r for r in package["resources"] if r["profile"] == "tabular-data-resource"}
    assert {"indicators", "levels", "documents", "frameworks", "domain_crosswalk", "themes", "indicator_themes",
            "findings", "theme_levels", "level_disagreements", "matches"} <= set(tables)
    for resource in tables.values():
        for field in resource["schema"]["fields"]:
            assert field["type"] in ("string", "integer", "number", "boolean") and field["description"]
    indicators = tables["indicators"]["schema"]
    assert indicators["primaryKey"] == ["indicator_id"]
    assert {"resource": "levels", "fields": ["document", "level_rank"]} in [fk["reference"]
                                                                             for fk in indicators["foreignKeys"]]
    required = {f["name"] for f in indicators["fields"] if f.get("constraints", {}).get("required")}
    assert {"indicator_id", "document", "text", "level_rank"} <= required
    assert "page" not in required  # a Word document or web page has no pages: its indicators carry a locator
    assert tables["findings"]["schema"]["primaryKey"] == ["finding_id"]
    levels = _csv(out / "levels.csv")
    assert all(r["description"] for r in levels if r["level_rank"] != "1")  # descriptions carried over
    frameworks = _csv(out / "frameworks.csv")
    assert {r["licence"] for r in frameworks} == {"Open Government Licence v3.0"}


def test_json_files_match_the_committed_json_schemas(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    committed = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in JSON_SCHEMA_DIR.glob("*.json")}
    assert committed == static_json_schemas(), "run: python -m pipeline.publish.datapackage --write-schemas"
    for name, schema in committed.items():
        if name == "framework.schema.json":
            for tree in (out / "frameworks").glob("*.json"):
                jsonschema.validate(json.loads(tree.read_text(encoding="utf-8")), schema)
        else:
            table = name.removesuffix(".schema.json")
            jsonschema.validate(json.loads((out / f"{table}.json").read_text(encoding="utf-8")), schema)


def test_framework_tree_nests_every_indicator(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    tree = json.loads((out / "frameworks" / "worcestershire.tree.json").read_text(encoding="utf-8"))
    truth = yaml.safe_load((DEV / "worcestershire__level_tables__v1.truth.yaml").read_text(encoding="utf-8"))
    [document] = tree["documents"]
    assert [lv["level_label"] for lv in document["levels"]] == [lv["label"] for lv in truth["levels"]]
    leaves = [(lv["level_label"], a["area"], d["domain"], i["text"]) for lv in document["levels"]
              for a in lv["areas"] for d in a["domains"] for i in d["indicators"]]
    labels = {lv["id"]: lv["label"] for lv in truth["levels"]}
    expected = [(labels[t["level"]], t.get("area"), t.get("domain"), t["text"]) for t in truth["indicators"]]
    assert sorted(leaves) == sorted(expected)


def test_two_publishes_give_byte_identical_files(tmp_path_factory):
    base = published_base(tmp_path_factory)
    fresh = tmp_path_factory.mktemp("fresh")
    build_out(fresh / "out", fresh / "raw_docs", DOCS)
    first = run_publish(fresh / "raw_docs", fresh / "out")
    assert data_snapshot(fresh / "out") == data_snapshot(base / "out")  # another folder, same bytes
    again = run_publish(fresh / "raw_docs", fresh / "out")  # the same folder again
    assert (first["version"], again["version"], again["data_changed"]) == ("1.1.0", "1.1.0", False)
    assert data_snapshot(fresh / "out") == data_snapshot(base / "out")
    assert again["release"] == "r000002" and sorted(p.name for p in (fresh / "out" / ".releases").iterdir()) == [
        "r000001", "r000002"]


def test_changelog_records_what_changed_per_framework(tmp_path_factory):
    out = changed_base(tmp_path_factory) / "out"
    entries = json.loads((out / "changelog.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in entries] == ["1.1.0", "1.2.0"]
    first, second = entries
    assert first["frameworks"]["milton-keynes"]["indicators"] == {"added": 203, "removed": 0, "changed": 0,
                                                                   "total": 203}
    assert second["previous_version"] == "1.1.0"
    assert second["frameworks"] == {"milton-keynes": {"indicators": {"added": 1, "removed": 1, "changed": 0,
                                                                     "total": 203}}}
    assert "## 1.2.0 (since 1.1.0)" in (out / "changelog.md").read_text(encoding="utf-8")
    assert json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.2.0"
    ids = {r["indicator_id"] for r in _csv(out / "indicators.csv") if r["framework"] == "worcestershire"}
    before = {r["indicator_id"] for r in _csv(published_base(tmp_path_factory) / "out" / "indicators.csv")
              if r["framework"] == "worcestershire"}
    assert ids == before  # an edit to one document leaves the other's ids alone

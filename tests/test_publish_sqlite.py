"""threshold.sqlite and datasette's metadata.json: declared types and keys, full-text search, views, byte-stable
files, listed in datapackage.json; and a real datasette serving them answers a query through its JSON API."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from test_publish_support import frictionless_valid, published_base

from pipeline.lookup import flat_rows, lookup
from pipeline.publish.datapackage import file_resources
from pipeline.publish.sqlite import (FTS_TABLE, METADATA_NAME, SQLITE_NAME, release_tables,
                                     write_datasette_metadata, write_sqlite)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = published_base(tmp_path_factory) / "out"
    tables = release_tables(out)
    folder = tmp_path_factory.mktemp("sqlite")
    return out, tables, write_sqlite(tables, folder), write_datasette_metadata(tables, folder)


def _columns(db, table):
    return {row[1]: {"type": row[2], "notnull": row[3], "pk": row[5]}
            for row in db.execute(f"PRAGMA table_info({table})")}


def test_every_table_with_declared_types_keys_and_indexes(built):
    _, tables, path, _ = built
    db = sqlite3.connect(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(tables) <= names and FTS_TABLE in names
    for name, table in tables.items():
        assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(table.rows), name
        assert "STRICT" in db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    ind = _columns(db, "indicators")
    assert (ind["page"]["type"], ind["bbox_x0"]["type"], ind["text"]["type"], ind["dimensions_inferred"]["type"]) == (
        "INTEGER", "REAL", "TEXT", "INTEGER")
    assert ind["indicator_id"]["pk"] == 1 and ind["text"]["notnull"] == 1 and ind["area"]["notnull"] == 0
    assert [c for c, v in _columns(db, "levels").items() if v["pk"]] == ["document", "level_rank"]
    fks = {(r[2], r[3], r[4]) for r in db.execute("PRAGMA foreign_key_list(indicators)")}
    assert {("frameworks", "framework", "framework"), ("documents", "document", "document"),
            ("levels", "document", "document"), ("levels", "level_rank", "level_rank")} <= fks
    # comparison tables link their indicator ids (datasette shows them as links)
    assert ("indicators", "match_id", "indicator_id") in {(r[2], r[3], r[4]) for r in
                                                         db.execute("PRAGMA foreign_key_list(matches)")}
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_indicators_framework", "idx_indicators_document_level_rank", "idx_matches_match_id"} <= indexes
    # booleans are 0/1, integers stay integers
    assert {r[0] for r in db.execute("SELECT DISTINCT typeof(dimensions_inferred) FROM indicators")} == {"integer"}
    assert db.execute("SELECT count(*) FROM indicators WHERE dimensions_inferred NOT IN (0, 1)").fetchone()[0] == 0


def test_full_text_search_and_views(built):
    _, _, path, _ = built
    db = sqlite3.connect(path)
    hits = db.execute(f"SELECT i.text FROM {FTS_TABLE} JOIN indicators i ON i.rowid = {FTS_TABLE}.rowid "
                      f"WHERE {FTS_TABLE} MATCH 'homelessness' ORDER BY bm25({FTS_TABLE})").fetchall()
    texts = [h[0] for h in hits]
    assert "No fixed abode or homeless" in texts and "Intentionally homeless" in texts  # porter: homeless(ness)
    row = db.execute("SELECT * FROM indicator_details WHERE text = 'Intentionally homeless'").fetchone()
    names = [d[0] for d in db.execute("SELECT * FROM indicator_details LIMIT 0").description]
    record = dict(zip(names, row))
    assert record["framework"] == "milton-keynes" and record["authority"] == "Milton Keynes"
    assert record["canonical_level"] == 3 and record["canonical_level_name"] == "complex"
    assert record["level_label"] == "EARLY HELP TARGETED INTERVENTION" and record["level_description"]
    assert record["page"] >= 1 and len(record["document_sha256"]) == 64 and record["current_document"] == 1
    assert "Homeless" in (record["themes"] or "")
    spread = db.execute("SELECT framework, min_level, max_level FROM theme_framework_levels WHERE theme = 'neet' "
                        "ORDER BY framework").fetchall()
    assert spread == [("milton-keynes", 2, 3), ("worcestershire", 2, 3)]
    assert db.execute("SELECT count(*) FROM current_indicators").fetchone()[0] == 378


def test_datasette_metadata_from_the_table_schema(built):
    _, tables, _, metadata = built
    meta = json.loads(metadata.read_text(encoding="utf-8"))
    assert meta["license"] == "CC-BY-4.0" and meta["license_url"].startswith("https://") and meta["source"]
    indicators = meta["databases"]["threshold"]["tables"]["indicators"]
    assert indicators["columns"]["level_rank"] == tables["indicators"].spec.field("level_rank").description
    assert indicators["fts_table"] == FTS_TABLE and indicators["description"]
    assert "lookup" in meta["databases"]["threshold"]["queries"]


def test_files_are_byte_stable_and_listed_in_the_package(built, tmp_path):
    out, tables, path, metadata = built
    again = write_sqlite(release_tables(out), tmp_path, strict=True)
    assert again.read_bytes() == path.read_bytes()
    assert write_datasette_metadata(tables, tmp_path).read_bytes() == metadata.read_bytes()
    # a copy of the release with both files listed (as the publish stage lists them) is still a valid package
    copy = tmp_path / "release"
    shutil.copytree(out.resolve() / ".current", copy, symlinks=False)
    shutil.copy(path, copy / SQLITE_NAME)
    shutil.copy(metadata, copy / METADATA_NAME)
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    # (a release published with them lists them already: list them afresh)
    package["resources"] = [r for r in package["resources"] if r["path"] not in (SQLITE_NAME, METADATA_NAME)]
    package["resources"] += file_resources(copy)
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    listed = {r["path"]: r for r in package["resources"]}
    assert listed[SQLITE_NAME]["bytes"] == path.stat().st_size and listed[METADATA_NAME]["hash"].startswith("sha256:")
    assert frictionless_valid(copy) == []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> dict | list:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def test_datasette_serves_the_file_and_answers_through_its_json_api(built):
    _, _, path, metadata = built
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(path), "--metadata", str(metadata),
                               "--host", "127.0.0.1", "--port", str(port), "--immutable", str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()  # (reading a live server's output would wait for ever)
                    raise AssertionError(f"datasette did not start: {server.stdout.read().decode()[-2000:]}")
                time.sleep(0.3)
        sql = ("SELECT framework, canonical_level, text FROM indicators WHERE text LIKE '%NEET%' "
               "ORDER BY framework, canonical_level, text")
        rows = _get(f"{base}/threshold.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))
        assert {(r["framework"], r["canonical_level"]) for r in rows} == {
            ("milton-keynes", 2), ("milton-keynes", 3), ("worcestershire", 2), ("worcestershire", 3)}
        found = _get(f"{base}/threshold/indicators.json?" + urllib.parse.urlencode(
            {"_search": "privately fostered", "_shape": "array"}))
        assert found and all("fostered" in r["text"].lower() for r in found)
        canned = _get(f"{base}/threshold/words.json?" + urllib.parse.urlencode({"words": "homeless",
                                                                                "_shape": "array"}))
        assert {r["framework"] for r in canned} == {"milton-keynes", "worcestershire"}
        # the practitioner look-up through the package's datasette plugin: the answers of `threshold lookup`
        description = "They're being evicted and will have nowhere to live"
        served_rows = _get(f"{base}/threshold/lookup.json?" + urllib.parse.urlencode(
            {"description": description, "_shape": "array"}))
        expected = flat_rows(lookup(path.parent, description))
        assert [(r["framework"], r["indicator_id"], r["why"]) for r in served_rows] == \
            [(r["framework"], r["indicator_id"], r["why"]) for r in expected]
        assert any("homelessness" in r["why"] for r in served_rows)
        served = _get(f"{base}/-/metadata.json")
        assert served["databases"]["threshold"]["tables"]["indicators"]["columns"]["text"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

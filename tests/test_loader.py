"""`from pipeline import load`: the published tables as DataFrames typed as the Table Schema declares."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from test_publish_support import ROOT, published_base

import pipeline
from pipeline import load
from pipeline.loader import ReleaseNotFound


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    return load(published_base(tmp_path_factory) / "out")


def test_every_published_table_typed_as_declared(ds):
    assert ds.tables[:3] == ["indicators", "levels", "documents"] and "matches" in ds and len(ds) == len(ds.tables)
    ind = ds.indicators
    assert ind is ds["indicators"] and len(ind) == 378
    dtypes = ind.dtypes.astype(str).to_dict()
    assert dtypes["page"] == dtypes["level_rank"] == dtypes["canonical_level"] == "Int64"
    assert dtypes["bbox_x0"] == "Float64" and dtypes["dimensions_inferred"] == "boolean"
    assert dtypes["text"] == dtypes["framework"] == "string"
    for name in ds.tables:  # every column of every table has the dtype its Table Schema type gives
        fields = {f["name"]: f["type"] for f in ds.schema(name)["fields"]}
        lists = set(ds.describe(name).query("list")["column"])
        for column, kind in fields.items():
            if column in lists:
                assert ds[name][column].map(lambda v: isinstance(v, list)).all(), (name, column)
            else:
                expected = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}[kind]
                assert str(ds[name][column].dtype) == expected, (name, column)


def test_missing_values_are_na_and_lists_are_lists(ds):
    ind = ds.indicators
    assert ind["severity"].isna().any() and ind["severity"][ind["severity"].isna()].map(lambda v: v is pd.NA).all()
    row = ind[ind["text"] == "Missing/poor attendance at medical appointments or frequent attendance or admissions to "
                             "hospital"].iloc[0]
    assert isinstance(row["themes"], list) and isinstance(row["canonical_dimensions"], list)
    assert row["canonical_dimensions"] == ["health"]
    assert ind["protective_themes"].map(len).min() == 0  # empty lists, never None
    findings = ds.findings
    assert all(isinstance(v, list) for v in findings["indicator_ids"]) and all(
        isinstance(v, list) for v in findings["pages"])
    levels = ds.levels
    assert levels["indicators"].sum() == 378 and levels["indicators"].dtype == "Int64"


def test_describe_and_metadata(ds):
    described = ds.describe("indicators").set_index("column")
    assert described.loc["page", "type"] == "integer" and not described.loc["page", "required"]  # empty: Word, web
    assert described.loc["indicator_id", "required"] and described.loc["locator", "type"] == "string"
    assert described.loc["themes", "list"] and "Theme ids" in described.loc["themes", "description"]
    assert ds.version == "1.1.0" and ds.path.name == "out" and "indicators" in dir(ds)
    with pytest.raises(KeyError):
        ds["nothing"]
    with pytest.raises(AttributeError):
        ds.nothing


def test_default_folder_and_relative_paths(tmp_path_factory, monkeypatch, tmp_path):
    out = published_base(tmp_path_factory) / "out"
    monkeypatch.setenv("PIPELINE_DATA", str(out))
    assert pipeline.load().path == out.resolve()
    monkeypatch.chdir(tmp_path)  # a relative folder not found here is looked up from the repository
    assert load(os.path.relpath(out, ROOT)).path == out.resolve()
    with pytest.raises(ReleaseNotFound, match="run `make run`"):
        load(tmp_path / "empty")

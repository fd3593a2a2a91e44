"""Extraction's named settings (pipeline/extract/settings.py): overrides are validated, scoped, change what is
read, reach the worker processes and the cache key, and every setting is documented."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.extract import extract_document, settings
from pipeline.extract.settings import SETTINGS

from conftest import ROOT, threshold

WORD_DOC = ROOT / "tests/data/corpus/dev_docx/worcestershire__matrix__v5.docx"


def test_an_unknown_setting_is_refused_with_the_nearest_name():
    with pytest.raises(ValueError, match=r"unknown extraction setting 'wide_gap'.*did you mean 'wide_gap_em'"):
        settings.resolve({"wide_gap": 2})


@pytest.mark.parametrize("value", ["abc", "inf", "nan", True, None, "1e999"])
def test_a_setting_must_be_a_finite_number(value):
    with pytest.raises(ValueError, match="needs a number"):
        settings.resolve({"wide_gap_em": value})


def test_a_count_setting_takes_whole_numbers_only():
    assert settings.resolve({"max_levels": "5"}) == {"max_levels": 5}
    with pytest.raises(ValueError, match="needs a whole number"):
        settings.resolve({"max_levels": "5.5"})


def test_command_line_pairs_are_parsed_and_checked():
    assert settings.parse(["wide_gap_em=1.8", " max_levels = 4 "]) == {"wide_gap_em": 1.8, "max_levels": 4}
    with pytest.raises(ValueError, match="name=value"):
        settings.parse(["wide_gap_em"])


def test_an_override_holds_only_inside_its_block_even_when_it_fails():
    before = SETTINGS.wide_gap_em
    with pytest.raises(RuntimeError):
        with settings.overridden({"wide_gap_em": before * 2}):
            assert SETTINGS.wide_gap_em == before * 2
            raise RuntimeError("the extraction failed")
    assert SETTINGS.wide_gap_em == before


def test_the_cache_key_of_default_settings_is_the_code_version_and_an_override_changes_it():
    from pipeline.extract.stage import code_version

    assert settings.fingerprint({}) == ""
    assert code_version({}) == code_version()
    assert code_version({"wide_gap_em": 1.8}) != code_version()
    assert code_version({"wide_gap_em": 1.8}) == code_version({"wide_gap_em": "1.8"})


def test_an_override_changes_what_is_extracted():
    """max_indicator_chars cuts every longer bullet to that length, with a warning naming the length."""
    plain = extract_document(WORD_DOC)
    longest = max(len(i["text"]) for i in plain["indicators"])
    assert longest > 30
    with settings.overridden({"max_indicator_chars": 30}):
        cut = extract_document(WORD_DOC)
    assert max(len(i["text"]) for i in cut["indicators"]) == 30
    assert any("longer than 30 characters" in w for w in cut["warnings"])
    assert extract_document(WORD_DOC)["indicators"] == plain["indicators"]  # the default is back


def test_the_command_line_override_reaches_the_workers_and_is_never_served_from_the_cache(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(WORD_DOC, raw)
    out = tmp_path / "out"
    interim = out / "interim" / f"{WORD_DOC.stem}.json"

    def longest(*more: str) -> int:
        done = threshold("extract", "--raw-docs", str(raw), "--out", str(out), "--no-progress", *more)
        assert done.returncode == 0, done.stderr
        return max(len(i["text"]) for i in json.loads(interim.read_text())["indicators"])

    default = longest()
    assert longest("--setting", "max_indicator_chars=30") == 30
    assert longest() == default  # the default run's cache entry, not the override's
    bad = threshold("extract", "--raw-docs", str(raw), "--out", str(out), "--setting", "wide_gap=2")
    assert bad.returncode == 2 and "did you mean 'wide_gap_em'" in bad.stderr


def test_every_setting_is_documented_with_its_default():
    doc = (ROOT / "docs/extraction.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(\w+)` \| ([\d.]+) \|", doc, re.MULTILINE))
    defaults = {name: getattr(settings.Settings(), name) for name in settings.names()}
    assert set(listed) == set(defaults)
    assert {name: type(value)(listed[name]) for name, value in defaults.items()} == defaults

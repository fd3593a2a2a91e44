"""`threshold lookup`: the indicators closest to a free-text description, per framework, with levels, provenance,
a score, and where the frameworks agree or differ (on the published Milton Keynes + Worcestershire release)."""

from __future__ import annotations

import json
import shutil

import pytest
from test_publish_support import published_base
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.lookup import LookupError_, lookup, query_themes, render, summarise
from pipeline.publish.sqlite import release_tables, write_sqlite


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """A folder holding the release's threshold.sqlite (what lookup reads)."""
    folder = tmp_path_factory.mktemp("lookup")
    write_sqlite(release_tables(published_base(tmp_path_factory) / "out"), folder)
    return folder


def _group(result, framework):
    return next(g for g in result["frameworks"] if g["framework"] == framework)


def test_closest_indicators_per_framework_with_levels_and_provenance(out):
    result = lookup(out, "persistent truanting", top=2)
    assert [g["framework"] for g in result["frameworks"]] == ["milton-keynes", "worcestershire"]
    best = _group(result, "worcestershire")["hits"][0]
    assert best["text"] == "Persistent truanting, poor school attendance, previous fixed term exclusions"
    assert (best["level_rank"], best["canonical_level"], best["domain"]) == (3, 3, "Education")
    assert best["page"] >= 1 and 0.5 < best["score"] <= 1 and best["conflicts"] == []
    assert best["why"] == "school attendance · persistent"
    # Milton Keynes has no truanting bullet: its school-attendance indicators come through the theme, and say so
    mk = _group(result, "milton-keynes")["hits"]
    assert len(mk) == 2 and all("attendance" in h["text"] or "absences" in h["text"] for h in mk)
    assert all(h["why"].startswith("school attendance") for h in mk)
    # an unqualified "poor attendance" does not say otherwise than "persistent": both frameworks answer at level 3
    assert result["summary"].startswith("Agree: all 2 frameworks") and "level 3" in result["summary"]
    assert query_themes("persistent truanting") == ["school_attendance"]


def test_frameworks_that_differ_are_named_with_their_levels(out):
    result = lookup(out, "domestic abuse")
    mk, wo = (_group(result, f)["hits"][0] for f in ("milton-keynes", "worcestershire"))
    assert "domestic abuse" in mk["text"].lower() and "domestic abuse" in wo["text"].lower()
    if mk["canonical_level"] != wo["canonical_level"]:
        assert result["summary"].startswith("Differ: canonical level")
        assert f"{mk['canonical_level']} (" in result["summary"] and f"{wo['canonical_level']} (" in result["summary"]


def test_a_strength_is_not_answered_with_a_concern(out):
    result = lookup(out, "no substance misuse", frameworks=["worcestershire", "milton-keynes"])
    assert _group(result, "worcestershire")["hits"][0]["text"] == "No substance misuse"
    assert all("a strength against a concern" in h["conflicts"] for h in _group(result, "milton-keynes")["hits"])
    assert "no close indicator in milton-keynes" in result["summary"]


def test_age_and_duration_are_respected(out):
    result = lookup(out, "sexual activity under 13", frameworks=["worcestershire"], top=10)
    hits = _group(result, "worcestershire")["hits"]
    assert hits[0]["text"] == "Sexual activity under the age of 13" and hits[0]["canonical_level"] == 4
    under_16 = [h for h in hits if "under 16" in h["text"]]
    assert under_16 and all("age under 13 vs under 16" in h["conflicts"] for h in under_16)
    neet = _group(lookup(out, "NEET for more than six weeks", frameworks=["milton-keynes"]), "milton-keynes")["hits"]
    assert neet[0]["text"].endswith("more than six weeks") and not neet[0]["conflicts"]
    assert [h for h in neet if h["text"].endswith("less than six weeks")][0]["conflicts"] == ["different durations"]


def test_summary_and_render():
    hit = {"framework": "a", "score": 0.8, "canonical_level": 3, "conflicts": [], "text": "Bullet", "level_rank": 2,
           "level_label": "Targeted", "area": None, "domain": "Health", "page": None, "locator": "table 2, row 3"}
    groups = [{"framework": "a", "document": "a.docx", "hits": [hit]},
              {"framework": "b", "document": "b.pdf", "hits": [{**hit, "framework": "b", "canonical_level": 2}]},
              {"framework": "c", "document": "c.pdf", "hits": []}]
    assert summarise(groups) == ("Differ: canonical level 2 (additional) in b; 3 (complex) in a; no close indicator "
                                 "in c.")
    text = render({"query": "q", "top": 1, "frameworks": groups, "summary": summarise(groups)})
    assert "table 2, row 3" in text and "level 2 Targeted" in text and "no indicator shares a word" in text


def test_without_a_sqlite_file_the_release_is_indexed_once_in_the_cache(tmp_path_factory, tmp_path):
    release = published_base(tmp_path_factory) / "out" / ".current"
    copy = tmp_path / "out"
    shutil.copytree(release.resolve(), copy)
    (copy / "threshold.sqlite").unlink(missing_ok=True)  # a release made before threshold.sqlite existed
    result = lookup(copy, "privately fostered", frameworks=["worcestershire"], top=1)
    assert "privately fostered" in _group(result, "worcestershire")["hits"][0]["text"].lower()
    assert len(list((copy / ".cache" / "lookup").glob("*/threshold.sqlite"))) == 1


def test_cli_prints_text_or_json_and_refuses_bad_input(out, tmp_path):
    runner = CliRunner()
    shown = runner.invoke(app, ["lookup", "missing from home", "--out", str(out), "--top", "1"])
    assert shown.exit_code == 0, shown.output
    assert "milton-keynes" in shown.output and "worcestershire" in shown.output and "canonical" in shown.output
    as_json = runner.invoke(app, ["lookup", "missing from home", "--out", str(out), "-f", "worcestershire", "--json"])
    data = json.loads(as_json.output)
    assert [g["framework"] for g in data["frameworks"]] == ["worcestershire"] and data["summary"]
    assert runner.invoke(app, ["lookup", "x", "--out", str(out), "-f", "nowhere"]).exit_code == 2
    assert runner.invoke(app, ["lookup", "x", "--out", str(tmp_path)]).exit_code == 2
    with pytest.raises(LookupError_):
        lookup(out, "  ")

"""Theme x framework levels, disagreement ranking, shared templates and coverage on constructed frameworks."""

from __future__ import annotations

import re

from test_compare_support import frame, make_rows, truth_rows

from pipeline.compare.coverage import group_coverage, level_area_counts
from pipeline.compare.io import load_early_help_groups, load_settings
from pipeline.compare.matching import top_matches
from pipeline.compare.templates import template_groups, template_pairs
from pipeline.compare.themes import theme_levels, theme_spread

SETTINGS = load_settings()
CD, FE = "child_development", "family_environment"


def _three_frameworks():
    a = make_rows("aaa", [(2, 2, CD, "education", "NEET for a few weeks", "neet"),
                          (3, 3, CD, "education", "NEET for months", "neet"),
                          (4, 4, CD, "health", "Risk of FGM", "fgm"),
                          (2, 2, CD, "health", "Young carer", "young_carer")])
    b = make_rows("bbb", [(3, 3, CD, "education", "Not in education, employment or training", "neet"),
                          (4, 4, CD, "health", "FGM suspected", "fgm")])
    c = make_rows("ccc", [(4, 4, CD, "education", "Long-term NEET", "neet"), (4, 4, CD, "education", "NEET", "neet")])
    return frame(a + b + c)


def test_theme_levels_cells_carry_their_indicator_ids():
    indicators = _three_frameworks()
    cells = theme_levels(indicators)
    neet_c = [c for c in cells if c["theme"] == "neet" and c["framework"] == "ccc"]
    assert len(neet_c) == 1 and neet_c[0]["canonical_level"] == 4 and neet_c[0]["n_indicators"] == 2
    expected = sorted(indicators.loc[indicators["framework"] == "ccc", "indicator_id"])
    assert sorted(neet_c[0]["indicator_ids"]) == expected
    assert [(c["framework"], c["canonical_level"]) for c in cells if c["theme"] == "neet"] == [
        ("aaa", 2), ("aaa", 3), ("bbb", 3), ("ccc", 4)]


def test_spread_ranks_the_theme_frameworks_disagree_on():
    spread = {r["theme"]: r for r in theme_spread(theme_levels(_three_frameworks()), {})}
    neet, fgm, carer = spread["neet"], spread["fgm"], spread["young_carer"]
    assert (neet["min_level"], neet["max_level"], neet["entry_spread"]) == (2, 4, 2)
    assert neet["entry_levels"] == ["aaa:2", "bbb:3", "ccc:4"]
    assert neet["mean_level_min"] == 2.5 and neet["mean_spread"] == 1.5
    assert neet["disagreement_rank"] == 1 and fgm["disagreement_rank"] == 2 and fgm["entry_spread"] == 0
    assert carer["n_frameworks"] == 1 and carer["disagreement_rank"] is None


def test_template_groups_count_a_shared_template_once():
    spread = {r["theme"]: r for r in theme_spread(theme_levels(_three_frameworks()), {"bbb": "aaa", "aaa": "aaa",
                                                                                      "ccc": "ccc"})}
    assert spread["neet"]["n_frameworks"] == 3 and spread["neet"]["n_template_groups"] == 2


def _derived_template(rows):
    """Another council re-using a template: drops every 5th indicator, respells '&'/'and', adds its own."""
    out = []
    for i, row in enumerate(rows):
        if i % 5 == 4:
            continue
        row = dict(row, framework="bucks-test", document="bucks-test.pdf",
                   indicator_id=row["indicator_id"].replace("milton-keynes", "bucks-test"))
        row["text"] = re.sub(r"\band\b", "&", row["text"]) if i % 3 == 0 else row["text"]
        out.append(row)
    own = make_rows("bucks-test", [(2, 2, CD, "health", f"Local pathway criterion number {n} for referral", "")
                                   for n in range(30)], document="bucks-test.pdf")
    return out + own


def test_shared_template_detected_and_distinct_frameworks_not():
    mk = truth_rows("milton-keynes__level_grid__v1")[0]
    worcs = truth_rows("worcestershire__level_tables__v1")[0]
    indicators = frame(mk + worcs + _derived_template(mk))
    matches = top_matches(indicators, SETTINGS["matching"])
    pairs = {(p["framework_a"], p["framework_b"]): p for p in template_pairs(indicators, matches, SETTINGS["templates"])}
    assert pairs[("bucks-test", "milton-keynes")]["shared_template"] is True
    assert pairs[("bucks-test", "milton-keynes")]["share_b"] >= 0.7
    assert pairs[("milton-keynes", "worcestershire")]["shared_template"] is False
    assert pairs[("bucks-test", "worcestershire")]["shared_template"] is False
    groups = template_groups(["bucks-test", "milton-keynes", "worcestershire"], list(pairs.values()))
    assert groups == {"bucks-test": "bucks-test", "milton-keynes": "bucks-test", "worcestershire": "worcestershire"}


def test_early_help_group_coverage():
    rows = make_rows("eee", [(4, 4, CD, "health", "Risk of FGM", "fgm"),
                             (2, 2, CD, "health", "Young carer", "young_carer"),
                             (3, 3, FE, "housing", "Domestic abuse at home", "domestic_abuse"),
                             (1, 1, CD, "health", "No substance misuse", "")])
    rows[3]["protective_themes"] = "child_substance_misuse"
    groups = load_early_help_groups()
    coverage = {r["group"]: r for r in group_coverage(frame(rows), groups)}
    assert len(coverage) == len(groups) == 20
    assert coverage["fgm"]["mentioned"] and coverage["fgm"]["canonical_levels"] == [4]
    assert coverage["young_carer"]["mentioned"] and coverage["young_carer"]["n_indicators"] == 1
    family = coverage["family_circumstances"]
    assert family["mentioned"] and family["themes_found"] == ["domestic_abuse"]
    assert "parental_substance_misuse" in family["themes_missing"]
    assert not coverage["own_substance_misuse"]["mentioned"], "a protective statement is not a mention"
    assert sum(r["mentioned"] for r in coverage.values()) == 3


def test_level_area_counts_full_grid_with_zeros_and_unmapped():
    rows = make_rows("fff", [(1, 1, CD, "health", "Good health", ""), (2, 2, CD, "health", "Unmet needs", ""),
                             (2, 2, CD, "health", "Missed appointments", ""), (5, None, "", "", "Odd level", "")])
    counts = {(r["canonical_level"], r["canonical_area"]): r["n_indicators"] for r in level_area_counts(frame(rows))}
    assert len(counts) == 13
    assert counts[(1, CD)] == 1 and counts[(2, CD)] == 2 and counts[(4, FE)] == 0 and counts[(None, "")] == 1


def test_protective_themes_are_not_placements():
    """themes may carry the protective ones too (marked in protective_themes): only concerns place a theme."""
    rows = make_rows("ggg", [(1, 1, CD, "health", "No substance misuse", "child_substance_misuse"),
                             (3, 3, CD, "health", "Substance misuse affecting school, no mental health concern",
                              "child_substance_misuse;child_mental_health")])
    rows[0]["protective_themes"] = "child_substance_misuse"
    rows[1]["protective_themes"] = "child_mental_health"
    cells = theme_levels(frame(rows))
    assert [(c["theme"], c["canonical_level"]) for c in cells] == [("child_substance_misuse", 3)]


def test_universal_level_is_listed_but_not_a_placement_in_the_spread():
    rows = make_rows("hhh", [(1, 1, CD, "health", "Carers protect from danger and harm", "significant_harm"),
                             (4, 4, CD, "health", "Child at risk of significant harm", "significant_harm")])
    rows += make_rows("iii", [(4, 4, CD, "health", "Significant harm", "significant_harm")])
    cells = theme_levels(frame(rows))
    assert [(c["framework"], c["canonical_level"]) for c in cells] == [("hhh", 1), ("hhh", 4), ("iii", 4)]
    spread = theme_spread(cells, {})[0]
    assert (spread["entry_levels"], spread["min_level"], spread["entry_spread"]) == (["hhh:4", "iii:4"], 4, 0)

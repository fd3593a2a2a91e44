"""Level crosswalk: the dev frameworks' real labels and unseen label styles (3-, 5- and 6-level schemes,
numbered labels, "Tier 3", shared names), with anything unmappable reported by name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from pipeline.normalise import run_normalise
from pipeline.normalise.crosswalk_files import DataFileError
from pipeline.normalise.fixtures import write_interim
from pipeline.normalise.levels import load_level_crosswalk, map_levels, order_conflicts

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"


def scheme(*labels, descriptions=None):
    descriptions = descriptions or [None] * len(labels)
    return [{"rank": i + 1, "label": lab, "description": d} for i, (lab, d) in enumerate(zip(labels, descriptions))]


def canon(levels):
    return [m.canonical for m in map_levels(levels)]


@pytest.mark.parametrize("truth_path", sorted(DEV.glob("*.truth.yaml"))[::11], ids=lambda p: p.name.split("__")[0])
def test_dev_frameworks_real_labels(truth_path):
    truth = yaml.safe_load(truth_path.read_text(encoding="utf-8"))
    levels = [{"rank": i + 1, "label": lv["label"], "description": lv["description"]}
              for i, lv in enumerate(truth["levels"])]
    assert canon(levels) == [truth["canonical"]["levels"][lv["id"]] for lv in truth["levels"]]


def test_dev_labels_map_by_name_even_outside_a_four_level_scheme():
    """Not only because the documents have four levels: each name maps on its own."""
    labels = ["Universal", "EARLY HELP ADDITIONAL NEEDS", "EARLY HELP TARGETED INTERVENTION", "CHILDREN SOCIAL CARE",
              "Universal Services", "Additional Support", "Threshold to work with partners as Targeted Support",
              "Criteria for Statutory Social Work Intervention"]
    assert canon(scheme(*labels)) == [1, 2, 3, 4, 1, 2, 3, 4]


def test_three_level_scheme():
    assert canon(scheme("Universal", "Early Help", "Specialist")) == [1, 2, 4]


def test_five_level_numbered_scheme():
    levels = scheme("Level 1 - Universal", "Level 2 - Universal Plus", "Level 3 – Targeted Early Help",
                    "Level 4: Child in Need", "Level 5: Child Protection")
    assert canon(levels) == [1, 2, 3, 4, 4]


def test_six_level_scheme_with_split_specialist_level():
    levels = scheme("Universal", "Universal Plus", "Additional Needs", "Complex Needs (multi-agency)",
                    "Child in Need (s17)", "Child Protection (s47)")
    assert canon(levels) == [1, 2, 2, 3, 4, 4]


def test_level_two_dash_name_and_tier_numbers():
    cw = load_level_crosswalk()
    assert cw.parse("Level Two - Additional") == (2, "additional")
    assert cw.parse("LEVEL FOUR") == (4, "")
    assert cw.parse("Tier 3") == (3, "")
    assert canon(scheme("Level One - Universal", "Level Two - Additional", "Level Three - Complex",
                        "Level Four - Acute")) == [1, 2, 3, 4]
    assert canon(scheme("Tier 1", "Tier 2", "Tier 3", "Tier 4")) == [1, 2, 3, 4]
    assert [m.method for m in map_levels(scheme("Tier 1", "Tier 2", "Tier 3", "Tier 4"))] == ["four_levels"] * 4


def test_specialist_support_and_intensive_support():
    levels = scheme("Universal", "Early Help", "Intensive Support", "Specialist Support", "Acute")
    assert canon(levels) == [1, 2, 3, 4, 4]


def test_four_unknown_names_in_order_map_by_rank():
    mappings = map_levels(scheme("Green", "Yellow", "Amber", "Red"))
    assert [m.canonical for m in mappings] == [1, 2, 3, 4]
    assert {m.method for m in mappings} == {"four_levels"}


def test_shared_name_in_four_level_document_uses_rank():
    assert canon(scheme("Universal", "Early Help", "Early Help", "Statutory")) == [1, 2, 3, 4]


def test_shared_name_decided_by_descriptions():
    levels = scheme("Universal", "Early Help", "Early Help", "Child in Need", "Child Protection",
                    descriptions=[None, "Needs met by a single agency", "A multi-agency plan is needed", None, None])
    assert canon(levels) == [1, 2, 3, 4, 4]


def test_shared_name_both_specialist_stays_specialist():
    assert canon(scheme("Universal", "Early Help", "Targeted", "Specialist", "Specialist")) == [1, 2, 3, 4, 4]


def test_unmappable_labels_are_left_empty_not_guessed():
    mappings = map_levels(scheme("Universal", "Band B", "Band C", "Band D", "Statutory"))
    assert [m.canonical for m in mappings] == [1, None, None, None, 4]
    assert [m.method for m in mappings][1:4] == ["unmapped"] * 3
    numbered_only = map_levels(scheme("Level 1", "Level 2", "Level 3", "Level 4", "Level 5"))
    assert [m.canonical for m in numbered_only] == [None] * 5
    assert numbered_only[0].detail == "numbered only"


def test_order_conflicts_are_reported():
    mappings = map_levels(scheme("Specialist assessment", "Universal", "Early Help"))
    assert order_conflicts(mappings)


def _renamed_document(tmp_path, keep_descriptions: bool) -> None:
    """A real document whose middle levels get unknown names, in a five-level scheme."""
    (interim,) = write_interim([DEV / "milton-keynes__matrix__v1.truth.yaml"], tmp_path)
    doc = json.loads(interim.read_text(encoding="utf-8"))
    renamed = {"EARLY HELP ADDITIONAL NEEDS": "Band B", "EARLY HELP TARGETED INTERVENTION": "Band C"}
    doc["levels"] = [{**lv, "label": renamed.get(lv["label"], lv["label"]),
                      "description": lv["description"] if keep_descriptions else None} for lv in doc["levels"]]
    doc["levels"].append({"rank": 5, "label": "Child Protection", "description": None})
    for ind in doc["indicators"]:
        ind["level_label"] = renamed.get(ind["level_label"], ind["level_label"])
    interim.write_text(json.dumps(doc), encoding="utf-8")


def test_unknown_names_fall_back_on_descriptions_and_are_listed_for_review(tmp_path):
    _renamed_document(tmp_path, keep_descriptions=True)
    run_normalise(tmp_path / "raw", tmp_path)
    report = json.loads((tmp_path / "normalised" / "report.json").read_text(encoding="utf-8"))
    fw = report["frameworks"]["milton-keynes"]
    assert fw["unmapped_levels"] == []
    fallbacks = {(m["label"], m["mapped_to"], m["mapping"]) for m in fw["fallback_mappings"] if m["kind"] == "level"}
    assert fallbacks == {("Band B", "2", "description"), ("Band C", "3", "description")}


def test_unmapped_level_is_reported_by_name(tmp_path):
    _renamed_document(tmp_path, keep_descriptions=False)
    summary = run_normalise(tmp_path / "raw", tmp_path)
    report = json.loads((tmp_path / "normalised" / "report.json").read_text(encoding="utf-8"))
    assert report["frameworks"]["milton-keynes"]["unmapped_levels"] == ["Band B", "Band C"]
    assert summary["unmapped_levels"] == 2
    assert '"Band B", "Band C"' in (tmp_path / "normalised" / "report.md").read_text(encoding="utf-8")
    with open(tmp_path / "normalised" / "indicators.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["canonical_level"] for r in rows if r["level_label"] in ("Band B", "Band C")} == {""}
    assert {r["canonical_level"] for r in rows if r["level_label"] == "Universal"} == {"1"}


def test_bad_crosswalk_file_names_file_and_reason(tmp_path):
    bad = tmp_path / "level_crosswalk.yaml"
    bad.write_text("labels:\n  universal: 5\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"level_crosswalk\.yaml: labels\.universal: level must be 1-4"):
        load_level_crosswalk(str(bad))

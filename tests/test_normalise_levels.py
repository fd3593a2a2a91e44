"""Level crosswalk: the dev frameworks' level schemes (the seeds exactly, the synthetic ones to a measured
accuracy) and unseen label styles (3-, 5- and 6-level schemes, numbered labels, "Tier 3", "(Level 3)", shared
names, names used for different levels), with anything unmappable reported by name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from pipeline.normalise import run_normalise
from pipeline.vocab.crosswalk_files import DataFileError
from interim_from_truth import write_interim
from pipeline.vocab.levels import load_level_crosswalk, map_levels, order_conflicts

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"


def scheme(*labels, descriptions=None):
    descriptions = descriptions or [None] * len(labels)
    return [{"rank": i + 1, "label": lab, "description": d} for i, (lab, d) in enumerate(zip(labels, descriptions))]


def canon(levels):
    return [m.canonical for m in map_levels(levels)]


def _dev_schemes() -> dict[str, list[tuple[str, str | None, int | None, int]]]:
    """Each dev framework's level scheme: (label, description, printed number, hand canonical level), lowest need
    first."""
    schemes = {}
    for path in sorted(DEV.glob("*.truth.yaml")):
        truth = yaml.safe_load(path.read_text(encoding="utf-8"))
        schemes.setdefault(truth["slug"], [(lv["label"], lv.get("description"), lv.get("number"),
                                            truth["canonical"]["levels"][lv["id"]]) for lv in truth["levels"]])
    return schemes


SCHEMES = _dev_schemes()
# Measured: 132 of the 133 synthetic levels the documents give a basis for agree with the hand mapping. The one that
# does not is "Universal Plus" in a six-level scheme with no descriptions (synth-18), where nothing in the document
# says whether it is the second universal level or the first early help one; the crosswalk keeps its usual level
# (2) there. Four more (synth-31: "Extra (i)", "Extra (ii)", "Family plan", "Serious worry") have neither a level
# word, a number nor a description: they are reported unmapped, never guessed.
SYNTHETIC_LEVELS_MIN = 0.97


def _scheme_canon(scheme):
    return canon([{"rank": i + 1, "label": lab, "description": d, "number": n}
                  for i, (lab, d, n, _) in enumerate(scheme)])


def _knowable(label: str, description: str | None, number: int | None, n_levels: int) -> bool:
    """Does the document give the crosswalk anything to map a level by: a level word, a number, a description, or
    a scheme of exactly four levels (one per canonical level, in order)?"""
    cw = load_level_crosswalk()
    return (description is not None or number is not None or n_levels == 4
            or cw.by_name(cw.parse(label)[1])[0] is not None)


@pytest.mark.parametrize("slug", [s for s in SCHEMES if not s.startswith("synth-")])
def test_seed_frameworks_real_labels(slug):
    assert _scheme_canon(SCHEMES[slug]) == [want for *_, want in SCHEMES[slug]]


def test_synthetic_level_schemes_against_the_hand_mapping():
    synthetic = {s: scheme for s, scheme in SCHEMES.items() if s.startswith("synth-")}
    got = {(slug, i): canonical for slug, scheme in synthetic.items()
           for i, canonical in enumerate(_scheme_canon(scheme))}
    levels = [(slug, i, lab, want, _knowable(lab, d, n, len(scheme))) for slug, scheme in synthetic.items()
              for i, (lab, d, n, want) in enumerate(scheme)]
    knowable = [lv for lv in levels if lv[4]]
    wrong = [(slug, lab, got[(slug, i)], want) for slug, i, lab, want, _ in knowable if got[(slug, i)] != want]
    share = 1 - len(wrong) / len(knowable)
    print(f"synthetic level schemes: {len(knowable) - len(wrong)}/{len(knowable)} levels with a basis agree "
          f"({share:.1%}); differ: {wrong}; without a basis (reported unmapped): "
          f"{[(slug, lab) for slug, i, lab, _, known in levels if not known]}")
    assert share >= SYNTHETIC_LEVELS_MIN, wrong
    assert not [w for w in wrong if w[2] is None], "a level with a name, number or description is mapped"
    assert all(got[(slug, i)] is None for slug, i, _, _, known in levels if not known), "never guessed"


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


def test_number_after_the_name():
    cw = load_level_crosswalk()
    assert cw.parse("Early help (Level 3)") == (3, "early help")
    assert cw.parse("Targeted intervention - Tier Two") == (2, "targeted intervention")
    assert cw.parse("Low level needs") == (None, "low level needs")


def test_numbering_up_to_four_places_names_used_for_several_levels():
    """Printed numbers running one by one up to 4 are the canonical level for a name that cannot decide alone."""
    assert canon(scheme("Prevention (Level 1)", "Early help (Level 2)", "Targeted (Level 3)",
                        "Specialist (Level 4)")) == [1, 2, 3, 4]
    assert canon(scheme("Tier 2 - Early help", "Tier 3 - Early help", "Tier 4 - Statutory")) == [2, 3, 4]
    # a name listed for one level keeps it whatever the number says
    assert canon(scheme("Level 1 - Early help single agency", "Level 2 - Targeted", "Level 3 - Child in need",
                        "Level 4 - Child protection")) == [2, 3, 4, 4]


def test_a_name_used_for_several_levels_is_decided_by_its_description():
    levels = scheme("Universal", "Universal Plus", "Universal Partnership Plus", "Targeted", "Specialist",
                    "Statutory",
                    descriptions=[None, "No identified needs beyond those universal services meet.",
                                  "Some additional needs met by a single service.", None, None, None])
    mappings = map_levels(levels)
    assert [m.canonical for m in mappings] == [1, 1, 2, 3, 4, 4]
    assert [m.method for m in mappings][1:3] == ["description", "description"]
    # a description naming a level the name is not listed for changes nothing
    assert canon(scheme("Universal", "Universal Plus", "Complex", "Specialist", "Child protection",
                        descriptions=[None, "Children in need (s17)", None, None, None])) == [1, 2, 3, 4, 4]


def test_a_canonical_level_left_out_is_filled_by_the_scheme():
    """Six levels spanning 1-4 leave no canonical level out: of two levels sharing a name, the upper one moves
    into the gap its name is listed for."""
    mappings = map_levels(scheme("Universal", "Universal Plus", "Early Help", "Early Help", "Statutory",
                                 "Child Protection"))
    assert [m.canonical for m in mappings] == [1, 2, 2, 3, 4, 4]
    assert mappings[3].method == "scheme"
    assert canon(scheme("Universal", "Universal plus", "Early help", "Child in need", "Child protection")) == \
        [1, 2, 3, 4, 4]
    # too few levels to span the scale: nothing is filled
    assert canon(scheme("Universal", "Early help", "Statutory")) == [1, 2, 4]


def test_a_level_out_of_order_takes_another_level_its_name_is_listed_for():
    mappings = map_levels(scheme("Universal", "Universal Partnership Plus", "Early help single agency",
                                 "Child in need", "Child protection"))
    assert [m.canonical for m in mappings] == [1, 2, 2, 4, 4]
    assert mappings[1].method == "scheme" and order_conflicts(mappings) == []


def test_a_negated_need_is_the_universal_level():
    assert canon(scheme("Children making expected progress with no additional needs")) == [1]


def test_other_levels_must_name_a_listed_label(tmp_path):
    bad = tmp_path / "level_crosswalk.yaml"
    bad.write_text("labels:\n  universal: 1\nother_levels:\n  early help: [3]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="other_levels.early help: the label must be listed under labels"):
        load_level_crosswalk(str(bad))


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

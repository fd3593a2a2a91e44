"""Area and domain crosswalk: the dev frameworks' printed labels against their hand mapping, unseen local
labels, typos, labels restricted to one area, and unmapped labels left empty."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.normalise.crosswalk_files import DataFileError
from pipeline.normalise.domains import AREAS, DIMENSIONS, DomainCrosswalk, load_domain_crosswalk

DEV = Path(__file__).resolve().parent / "data" / "corpus" / "dev"


def _canonical_blocks():
    seen = {}
    for path in sorted(DEV.glob("*.truth.yaml")):
        truth = yaml.safe_load(path.read_text(encoding="utf-8"))
        seen[truth["slug"]] = truth
    return list(seen.values())


@pytest.fixture(scope="module")
def cw() -> DomainCrosswalk:
    return load_domain_crosswalk()


@pytest.mark.parametrize("truth", _canonical_blocks(), ids=lambda t: t["slug"])
def test_dev_areas_and_domains_match_the_hand_mapping(cw, truth):
    canon = truth["canonical"]
    for area, want in canon["areas"].items():
        assert cw.map_area(area).value == want, area
    pairs = {(i["area"], i["domain"]) for i in truth["indicators"]}
    for area, domain in sorted(pairs):
        got = cw.map_domain(domain, cw.map_area(area).value)
        assert set(got.value) == set(canon["domains"][domain]), domain


@pytest.mark.parametrize("label, dims", [
    ("Housing, Employment and Income", {"housing", "employment", "income"}),
    ("Housing, work and income", {"housing", "employment", "income"}),
    ("Physical Health", {"health"}),
    ("Emotional Health & Wellbeing", {"emotional_behavioural_development"}),
    ("Guidance & Boundaries", {"guidance_boundaries"}),
    ("Family History, Functioning and Wider Family", {"family_history_functioning", "wider_family"}),
    ("Self Care Skills", {"self_care_skills"}),
    ("Education and Learning", {"education"}),
    ("Basic care and protection", {"basic_care", "ensuring_safety"}),          # keywords
    ("Family's Social Integration", {"social_integration"}),
    ("Community Resources", {"community_resources"}),
    ("Stability & Emotional Warmth", {"emotional_warmth", "stability"}),
])
def test_unseen_local_domain_labels(cw, label, dims):
    assert set(cw.map_domain(label).value) == dims


def test_typo_matches_by_near_identical_spelling(cw):
    got = cw.map_domain("Emotinal and Behavioural Development")
    assert got.value == ("emotional_behavioural_development",) and got.method == "fuzzy"


def test_label_restricted_to_one_area(cw):
    label = "Parent & Carers Basic Care, Safety & Protection"
    in_area = cw.map_domain(label, "parenting_capacity")
    assert in_area.method == "crosswalk"
    assert set(in_area.value) == {"emotional_warmth", "stimulation", "guidance_boundaries", "stability"}
    elsewhere = cw.map_domain(label, "child_development")
    assert set(elsewhere.value) == {"basic_care", "ensuring_safety"} and elsewhere.method == "keyword"


@pytest.mark.parametrize("label, area", [
    ("Child's Developmental Needs", "child_development"),
    ("Development of the child or young person", "child_development"),
    ("Parenting Capacity", "parenting_capacity"),
    ("Parents/Carers", "parenting_capacity"),
    ("Family and Environmental Factors", "family_environment"),
    ("Family & Community", "family_environment"),
    ("Parenting and care giving", "parenting_capacity"),  # keywords
])
def test_area_labels(cw, label, area):
    assert cw.map_area(label).value == area


def test_unmapped_labels_are_not_guessed(cw):
    assert cw.map_domain("Miscellaneous").value == () and cw.map_domain("Miscellaneous").method == "unmapped"
    assert cw.map_area("Other matters").value is None and cw.map_area("Other matters").method == "unmapped"
    assert cw.map_domain("").method == "none" and cw.map_area(None).method == "none"


def test_every_dimension_has_exactly_one_area(cw):
    assert set(cw.dimension_area) == set(DIMENSIONS)
    assert set(cw.dimension_area.values()) == set(AREAS)
    assert cw.area_of(["housing", "income"]) == "family_environment"
    assert cw.area_of(["housing", "health"]) is None


def test_conflicting_crosswalk_entries_name_the_file(tmp_path):
    from pipeline.normalise.crosswalk_files import data_path

    raw = yaml.safe_load(data_path("domain_crosswalk.yaml").read_text(encoding="utf-8"))
    raw["domains"].append({"labels": ["Housing, work and income"], "dimensions": ["housing"]})
    bad = tmp_path / "domain_crosswalk.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"domain_crosswalk\.yaml: .*'housing work and income' already maps"):
        DomainCrosswalk(str(bad))
    raw["domains"][-1] = {"labels": ["Hobbies"], "dimensions": ["hobbies"]}
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown or no dimensions"):
        DomainCrosswalk(str(bad))

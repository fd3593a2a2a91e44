"""Theme tagging on real indicator wordings (dev truth files and the Working Together 2023 seed), including
who the subject is (parent or child) and protective statements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.vocab.crosswalk_files import DataFileError
from pipeline.vocab.text import build_nlp, prepare
from pipeline.vocab.themes import ThemeTagger, load_vocabulary

TESTS = Path(__file__).resolve().parent
DEV = TESTS / "data" / "corpus" / "dev"
SEED_004 = next((TESTS / "data" / "seeds").glob("004_*.txt"))


@pytest.fixture(scope="module")
def tagger() -> ThemeTagger:
    return ThemeTagger(build_nlp())


def tag(tagger, text, area=None):
    return tagger.tag(build_nlp()(prepare(text)), area)


def _dev_texts() -> set[str]:
    texts = set()
    for path in sorted(DEV.glob("*.truth.yaml"))[::11]:  # one file per framework
        texts |= {i["text"] for i in yaml.safe_load(path.read_text(encoding="utf-8"))["indicators"]}
    return texts


def test_vocabulary_size_and_groups():
    vocab = load_vocabulary()
    assert len(vocab.themes) >= 50
    assert len(vocab.groups) == 20
    for group in vocab.groups:
        assert group.themes and all(t in vocab.themes for t in group.themes)


def _seed_early_help_bullets() -> list[str]:
    text = SEED_004.read_text(encoding="utf-8")
    start = text.index("be alert to the potential need for early help for a child who:")
    bullets = []
    for line in text[start:].splitlines()[1:]:
        if not line.startswith("- "):
            break
        bullets.append(line[2:].rstrip(";. ").strip())
    return bullets


def test_every_working_together_2023_group_is_tagged_in_the_guidance_wording(tagger):
    """Seed 004 lists the twenty groups in the guidance's own words; each is tagged with its group's themes."""
    bullets = _seed_early_help_bullets()
    vocab = load_vocabulary()
    assert len(bullets) == len(vocab.groups) == 20
    for group, bullet in zip(vocab.groups, bullets):
        assert group.wording.lower()[:25] == bullet.lower()[:25]
        result = tag(tagger, bullet)
        assert set(group.themes) <= set(result.themes), (group.id, bullet, result)
        assert result.protective == []
        assert group.id in vocab.groups_for(result.themes)


@pytest.mark.parametrize("text, theme", [
    ("Not in education, employment, or training (NEET) – more than six weeks", "neet"),
    ("Not in education, training or employment (NEET) – less than six weeks", "neet"),
    ("Suspected imminent risk of FGM (female genital mutilation)", "fgm"),
    ("Female Genital Mutilation (FGM)", "fgm"),
    ("Regular missing episodes", "missing_from_home"),
    ("Starting to go missing from home", "missing_from_home"),
    ("Privately fostered", "private_fostering"),
    ("Suspected imminent risk of honour-based violence", "honour_based_abuse"),
    ("Honor based violence/forced marriage", "forced_marriage"),
    ("Persistent truanting, poor school attendance, previous fixed term exclusions", "school_attendance"),
    ("Some fixed-term exclusions", "exclusion"),
    ("Education Health & Care Plan", "special_educational_needs"),
    ("Child sexual/criminal exploitation", "child_sexual_exploitation"),
    ("Child sexual/criminal exploitation", "child_criminal_exploitation"),
    ("Indecent images child to child", "online_harm"),
    ("Toxic trio: mental health, drugs/alcohol and domestic abuse", "domestic_abuse"),
    ("Homeless – or imminent", "homelessness"),
    ("Serious debts/poverty", "poverty"),
    ("Dental decay", "dental"),
    ("Poor personal hygiene", "hygiene"),
    ("Good quality early attachments", "attachment"),
    ("Parent/carer offers inconsistent boundaries", "boundaries"),
    ("Young sex offenders", "child_on_child_abuse"),
    ("Suspected/evidence of fabricated or induced illness", "fabricated_induced_illness"),
    ("Child/young person previously looked after by Local Authority", "returned_home_from_care"),
])
def test_real_wordings_get_their_theme(tagger, text, theme):
    result = tag(tagger, text)
    assert theme in result.themes + result.protective


def test_neet_is_not_missing_education_or_protective(tagger):
    result = tag(tagger, "Not in education, employment or training (NEET) – more than six weeks")
    assert "neet" in result.themes and "missing_education" not in result.themes
    assert result.protective == []


def test_parental_substance_misuse_is_not_the_childs(tagger):
    result = tag(tagger, "Parents have a substance misuse problem (including alcohol) impacting on parenting ability")
    assert "parental_substance_misuse" in result.themes
    assert "child_substance_misuse" not in result.themes


@pytest.mark.parametrize("text, area, child, adult", [
    ("Persistent and high-risk substance misuse", "child_development", True, False),
    ("Experimenting with tobacco, alcohol or illegal drugs", "child_development", True, False),
    ("Professionals suspect possibility of low level substance misuse by adults within the Home",
     "parenting_capacity", False, True),
    ("Parent's mental health problems or substance misuse significantly affect care of child/young person",
     "parenting_capacity", False, True),
    ("Child neglects to use self-care skills due to alternative priorities, e.g., substance misuse",
     "child_development", True, False),
    ("Criminal activity due to drug, alcohol, aggression, mental health", "family_environment", False, True),
])
def test_substance_misuse_subject(tagger, text, area, child, adult):
    result = tag(tagger, text, area)
    assert ("child_substance_misuse" in result.themes) is child
    assert ("parental_substance_misuse" in result.themes) is adult


@pytest.mark.parametrize("text, theme", [
    ("Parent/carer has physical/mental health difficulties", "parental_mental_health"),
    ("Persistent ongoing mental health needs impacting on the ability to safely and appropriately care for children",
     "parental_mental_health"),
    ("Acute mental health problems e.g., severe depression, threat of suicide, psychotic episode",
     "child_mental_health"),
    ("Mental Health managed effectively by child or young person", "child_mental_health"),
    ("Parents/carers involved in crime", "parental_criminality"),
    ("Young people who are charged with a crime and go to court and/or are convicted of a crime",
     "child_offending"),
    ("Parents with learning disabilities or cognitive functioning additional needs", "parental_disability"),
    ("Child with disabilities meeting the criteria for social care intervention", "child_disability"),
])
def test_adult_or_child_subject(tagger, text, theme):
    result = tag(tagger, text)
    assert theme in result.themes + result.protective


@pytest.mark.parametrize("text, theme", [
    ("No substance misuse", "child_substance_misuse"),
    ("No barriers to learning", "learning_achievement"),
    ("Not living in poverty, sufficient income", "poverty"),
    ("Good mental health", "child_mental_health"),
    ("Good level of personal hygiene", "hygiene"),
    ("Attends school / college regularly", "school_attendance"),
    ("Adequate diet/hygiene/clothing", "diet_nutrition"),
    ("Stable and affectionate relationships with carers", "stability"),
])
def test_protective_statements_are_tagged_and_marked(tagger, text, theme):
    result = tag(tagger, text)
    assert theme in result.protective
    assert theme not in result.themes


@pytest.mark.parametrize("text", [
    "Not always adequate self-care, e.g., poor hygiene",
    "Dental decay and no access to treatment",
    "Basic care is not provided consistently",
    "Parent/carer does not offer a good role model, e.g., b",
    "Reduced access to learning",
    "Not achieving educational potential",
    "Parents not responding appropriately to child's health needs impacting upon the wellbeing of the child",
    "Cannot maintain peer relationships e.g., is aggressive, bully, bullied",
    "Inconsistent parenting but parents respond well to advice and support",
])
def test_negated_strengths_are_concerns_not_protective(tagger, text):
    result = tag(tagger, text)
    assert result.themes and result.protective == []


def test_no_dev_indicator_above_universal_is_protective(tagger):
    """Every protective statement in the dev frameworks sits at the universal level."""
    for path in sorted(DEV.glob("*.truth.yaml"))[::11]:
        truth = yaml.safe_load(path.read_text(encoding="utf-8"))
        universal = {lid for lid, level in truth["canonical"]["levels"].items() if level == 1}
        for ind in truth["indicators"]:
            if ind["level"] not in universal:
                assert tag(tagger, ind["text"]).protective == [], ind["text"]


def test_most_dev_indicators_get_a_theme(tagger):
    texts = sorted(_dev_texts())
    untagged = [t for t in texts if not (lambda r: r.themes or r.protective)(tag(tagger, t))]
    assert len(untagged) <= 0.03 * len(texts), untagged


def test_weak_phrase_inside_a_specific_theme_is_not_a_second_theme(tagger):
    assert tag(tagger, "Instability and domestic abuse in the home").themes == ["domestic_abuse", "stability"]
    assert "abuse" in tag(tagger, "Victim of abuse, but risk now managed").themes
    assert "physical_health" not in tag(tagger, "Acute mental health problems e.g., severe depression").themes


def test_unless_phrases_cancel_a_theme(tagger):
    assert "school_attendance" not in tag(tagger, "Non-attendance at essential medical appointments").themes
    assert "exclusion" not in tag(tagger, "Family chronically socially excluded").themes
    assert "social_isolation" in tag(tagger, "Family chronically socially excluded").themes


def test_every_plain_phrase_tags_its_own_theme(tagger):
    """Vocabulary integrity: each plain phrase, on its own, finds its theme (or that theme's adult variant)."""
    vocab = load_vocabulary()
    failures = []
    for theme in vocab.themes.values():
        for phrase in theme.phrases:
            if re.search(r"[|*=]", phrase) or any(w.isupper() and len(w) > 1 for w in phrase.split()):
                continue
            result = tag(tagger, phrase)
            found = set(result.themes) | set(result.protective)
            if not ({theme.id, theme.adult_theme} & found) and not any(u in phrase for u in theme.unless):
                failures.append((theme.id, phrase))
    assert failures == []


def test_bad_vocabulary_names_file_and_reason(tmp_path):
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes:\n  - id: x\n    dimensions: [hobbies]\n    phrases: [x]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"themes\.yaml: themes\.x: unknown or no dimensions"):
        load_vocabulary(str(bad))
    bad.write_text("polarity:\n  negation: [no, not]\nthemes: []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="quote words such as"):
        load_vocabulary(str(bad))

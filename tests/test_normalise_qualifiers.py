"""Severity, frequency and age conditions on real indicator wordings."""

from __future__ import annotations

import pytest

from pipeline.vocab.qualifiers import QualifierExtractor
from pipeline.vocab.text import build_nlp, prepare


@pytest.fixture(scope="module")
def extract():
    extractor = QualifierExtractor(build_nlp())
    return lambda text: extractor.extract(build_nlp()(prepare(text)))


@pytest.mark.parametrize("text, severity", [
    ("Minor concerns re diet, hygiene, clothing", "mild"),
    ("Some insecurities around identity", "mild"),
    ("Low level mental health or emotional issues", "mild"),
    ("Mild to moderate mental health problems including - low mood, anxiety", "moderate"),
    ("Escalating poor nursery/school attendance and punctuality", "moderate"),
    ("Signs of deteriorating emotional well-being/mental health", "moderate"),
    ("Persistent and high-risk substance misuse", "severe"),
    ("Child has some chronic/recurring health problems, not treated, or badly managed", "severe"),
    ("Suspected imminent risk of FGM (female genital mutilation)", "severe"),
    ("Extreme poverty significantly impacting on ability to meet the child's basic care needs", "severe"),
    ("Good height/weight", ""),
])
def test_severity_is_the_strongest_word(extract, text, severity):
    assert extract(text).severity == severity


@pytest.mark.parametrize("text, frequency", [
    ("Occasional truanting or non-attendance, poor punctuality", "occasional"),
    ("Undertaking some caring responsibilities occasionally", "occasional"),
    ("Sometimes inappropriate expectations of child / young person for age/ability", "occasional"),
    ("Regular missing episodes", "repeated"),
    ("Child appears regularly anxious, stressed or phobic", "repeated"),
    ("Lack of supervision resulting in frequent accidents", "repeated"),
    ("Persistent truanting, poor school attendance, previous fixed term exclusions", "persistent"),
    ("Poor hygiene persistent and chronic despite advice and support at level 3", "persistent"),
    ("Evidence of ongoing domestic abuse impacting upon the care and wellbeing of the children", "persistent"),
    ("Dental decay", ""),
])
def test_frequency_is_the_strongest_word(extract, text, frequency):
    assert extract(text).frequency == frequency


def test_negated_qualifier_is_ignored(extract):
    assert extract("Concerns are not severe").severity == ""
    assert extract("Not persistent").frequency == ""


@pytest.mark.parametrize("text, age", [
    ("Conception aged under 16", "under 16"),
    ("Sexual activity under the age of 13", "under 13"),
    ("Starting to have sex (under 16) / risk of pregnancy", "under 16"),
    ("Young people aged 13 or under who are sexually active", "13 or under"),
    ("Babies under 6 months with bruising", "under 6 months"),
    ("Sexual activity in under-13s", "under 13"),
    ("Young people aged 10-17 in contact with the youth justice service", "10-17"),
    ("Child under sixteen living independently", "under 16"),
    ("Care leavers over 18 with no support", "over 18"),
    ("Not in education, employment, or training (NEET) – more than six weeks", ""),
    ("Three prosecutions for non-attendance", ""),
    ("Under pressure from peers", ""),
])
def test_age_conditions(extract, text, age):
    assert extract(text).age_condition == age


def test_two_age_conditions_are_both_kept(extract):
    text = "Sexual activity under 13, or under 16 with a much older partner"
    assert extract(text).age_condition == "under 13;under 16"

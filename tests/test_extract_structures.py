"""Structures the seed frameworks do not have, one test per problem: how many levels and how they are numbered,
what (if anything) groups the bullets, and how other PDF writers draw the same page. Rows are checked against
the dev corpus (synthetic frameworks from LibreOffice, Chromium and a design tool) and against documents built
here with ReportLab, a producer the corpus does not have."""

from __future__ import annotations

import json

import pytest

import docgen
from extract_support import CORPUS_TIMEOUT, extracted_corpus, row_with, rows
from pipeline.errors import DocumentError
from pipeline.extract import extract_document

pytestmark = CORPUS_TIMEOUT

SEED_LEVELS = ["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Targeted", "Level 4 - Specialist"]


def _context(row: dict) -> tuple:
    return row["level_label"], row["area"], row["domain"]


def _grouping(row: dict) -> set[str]:
    """The grouping labels of a row, whichever column holds them."""
    return {row["area"], row["domain"]} - {""}


def test_bullets_directly_under_level_banners_with_no_grouping():
    doc = "synth-05__level_grid__v6.pdf"
    assert _context(row_with(doc, "Parent requires advice")) == ("EARLY HELP", "", "")
    assert [lv["label"] for lv in extracted_corpus()[doc]["levels"]] == ["EARLY HELP", "STATUTORY"]


def test_two_levels_with_one_label_stay_two_levels():
    record = extracted_corpus()["synth-08__list__v6.pdf"]
    assert [(lv["rank"], lv["label"]) for lv in record["levels"]] == [
        (1, "Universal"), (2, "Early Help"), (3, "Early Help"), (4, "Statutory")]
    assert {r["level_rank"] for r in record["indicators"] if r["level_label"] == "Early Help"} == {2, 3}


def test_sub_headings_prefixed_with_the_level_name():
    # "Tier 3 — Health and Growth" under "Tier 3": the level is the prefix, the grouping the rest
    row = row_with("synth-15__list__v13.pdf", "Missing routine and non-routine health")
    assert row["level_label"] == "Tier 3" and _grouping(row) == {"Health and Growth"}


def test_column_title_band_is_neither_a_level_nor_a_label():
    doc = "synth-21__matrix__d7.pdf"
    assert _context(row_with(doc, "Attends school / college regularly")) == (
        "Children and young people making expected progress with no additional needs",
        "CHILDREN'S DEVELOPMENTAL NEEDS", "Learning and achievement")
    labels = {r["area"] for r in rows(doc)} | {r["domain"] for r in rows(doc)}
    assert "Area of need" not in labels


def test_rotated_labels_stacked_in_one_column_are_read_apart():
    doc = "synth-16__level_tables__h7.pdf"  # Chromium: rotated labels drawn as upright glyphs turned
    assert _grouping(row_with(doc, "No fixed abode or homeless")) == {"FAMILY AND COMMUNITY"}
    assert all("PARENTING" not in label or label == "PARENTING" for r in rows(doc) for label in _grouping(r))


def test_level_headers_centred_over_wide_columns_head_the_whole_column():
    row = row_with("synth-20__domain_sections__v12.pdf", "Early sexual activity or awareness")
    assert _context(row) == ("EARLY HELP", "ABOUT THE CHILD", "PHYSICAL AND MENTAL HEALTH")


def test_header_row_printed_once_governs_the_matrix_on_later_pages():
    doc = "synth-04__matrix__h5.pdf"
    row = row_with(doc, "No recourse to public funds")
    assert row["page"] > min(r["page"] for r in rows(doc))
    assert _context(row) == ("Child Protection (s47)", "ABOUT THE FAMILY AND HOME", "Home and Neighbourhood")


def test_text_flowing_down_columns_of_a_designed_page():
    # the second column's first bullets continue the first column's last domain
    row = row_with("synth-24__level_grid__d5.pdf", "Child/young person is withdrawn")
    assert _context(row) == ("Early help", "NEEDS OF THE CHILD OR YOUNG PERSON",
                             "Emotional and behavioural development")
    row = row_with("synth-06__level_grid__d4.pdf", "Teenage parents who themselves")
    assert _context(row)[1:] == ("Parenting and care", "Care and protection")  # after "(continued)" titles


def test_bullets_in_a_symbol_font_and_hollow_painted_bullets():
    assert row_with("synth-23__matrix__d6.pdf", "Participating in general healthy")["level_label"] == "Universal"
    assert _context(row_with("synth-05__level_tables__d6.pdf", "Abusing other children")) == ("STATUTORY", "", "")


def test_area_without_domains_printed_in_the_domain_column():
    row = row_with("synth-20__matrix__v16.pdf", "Missing from home or care")
    assert row["level_label"] == "STATUTORY SOCIAL WORK" and _grouping(row) == {"ABOUT THE PARENTS OR CARERS"}


def test_every_dev_document_reports_its_reading_and_confidence():
    for name, record in extracted_corpus().items():
        structure = record["structure"]
        assert structure["reading"].startswith(("sections:", "columns:", "rows:")), name
        assert 0.6 <= structure["confidence"] <= 1.0, (name, structure)


# --- a producer the corpus does not have -------------------------------------------------------------------

def test_reportlab_list_with_introduction_and_appendix_bullets(tmp_path):
    record = extract_document(docgen.threshold_list_pdf(tmp_path / "list.pdf", SEED_LEVELS))
    assert [lv["label"] for lv in record["levels"]] == ["Universal", "Early help", "Targeted", "Specialist"]
    texts = {r["text"]: r for r in record["indicators"]}
    assert len(texts) == sum(len(t) for domains in docgen.LEVELS.values() for t in domains.values())
    assert _context(texts["Sexual activity under the age of 13"]) == ("Specialist", "", "Health")
    assert not set(texts) & set(docgen.INTRO_BULLETS + docgen.CONTACTS)


def test_reportlab_ruled_table_per_level(tmp_path):
    levels = ["Tier 1: Universal", "Tier 2: Additional", "Tier 3: Complex", "Tier 4: Specialist"]
    record = extract_document(docgen.threshold_tables_pdf(tmp_path / "tables.pdf", levels))
    texts = {r["text"]: r for r in record["indicators"]}
    assert _context(texts["Family seeking asylum / refugees"]) == ("Complex", "", "Family and community")
    assert record["structure"]["confidence"] >= 0.9


def test_reportlab_grid_with_area_headings_bigger_than_the_level_banners(tmp_path):
    levels = ["UNIVERSAL", "EARLY HELP", "TARGETED EARLY HELP", "SPECIALIST"]
    record = extract_document(docgen.threshold_grid_pdf(tmp_path / "grid.pdf", levels))
    assert [lv["label"] for lv in record["levels"]] == levels
    assert record["levels"][0]["description"] == "children whose needs are described below"
    rows_by_text = {r["text"]: r for r in record["indicators"]}
    assert _context(rows_by_text["No barriers to learning"]) == ("UNIVERSAL", "Child development", "Learning")
    assert _context(rows_by_text["No recourse to public funds"]) == ("SPECIALIST", "Family and environment",
                                                                    "Family and community")
    assert not set(rows_by_text) & set(docgen.CONTACTS + docgen.INTRO_BULLETS)


def test_reportlab_matrix_with_header_row_repeated_and_area_rows(tmp_path):
    record = extract_document(docgen.threshold_matrix_pdf(tmp_path / "matrix.pdf", [
        "Level 1 Universal", "Level 2 Early help", "Level 3 Targeted", "Level 4 Specialist"]))
    assert record["structure"]["reading"].startswith("columns: 4 levels from repeated header columns (2 header rows")
    rows_by_text = {r["text"]: r for r in record["indicators"]}
    assert _context(rows_by_text["Homeless - or imminent"]) == ("Specialist", "FAMILY AND ENVIRONMENT",
                                                               "Family and community")
    assert _context(rows_by_text["Attends school / college regularly"]) == ("Universal", "CHILD DEVELOPMENT",
                                                                          "Learning")
    assert not set(rows_by_text) & set(docgen.CONTACTS + docgen.INTRO_BULLETS)  # the appendix is no column


def test_letter_spaced_headings_are_read_as_words(tmp_path):
    record = extract_document(docgen.letter_spaced_pdf(tmp_path / "tracked.pdf", SEED_LEVELS))
    assert [lv["label"] for lv in record["levels"]] == ["UNIVERSAL", "EARLY HELP", "TARGETED", "SPECIALIST"]
    texts = {r["text"]: r for r in record["indicators"]}
    assert _context(texts["Non-organic failure to thrive"]) == ("SPECIALIST", "", "HEALTH")
    assert _context(texts["Attends school / college regularly"]) == ("UNIVERSAL", "", "LEARNING")


@pytest.mark.parametrize("build", [docgen.report_pdf, docgen.statistics_pdf, docgen.form_pdf,
                                   docgen.qualifications_pdf],
                         ids=["annual report", "statistics tables", "referral form", "eight numbered levels"])
def test_documents_that_are_not_threshold_documents_are_named_as_such(tmp_path, build):
    with pytest.raises(DocumentError) as caught:
        extract_document(build(tmp_path / "doc.pdf"))
    assert caught.value.reason == "no_levels"
    assert "no levels of need found" in str(caught.value) and "headings" in str(caught.value)


# --- analyst hints -------------------------------------------------------------------------------------------

COLOURS = ["Green", "Amber", "Red", "Purple"]


def test_colour_named_levels_are_read_from_the_groupings_repeated_under_each(tmp_path):
    record = extract_document(docgen.threshold_list_pdf(tmp_path / "colours.pdf", COLOURS))
    assert [lv["label"] for lv in record["levels"]] == COLOURS
    assert "no level words" in record["structure"]["reading"]
    texts = {r["text"]: r for r in record["indicators"]}
    assert _context(texts["Homeless - or imminent"]) == ("Purple", "", "Family and community")
    assert not set(texts) & set(docgen.INTRO_BULLETS + docgen.CONTACTS)


def test_levels_hint_reads_levels_the_structure_does_not_show(tmp_path):
    pdf = docgen.threshold_list_pdf(tmp_path / "colours.pdf", COLOURS, grouping=False)
    with pytest.raises(DocumentError, match="no levels of need found"):
        extract_document(pdf)  # headings over bullets, nothing repeated, colour names that say nothing of levels
    record = extract_document(pdf, {"levels": COLOURS})
    assert [lv["label"] for lv in record["levels"]] == COLOURS and record["warnings"] == []
    texts = {r["text"]: r for r in record["indicators"]}
    assert _context(texts["Homeless - or imminent"]) == ("Purple", "", "")
    assert not set(texts) & set(docgen.INTRO_BULLETS + docgen.CONTACTS)


def test_hints_the_document_contradicts_are_warned(tmp_path):
    pdf = docgen.threshold_list_pdf(tmp_path / "list.pdf", SEED_LEVELS)
    record = extract_document(pdf, {"levels": ["Universal", "Early help", "Targeted", "Acute"],
                                    "layout": "matrix", "grouping": "none"})
    warnings = " | ".join(record["warnings"])
    assert "'Acute' not found as levels" in warnings
    assert "layout hint 'matrix'" in warnings and "grouping hint 'none'" in warnings
    assert all(r["area"] == r["domain"] == "" for r in record["indicators"])  # grouping as the hint says


def test_pages_hint_reads_only_those_pages(tmp_path):
    pdf = docgen.threshold_list_pdf(tmp_path / "list.pdf", SEED_LEVELS)
    whole = extract_document(pdf)
    first = min(r["page"] for r in whole["indicators"])
    record = extract_document(pdf, {"pages": [[first, first]]})
    assert {r["page"] for r in record["indicators"]} == {first}
    assert record["pages"] == whole["pages"]
    assert len(record["indicators"]) < len(whole["indicators"])


def test_hints_reach_the_extractor_from_the_manifest_and_key_the_cache(tmp_path):
    from pipeline.extract.stage import run_extract

    raw = tmp_path / "raw"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "colours.pdf", COLOURS, grouping=False)
    out = tmp_path / "out"
    assert run_extract(raw, out, jobs=1, progress=False)["failed"] == 1
    (raw / "manifest.yaml").write_text("documents:\n  - file: colours.pdf\n    framework: colours\n"
                                       "    levels: [Green, Amber, Red, Purple]\n", encoding="utf-8")
    assert run_extract(raw, out, jobs=1, progress=False)["ok"] == 1
    status = json.loads((out / "interim" / "run.json").read_text(encoding="utf-8"))
    entry = next(d for d in (status["documents"] if isinstance(status, dict) else status))
    assert entry["status"] == "ok" and entry["confidence"] == 1.0 and entry["reading"].startswith("sections:")

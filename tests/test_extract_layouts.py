"""One test per layout problem, on the dev PDFs, asserting concrete rows."""

from __future__ import annotations

from extract_support import CORPUS_TIMEOUT, extracted_corpus, row_with, rows
from pipeline.extract.bullets import clean_text, join_lines
from pipeline.extract.vocabulary import strip_numbering

pytestmark = CORPUS_TIMEOUT


def _context(row: dict) -> tuple:
    return row["level_label"], row["area"], row["domain"]


def test_rotated_side_label_gives_the_area():
    # LibreOffice draws the rotated label as characters read bottom to top; Chromium as upright glyphs turned
    for doc in ("milton-keynes__level_tables__v1.pdf", "milton-keynes__level_tables__h3.pdf"):
        row = row_with(doc, "Good height/weight")
        assert _context(row) == ("Universal", "DEVELOPMENT OF THE BABY OR CHILD", "Health")


def test_merged_area_cell_covers_every_row_it_spans():
    doc = "worcestershire__level_tables__v1.pdf"
    assert _context(row_with(doc, "Attends school / college regularly")) == (
        "Universal Services", "CHILD'S DEVELOPMENTAL NEEDS", "Education")
    assert _context(row_with(doc, "Appropriately dressed for different settings")) == (
        "Universal Services", "CHILD'S DEVELOPMENTAL NEEDS", "Social Presentation")


def test_table_continued_over_a_page_break_keeps_its_labels():
    doc = "milton-keynes__level_tables__v2.pdf"
    row = row_with(doc, "Escalating or serious domestic abuse")
    first_page = min(r["page"] for r in rows(doc) if r["level_label"] == "CHILDREN SOCIAL CARE")
    assert row["page"] > first_page
    assert _context(row) == ("CHILDREN SOCIAL CARE", "PARENTS & CARERS", "Basic care, safety and protection")


def test_bullet_cut_by_a_page_break_is_one_indicator():
    doc = "worcestershire__matrix__v2.pdf"
    assert row_with(doc, "Demonstrates feelings of")["text"] == "Demonstrates feelings of belonging and acceptance"


def test_inline_domain_heading_inside_another_cell():
    doc = "worcestershire__level_tables__v1.pdf"
    assert row_with(doc, "Puts self or others in danger")["domain"] == "Emotional and Behavioural Development"
    assert row_with(doc, "Persistently demonstrates extremist views")["domain"] == "Identity"
    assert row_with(doc, "Drug and alcohol abuse / suspected dealing")["domain"] == "Education"


def test_repeated_header_row_is_dropped_and_names_the_levels():
    doc = "milton-keynes__matrix__v1.pdf"
    record = extracted_corpus()[doc]
    assert [lv["label"] for lv in record["levels"]] == [
        "Universal", "EARLY HELP ADDITIONAL NEEDS", "EARLY HELP TARGETED INTERVENTION", "CHILDREN SOCIAL CARE"]
    texts = {r["text"] for r in record["indicators"]}
    assert not texts & {"Universal", "Area of need", "Description", "EARLY HELP ADDITIONAL NEEDS"}
    assert len({r["page"] for r in record["indicators"]}) > 3  # the matrix runs over several pages


def test_bullets_outside_the_indicator_tables_are_not_indicators():
    for doc in ("milton-keynes__level_grid__v1.pdf", "worcestershire__list__v2.pdf"):
        texts = " ".join(r["text"] for r in rows(doc)).lower()
        assert "legitimate purpose for sharing" not in texts            # consent questions in the introduction
        assert "make sure staff know how to recognise" not in texts     # roles and responsibilities
    assert not any(r["text"].startswith("babies and children who are not yet able to speak")
                   for r in rows("worcestershire__list__v2.pdf"))       # vulnerable groups in the introduction


def test_unruled_grid_reads_cells_from_whitespace_and_shading():
    doc = "worcestershire__level_grid__v2.pdf"
    assert _context(row_with(doc, "Attends school / college regularly")) == (
        "Universal Services", "CHILD'S DEVELOPMENTAL NEEDS", "Education")
    assert _context(row_with(doc, "Good quality early attachments")) == (
        "Universal Services", "CHILD'S DEVELOPMENTAL NEEDS", "Emotional and Behavioural Development")


def test_level_banner_label_stops_before_its_description():
    record = extracted_corpus()["milton-keynes__level_grid__v1.pdf"]
    level2 = record["levels"][1]
    assert level2["label"] == "EARLY HELP ADDITIONAL NEEDS"
    assert level2["description"].startswith("Children whose needs require some extra support")


def test_list_headings_give_level_area_and_domain():
    row = row_with("milton-keynes__list__v1.pdf", "Good height/weight")
    assert _context(row) == ("Universal", "DEVELOPMENT OF THE BABY OR CHILD", "Health")


def test_every_row_has_page_and_bbox_inside_the_page():
    for record in extracted_corpus().values():
        for r in record["indicators"]:
            x0, top, x1, bottom = r["bbox"]
            assert 1 <= r["page"] <= record["pages"]
            assert 0 <= x0 < x1 and 0 <= top < bottom


def test_bullet_glyphs_ligatures_and_hyphenation_are_cleaned():
    assert clean_text("\uf0b7 Persistent truanting") == "Persistent truanting"
    assert clean_text("(cid:127) Homeless – or imminent") == "Homeless – or imminent"
    assert clean_text("ﬁnancial diﬃculties") == "financial difficulties"
    assert join_lines(["Develop-", "ment delayed"]) == "Development delayed"
    wrapped = join_lines(["Developing independent and self-", "care skills"])
    assert wrapped == "Developing independent and self-care skills"
    for text in ("Homeless – or imminent", "Parents/carers able to manage"):
        assert clean_text(clean_text(text)) == clean_text(text)


def test_level_numbering_is_stripped_from_labels():
    assert strip_numbering("LEVEL ONE Level of Need: Universal Services") == "Universal Services"
    assert strip_numbering("Level 2 – EARLY HELP ADDITIONAL NEEDS") == "EARLY HELP ADDITIONAL NEEDS"
    assert strip_numbering("Tier 3: Targeted") == "Targeted"
    assert strip_numbering("Level 4") == "Level 4"


def test_extraction_knows_every_number_word_and_prefix_the_level_crosswalk_lists():
    """Numbering is read from level_crosswalk.yaml's `numbering` (roman numerals, 'seven', 'Band'), not from a
    second list in the code."""
    from pipeline.extract.vocabulary import numbering_only
    from pipeline.vocab.levels import load_level_crosswalk

    cw = load_level_crosswalk()
    for word in cw.number_words:
        for prefix in (p for p in cw.prefixes if p != "level of need"):
            assert strip_numbering(f"{prefix.title()} {word.upper()} - Early help") == "Early help"
            assert numbering_only(f"{prefix.title()} {word.title()}")
    assert strip_numbering("Universal Band II") == "Universal"


def test_bullets_painted_as_shapes_with_no_character():
    from pathlib import Path

    from pipeline.extract import extract_document

    pdf = Path(__file__).parent / "data" / "constructed" / "painted_bullets.pdf"
    record = extract_document(pdf)
    assert [lv["label"] for lv in record["levels"]] == ["Universal", "Additional needs", "Specialist"]
    rows_by_text = {r["text"]: r for r in record["indicators"]}
    assert len(rows_by_text) == 12
    assert _context(rows_by_text["Attends school regularly"]) == ("Universal", "Child development", "Education")
    minor = "Minor concerns about diet or hygiene that the family is willing to address with support"
    assert _context(rows_by_text[minor]) == ("Additional needs", "Child development", "Health")
    assert "talk to the family first" not in rows_by_text  # an introduction bullet


def test_label_cut_by_a_page_break_is_read_whole_on_both_pages():
    doc = "worcestershire__level_tables__v2.pdf"
    before = row_with(doc, "Some difficulties with peers")        # bullets printed after the break
    assert before["domain"] == "Family & Social Relationships"
    doc = "worcestershire__level_tables__v3.pdf"                  # a rotated area label cut the same way
    areas = {r["area"] for r in rows(doc)}
    assert "PARENTING CAPACITY" in areas and "PARENTING" not in areas and "CAPACITY" not in areas

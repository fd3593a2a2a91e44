"""Levels read from the page's structure, not from the words of their labels (issue 17): one test per kind of
page, on documents built with ReportLab (tests/docgen_schemes.py), a PDF producer the dev corpus does not
have. Each test is named after the problem it shows."""

from __future__ import annotations

import pytest

import docgen
import docgen_schemes as gen
from pipeline.errors import DocumentError
from pipeline.extract import extract_document


def _levels(record: dict) -> list[str]:
    return [lv["label"] for lv in record["levels"]]


def _rows_of(record: dict, text: str) -> list[dict]:
    return [r for r in record["indicators"] if r["text"] == text]


def _grouping(row: dict) -> set[str]:
    return {row["area"], row["domain"]} - {""}


def test_invented_level_names_are_read_from_shaded_banners(tmp_path):
    record = extract_document(gen.banner_scheme_pdf(tmp_path / "banners.pdf"))
    assert _levels(record) == gen.SCHEME
    (row,) = _rows_of(record, "Homeless - or imminent")
    assert (row["level_label"], row["area"], row["domain"]) == ("Nightfall", "Family and environment",
                                                                "Family and community")
    assert sum(len(t) for d in docgen.LEVELS.values() for t in d.values()) == len(record["indicators"])
    assert "no level words" in record["structure"]["reading"] and "shaded" in record["structure"]["reading"]
    assert record["levels"][0]["description"] == gen.DESCRIPTIONS[0]


def test_banner_with_its_description_beside_the_title_keeps_the_description(tmp_path):
    """The description printed to the right of the level's name on the same shaded band is the level's description,
    not a second banner title."""
    record = extract_document(gen.banner_scheme_pdf(tmp_path / "beside.pdf", beside=True))
    assert _levels(record) == gen.SCHEME
    assert [level["description"] for level in record["levels"]] == gen.DESCRIPTIONS[:len(gen.SCHEME)]
    assert "described" in record["structure"]["reading"]


def test_first_level_banner_in_a_lighter_shade_is_a_level(tmp_path):
    shades = ["#fbfdfb"] + gen.SHADES[1:]  # the first banner is nearly white
    record = extract_document(gen.banner_scheme_pdf(tmp_path / "light.pdf", shades=shades))
    assert _levels(record) == gen.SCHEME
    assert _rows_of(record, "Good height/weight")[0]["level_label"] == "Sunrise"


@pytest.mark.parametrize("rotated", [False, True], ids=["horizontal", "rotated"])
def test_levels_as_table_rows_are_read_from_the_first_column(tmp_path, rotated):
    record = extract_document(gen.transposed_pdf(tmp_path / "rows.pdf", rotated=rotated))
    assert _levels(record) == gen.SCHEME
    assert record["structure"]["reading"].startswith("rows:")
    (row,) = _rows_of(record, "No recourse to public funds")
    assert (row["level_label"], row["area"], row["domain"]) == ("Nightfall", "Family and environment",
                                                                "Family and community")


def test_a_level_printed_in_its_first_row_only_continues_by_its_colour(tmp_path):
    record = extract_document(gen.transposed_pdf(tmp_path / "once.pdf", label_once=True))
    assert _levels(record) == gen.SCHEME
    # the second bullet of each cell sits in a row whose first cell shows only the level's shade
    assert _rows_of(record, "Homeless - or imminent")[0]["level_label"] == "Nightfall"
    assert _rows_of(record, "Some social exclusion problems")[0]["level_label"] == "Daylight"


def test_a_document_of_one_level_is_extracted_and_named_as_such(tmp_path):
    record = extract_document(gen.one_level_pdf(tmp_path / "one.pdf"))
    assert _levels(record) == ["Targeted support"]
    assert {r["level_rank"] for r in record["indicators"]} == {1}
    assert _grouping(_rows_of(record, "Dental decay and no access to treatment")[0]) == {"Health"}
    assert "1 level" in record["structure"]["reading"]


def test_level_and_grouping_joined_by_a_dash_when_the_level_label_has_a_dash(tmp_path):
    record = extract_document(gen.dashed_prefix_pdf(tmp_path / "dashed.pdf"))
    assert _levels(record) == ["universal", "additional needs", "complex needs", "specialist"]
    (row,) = _rows_of(record, "Non-organic failure to thrive")
    assert row["level_label"] == "specialist" and _grouping(row) == {"Health"}


@pytest.mark.parametrize("bold_line", [0, 1], ids=["name in bold", "number in bold"])
def test_column_head_with_the_level_number_on_the_line_below_keeps_the_name(tmp_path, bold_line):
    heads = [["Universal", "Level 1"], ["Early help", "Level 2"], ["Targeted", "Level 3"], ["Specialist", "Level 4"]]
    record = extract_document(gen.matrix_pdf(tmp_path / "heads.pdf", heads, bold_line=bold_line))
    assert _levels(record) == ["Universal", "Early help", "Targeted", "Specialist"]


def test_two_level_columns_with_one_label_stay_two_levels(tmp_path):
    heads = [["Universal"], ["Early help"], ["Early help"], ["Specialist"]]
    record = extract_document(gen.matrix_pdf(tmp_path / "twins.pdf", heads))
    assert [(lv["rank"], lv["label"]) for lv in record["levels"]] == [
        (1, "Universal"), (2, "Early help"), (3, "Early help"), (4, "Specialist")]
    # the matrix prints level 3's bullets (LEVELS[3]) in the second "Early help" column
    assert {r["level_rank"] for r in _rows_of(record, "Dental decay and no access to treatment")} == {3}


def test_one_area_heading_over_all_bullets_is_kept(tmp_path):
    heads = [["Universal"], ["Early help"], ["Targeted"], ["Specialist"]]
    areas = {"Child development": ["Health", "Learning"]}
    record = extract_document(gen.matrix_pdf(tmp_path / "one-area.pdf", heads, areas=areas))
    assert {r["area"] for r in record["indicators"]} == {"CHILD DEVELOPMENT"}
    assert {r["domain"] for r in record["indicators"]} == {"Health", "Learning"}


@pytest.mark.parametrize("spacing", [4.5, 7.0])  # a third and a half of an em between the level headings' letters
def test_widely_letter_spaced_capitals_keep_their_word_spaces(tmp_path, spacing):
    record = extract_document(docgen.letter_spaced_pdf(tmp_path / "tracked.pdf", ["Level 1 - Universal",
                              "Level 2 - Early help", "Level 3 - Targeted", "Level 4 - Specialist"], spacing=spacing))
    assert _levels(record) == ["UNIVERSAL", "EARLY HELP", "TARGETED", "SPECIALIST"]
    assert {r["domain"] for r in record["indicators"]} == {"HEALTH", "LEARNING", "FAMILY AND COMMUNITY"}


def test_rotated_label_drawn_letter_by_letter_is_read_whole(tmp_path):
    record = extract_document(gen.letter_by_letter_rotated_pdf(tmp_path / "letters.pdf"))
    labels = {label for r in record["indicators"] for label in _grouping(r)}
    assert "CHILD AND FAMILY" in labels
    assert not any(len(label) <= 2 for label in labels)


def test_colour_named_matrix_printed_once_with_shaded_header_cells_is_read(tmp_path):
    """One header row (the table fits on its page, nothing repeats), level names without level words: the
    columns are levels because each header cell has a colour of its own and every column fills the same domain
    rows."""
    path = gen.matrix_pdf(tmp_path / "colour-matrix-once.pdf", [["Green"], ["Amber"], ["Red"]],
                          areas={"Child development": ["Health", "Learning"]},
                          shades=["#c6efce", "#ffeb9c", "#ffc7ce"])
    record = extract_document(path)
    assert _levels(record) == ["Green", "Amber", "Red"]
    assert {(r["level_rank"], r["domain"]) for r in record["indicators"]} == {
        (rank, domain) for rank in (1, 2, 3) for domain in ("Health", "Learning")}


NAMES_WITHOUT_LEVEL_WORDS = {
    "colours": ["Green", "Yellow", "Amber", "Red"],
    "letters": ["A", "B", "C", "D"],
    "invented": ["Open door", "Helping hand", "Extra support", "Acting together"],
    "sentences": ["Children whose needs are met by everyday services", "Children who need some extra help",
                  "Children with complex and multiple needs", "Children at risk of significant harm"],
}
PLAIN_LAYOUTS = {  # no shading per level, no levels title: only the structure says where the levels are
    "list": docgen.threshold_list_pdf,
    "tables": docgen.threshold_tables_pdf,
    "matrix": docgen.threshold_matrix_pdf,
    "matrix printed once": lambda path, names: gen.matrix_pdf(path, [[n] for n in names],
                                                              areas={"Child development": ["Health", "Learning"]}),
}


@pytest.mark.parametrize("scheme", NAMES_WITHOUT_LEVEL_WORDS)
@pytest.mark.parametrize("layout", PLAIN_LAYOUTS)
def test_plain_levels_without_level_words_are_read_from_the_groupings_repeated_in_each(tmp_path, layout, scheme):
    """Headings (or columns) of one kind, each holding the same groupings (domain headings, or a matrix's rows)
    over bullets that differ from level to level: levels, whatever they are called."""
    names = NAMES_WITHOUT_LEVEL_WORDS[scheme]
    record = extract_document(PLAIN_LAYOUTS[layout](tmp_path / f"{layout}-{scheme}.pdf", names))
    assert _levels(record) == names
    assert not {r["text"] for r in record["indicators"]} & set(docgen.INTRO_BULLETS + docgen.CONTACTS)


@pytest.mark.parametrize("rotated", [False, True], ids=["horizontal", "rotated"])
def test_plain_transposed_levels_are_read_from_rows_filling_the_same_columns(tmp_path, rotated):
    """Levels as unshaded table rows named by invented phrases: every row fills the same domain columns."""
    names = NAMES_WITHOUT_LEVEL_WORDS["invented"]
    path = gen.transposed_pdf(tmp_path / "plain-rows.pdf", names, shades=["#ffffff"] * 4, rotated=rotated)
    record = extract_document(path)
    assert _levels(record) == names
    assert record["structure"]["reading"].startswith("rows: 4 levels from repeated row labels")


WEB_LEVELS = {1: {"Health": ["Good height and weight", "Developmental milestones met"],
                  "Learning": ["Attends school regularly", "No barriers to learning"]},
              2: {"Health": ["Missed health appointments", "Poor diet"],
                  "Learning": ["Poor school attendance", "Some learning needs"]},
              3: {"Health": ["Untreated chronic illness", "Self-harm"],
                  "Learning": ["Persistent truanting", "Excluded from school"]},
              4: {"Health": ["Serious injury not explained", "Failure to thrive"],
                  "Learning": ["Not in any school", "Child missing education"]}}


def _web_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _web_page(layout: str, names: list[str]) -> str:
    """A web page of levels with no level words and no shading: headings over repeated domain headings (list),
    a table with a column per level (matrix), or a row per level (rows); introduction bullets before."""
    domains = ["Health", "Learning"]
    if layout == "list":
        body = "".join(f"<h2>{name}</h2>" + "".join(f"<h3>{d}</h3>{_web_list(WEB_LEVELS[n][d])}" for d in domains)
                       for n, name in enumerate(names, 1))
    elif layout == "matrix":
        body = ("<table><tr><th>Domain</th>" + "".join(f"<th>{n}</th>" for n in names) + "</tr>"
                + "".join(f"<tr><th>{d}</th>" + "".join(f"<td>{_web_list(WEB_LEVELS[n][d])}</td>" for n in WEB_LEVELS)
                          + "</tr>" for d in domains) + "</table>")
    else:
        body = ("<table><tr><th>Level</th>" + "".join(f"<th>{d}</th>" for d in domains) + "</tr>"
                + "".join(f"<tr><th>{name}</th>" + "".join(f"<td>{_web_list(WEB_LEVELS[n][d])}</td>" for d in domains)
                          + "</tr>" for n, name in enumerate(names, 1)) + "</table>")
    return ("<!doctype html><html><body><main><h1>Guidance</h1><p>For practitioners.</p>"
            f"{_web_list(['babies who cannot yet speak', 'disabled children'])}{body}</main></body></html>")


@pytest.mark.parametrize("layout", ["list", "matrix", "rows"])
def test_web_page_levels_without_level_words_are_read_from_their_structure(tmp_path, layout):
    names = NAMES_WITHOUT_LEVEL_WORDS["invented"]
    path = tmp_path / f"{layout}.html"
    path.write_text(_web_page(layout, names), encoding="utf-8")
    record = extract_document(path)
    assert _levels(record) == names
    assert len(record["indicators"]) == 16


def test_the_same_list_under_every_column_is_no_scale(tmp_path):
    with pytest.raises(DocumentError) as err:
        extract_document(gen.same_list_per_column_pdf(tmp_path / "regions.pdf"))
    assert err.value.reason == "no_levels"


def test_a_strategy_with_shaded_priorities_is_not_a_threshold_document(tmp_path):
    with pytest.raises(DocumentError) as err:
        extract_document(gen.strategy_pdf(tmp_path / "strategy.pdf"))
    assert err.value.reason == "no_levels"


def test_two_level_banners_with_one_label_stay_two_levels(tmp_path):
    labels = ["Universal", "Early help", "Early help", "Specialist"]  # told apart by their shades and descriptions
    record = extract_document(gen.banner_scheme_pdf(tmp_path / "twins.pdf", labels))
    assert [(lv["rank"], lv["label"]) for lv in record["levels"]] == [
        (1, "Universal"), (2, "Early help"), (3, "Early help"), (4, "Specialist")]
    assert {r["level_rank"] for r in _rows_of(record, "Dental decay and no access to treatment")} == {3}
    assert {r["level_rank"] for r in _rows_of(record, "Minor concerns re diet, hygiene, clothing")} == {2}

"""Unit tests for the page geometry (pipeline/extract/geometry.py), the candidate readings of the levels
(readings.py) and the structure kept (structure.py), on small constructed pages: words, rules and shading placed
by hand (tests/pages.py), no PDF. The geometry tests name the page feature a relation reads; the structure tests
build a tiny document of each layout family and check every bullet's level, area and domain."""

from __future__ import annotations

import pytest

from pages import BOLD_ITALIC, ITALIC, block, bold, bullet, hrule, page, read, vrule, words
from pipeline.extract.evidence import Evidence
from pipeline.extract.geometry import Column, Geometry
from pipeline.extract.pdf import Box, RotatedLabel
from pipeline.extract.readings import candidates, column_keys, sufficient
from pipeline.extract.structure import read_structure

GREEN, AMBER, RED = (0.2, 0.7, 0.3), (1.0, 0.75, 0.0), (0.9, 0.2, 0.2)
PALE = (0.85, 0.9, 1.0)


def _geometry(*pages):
    blocks = read(*pages)
    return Geometry(list(pages), blocks), blocks


def _placed(structure) -> list[tuple]:
    """(bullet, level rank, level label, area, domain) for each indicator, in reading order."""
    return [(r["block"].text, r["level_rank"], r["level_label"], r["area"], r["domain"]) for r in structure.rows]


def _levels(structure) -> list[tuple]:
    return [(lv["rank"], lv["label"]) for lv in structure.levels]


# --- geometry: typography ---------------------------------------------------------------------------------

def test_heading_like_is_bold_or_clearly_larger_than_the_bullets_and_never_italic():
    geo, blocks = _geometry(page(
        bold("Health", 50, 60), bullet("Missed health checks", 50, 90),
        words("Plain body text", 50, 120), bullet("Poor diet", 50, 150),
        words("Larger plain text", 50, 180, size=13), bullet("Untreated illness", 50, 210),
        words("Slightly larger text", 50, 240, size=12), bullet("Head lice", 50, 270),
        words("Bold italic aside", 50, 300, font=BOLD_ITALIC), bullet("Tooth decay", 50, 330),
        words("Plain italic aside", 50, 360, font=ITALIC), bullet("Asthma", 50, 390)))
    assert geo.body_size == 10.0
    like = {b.text: geo.is_heading_like(b) for b in blocks}
    assert like == {"Health": True, "Missed health checks": False, "Plain body text": False, "Poor diet": False,
                    "Larger plain text": True, "Untreated illness": False, "Slightly larger text": False,
                    "Head lice": False, "Bold italic aside": False, "Tooth decay": False,
                    "Plain italic aside": False, "Asthma": False}


def test_larger_is_measured_against_the_commonest_bullet_size():
    def geometry(bullet_size):
        return _geometry(page(words("Family life", 50, 60, size=12),
                              *(bullet(f"Need {k}", 50, 90 + 14 * k, size=bullet_size) for k in range(3)),
                              bullet("A larger bullet", 50, 150, size=12)))
    small, small_blocks = geometry(9.0)
    body, body_blocks = geometry(10.0)
    assert small.body_size == 9.0 and body.body_size == 10.0
    assert small.is_heading_like(block(small_blocks, "Family life"))      # 12 pt over 9 pt bullets
    assert not body.is_heading_like(block(body_blocks, "Family life"))    # 12 pt over 10 pt bullets


def test_coloured_text_needs_less_size_to_be_heading_like():
    geo, blocks = _geometry(page(words("Coloured and larger", 50, 60, size=11.5, colour=RED),
                                 words("Coloured body size", 50, 100, colour=RED),
                                 bullet("Missed health checks", 50, 140), bullet("Poor diet", 50, 154)))
    assert geo.is_heading_like(block(blocks, "Coloured and larger"))
    assert not geo.is_heading_like(block(blocks, "Coloured body size"))


def test_a_bold_label_alone_at_its_height_is_a_heading_and_one_beside_another_is_not():
    geo, blocks = _geometry(page(bold("Level 2 - Early help", 50, 60, size=14),
                                 bold("Health", 50, 100), bold("Education", 300, 100),
                                 bullet("Missed health checks", 50, 120), bullet("Poor attendance", 300, 120)))
    assert [h.text for h in geo.headings()] == ["Level 2 - Early help"]
    assert not geo.is_wide(block(blocks, "Health")) and not geo.is_wide(block(blocks, "Education"))


def test_a_rule_down_the_row_boxes_a_bold_label_into_a_cell():
    # a label in the first cell of a ruled row is not a heading across the page, whatever it stands beside
    lines = (bold("Health", 50, 100), bullet("Missed health checks", 200, 140))
    free, free_blocks = _geometry(page(*lines))
    boxed, boxed_blocks = _geometry(page(*lines, vrules=[vrule(150, 90, 200)]))
    assert free.is_wide(block(free_blocks, "Health"))
    assert not boxed.is_wide(block(boxed_blocks, "Health"))


# --- geometry: banners ------------------------------------------------------------------------------------

def _banner_page(title_line, fill_x1=555.0, text=None):
    lines = [title_line, bullet("Missed health checks", 50, 110),
             bullet("Poor school attendance and punctuality at school", 300, 110)]
    if text:
        lines.append(text)
    return page(*lines, fills=[Box(40, 54, fill_x1, 96, PALE)])


def test_plain_text_first_on_a_shaded_band_across_the_content_is_a_banner_title():
    geo, blocks = _geometry(_banner_page(words("Children with additional needs", 50, 60),
                                         text=words("Needs met by a single agency", 50, 76, size=8)))
    title, under = block(blocks, "Children with additional needs"), block(blocks, "Needs met by a single agency")
    assert id(title) in geo.banners and geo.is_heading_like(title)     # regular weight, body size, but a banner
    assert id(under) not in geo.banners and not geo.is_heading_like(under)  # second text on the band
    assert geo.headings() == [title]
    assert geo.style(title) == (False, 10.0, True)  # printed on a shaded band: a class of its own
    assert geo.description_of(title) == "Needs met by a single agency"


def test_a_narrow_shaded_cell_or_a_sentence_is_no_banner():
    narrow, narrow_blocks = _geometry(_banner_page(words("Children with additional needs", 50, 60), fill_x1=250))
    sentence, sentence_blocks = _geometry(_banner_page(words("Children with additional needs.", 50, 60)))
    assert not narrow.banners and not narrow.is_heading_like(block(narrow_blocks, "Children with additional needs"))
    assert not sentence.banners


def test_plain_text_beside_a_banner_title_is_its_description():
    geo, blocks = _geometry(_banner_page(bold("Early help", 50, 60),
                                         text=words("Needs met by a single agency", 300, 61, size=8)))
    title = block(blocks, "Early help")
    assert geo.is_wide(title)
    assert geo.description_of(title) == "Needs met by a single agency"


# --- geometry: bands and columns --------------------------------------------------------------------------

def test_bold_labels_side_by_side_over_bullets_make_a_band_of_columns():
    geo, blocks = _geometry(page(bold("Universal", 100, 60), bold("Early help", 300, 60),
                                 bullet("Healthy weight", 100, 90), bullet("Missed checks", 300, 90)))
    assert [[b.text for b in band] for band in geo.bands] == [["Universal", "Early help"]]
    columns = geo.band_columns(geo.bands[0])
    # no rules: a column reaches half way to the next label (the first starts 14 pt before its label, the last
    # runs to the page edge)
    assert [(c.text, c.x0, c.x1) for c in columns] == [("Universal", 86, 222.5), ("Early help", 222.5, 595)]


def test_a_row_of_bold_labels_with_no_bullets_under_it_is_no_band():
    geo, _ = _geometry(page(bullet("Healthy weight", 100, 40), bullet("Missed checks", 300, 40),
                            bold("Universal", 100, 90), bold("Early help", 300, 90)))
    assert geo.bands == []


def test_a_header_printed_on_two_lines_merges_into_one_band():
    def geometry(gap):
        return _geometry(page(bold("Level 1", 100, 60, size=12), bold("Level 2", 300, 60, size=12),
                              bold("Universal", 100, 60 + gap), bold("Early help", 300, 60 + gap),
                              bullet("Healthy weight", 100, 100 + gap), bullet("Missed checks", 300, 100 + gap)))
    close, _ = geometry(13)  # the second line starts a point under the first
    apart, _ = geometry(40)
    assert [c.text for c in close.band_columns(close.bands[0])] == ["Level 1 Universal", "Level 2 Early help"]
    assert len(close.bands) == 1
    # set apart, the upper row is a band of its own that heads no bullets (the lower band's start ends it)
    assert [[b.text for b in band] for band in apart.bands] == [["Universal", "Early help"]]


def test_rules_crossing_a_band_set_its_column_edges():
    geo, _ = _geometry(page(bold("Universal", 100, 60), bold("Early help", 300, 60),
                            bullet("Healthy weight", 100, 90), bullet("Missed checks", 300, 90),
                            vrules=[vrule(90, 50, 200), vrule(280, 50, 200), vrule(500, 50, 200)]))
    assert [(c.x0, c.x1) for c in geo.band_columns(geo.bands[0])] == [(90, 280), (280, 500)]


def test_a_shaded_header_cell_sets_its_column_edges():
    geo, _ = _geometry(page(bold("Universal", 100, 60), bold("Early help", 300, 60),
                            bullet("Healthy weight", 100, 90), bullet("Missed checks", 300, 90),
                            fills=[Box(95, 55, 250, 75, GREEN), Box(295, 55, 450, 75, AMBER)]))
    assert [(c.x0, c.x1) for c in geo.band_columns(geo.bands[0])] == [(95, 250), (295, 450)]


def test_a_column_holds_an_item_whose_text_starts_inside_it():
    # an item's x0 is where its text starts (the bullet glyph is set off from it): 7.8 pt after the glyph here
    _, blocks = _geometry(page(bullet("Near the left edge", 90.7, 60), bullet("Too far left", 89, 80),
                               bullet("At the right edge", 192.2, 100), bullet("Inside", 150, 120)))
    assert [round(b.x0, 1) for b in blocks] == [98.5, 96.8, 200.0, 157.8]
    column = Column([], 100, 200)
    assert {b.text: column.holds(b) for b in blocks} == {"Near the left edge": True, "Too far left": False,
                                                         "At the right edge": False, "Inside": True}


# --- geometry: rows and cells -----------------------------------------------------------------------------

def _ruled_rows(ruled=True):
    lines = [bold("Health", 50, 100), bullet("Missed health checks", 200, 100), bullet("Poor diet", 200, 114),
             bold("Education", 50, 140), bullet("Poor school attendance", 200, 140)]
    return page(*lines, hrules=[hrule(40, 555, 94), hrule(40, 555, 132), hrule(40, 555, 170)] if ruled else [])


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_row_labels_are_the_labels_left_of_an_item_whose_row_holds_it(ruled):
    geo, blocks = _geometry(_ruled_rows(ruled))
    rows = {b.text: [lab.text for lab in geo.row_labels(b, set())] for b in blocks if b.kind == "item"}
    # unruled, a row runs until the next label in its column
    assert rows == {"Missed health checks": ["Health"], "Poor diet": ["Health"],
                    "Poor school attendance": ["Education"]}


def test_a_row_label_played_by_a_level_is_skipped():
    geo, blocks = _geometry(_ruled_rows())
    item = block(blocks, "Poor diet")
    assert geo.row_labels(item, {id(block(blocks, "Health"))}) == []


def test_a_label_with_bullets_under_it_heads_a_cell_and_is_no_row_label():
    geo, blocks = _geometry(page(bold("Health", 50, 100), bullet("Missed health checks", 50, 120),
                                 bullet("Poor school attendance", 300, 120)))
    assert geo.heads_items(block(blocks, "Health"))
    assert geo.row_labels(block(blocks, "Poor school attendance"), set()) == []


def test_a_rotated_label_is_a_row_label_beside_the_plain_one():
    geo, blocks = _geometry(page(bold("Health", 80, 100), bullet("Missed health checks", 200, 100),
                                 rotated=[RotatedLabel("THE CHILD", 50, 96, 60, 160, True)],
                                 hrules=[hrule(40, 555, 94), hrule(40, 555, 170)]))
    labels = geo.row_labels(block(blocks, "Missed health checks"), set())
    assert [(lab.text, lab.rotated) for lab in labels] == [("Health", False), ("THE CHILD", True)]  # nearest first


def _grid(rule_under_second=False):
    return page(bold("Health", 50, 60), bold("Education", 300, 60),
                bullet("Missed health checks", 50, 80), bullet("Poor school attendance", 300, 80),
                bold("Diet", 50, 110), bullet("Poor diet", 50, 130),
                hrules=[hrule(290, 555, 76)] if rule_under_second else [])


def test_the_cell_heading_is_the_nearest_heading_like_label_above_in_the_items_column():
    geo, blocks = _geometry(_grid())
    above = {b.text: geo.above_in_column(b, set()).text for b in blocks if b.kind == "item"}
    assert above == {"Missed health checks": "Health", "Poor school attendance": "Education", "Poor diet": "Diet"}


def test_plain_text_in_a_column_heads_nothing_but_a_line_across_the_page_is_found():
    geo, blocks = _geometry(page(bold("Health", 50, 60), bold("Education", 300, 60),
                                 words("Some plain text", 50, 80), words("More plain text", 300, 80),
                                 bullet("Missed health checks", 50, 100), bullet("Poor school attendance", 300, 100)))
    assert geo.above_in_column(block(blocks, "Missed health checks"), set()).text == "Health"
    # alone at its height, plain text is wide: found above every column (structure.py then takes no cell
    # heading from it)
    geo, blocks = _geometry(page(bold("Health", 50, 60), words("Some plain text", 50, 80),
                                 bullet("Missed health checks", 50, 100)))
    above = geo.above_in_column(block(blocks, "Missed health checks"), set())
    assert above.text == "Some plain text" and geo.is_wide(above) and not geo.is_heading_like(above)


def test_a_rule_between_a_label_and_an_item_is_a_cell_boundary():
    plain, plain_blocks = _geometry(_grid())
    ruled, ruled_blocks = _geometry(_grid(rule_under_second=True))
    assert not plain.rule_between(block(plain_blocks, "Education"), block(plain_blocks, "Poor school attendance"))
    assert ruled.rule_between(block(ruled_blocks, "Education"), block(ruled_blocks, "Poor school attendance"))
    assert not ruled.rule_between(block(ruled_blocks, "Health"), block(ruled_blocks, "Missed health checks"))


def test_the_top_of_a_shaded_cell_holding_the_item_is_a_cell_boundary():
    geo, blocks = _geometry(page(bold("Health", 50, 60), bullet("Missed health checks", 50, 90),
                                 fills=[Box(40, 84, 250, 110, PALE)]))
    assert geo.rule_between(block(blocks, "Health"), block(blocks, "Missed health checks"))


# --- readings --------------------------------------------------------------------------------------------

def test_evidence_without_level_words_needs_a_strong_structural_signal_and_a_second_one():
    assert not Evidence(shading=1.0).sufficient(3)                        # one signal
    assert not Evidence(parallel=0.75).sufficient(3)                      # one signal, not every container
    assert Evidence(parallel=1.0).sufficient(3)                           # every container repeats the others'
    assert not Evidence(parallel=1.0, needs=0.2).sufficient(3)            # ... but its bullets are not needs
    assert not Evidence(ordinal=1.0, described=1.0).sufficient(3)         # no strong one
    assert Evidence(parallel=1.0, ordinal=1.0).sufficient(3)
    assert Evidence(shading=1.0, titled=1.0).sufficient(3)
    assert not Evidence(parallel=1.0, shading=1.0, grouping=1.0).sufficient(3)  # labels name domains
    assert not Evidence(parallel=1.0, shading=1.0, needs=0.2).sufficient(3)     # bullets are not needs
    assert Evidence(words=0.4).sufficient(3)
    # a single level must be named outright
    assert not Evidence(parallel=1.0, shading=1.0, titled=1.0).sufficient(1)
    assert Evidence(words=0.9).sufficient(1)


def test_two_columns_printing_one_label_are_two_levels():
    _, blocks = _geometry(page(bold("Early help", 100, 60), bold("Early help", 300, 60), bold("Specialist", 500, 60)))
    columns = [Column([b], b.x0, b.x1) for b in blocks]
    assert column_keys(columns) == ["early help", "early help#2", "specialist"]


# --- tiny documents of each layout family -----------------------------------------------------------------

MATRIX_COLUMNS = [160, 360, 560]


def _matrix(number, levels, rows, shades=None, title=None):
    """Levels as the columns of a grid: a header row, then a row per domain (bold label left)."""
    lines = [bold("Domain", 40, 80)] + [bold(lv, x, 80) for lv, x in zip(levels, MATRIX_COLUMNS)]
    if title:
        lines.append(bold(title, 40, 40, size=16))
    fills = [Box(x - 6, 74, x + 194, 104, c) for x, c in zip(MATRIX_COLUMNS, shades)] if shades else []
    top, hrules = 114, [hrule(30, 800, 106)]
    for domain, cells in rows:
        lines.append(bold(domain, 40, top))
        for x, items in zip(MATRIX_COLUMNS, cells):
            lines += [bullet(item, x, top + 14 * k) for k, item in enumerate(items)]
        top += 14 * max(len(c) for c in cells) + 16
        hrules.append(hrule(30, 800, top - 8))
    return page(*lines, number=number, width=842, height=595, hrules=hrules, fills=fills,
                vrules=[vrule(x - 6, 75, top) for x in MATRIX_COLUMNS])


def test_area_and_domain_cells_starting_a_row_under_the_header_are_row_labels_not_a_header():
    """An area cell merged down its rows beside the domain cell (both bold, side by side, on the line where the
    row's bullets start) just under the header row: a row of row labels, not a second header line."""
    columns = [300, 500]
    lines = [bold("Area", 40, 80), bold("Domain", 160, 80)] + [bold(lv, x, 80) for lv, x in
                                                               zip(["Level 1", "Level 2"], columns)]
    lines += [bold("Child development", 40, 96), bold("Health", 160, 96), bold("Learning", 160, 140)]
    lines += [bullet(f"{name} need {k}", x, top) for name, top in (("Health", 96), ("Learning", 140))
              for k, x in enumerate(columns, start=1)]
    p = page(*lines, width=842, height=595, hrules=[hrule(30, 800, 92), hrule(30, 800, 134), hrule(150, 800, 134)],
             vrules=[vrule(x - 6, 75, 170) for x in [150] + columns])
    structure = read_structure([p], read(p))
    assert _levels(structure) == [(1, "Level 1"), (2, "Level 2")]
    assert _placed(structure) == [("Health need 1", 1, "Level 1", "Child development", "Health"),
                                  ("Health need 2", 2, "Level 2", "Child development", "Health"),
                                  ("Learning need 1", 1, "Level 1", "Child development", "Learning"),
                                  ("Learning need 2", 2, "Level 2", "Child development", "Learning")]


HEALTH = ("Health", [["Healthy weight"], ["Missed health checks", "Poor diet"], ["Untreated illness"]])
EDUCATION = ("Education", [["Attends school regularly"], ["Poor school attendance"], ["Not in any school"]])


def test_matrix_levels_are_the_header_columns_and_domains_the_row_labels():
    p = _matrix(1, ["Universal", "Early help", "Specialist"], [HEALTH, EDUCATION])
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("columns: 3 levels")
    assert _levels(structure) == [(1, "Universal"), (2, "Early help"), (3, "Specialist")]
    assert _placed(structure) == [
        ("Healthy weight", 1, "Universal", "", "Health"),
        ("Missed health checks", 2, "Early help", "", "Health"),
        ("Untreated illness", 3, "Specialist", "", "Health"),
        ("Poor diet", 2, "Early help", "", "Health"),
        ("Attends school regularly", 1, "Universal", "", "Education"),
        ("Poor school attendance", 2, "Early help", "", "Education"),
        ("Not in any school", 3, "Specialist", "", "Education")]
    # the column title over the row labels is neither a level nor a grouping
    roles = {b.text: role for b, role in structure.labels}
    assert roles["Universal"] == "level" and roles["Health"] == "domain" and "Domain" not in {
        r["domain"] for r in structure.rows}


def test_the_best_reading_of_a_matrix_is_its_columns_with_level_words():
    p = _matrix(1, ["Universal", "Early help", "Specialist"], [HEALTH, EDUCATION])
    geo, _ = _geometry(p)
    best = candidates(geo)[0]
    assert best.kind == "columns" and best.order == ["universal", "early help", "specialist"]
    assert sufficient(best) and best.evidence.words >= 0.9 and best.coverage == 1.0


def test_colour_named_matrix_columns_repeated_on_each_page_and_shaded_are_levels():
    levels = ["Green", "Amber", "Red"]
    p1 = _matrix(1, levels, [HEALTH], shades=[GREEN, AMBER, RED])
    p2 = _matrix(2, levels, [EDUCATION], shades=[GREEN, AMBER, RED])
    structure = read_structure([p1, p2], read(p1, p2))
    assert structure.reading.startswith("columns: 3 levels from repeated shaded header columns")
    assert "no level words" in structure.reading
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]
    assert [(text, rank, domain) for text, rank, _, _, domain in _placed(structure)] == [
        ("Healthy weight", 1, "Health"), ("Missed health checks", 2, "Health"), ("Untreated illness", 3, "Health"),
        ("Poor diet", 2, "Health"), ("Attends school regularly", 1, "Education"),
        ("Poor school attendance", 2, "Education"), ("Not in any school", 3, "Education")]


def test_colour_named_matrix_printed_once_with_shaded_described_headers_is_read():
    p = _matrix(1, ["Green", "Amber", "Red"], [HEALTH, EDUCATION], shades=[GREEN, AMBER, RED],
                title="Levels of need")
    p.words += [w for x in MATRIX_COLUMNS for w in words("Needs met by everyday services", x, 93, size=8)]
    structure = read_structure([p], read(p))
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]


def _sections(levels, groups, size=14.0, colours=None, banners=False, intro=()):
    """Levels as stacked section headings, each with bold sub-headings and bullets under them."""
    lines, fills, top = [], [], 60
    if intro:
        lines.append(bold("Introduction", 50, top, size=size + 2))
        top += 30
        for text in intro:
            lines.append(bullet(text, 50, top))
            top += 14
        top += 20
    for i, level in enumerate(levels):
        colour = colours[i] if colours and not banners else ()
        lines.append(bold(level, 50, top, size=size, colour=colour))
        if banners:
            fills.append(Box(40, top - 4, 555, top + size + 4, colours[i]))
        top += size + 14
        for heading, items in groups[i]:
            lines.append(bold(heading, 50, top))
            top += 16
            for item in items:
                lines.append(bullet(item, 50, top))
                top += 14
            top += 8
        top += 10
    return page(*lines, fills=fills)


GROUPS = [[("Health", ["Healthy weight"]), ("Education", ["Attends school regularly"])],
          [("Health", ["Missed health checks"]), ("Education", ["Poor school attendance"])],
          [("Health", ["Untreated illness"]), ("Education", ["Not in any school"])]]
SECTION_ROWS = [("Healthy weight", 1, "Health"), ("Attends school regularly", 1, "Education"),
                ("Missed health checks", 2, "Health"), ("Poor school attendance", 2, "Education"),
                ("Untreated illness", 3, "Health"), ("Not in any school", 3, "Education")]


def _rank_domain(structure):
    return [(text, rank, domain) for text, rank, _, _, domain in _placed(structure)]


def test_section_headings_carry_the_levels_and_sub_headings_the_domains():
    p = _sections(["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Specialist"], GROUPS)
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("sections: 3 levels from repeated headings (bold 14 pt)")
    assert [(lv["rank"], lv["label"], lv["number"]) for lv in structure.levels] == [
        (1, "Universal", 1), (2, "Early help", 2), (3, "Specialist", 3)]
    assert _rank_domain(structure) == SECTION_ROWS
    assert {r["area"] for r in structure.rows} == {""}


def test_the_sections_reading_keeps_the_level_heading_class():
    geo, blocks = _geometry(_sections(["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Specialist"],
                                      GROUPS))
    best = candidates(geo)[0]
    assert best.kind == "sections" and best.style == (True, 14.0, False)
    assert best.order == ["level 1 universal", "level 2 early help", "level 3 specialist"]
    assert set(best.carriers.values()) == set(best.order)
    assert best.evidence.parallel == 1.0  # each section repeats the others' sub-headings


def test_bullets_before_the_first_level_are_not_indicators():
    p = _sections(["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Specialist"], GROUPS,
                  intro=["Publish the training calendar", "Review the guidance every year"])
    structure = read_structure([p], read(p))
    assert _rank_domain(structure) == SECTION_ROWS


def test_colour_named_sections_each_repeating_the_same_groupings_are_levels():
    # what a person sees: three parallel sections of one heading class, each with the same sub-headings
    p = _sections(["Green", "Amber", "Red"], GROUPS)
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("sections: 3 levels from repeated headings")
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]
    assert _rank_domain(structure) == SECTION_ROWS


def test_colour_named_sections_with_no_groupings_and_no_shading_are_not_levels():
    # nothing but three headings over bullets: no structure says they are levels (a hint in the manifest does)
    p = _sections(["Green", "Amber", "Red"], [[("", items)] for items in (["Healthy weight"], ["Poor diet"],
                                                                          ["Untreated illness"])])
    structure = read_structure([p], read(p))
    assert structure.reading == "no levels of need found" and structure.rows == []
    assert "give its levels in the manifest" in structure.warnings[0]


@pytest.mark.parametrize("banners", [False, True], ids=["coloured text", "shaded banners"])
def test_colour_named_sections_printed_each_in_its_colour_are_levels(banners):
    p = _sections(["Green", "Amber", "Red"], GROUPS, colours=[GREEN, AMBER, RED], banners=banners)
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("sections: 3 levels from repeated shaded headings")
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]
    assert _rank_domain(structure) == SECTION_ROWS


def test_the_levels_hint_makes_colour_names_levels_and_a_wrong_layout_hint_is_warned():
    p = _sections(["Green", "Amber", "Red"], GROUPS)
    structure = read_structure([p], read(p), {"levels": ["Green", "Amber", "Red"], "layout": "matrix"})
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]
    assert _rank_domain(structure) == SECTION_ROWS
    assert [w.split(":")[0] for w in structure.warnings] == ["layout hint 'matrix'"]


def test_letters_in_order_over_repeated_sub_headings_are_levels():
    p = _sections(["A", "B", "C"], GROUPS, size=18)
    structure = read_structure([p], read(p))
    assert "numbered in order" in structure.reading
    assert _levels(structure) == [(1, "A"), (2, "B"), (3, "C")]
    assert _rank_domain(structure) == SECTION_ROWS


def test_a_level_prefix_on_each_sub_heading_is_the_level_and_the_rest_the_grouping():
    lines, top = [], 60
    for tier in ("Tier 2", "Tier 3"):
        for domain, item in (("Health", "Missed health checks"), ("Education", "Poor school attendance")):
            lines.append(bold(f"{tier} — {domain}", 50, top, size=12))
            lines.append(bullet(f"{item} {tier}", 50, top + 24))
            top += 52
    p = page(*lines)
    structure = read_structure([p], read(p))
    assert "heading prefixes" in structure.reading
    assert [(lv["label"], lv["number"]) for lv in structure.levels] == [("Tier 2", 2), ("Tier 3", 3)]
    assert _rank_domain(structure) == [("Missed health checks Tier 2", 1, "Health"),
                                       ("Poor school attendance Tier 2", 1, "Education"),
                                       ("Missed health checks Tier 3", 2, "Health"),
                                       ("Poor school attendance Tier 3", 2, "Education")]


def test_more_than_six_numbered_levels_are_no_level_scheme():
    lines, top = [], 40
    for n in range(1, 8):
        lines += [bold(f"Level {n}", 50, top, size=14), bullet(f"Need number {n}", 50, top + 26)]
        top += 50
    p = page(*lines)
    assert read_structure([p], read(p)).reading == "no levels of need found"
    fewer = page(*lines[:6 * 2])
    assert len(read_structure([fewer], read(fewer)).levels) == 6


def _banner_grid(levels, shades):
    """Levels as shaded banners across the page (title, then a description), each over a grid of cells: a bold
    domain heading over bullets, two cells side by side."""
    lines, fills, top = [], [], 60
    for level, shade, cells in zip(levels, shades, GROUPS):
        fills.append(Box(40, top - 6, 555, top + 30, shade))
        lines += [bold(level, 50, top, size=14), words(f"Children at the {level.lower()} level.", 50, top + 17, size=9)]
        top += 44
        for (domain, items), x in zip(cells, (50, 300)):
            lines.append(bold(domain, x, top))
            lines += [bullet(item, x, top + 16 + 14 * k) for k, item in enumerate(items)]
        top += 16 + 14 * max(len(items) for _, items in cells) + 20
    return page(*lines, fills=fills)


@pytest.mark.parametrize("levels", [["Universal", "Early help", "Specialist"], ["Green", "Amber", "Red"]])
def test_level_banners_over_grids_of_cells_read_domains_from_the_cell_headings(levels):
    p = _banner_grid(levels, [GREEN, AMBER, RED])
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("sections: 3 levels from repeated shaded headings (bold 14 pt on shaded "
                                        "bands), described")
    assert [(lv["label"], lv["description"]) for lv in structure.levels] == [
        (level, f"Children at the {level.lower()} level.") for level in levels]
    assert _rank_domain(structure) == SECTION_ROWS


def _level_tables(levels):
    """One ruled table per level: a title row across it, then rows of [area, turned and merged down its rows]
    [domain] [bullets]."""
    areas = [[("CHILD", [("Health", ["Healthy weight"]), ("Learning", ["Attends school regularly"])]),
              ("FAMILY", [("Housing", ["Stable home"])])],
             [("CHILD", [("Health", ["Missed health checks", "Poor diet"]), ("Learning", ["Poor school attendance"])]),
              ("FAMILY", [("Housing", ["Overcrowded housing"])])]]
    lines, hrules, vrules, turned, top = [], [], [], [], 50
    for level, level_areas in zip(levels, areas):
        hrules.append(hrule(40, 555, top - 6))
        lines.append(bold(level, 50, top, size=12))
        top += 22
        hrules.append(hrule(40, 555, top - 6))
        table_top = top - 6
        for area, rows in level_areas:
            area_top = top
            for domain, items in rows:
                lines.append(bold(domain, 80, top))
                lines += [bullet(item, 220, top + 14 * k) for k, item in enumerate(items)]
                top += 14 * len(items) + 12
                hrules.append(hrule(70, 555, top - 6))
            turned.append(RotatedLabel(area, 50, area_top, 60, top - 8, True))
            hrules.append(hrule(40, 555, top - 6))
        vrules += [vrule(70, table_top, top - 6), vrule(210, table_top, top - 6)]  # under the title row only
        top += 24
    return page(*lines, hrules=hrules, vrules=vrules, rotated=turned)


LEVEL_TABLE_ROWS = [("Healthy weight", "CHILD", "Health"), ("Attends school regularly", "CHILD", "Learning"),
                    ("Stable home", "FAMILY", "Housing"), ("Missed health checks", "CHILD", "Health"),
                    ("Poor diet", "CHILD", "Health"), ("Poor school attendance", "CHILD", "Learning"),
                    ("Overcrowded housing", "FAMILY", "Housing")]


@pytest.mark.parametrize("levels, labels", [
    (["Level 1 - Universal", "Level 2 - Early help"], ["Universal", "Early help"]),
    (["Notice (1)", "Offer (2)"], ["Notice", "Offer"]),  # no level words: numbered in order, repeated rows
], ids=["level words", "numbered names"])
def test_level_tables_read_areas_from_turned_labels_and_domains_from_row_labels(levels, labels):
    p = _level_tables(levels)
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("sections: 2 levels")
    assert [(lv["label"], lv["number"]) for lv in structure.levels] == [(labels[0], 1), (labels[1], 2)]
    assert [(text, area, domain) for text, _, _, area, domain in _placed(structure)] == LEVEL_TABLE_ROWS
    assert [rank for _, rank, _, _, _ in _placed(structure)] == [1, 1, 1, 2, 2, 2, 2]


TRANSPOSED_COLUMNS = [200, 420]


def _transposed_table(lines, hrules, fills, turned, top, area, levels, domains, cells, shades=None, rotate=False):
    """Levels as the rows of a table under an area heading: the level in each row's first cell (shaded in its
    colour, turned or not), domains as the column heads. Returns the top of what follows."""
    lines.append(bold(area, 40, top, size=13))
    top += 30
    lines += [bold("Indicators", 40, top)] + [bold(d, x, top) for d, x in zip(domains, TRANSPOSED_COLUMNS)]
    hrules.append(hrule(30, 640, top + 14))
    top += 24
    for k, (level, row) in enumerate(zip(levels, cells)):
        height = 14 * max(len(c) for c in row) + 16
        if rotate:
            turned.append(RotatedLabel(level, 60, top, 70, top + 5 * len(level), True))
            height = max(height, 5 * len(level) + 14)
        else:
            lines.append(bold(level, 40, top))
        if shades:
            fills.append(Box(30, top - 6, 150, top + height - 8, shades[k]))
        for x, items in zip(TRANSPOSED_COLUMNS, row):
            lines += [bullet(item, x, top + 14 * j) for j, item in enumerate(items)]
        top += height
        hrules.append(hrule(30, 640, top - 8))
    return top + 20


GROWING = [[["Healthy weight"], ["Attends school regularly"]],
           [["Missed health checks", "Poor diet"], ["Poor school attendance"]],
           [["Untreated illness"], ["Not in any school"]]]
HOME = [[["Warm and safe home"], ["Good family relationships"]],
        [["Overcrowded housing"], ["Parental conflict"]],
        [["Homeless family"], ["Domestic abuse in the home"]]]


def _transposed(levels, shades=None, rotate=False, tables=1):
    lines, hrules, fills, turned = [], [], [], []
    top = _transposed_table(lines, hrules, fills, turned, 60, "Growing and learning", levels, ["Health", "Education"],
                            GROWING, shades, rotate)
    if tables > 1:
        _transposed_table(lines, hrules, fills, turned, top, "Home and family", levels, ["Housing", "Relationships"],
                          HOME, shades, rotate)
    return page(*lines, width=842, height=595, hrules=hrules, fills=fills, rotated=turned)


def test_transposed_levels_are_the_row_labels_and_domains_the_column_heads():
    p = _transposed(["Level 1 Universal", "Level 2 Early help", "Level 3 Specialist"])
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("rows: 3 levels from repeated row labels")  # each fills the same columns
    assert [(lv["label"], lv["number"]) for lv in structure.levels] == [
        ("Universal", 1), ("Early help", 2), ("Specialist", 3)]
    # one table: its area heading, seen once before the levels, titles the table and is no area
    assert _placed(structure) == [
        ("Healthy weight", 1, "Universal", "", "Health"),
        ("Attends school regularly", 1, "Universal", "", "Education"),
        ("Missed health checks", 2, "Early help", "", "Health"),
        ("Poor school attendance", 2, "Early help", "", "Education"),
        ("Poor diet", 2, "Early help", "", "Health"),
        ("Untreated illness", 3, "Specialist", "", "Health"),
        ("Not in any school", 3, "Specialist", "", "Education")]


def test_colour_named_transposed_rows_filling_the_same_columns_of_one_plain_table_are_levels():
    p = _transposed(["Green", "Amber", "Red"])
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("rows: 3 levels from repeated row labels; no level words")
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]


@pytest.mark.parametrize("rotate", [False, True], ids=["upright", "turned"])
def test_colour_named_transposed_rows_shaded_and_repeated_down_two_tables_are_levels(rotate):
    # as the dev corpus prints them (synth-25, synth-29 transposed): each area's table repeats the level rows,
    # each level's first cell shaded in its colour
    p = _transposed(["Green", "Amber", "Red"], shades=[GREEN, AMBER, RED], rotate=rotate, tables=2)
    structure = read_structure([p], read(p))
    assert structure.reading.startswith("rows: 3 levels from repeated shaded row labels; no level words")
    assert _levels(structure) == [(1, "Green"), (2, "Amber"), (3, "Red")]
    placed = {text: (rank, area, domain) for text, rank, _, area, domain in _placed(structure)}
    assert len(placed) == 13
    assert placed["Poor diet"] == (2, "Growing and learning", "Health")
    assert placed["Not in any school"] == (3, "Growing and learning", "Education")
    assert placed["Warm and safe home"] == (1, "Home and family", "Housing")
    assert placed["Domestic abuse in the home"] == (3, "Home and family", "Relationships")


def _first_row_only(shaded):
    """A transposed table whose level name is printed in the level's first row only; its second row's first
    cell is empty (shaded in the level's colour, or not)."""
    lines = [bold("Level", 40, 80), bold("Health", 200, 80), bold("Education", 420, 80)]
    rows = [("Universal", GREEN, ["Healthy weight", "Attends school"]), (None, GREEN, ["Good diet", "Reads well"]),
            ("Early help", AMBER, ["Missed health checks", "Poor attendance"]),
            (None, AMBER, ["Poor diet", "Excluded once"])]
    top, hrules, fills = 110, [hrule(30, 640, 100)], []
    for label, shade, items in rows:
        if label:
            lines.append(bold(label, 40, top))
        if shaded:
            fills.append(Box(30, top - 6, 150, top + 16, shade))
        lines += [bullet(item, x, top) for x, item in zip(TRANSPOSED_COLUMNS, items)]
        top += 24
        hrules.append(hrule(30, 640, top - 8))
    return page(*lines, hrules=hrules, fills=fills, width=842, height=595)


def test_a_transposed_row_with_only_its_levels_colour_continues_that_level():
    p = _first_row_only(shaded=True)
    structure = read_structure([p], read(p))
    assert _rank_domain(structure) == [
        ("Healthy weight", 1, "Health"), ("Attends school", 1, "Education"),
        ("Good diet", 1, "Health"), ("Reads well", 1, "Education"),
        ("Missed health checks", 2, "Health"), ("Poor attendance", 2, "Education"),
        ("Poor diet", 2, "Health"), ("Excluded once", 2, "Education")]


def test_a_transposed_row_with_an_empty_unshaded_first_cell_is_not_placed():
    p = _first_row_only(shaded=False)
    structure = read_structure([p], read(p))
    assert [text for text, *_ in _placed(structure)] == [
        "Healthy weight", "Attends school", "Missed health checks", "Poor attendance"]


def _single(title):
    return page(bold(title, 50, 60, size=14),
                *(bullet(item, 50, 90 + 14 * k)
                  for k, item in enumerate(["Missed health checks", "Poor school attendance", "Overcrowded housing"])))


def test_a_single_level_document_named_outright_is_read():
    p = _single("Level 3 - Targeted support")
    structure = read_structure([p], read(p))
    assert [(lv["rank"], lv["label"], lv["number"]) for lv in structure.levels] == [(1, "Targeted support", 3)]
    assert [(text, rank, area, domain) for text, rank, _, area, domain in _placed(structure)] == [
        ("Missed health checks", 1, "", ""), ("Poor school attendance", 1, "", ""), ("Overcrowded housing", 1, "", "")]


def test_a_single_heading_that_names_no_level_is_not_a_level():
    p = _single("Green")
    structure = read_structure([p], read(p))
    assert structure.reading == "no levels of need found" and structure.levels == []

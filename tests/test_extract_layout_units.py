"""Unit tests for the layout helpers (pipeline/extract/layout.py) on small constructed pages: words placed by hand,
no PDF. Each test names the page feature it reads."""

from __future__ import annotations

from pages import BOLD, page as _page, words as _words
from pipeline.extract.layout import blocks, fragments
from pipeline.extract.pdf import Box, Page


def _texts(page: Page) -> list[str]:
    return [f.text for f in fragments(page)]


def test_a_bullet_glyph_stays_with_its_text_and_marks_the_fragment():
    page = _page(_words("• Poor school attendance", 60, 100))
    [frag] = fragments(page)
    assert frag.bullet == "•" and "Poor school attendance" in frag.text


def test_a_wide_gap_splits_two_columns_of_one_line():
    page = _page(_words("Universal", 60, 100) + _words("Early help", 300, 100))
    assert _texts(page) == ["Universal", "Early help"]


def test_a_vertical_rule_splits_words_that_are_close():
    left, right = _words("Health", 60, 100), _words("Education", 100, 100)
    rule = Box(97, 90, 97.5, 120)
    assert _texts(_page(left + right)) == ["Health Education"]
    assert _texts(_page(left + right, vrules=[rule])) == ["Health", "Education"]


def test_a_wrapped_bullet_line_joins_its_item_and_the_next_bullet_starts_another():
    page = _page(_words("• Persistent truanting, poor school", 60, 100),
                 _words("attendance and punctuality", 68, 112),
                 _words("• Some fixed-term exclusions", 60, 130))
    items = [b for b in blocks(fragments(page), []) if b.kind == "item"]
    assert [b.text for b in items] == ["Persistent truanting, poor school attendance and punctuality",
                                       "Some fixed-term exclusions"]


def test_consecutive_bold_lines_are_one_label_block():
    page = _page(_words("Family and", 60, 100, font=BOLD),
                 _words("environmental factors", 60, 112, font=BOLD),
                 _words("• Poor housing", 60, 140))
    labels = [b for b in blocks(fragments(page), []) if b.kind == "label"]
    assert [b.text for b in labels] == ["Family and environmental factors"] and labels[0].bold

"""Extraction's named thresholds, in one place: how near is "on one line", how wide a gap splits two columns, how
much evidence makes a reading levels of need. The rules in layout, geometry, readings, evidence and structure
read their thresholds from `SETTINGS`; docs/extraction.md lists them (a test keeps that list whole).

Units: `_em` is a multiple of the text's font size, `_pt` is PDF points (1/72 inch), `_share` is a fraction (0-1).

The defaults are the tuned values the scores are measured with. For an experiment, override some of them (unknown
names and non-numbers are refused, as pdfplumber's table settings are):

    threshold extract --setting wide_gap_em=1.8 --setting header_band_share=0.08
    with settings.overridden({"wide_gap_em": 1.8}): extract_document(path)

An override changes the extraction cache key, so cached results of other settings are never reused.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Iterator, Mapping


@dataclass
class Settings:
    # --- tolerances --------------------------------------------------------------------------------------
    touch_pt: float = 1.0               # edges this close count as touching (a rule on a cell's border)
    near_pt: float = 2.0                # a little more: a bullet's start on its column's edge, a rule's ends
    hairline_pt: float = 0.5            # edges this close count as the same edge (a mark inside its badge)
    indent_pt: float = 2.5              # lines starting this close share an indent (wrapped lines, column starts)
    # --- page reading (pdf.py) ---------------------------------------------------------------------------
    white_share: float = 0.985          # colours lighter than this on every channel are not shading
    tracked_letter_gap_em: float = 0.9  # single letters closer than this on a line may be one letter-spaced word
    tracked_word_space_em: float = 0.25  # ... and a gap wider than their own letter gap by this is a word space
    # --- running headers and footers (layout.py) ---------------------------------------------------------
    header_band_share: float = 0.075    # running headers sit above this share of the page's height
    footer_band_share: float = 0.92     # running footers below this share
    deep_header_band_share: float = 0.12  # plain body-sized text may sit this low in a deep margin...
    deep_footer_band_share: float = 0.9   # ... or this high (a landscape page's inch-wide margin is 12% of it)
    furniture_page_share: float = 0.4   # text repeated at one height on this share of the pages is furniture
    furniture_min_pages: int = 2        # ... and on at least this many pages
    furniture_search_pt: float = 40.0  # furniture is looked for this far outside the deep margins
    furniture_height_pt: float = 6.0    # "one height": tops within the same band of this many points
    table_row_band_pt: float = 3.0      # fragments whose tops share a band this tall stand on one line
    table_row_fragments: int = 3        # a line of this many fragments is a table row, never furniture
    stacked_line_reach: float = 1.6     # a wrapped line stands within this many line heights of the one above
    # --- lines and fragments (layout.py) -----------------------------------------------------------------
    bold_share: float = 0.6             # a line is bold when this share of its letters is
    line_top_em: float = 0.6            # words whose tops differ by less than this share one line
    line_size_gap_pt: float = 4.0       # ... and whose sizes differ by less than this
    stray_reach_em: float = 3.0         # a word with nothing this near on its line may be a stray from another
    stray_offset_em: float = 0.2        # ... when it sits this far off its line's baseline
    column_start_lines: int = 3         # an x where this many lines start text is a column start
    wide_gap_em: float = 1.6            # a gap this wide always splits a line into two fragments
    column_start_gap_em: float = 0.45   # a narrower gap splits it when the next word starts a column
    gutter_gap_em: float = 0.8          # ... or when neighbouring lines show a gutter there
    gutter_lines_em: float = 2.0        # neighbouring lines: within this distance up or down
    bullet_mark_gap_em: float = 2.5     # a bullet mark stays with text starting within this gap
    bullet_gap_em: float = 0.45         # a bullet glyph is set off from its text by at least this
    shape_bullet_reach_em: float = 3.0  # a painted mark this near left of a line's start is its bullet
    shape_bullet_drop_em: float = 0.3   # ... reaching down to this below the mark
    badge_max_em: float = 4.0           # a shaded box no bigger than this around a mark makes it an icon
    same_size_pt: float = 0.25          # wrapped lines of one label differ in size by less than this
    item_reach_em: float = 0.9          # a bullet's next wrapped line starts within this below its last
    item_reach_lower_em: float = 2.2    # ... or this, when it goes on in lower case
    item_size_pt: float = 0.6           # a bullet's wrapped lines differ in size by less than this
    label_reach_em: float = 0.8         # a label's next line starts within this below its last
    label_centre_pt: float = 3.0        # centred label lines have centres this close
    block_break_em: float = 2.5         # no line further below than this continues a block
    # --- geometry.py -------------------------------------------------------------------------------------
    body_size_pt: float = 10.0          # the body text size assumed when a document has no bullets
    heading_size_ratio: float = 1.3     # a label this much larger than the bullets is prominent
    coloured_heading_ratio: float = 1.1  # ... or this much larger and in colour
    wide_fill_share: float = 0.6        # a fill across this share of the content is a band across it
    bullet_cell_share: float = 0.9      # a shaded cell narrower than this share of the content is a table cell
    boxed_margin_pt: float = 20.0       # a rule this far inside the content's right edge boxes a label in a cell
    band_top_pt: float = 3.0            # labels whose tops differ by less than this stand in one band
    band_merge_em: float = 1.5          # a band this near below another continues it (a two-line header)
    column_lead_pt: float = 14.0        # a column reaches this far left of its heading (bullets hang left of it)
    column_reach_pt: float = 12.0       # a block starting this far left of a label still stands under it
    row_label_gap_pt: float = 4.0       # a row label ends at least this far left of its item
    row_label_rise_em: float = 0.8      # a row label's unruled row starts this far above it
    # --- readings.py and evidence.py ---------------------------------------------------------------------
    min_levels: int = 1                 # a reading has at least this many levels (a one-level document)...
    max_levels: int = 6                 # ... and at most this many (DESIGN.md: documents tabulate 2 to 6)
    coverage_weight: float = 0.5        # a reading's score: its evidence plus this times the share of bullets placed
    layout_hint_bonus: float = 0.5      # added to readings of the kind the manifest's layout hint names
    empty_section_cost: float = 0.05    # taken off for each section without bullets inside a run of levels
    shared_prefix_share: float = 0.6    # headings sharing a printed prefix: this share of a class carries the level
    level_band_likeness: float = 0.3    # a header row whose columns read on average this much like levels heads levels
    min_words: float = 0.35             # labels reading this much like levels need no other evidence
    strong_share: float = 0.5           # a structural signal at least this strong counts as present
    parallel_alone_share: float = 1.0   # containers this parallel (all repeat the others' groupings) need no other sign
    described_share: float = 0.75       # ... and for descriptions, this share of the levels
    needs_share: float = 0.5            # levels named without level words must hold this share of need bullets
    repeated_bullets_share: float = 0.5  # ... and fewer than this share of bullets repeated under another level
    content_sample: int = 200           # bullets sampled (evenly) to judge what a reading's bullets are about
    # --- structure.py (confidence) -----------------------------------------------------------------------
    low_confidence: float = 0.6         # below this, a document's reading is named with a warning
    few_indicators: int = 10            # a reading placing fewer bullets is less likely levels of need
    close_call_margin: float = 0.15     # a runner-up reading with other levels this close in score...
    close_call_penalty: float = 0.75    # ... multiplies confidence by this
    few_indicators_penalty: float = 0.7  # so does a reading placing fewer than few_indicators bullets
    # --- document.py and crosscheck.py -------------------------------------------------------------------
    max_indicator_chars: int = 2000     # an indicator is a bullet: the dev corpus's longest is 177 characters
    crosscheck_below: float = 0.9       # documents read with less confidence are cross-checked with camelot


SETTINGS = Settings()
_DEFAULTS = Settings()


def names() -> list[str]:
    return [f.name for f in fields(Settings)]


def resolve(overrides: Mapping[str, object]) -> dict[str, float | int]:
    """Validated overrides: each name must be a setting, each value a number (text such as "1.8" is read);
    a ValueError names what is wrong."""
    known = {f.name: f for f in fields(Settings)}
    out: dict[str, float | int] = {}
    for name, value in overrides.items():
        if name not in known:
            near = difflib.get_close_matches(str(name), known, n=1)
            raise ValueError(f"unknown extraction setting {name!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
                             + "; the settings are listed in docs/extraction.md")
        kind = int if isinstance(getattr(_DEFAULTS, name), int) else float
        try:
            number = kind(value)
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is None or isinstance(value, bool) or not math.isfinite(number):
            raise ValueError(f"extraction setting {name!r} needs {'a whole number' if kind is int else 'a number'},"
                             f" not {value!r}")
        out[name] = number
    return out


def parse(pairs: list[str] | tuple[str, ...]) -> dict[str, float | int]:
    """Command-line overrides ("name=value", repeated) -> validated overrides."""
    raw = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"a setting is written name=value, not {pair!r}")
        raw[name.strip()] = value.strip()
    return resolve(raw)


def fingerprint(overrides: Mapping[str, object]) -> str:
    """A short hash of the overrides ('' for none): part of the extraction cache key."""
    if not overrides:
        return ""
    return hashlib.sha256(json.dumps(resolve(overrides), sort_keys=True).encode()).hexdigest()[:8]


@contextmanager
def overridden(overrides: Mapping[str, object]) -> Iterator[Settings]:
    """Within the block, SETTINGS holds the overrides (validated); afterwards, what it held before."""
    values = resolve(overrides)
    saved = {name: getattr(SETTINGS, name) for name in values}
    for name, value in values.items():
        setattr(SETTINGS, name, value)
    try:
        yield SETTINGS
    finally:
        for name, value in saved.items():
            setattr(SETTINGS, name, value)

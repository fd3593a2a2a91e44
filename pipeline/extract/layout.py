"""Turn a page's words into line fragments, bullet items and label blocks; find running headers and footers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .bullets import clean_text, glyph_kind, join_lines, split_leading_glyph
from .pdf import Box, Page, Word
from .settings import SETTINGS as S


@dataclass
class Fragment:
    """Words on one baseline within one column."""
    words: list[Word]
    page: int
    bullet: str = ""          # the bullet glyph ('shape' for a painted mark), empty for plain text

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bold(self) -> bool:  # judged on the words with letters; a line of "&" alone by its own weight
        letters = [w for w in self.words if any(ch.isalpha() for ch in w.text)] or self.words
        return bool(letters) and (sum(len(w.text) for w in letters if w.bold)
                                  >= S.bold_share * sum(len(w.text) for w in letters))

    @property
    def italic(self) -> bool:
        letters = [w for w in self.words if any(ch.isalpha() for ch in w.text)] or self.words
        return bool(letters) and all(w.italic for w in letters)

    @property
    def coloured(self) -> bool:
        return all(w.coloured for w in self.words)


@dataclass
class Block:
    """A bullet item or a label: one or more fragments read as one piece of text."""
    kind: str                 # 'item' or 'label'
    lines: list[Fragment]
    page: int
    rotated: bool = False
    fill: tuple = ()          # background colour under the block, if shaded
    text_override: str = ""

    @property
    def x0(self) -> float:
        return self._extent()[0]

    @property
    def x1(self) -> float:
        return self._extent()[2]

    @property
    def top(self) -> float:
        return self._extent()[1]

    @property
    def bottom(self) -> float:
        return self._extent()[3]

    def _read_from(self, cached: tuple | None) -> bool:
        """Was `cached` (lines' words, value) read from the block's lines as they are now (the same word lists,
        held by the cache so none can be replaced unnoticed)?"""
        return cached is not None and len(cached[0]) == len(self.lines) and all(
            words is f.words for words, f in zip(cached[0], self.lines))

    def _extent(self) -> tuple:
        """(x0, top, x1, bottom): of its lines, else the box it was given; read once per set of lines."""
        if not self.lines:
            return self._box
        if not self._read_from(self._bounds):
            lines = self.lines
            self._bounds = (tuple(f.words for f in lines), (min(f.x0 for f in lines), min(f.top for f in lines),
                                                            max(f.x1 for f in lines), max(f.bottom for f in lines)))
        return self._bounds[1]

    _box: tuple = field(default=(0, 0, 0, 0), repr=False)
    locator: str = ""         # Word and web-page readers: where the block is in the source (no page geometry)
    cell: Any = None          # model.CellRef: the table cell the format states (Word and web tables), if any
    _text: tuple | None = field(default=None, repr=False, compare=False)    # (lines' words, text) last read
    _bounds: tuple | None = field(default=None, repr=False, compare=False)  # (lines' words, extent) last read

    @property
    def size(self) -> float:
        return max(f.size for f in self.lines) if self.lines else 0.0

    @property
    def bold(self) -> bool:
        if not self.lines:
            return True
        worded = [f for f in self.lines if any(ch.isalpha() for ch in f.text)]  # a line of "/" alone is no sign
        return (bool(worded) and all(f.bold for f in worded)) or self.lead is not None

    @property
    def lead(self) -> tuple[str, str] | None:
        """A bold run ending in a colon before regular text ('EARLY HELP: Children whose...') -> (run, rest)."""
        if self.kind != "label" or not self.lines:
            return None
        words = self.lines[0].words
        k = next((i for i, w in enumerate(words) if not w.bold), len(words))
        if k == 0 or k == len(words):
            return None
        if not (words[k - 1].text.endswith(":") or words[k].text.startswith(":")):
            return None
        head = clean_text(" ".join(w.text for w in words[:k])).rstrip(" :")
        rest = clean_text(join_lines([" ".join(w.text for w in words[k:])] + [f.text for f in self.lines[1:]]))
        return head, rest.lstrip(": ")

    @property
    def italic(self) -> bool:
        return bool(self.lines) and all(f.italic for f in self.lines)

    @property
    def coloured(self) -> bool:
        return bool(self.lines) and all(f.coloured for f in self.lines)

    @property
    def text(self) -> str:
        if self.text_override:
            return self.text_override
        if not self._read_from(self._text):  # lines joined or re-laid since: read again
            self._text = (tuple(f.words for f in self.lines), clean_text(join_lines([f.text for f in self.lines])))
        return self._text[1]

    @property
    def bbox(self) -> list[float]:
        return [round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2)]


# --- running headers and footers -------------------------------------------------------------------------

def _furniture_key(frag: Fragment) -> str:
    return re.sub(r"\d+", "#", frag.text.lower()).strip()


def _in_table_rows(frags: list[Fragment], edges: list[float]) -> set[int]:
    """Fragments that belong to a table row: those on a line shared by three or more fragments, and the wrapped
    lines stacked under or over them in the same column (a repeated header whose long labels wrap is not
    furniture, although its second line may hold only one or two of them), never across a rule or the top of a
    shaded cell (`edges`: a running header printed just above the table is not one of its rows)."""
    bands = Counter(round(f.top / S.table_row_band_pt) for f in frags)
    inside = {id(f) for f in frags if bands[round(f.top / S.table_row_band_pt)] >= S.table_row_fragments}

    def stacked(f: Fragment, g: Fragment) -> bool:
        upper, lower = (f, g) if f.top < g.top else (g, f)
        return (abs(g.top - f.top) <= S.stacked_line_reach * (f.bottom - f.top) and min(f.x1, g.x1) > max(f.x0, g.x0)
                and not any(upper.bottom - S.touch_pt <= y <= lower.top + S.touch_pt for y in edges))

    grew = True
    while grew:
        grew = False
        for f in frags:
            if id(f) not in inside and any(id(g) in inside and stacked(f, g) for g in frags):
                inside.add(id(f))
                grew = True
    return inside



def furniture_keys(pages: list[list[Fragment]], sheets: list[Page]) -> set[tuple[str, int]]:
    """Text repeated at the same height on many pages (running headers, footers, page numbers), never a table
    row such as a header repeated at the top of each page. Headers and footers sit in the page's top and bottom
    margins; plain text no bigger than the body's may sit lower in a deep margin, where a heading at the top of
    each page would not be furniture."""
    counts: Counter = Counter()
    sizes = Counter(round(f.size, 1) for frags in pages for f in frags)
    body = sizes.most_common(1)[0][0] if sizes else S.body_size_pt

    def in_margin(f: Fragment, height: float) -> bool:
        if f.top < height * S.header_band_share or f.bottom > height * S.footer_band_share:
            return True
        plain = not f.bold and f.size <= body + 0.1
        return plain and (f.top < height * S.deep_header_band_share or f.bottom > height * S.deep_footer_band_share)

    for frags, sheet in zip(pages, sheets):
        height = sheet.height
        reach = S.furniture_search_pt
        near = [f for f in frags if f.top < height * S.deep_header_band_share + reach
                or f.bottom > height * S.deep_footer_band_share - reach]
        in_rows = _in_table_rows(near, [r.top for r in sheet.hrules] + [f.top for f in sheet.fills])
        edges = [f for f in near if in_margin(f, height)]
        counts.update({(_furniture_key(f), round(f.top / S.furniture_height_pt)) for f in edges if id(f) not in in_rows})
    need = max(S.furniture_min_pages, int(len(pages) * S.furniture_page_share))
    return {key for key, n in counts.items() if n >= need}


def is_furniture(frag: Fragment, keys: set[tuple[str, int]]) -> bool:
    key = _furniture_key(frag)
    band = round(frag.top / S.furniture_height_pt)
    return any((key, b) in keys for b in (band - 1, band, band + 1))


# --- fragments -------------------------------------------------------------------------------------------

def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        mid = (w.top + w.bottom) / 2
        for row in reversed(rows[-6:]):
            r_top = min(x.top for x in row)
            r_bot = max(x.bottom for x in row)
            if (r_top - S.hairline_pt < mid < r_bot + S.hairline_pt and abs(row[0].size - w.size) < S.line_size_gap_pt
                    and abs(row[0].top - w.top) < S.line_top_em * w.size):
                row.append(w)
                break
        else:
            rows.append([w])
    return _rehome_strays([sorted(r, key=lambda w: w.x0) for r in rows])


def _rehome_strays(rows: list[list[Word]]) -> list[list[Word]]:
    """A word alone in its part of a line (nothing within three ems either side) that sits off the line's
    baseline belongs to the line of the words just beside it, if one is closer: a bullet glyph whose own
    column's text starts a little lower than a neighbouring column's line."""
    def near(row: list[Word], w: Word) -> list[Word]:
        return [o for o in row if o is not w and min(abs(o.x0 - w.x1), abs(w.x0 - o.x1)) <= S.stray_reach_em * w.size]

    def offset(row: list[Word], w: Word, among: list[Word]) -> float:
        return min((abs(o.top - w.top) for o in among if o is not w), default=float("inf"))

    for row in rows:
        for w in [w for w in row if len(row) > 1 and not near(row, w)]:
            here = offset(row, w, row)
            if here < S.stray_offset_em * w.size:
                continue
            best = min((r for r in rows if r is not row and near(r, w) and offset(r, w, near(r, w)) < here),
                       key=lambda r: offset(r, w, near(r, w)), default=None)
            if best is not None:
                row.remove(w)
                best.append(w)
                best.sort(key=lambda o: o.x0)
    return [r for r in rows if r]


def _crosses_rule(a: Word, b: Word, vrules: list[Box]) -> bool:
    top, bottom = min(a.top, b.top), max(a.bottom, b.bottom)
    return any(a.x1 - S.touch_pt <= r.x0 <= b.x0 + S.touch_pt and r.top <= bottom - S.near_pt
               and r.bottom >= top + S.near_pt for r in vrules)


def _column_starts(rows: list[list[Word]]) -> set[int]:
    starts: Counter = Counter()
    for row in rows:
        for i, w in enumerate(row):
            if i == 0 or w.x0 - row[i - 1].x1 > S.indent_pt:
                starts[round(w.x0)] += 1
    return {x for x, n in starts.items() if n >= S.column_start_lines}


def _is_column_start(x: float, starts: set[int]) -> bool:
    r = round(x)
    return r in starts or r - 1 in starts or r + 1 in starts


def _worded(words: list[Word]) -> bool:
    """Words, not a bullet or a number ("•", "1.", "(a)") set off from its text."""
    return sum(ch.isalpha() for w in words for ch in w.text) >= 2


def _gutter(rows: list[list[Word]], row: list[Word], left: float, right: float, size: float) -> bool:
    """Is the gap between x=left and x=right a gutter between two columns: does a neighbouring line (within 2
    lines) have words on both sides of it and none across it? (Two headings side by side in a table, set closer
    than a wide gap; a wide space inside one justified line has its neighbours' words running across it.)"""
    top = min(w.top for w in row)
    for other in rows:
        if other is row or not 0 < abs(min(w.top for w in other) - top) <= S.gutter_lines_em * size:
            continue
        if (any(w.x1 <= left + S.touch_pt for w in other) and any(w.x0 >= right - S.touch_pt for w in other)
                and not any(w.x0 < right - S.touch_pt and w.x1 > left + S.touch_pt for w in other)):
            return True
    return False


def fragments(page: Page) -> list[Fragment]:
    """Split each text row into fragments at rules, wide gaps, recurring column starts and gutters."""
    rows = _rows(page.words)
    starts = _column_starts(rows)
    out: list[Fragment] = []
    for row in rows:
        current = [row[0]]
        tracking = max(w.tracking for w in row)  # a letter-spaced line sets its words further apart
        for prev, w in zip(row, row[1:]):
            gap = w.x0 - prev.x1 - 2 * tracking
            size = max(prev.size, w.size)
            if len(current) == 1 and glyph_kind(prev.text, prev.font) == "mark" and gap <= S.bullet_mark_gap_em * w.size:
                split = False  # a bullet mark stays with its text
            else:
                split = (gap > S.wide_gap_em * size or _crosses_rule(prev, w, page.vrules)
                         or (gap > S.column_start_gap_em * size and _is_column_start(w.x0, starts)
                             and not glyph_kind(prev.text, prev.font))
                         or (gap > S.gutter_gap_em * size and _worded(current)
                             and _gutter(rows, row, prev.x1, w.x0, size)))
            if split:
                out.append(Fragment(current, page.number))
                current = [w]
            else:
                current.append(w)
        out.append(Fragment(current, page.number))
    for frag in out:
        _mark_bullet(frag, page)
    return out


def _mark_bullet(frag: Fragment, page: Page) -> None:
    first = frag.words[0]
    kind = glyph_kind(first.text, first.font)
    if kind and len(frag.words) > 1:
        gap = frag.words[1].x0 - first.x1
        if kind == "mark" or gap > S.bullet_gap_em * first.size:
            frag.bullet = first.text
            frag.words = frag.words[1:]
            return
    head, rest = split_leading_glyph(first.text)
    if head and rest:
        frag.bullet = head
        frag.words[0] = Word(rest, first.x0 + (first.x1 - first.x0) * len(head) / len(first.text), first.x1,
                             first.top, first.bottom, first.font, first.size)
        return
    mid = (first.top + first.bottom) / 2
    for s in page.shapes:
        if (S.touch_pt <= first.x0 - s.x1 <= S.shape_bullet_reach_em * first.size
                and s.top - S.touch_pt <= mid <= s.bottom + S.touch_pt + first.size * S.shape_bullet_drop_em
                and not _in_badge(s, page, first)):
            frag.bullet = "shape"
            return


def _in_badge(shape: Box, page: Page, text: Word) -> bool:
    """Is a painted mark part of an icon: drawn inside a small shaded box or disc (a badge) that ends before
    the text? A bullet stands on the text's own background."""
    slack = S.hairline_pt
    return any(f.x0 - slack <= shape.x0 and shape.x1 <= f.x1 + slack and f.top - slack <= shape.top
               and shape.bottom <= f.bottom + slack and f.x1 < text.x0
               and max(f.width, f.height) <= S.badge_max_em * text.size for f in page.fills)


# --- blocks ----------------------------------------------------------------------------------------------

def _same_style(a: Fragment, b: Fragment) -> bool:
    return a.bold == b.bold and abs(a.size - b.size) < S.same_size_pt  # wrapped lines of one label share one size


def _continues(item_last: Fragment, text_x0: float, frag: Fragment) -> bool:
    """Is `frag` a wrapped line of the item whose last line is `item_last`? A line that goes on with a lower-case
    word may stand further down (a writer that leaves a blank line inside a wrapped bullet)."""
    if frag.bullet:
        return False
    gap = frag.top - item_last.bottom
    reach = (S.item_reach_lower_em if frag.text[:1].islower() else S.item_reach_em) * item_last.size
    return (abs(frag.x0 - text_x0) <= S.indent_pt and -S.touch_pt <= gap <= reach
            and abs(frag.size - item_last.size) < S.item_size_pt and frag.bold == item_last.bold)


def _rule_between(upper: Fragment, lower: Fragment, hrules: list[Box]) -> bool:
    x0, x1 = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    return any(r.x0 <= x1 and r.x1 >= x0 and upper.bottom - S.touch_pt <= r.top <= lower.top + S.touch_pt
               for r in hrules)


def _caps(frag: Fragment) -> bool:
    letters = [ch for ch in frag.text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _label_continues(last: Fragment, frag: Fragment) -> bool:
    if frag.bullet or not _same_style(last, frag) or (_caps(last) and not _caps(frag)):
        return False
    gap = frag.top - last.bottom
    aligned = (abs(frag.x0 - last.x0) <= S.indent_pt
               or abs((frag.x0 + frag.x1) / 2 - (last.x0 + last.x1) / 2) <= S.label_centre_pt)
    return aligned and -S.touch_pt <= gap <= S.label_reach_em * last.size and frag.x0 < last.x1 and last.x0 < frag.x1


def _sharing_a_line(frags: list[Fragment]) -> set[int]:
    """Fragments (sorted by top) that overlap another fragment vertically by more than a point."""
    out: set[int] = set()
    for i, f in enumerate(frags):
        for o in frags[i + 1:]:
            if o.top >= f.bottom - S.touch_pt:
                break  # sorted by top: nothing further down reaches f
            if min(f.bottom, o.bottom) - max(f.top, o.top) > S.touch_pt:
                out.update((id(f), id(o)))
    return out


def blocks(frags: list[Fragment], hrules: list[Box]) -> list[Block]:
    """Group fragments: a bullet and its hanging-indented wrapped lines; consecutive label lines."""
    frags = sorted(frags, key=lambda f: (f.top, f.x0))
    crowded = _sharing_a_line(frags)
    used = [False] * len(frags)
    out: list[Block] = []
    for i, frag in enumerate(frags):
        if used[i]:
            continue
        used[i] = True
        lines = [frag]
        text_x0 = frag.x0
        for j in range(i + 1, len(frags)):
            if used[j]:
                continue
            cand = frags[j]
            if cand.top - lines[-1].bottom > S.block_break_em * lines[-1].size:
                break
            ok = _continues(lines[-1], text_x0, cand) if frag.bullet else _label_continues(lines[-1], cand)
            if not ok and frag.bullet and cand.top > lines[-1].bottom - S.touch_pt and min(cand.x1, lines[-1].x1) > max(
                    cand.x0, lines[-1].x0):

                break  # something else stands under the bullet's last line: the bullet ends there
            if ok and frag.bullet == "" and id(cand) in crowded and id(lines[-1]) not in crowded:
                ok = False  # a full-width heading is not continued by one cell of a row
            if ok and not _rule_between(lines[-1], cand, hrules):

                used[j] = True
                lines.append(cand)
        out.append(Block("item" if frag.bullet else "label", lines, frag.page))
    return out

"""Where a document's blocks stand relative to one another: headings, bands of column labels, row labels, the
label above an item in its column, text columns. Typography and position only, never wording.

Terms:
- heading: a bold or large label alone in its horizontal band (banners, section headings, spanning table rows),
  not boxed in a cell narrower than the content. Headings form style classes (bold, size).
- band: two or more bold labels side by side at one height (a header row, or a row of grid cells' headings);
  vertically adjacent bands merge (a header cell printed on two lines).
- row label: a label left of an item whose row (ruled cell, or until the next label in its column) holds it.
- cell heading: the nearest bold label above an item in its column, with no rule between them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .layout import Block
from .pdf import Box, Page
from .settings import SETTINGS as S

Style = tuple[bool, float, bool]  # bold, size (to the half point), printed on a shaded band across the content


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def x_overlap(a: Block, b: Block, slack: float = 0.0) -> float:
    return overlap(a.x0 - slack, a.x1, b.x0, b.x1)


@dataclass
class Column:
    """One column of a header band: its labels (top to bottom) and its horizontal extent."""
    labels: list[Block]
    x0: float
    x1: float

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.labels)

    def holds(self, item: Block) -> bool:
        """Does the item (its bullet's start) stand in this column?"""
        return self.x0 - S.near_pt <= item.x0 < self.x1


class Geometry:
    """Relations between the blocks of one document (`blocks` in page order, `pages` for rules)."""

    def __init__(self, pages: list[Page], blocks: list[Block]):
        self.pages = {p.number: p for p in pages}
        self.blocks = blocks
        self.order = {id(b): i for i, b in enumerate(blocks)}
        self.by_page: dict[int, list[Block]] = defaultdict(list)
        for b in blocks:
            self.by_page[b.page].append(b)
        self.items = [b for b in blocks if b.kind == "item"]
        self.stated_cells = any(b.cell is not None for b in blocks)  # a Word or web table: cells from the format
        sizes = Counter(round(b.lines[0].size, 1) for b in self.items)
        self.body_size = sizes.most_common(1)[0][0] if sizes else S.body_size_pt
        self._heads_cache: dict[int, bool] = {}
        self._headings: list[Block] | None = None
        self._styles: dict[int, Style] = {}
        self._bands_cache: dict[int, list] = {}
        self.banners = {id(b) for b in blocks if b.kind == "label" and not b.rotated and self._banner_title(b)}
        self.wide = self._find_wide()
        self.bands = self._find_bands()
        self.band_of = {id(b): i for i, band in enumerate(self.bands) for b in band}

    # --- typography ------------------------------------------------------------------------------------

    def is_heading_like(self, b: Block) -> bool:
        """Bold, or clearly larger than the bullets, or larger and in colour, or set on a shaded band across the
        content (a banner); never italic."""
        prominent = (b.bold or b.size >= self.body_size * S.heading_size_ratio
                     or (b.coloured and b.size >= self.body_size * S.coloured_heading_ratio) or id(b) in self.banners)
        return not b.rotated and b.kind == "label" and prominent and not b.italic

    def style(self, b: Block) -> Style:
        """A label's visual class: weight, size and whether it is printed on a shaded band (an area band and a
        bold heading of the same type beside no shading are two classes)."""
        if id(b) not in self._styles:
            self._styles[id(b)] = (b.bold, round(b.size * 2) / 2, bool(b.lines) and self._on_wide_fill(b))
        return self._styles[id(b)]

    @staticmethod
    def prominence(style: Style) -> tuple:
        bold, size, banded = style
        return (size, bold, banded)

    def before(self, a: Block, b: Block) -> bool:
        return self.order[id(a)] < self.order[id(b)]

    # --- headings --------------------------------------------------------------------------------------

    def _boxed(self, b: Block) -> bool:
        """Is the label inside a cell narrower than the content: a rule crosses its band to its right and goes
        on down the row (the edge of a tab or badge around the label alone does not)? Or is it in a cell the
        format states that ends before the content's right edge?"""
        right = max(o.x1 for o in self.by_page[b.page])
        if b.cell is not None:
            return b.cell.box[2] < right - S.boxed_margin_pt
        return any(b.x1 + S.touch_pt < r.x0 < right - S.boxed_margin_pt and r.top < b.bottom - S.touch_pt
                   and r.bottom > b.bottom + b.size for r in self.pages[b.page].vrules)

    def _in_bullet_cell(self, b: Block) -> bool:
        """Is the label printed in a shaded cell (narrower than the content) that also holds bullets below it:
        a heading inside a table cell, not a heading across the table?"""
        blocks = self.by_page[b.page]
        width = max(o.x1 for o in blocks) - min(o.x0 for o in blocks)
        mid_x, mid_y = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
        cells = [f for f in self.pages[b.page].fills
                 if f.x0 <= mid_x <= f.x1 and f.top <= mid_y <= f.bottom and f.width < S.bullet_cell_share * width]
        if not cells:
            return False
        cell = min(cells, key=lambda f: f.width * f.height)
        return any(o.kind == "item" and o.top > b.bottom - S.touch_pt and cell.x0 <= (o.x0 + o.x1) / 2 <= cell.x1
                   and cell.top <= (o.top + o.bottom) / 2 <= cell.bottom for o in blocks)

    def _alone_in_band(self, b: Block) -> bool:
        """Nothing else at its height: no other label or bullet beside it, save the plain text a banner prints
        beside its title (a big "A" in a badge, then the level's description)."""
        if self._boxed(b) or self._in_bullet_cell(b):
            return False
        return not any(o is not b and not o.rotated and overlap(b.top, b.bottom, o.top, o.bottom) > S.touch_pt
                       and not self._beside_title(b, o) for o in self.by_page[b.page])

    def _beside_title(self, title: Block, o: Block) -> bool:
        """Is `o` plain text printed to the right of a banner's title, on the same banner?"""
        return (o.kind == "label" and not o.bold and o.x0 > title.x1 and o.size < title.size
                and self._same_banner(title, o))

    def _find_wide(self) -> set[int]:
        """Labels alone in their band, decided per style class by majority (a cell heading in a row whose other
        cells are empty is still a cell heading)."""
        votes: dict[Style, list[bool]] = defaultdict(list)
        alone = {}
        for b in self.blocks:
            if b.kind == "label" and not b.rotated:
                alone[id(b)] = self._alone_in_band(b)
                votes[self.style(b)].append(alone[id(b)])
        wide = set()
        for b in self.blocks:
            if id(b) in alone:
                v = votes[self.style(b)]
                if alone[id(b)] and (sum(v) * 2 >= len(v) or not self.is_heading_like(b) or self._on_wide_fill(b)):
                    wide.add(id(b))
        return wide

    def _banner_title(self, b: Block) -> bool:
        """Is the label the first text on a shaded band across the content (a banner's title, in whatever weight):
        nothing on the band above it, nor is it the smaller plain text a title prints beside it; and not a
        sentence?"""
        if not self._on_wide_fill(b) or b.text.rstrip().endswith((".", ":", ";")):
            return False
        fills = [f for f in self.pages[b.page].fills
                 if f.x0 <= (b.x0 + b.x1) / 2 <= f.x1 and f.top <= (b.top + b.bottom) / 2 <= f.bottom]

        def before(o: Block) -> bool:
            return o.bottom <= b.top + S.touch_pt or (self._beside_title(o, b)
                                                      and overlap(o.top, o.bottom, b.top, b.bottom) > 0)

        return not any(o is not b and before(o) and any(
            f.x0 <= (o.x0 + o.x1) / 2 <= f.x1 and f.top <= (o.top + o.bottom) / 2 <= f.bottom for f in fills)
            for o in self.by_page[b.page])


    def _on_wide_fill(self, b: Block) -> bool:
        """Is the label printed on a shaded band across most of the content (a spanning table row, a banner)?"""
        blocks = self.by_page[b.page]
        left, right = min(o.x0 for o in blocks), max(o.x1 for o in blocks)
        mid_x, mid_y = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
        return any(f.x0 <= mid_x <= f.x1 and f.top <= mid_y <= f.bottom and f.width >= S.wide_fill_share * (right - left)
                   for f in self.pages[b.page].fills)

    def is_wide(self, b: Block) -> bool:
        return id(b) in self.wide

    def colour_of(self, b: Block) -> tuple | None:
        """The colour a label is printed in: the smallest shading under it, else its text colour if coloured."""
        fill = self._fill_at(b)
        if fill is not None and fill.color:
            return tuple(round(c, 2) for c in fill.color)
        if b.lines and b.coloured:
            return tuple(round(c, 2) for c in b.lines[0].words[0].colour)
        return None

    def _same_banner(self, a: Block, b: Block) -> bool:
        """Are two labels printed on one shaded band across the content (a banner's title and its text), the
        band drawn as one fill or as touching fills of one height (a badge in the level's colour, then a
        lighter panel)?"""
        if a.page != b.page:
            return False
        blocks = self.by_page[a.page]
        width = max(o.x1 for o in blocks) - min(o.x0 for o in blocks)
        centres = [((o.x0 + o.x1) / 2, (o.top + o.bottom) / 2) for o in (a, b)]
        return any(f.width >= S.wide_fill_share * width
                   and all(f.x0 <= x <= f.x1 and f.top <= y <= f.bottom for x, y in centres)
                   for f in self._shaded_bands(a.page))

    def _shaded_bands(self, page: int) -> list:
        """The page's fills, touching fills of one height joined into one band."""
        if page not in self._bands_cache:
            bands: list[list[float]] = []
            for f in sorted(self.pages[page].fills, key=lambda f: (round(f.top), f.x0)):
                band = next((b for b in bands if abs(b[1] - f.top) <= S.touch_pt and abs(b[3] - f.bottom) <= S.touch_pt
                             and b[0] - S.near_pt <= f.x0 <= b[2] + S.near_pt), None)
                if band is None:
                    bands.append([f.x0, f.top, f.x1, f.bottom])
                else:
                    band[2] = max(band[2], f.x1)
            self._bands_cache[page] = [Box(*b) for b in bands]
        return self._bands_cache[page]

    def description_of(self, label: Block, in_column: bool = False, skip=frozenset()) -> str:
        """The plain text printed with a level's label: after a bold lead ("EARLY HELP: Children whose..."),
        then the plain labels that follow it, across the content or on its banner (sections), or under it in
        its column (a header cell), beginning with what its banner prints beside it on its line (set a little higher
        or lower, it may come first in reading order). Labels in `skip` (the other header cells) are passed over."""
        beside = [] if in_column else self._beside_on_banner(label)
        parts = ([label.lead[1]] if label.lead else []) + [b.text for b in beside]
        for b in self.blocks[self.order[id(label)] + 1:]:
            if any(b is o for o in beside):
                continue
            if b.kind != "label" or b.rotated or self.is_heading_like(b):
                if in_column and id(b) in skip:
                    continue
                break
            if in_column:
                if overlap(label.x0, label.x1, b.x0, b.x1) <= 0 or b.page != label.page:
                    continue
            elif not (self.is_wide(b) or self._same_banner(label, b)):
                break
            parts.append(b.text)
        return " ".join(p for p in parts if p).strip()

    def _beside_on_banner(self, title: Block) -> list[Block]:
        """Plain labels printed to the right of a banner's title on its line and its banner, left to right."""
        if id(title) not in self.banners and not self._on_wide_fill(title):
            return []
        return sorted((o for o in self.by_page[title.page] if self._beside_title(title, o)
                       and overlap(o.top, o.bottom, title.top, title.bottom) > 0 and not o.rotated),
                      key=lambda o: o.x0)

    def headings(self) -> list[Block]:

        if self._headings is None:
            self._headings = [b for b in self.blocks if self.is_wide(b) and self.is_heading_like(b)]
        return self._headings

    # --- bands of side-by-side labels ----------------------------------------------------------------

    def _find_bands(self) -> list[list[Block]]:
        """Rows of two or more bold labels at one height that head bullet columns (on their page or the pages
        after), with vertically adjacent rows merged (a header cell printed on two lines)."""
        out = []
        for page, blocks in sorted(self.by_page.items()):
            labels = [b for b in blocks if b.kind == "label" and not b.rotated and not self.is_wide(b)
                      and self.is_heading_like(b)]
            rows: list[list[Block]] = []
            for b in sorted(labels, key=lambda b: b.top):
                for row in rows:
                    if abs(row[0].top - b.top) < S.band_top_pt:
                        row.append(b)
                        break
                else:
                    rows.append([b])
            rows = [sorted(row, key=lambda b: b.x0) for row in rows
                    if len(row) >= 2 and not self._row_of_row_labels(row)]
            merged: list[list[Block]] = []
            for row in rows:
                prev = merged[-1] if merged else None
                if prev and 0 <= row[0].top - max(b.bottom for b in prev) < S.band_merge_em * row[0].size:
                    prev.extend(row)
                else:
                    merged.append(list(row))
            out.extend(merged)
        out.sort(key=lambda band: self.order[id(band[0])])
        texts = [tuple(sorted(" ".join(b.text.lower().split()) for b in band)) for band in out]
        kept = []
        for k, band in enumerate(out):
            end = self.order[id(out[k + 1][0])] if k + 1 < len(out) else len(self.blocks)
            columns = self.band_columns(band)
            heading = sum(bool(self.column_items(band, column, end)) for column in columns)
            # a header row repeated over several tables (or pages) heads them all, even a table with one column
            # filled, or a header printed at the foot of a page before its table starts; a table of one data
            # column has a header over its first column of row labels too
            if heading >= 2 or texts.count(texts[k]) > 1 or (heading == 1 and any(
                    self._column_row_labels(band, column, end) for column in columns)):
                kept.append(band)
        return kept

    def _row_of_row_labels(self, row: list[Block]) -> bool:
        """Labels side by side with bullets starting on their line to the right of them all (an area and a
        domain cell beginning a table row) label that row; they head no columns."""
        right = max(b.x1 for b in row)
        top, bottom = min(b.top for b in row), max(b.bottom for b in row)
        return any(o.kind == "item" and o.x0 > right and overlap(o.top, o.bottom, top, bottom) > S.touch_pt
                   for o in self.by_page[row[0].page])

    def _column_row_labels(self, band: list[Block], column: "Column", end: int) -> bool:
        """Does a band's column head row labels (bold or turned labels with bullets to their right, on the
        band's page)?"""
        bottom = max(b.bottom for b in band)
        items = [b for b in self.blocks[self.order[id(band[0])] + 1:end] if b.kind == "item" and b.page == band[0].page]
        return any(b.kind == "label" and b.page == band[0].page and b.top > bottom and column.holds(b)
                   and (b.rotated or b.bold) and id(b) not in self.wide
                   and any(i.x0 > b.x1 and overlap(i.top, i.bottom + S.near_pt, b.top, b.bottom) > 0 for i in items)
                   for b in self.blocks[self.order[id(band[0])] + 1:end])

    def column_items(self, band: list[Block], column: "Column", end: int) -> list[Block]:
        """Items in a band's column, from the band to block `end` (across pages)."""
        bottom = max(b.bottom for b in band)
        return [b for b in self.blocks[self.order[id(band[0])] + 1:end]
                if b.kind == "item" and column.holds(b) and (b.page != band[0].page or b.top > bottom)]

    def band_columns(self, band: list[Block]) -> list["Column"]:
        """The band's columns, left to right: the labels stacked in each (top to bottom) and the column's
        extent, from the rules crossing the band (cell borders, shaded header cells), else half way to the
        neighbouring labels; a header printed centred over its column still heads the whole column."""
        stacks: list[list[Block]] = []
        for b in sorted(band, key=lambda b: b.x0):
            for col in stacks:
                if overlap(col[0].x0, col[0].x1, b.x0, b.x1) > 0:
                    col.append(b)
                    break
            else:
                stacks.append([b])
        page = self.pages[band[0].page]
        top, bottom = min(b.top for b in band), max(b.bottom for b in band)
        rules = [r.x0 for r in page.vrules if r.top < bottom and r.bottom > top]
        columns = []
        for i, stack in enumerate(stacks):
            x0, x1 = min(b.x0 for b in stack), max(b.x1 for b in stack)
            stated = {b.cell for b in stack}
            if len(stated) == 1 and None not in stated:  # the cell the format states
                box = stack[0].cell.box
                columns.append(Column(sorted(stack, key=lambda b: b.top), box[0], box[2]))
                continue
            cell = self._header_cell(stack, band)
            if cell is not None:  # a shaded header cell (not the badge around a big letter inside it)
                columns.append(Column(sorted(stack, key=lambda b: b.top), cell.x0, cell.x1))
                continue
            before = max(b.x1 for b in stacks[i - 1]) if i else None
            after = min(b.x0 for b in stacks[i + 1]) if i + 1 < len(stacks) else None
            left = [x for x in rules if (before is None or x >= before - S.touch_pt) and x <= x0 + S.touch_pt]
            right = [x for x in rules if x >= x1 - S.touch_pt and (after is None or x <= after + S.touch_pt)]
            lo = max(left) if left else ((before + x0) / 2 if before is not None else x0 - S.column_lead_pt)
            hi = min(right) if right else ((x1 + after) / 2 if after is not None else page.width)
            columns.append(Column(sorted(stack, key=lambda b: b.top), lo, hi))
        return columns

    def _header_cell(self, stack: list[Block], band: list[Block]):
        """The largest shaded area holding a header column's labels and no other label of its band."""
        others = [b for b in band if b not in stack]
        fills = [f for f in self.pages[stack[0].page].fills
                 if all(f.x0 - S.touch_pt <= b.x0 and b.x1 <= f.x1 + S.touch_pt and f.top - S.touch_pt <= b.top
                        and b.bottom <= f.bottom + S.touch_pt for b in stack)
                 and not any(f.x0 <= (b.x0 + b.x1) / 2 <= f.x1 and f.top <= (b.top + b.bottom) / 2 <= f.bottom
                             for b in others)]
        return max(fills, key=lambda f: f.width, default=None)

    # --- cells, rows and columns ---------------------------------------------------------------------

    def below_in_column(self, b: Block) -> Block | None:
        """The first block under `b` whose horizontal extent overlaps it, on the same page."""
        best = None
        for o in self.by_page[b.page]:
            if o is b or o.rotated or o.top < b.bottom - S.touch_pt:
                continue
            if overlap(b.x0, b.x1, o.x0 - S.column_reach_pt, o.x1) > 0 and (best is None or o.top < best.top):
                best = o
        return best

    def heads_items(self, lab: Block) -> bool:
        """A label with bullets directly under it in its own column heads a cell; it is not a row label."""
        if id(lab) not in self._heads_cache:
            below = self.below_in_column(lab)
            self._heads_cache[id(lab)] = below is not None and below.kind == "item"
        return self._heads_cache[id(lab)]

    def rule_bounds(self, b: Block) -> tuple[float | None, float | None]:
        """Top and bottom of the ruled cell holding `b`: nearest horizontal rules crossing its column."""
        page = self.pages[b.page]
        mid = (b.x0 + b.x1) / 2
        t = S.touch_pt
        above = [r.top for r in page.hrules if r.x0 - t <= mid <= r.x1 + t and r.bottom <= b.top + t]
        below = [r.top for r in page.hrules if r.x0 - t <= mid <= r.x1 + t and r.top >= b.bottom - t]
        return (max(above) if above else None, min(below) if below else None)

    def row_labels(self, item: Block, skip: set[int], floor: float = 0.0) -> list[Block]:
        """Labels left of the item whose row (ruled cell, or until the next label in their column) holds it,
        nearest first. Labels in `skip` play another part (levels, column titles); labels above `floor` (the
        item's header row) are outside its table."""
        found = []
        page_blocks = [b for b in self.by_page[item.page] if b.top >= floor]
        wide_tops = [o.top for o in page_blocks if self.is_wide(o)]
        for lab in page_blocks:
            if lab.kind != "label" or lab.x1 > item.x0 - S.row_label_gap_pt or self.is_wide(lab) or id(lab) in skip:
                continue
            if not (lab.rotated or self.is_heading_like(lab)) or self.heads_items(lab):
                continue
            top, bottom = self._row_span(lab, page_blocks, item.x0, wide_tops)
            if top - S.touch_pt <= item.top < bottom:
                found.append(lab)
        # one label per column of labels: where two rows seem to hold the item (a page-wide rule above them),
        # the row whose label starts last above the item does
        chosen: list[Block] = []
        above = item.top + S.touch_pt
        for lab in sorted(found, key=lambda b: (b.top > above, -b.top if b.top <= above else b.top)):
            if not any(overlap(lab.x0, lab.x1, o.x0, o.x1) > 0 and lab.rotated == o.rotated for o in chosen):
                chosen.append(lab)
        return sorted(chosen, key=lambda b: -b.x1)

    def _row_span(self, lab: Block, page_blocks: list[Block], right: float, wide_tops: list[float]) -> tuple:
        """Top and bottom of the table row a label names: its ruled cell, cut at the next label in its column
        (or a heading across the page), since a page's header and footer rules do not make the whole page one
        cell. A rotated label is centred in its merged cell: without rules, its row reaches half way to the
        neighbouring labels (or up to the heading above). A cell the format states is the label's row."""
        if lab.cell is not None:
            return lab.cell.box[1], lab.cell.box[3]
        column = [o for o in page_blocks if o.kind == "label" and o is not lab and o.x1 <= right
                  and overlap(lab.x0, lab.x1, o.x0, o.x1) > 0]
        cell = self._cell_fill(lab, column)
        if cell is not None:
            return cell.top, cell.bottom
        top, bottom = self.rule_bounds(lab)
        edge = lab.top + S.touch_pt  # a label starting below this is further down its column
        after = [o.top for o in column if o.top > edge]
        cut = min(after + [t for t in wide_tops if t > lab.top], default=self.pages[lab.page].height)
        if lab.rotated:
            before = [o.bottom for o in column if o.bottom <= edge and o.rotated]
            heads = [o.bottom for o in page_blocks if self.is_wide(o) and o.bottom <= edge]
            if top is None:
                top = max([(b + lab.top) / 2 for b in before] + heads, default=0.0)
            after_rotated = [o.top for o in column if o.top > edge and o.rotated]
            cut = min([cut] + [(lab.bottom + t) / 2 for t in after_rotated])
        elif top is None:
            top = lab.top - S.row_label_rise_em * lab.size
        return top, min(bottom, cut) if bottom is not None else cut

    def _cell_fill(self, lab: Block, column: list[Block]):
        """The shaded cell around a label: the smallest fill holding it and no other label of its column. A turned
        label may run out of its narrow cell sideways (a writer that cannot turn the text prints it across): its
        cell is the one its start stands in."""
        t = S.touch_pt
        right = lab.x0 + t if lab.rotated else lab.x1
        fills = [f for f in self.pages[lab.page].fills
                 if f.x0 - t <= lab.x0 and right <= f.x1 + t and f.top - t <= lab.top and lab.bottom <= f.bottom + t
                 and not any(f.top <= (o.top + o.bottom) / 2 <= f.bottom for o in column)]
        return min(fills, key=lambda f: f.width * f.height, default=None)

    def above_in_column(self, item: Block, skip: set[int], floor: float = 0.0) -> Block | None:
        """The nearest heading-like or wide label above the item in its column (skipping other items), not
        above `floor`."""
        best = None
        for o in self.by_page[item.page]:
            if o.kind != "label" or o.rotated or o.bottom > item.top + S.touch_pt or id(o) in skip or o.top < floor:
                continue
            if not self.is_wide(o) and not self.is_heading_like(o):
                continue  # plain text in a column (a description cell) heads nothing
            if not self.is_wide(o) and (x_overlap(item, o, S.column_lead_pt) <= 0
                                        or o.x1 <= item.x0 - S.row_label_gap_pt):
                continue  # another column, or a row label
            if best is None or o.bottom > best.bottom:
                best = o
        return best

    def rule_between(self, upper: Block, item: Block) -> bool:
        """Is there a cell boundary between a label and an item below it: they stand in different cells the format
        states, or a table the format states stands between them; or a rule, or the top of a shaded cell that
        holds the item and not the label?"""
        if upper.cell is not None or item.cell is not None:
            return upper.cell != item.cell
        if self.stated_cells:
            return any(b.cell is not None and upper.bottom <= b.top and b.bottom <= item.top
                       for b in self.by_page[item.page])
        page = self.pages[item.page]
        mid, t = item.x0 + S.near_pt, S.touch_pt
        if any(r.x0 - t <= mid <= r.x1 + t and upper.bottom - t <= r.top <= item.top - S.hairline_pt
               for r in page.hrules):
            return True
        cell = self._fill_at(item)
        return cell is not None and upper.bottom - t <= cell.top and self._fill_at(upper) is not cell

    def colour_left_of(self, item: Block, x0: float, x1: float) -> tuple | None:
        """The colour of the shaded cell in the column x0..x1 beside an item (a table's first column)."""
        fills = [f for f in self.pages[item.page].fills if overlap(f.x0, f.x1, x0, x1) > 0
                 and f.x1 <= item.x0 + S.touch_pt and f.top - S.touch_pt <= item.top <= f.bottom]
        cell = min(fills, key=lambda f: f.width * f.height, default=None)
        return tuple(round(c, 2) for c in cell.color) if cell is not None and cell.color else None

    def _fill_at(self, b: Block):
        """The smallest shaded area under the block's centre, if any."""
        x, y = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2
        fills = [f for f in self.pages[b.page].fills if f.x0 <= x <= f.x1 and f.top <= y <= f.bottom]
        return min(fills, key=lambda f: f.width * f.height, default=None)

    def previous_column_heading(self, item: Block, region_top: float, skip: set[int]) -> Block | None:
        """In text flowing down columns (designed documents), the last cell heading of the nearest column to the
        item's left within the same region (below `region_top`). Only headings of bullets count: row labels of
        a table head nothing below them."""
        page = self.by_page[item.page]
        region_bottom = min((o.top for o in page if self.is_wide(o) and o.top > item.top), default=float("inf"))
        left = [o for o in page
                if o.kind == "label" and self.is_heading_like(o) and not self.is_wide(o) and id(o) not in skip
                and region_top <= o.top < region_bottom and o.x1 <= item.x0 - S.row_label_gap_pt and self.heads_items(o)]
        if not left:
            return None
        column_x = max(o.x0 for o in left)
        return max((o for o in left if abs(o.x0 - column_x) <= S.label_centre_pt), key=lambda o: o.top)

    def orphan_heading(self, item: Block, skip: set[int], placed: set[int] | dict) -> Block | None:
        """A column heading left at the foot of the page before, under that page's last bullet (a page break
        between a heading and its first bullets): the last heading-like label there in the item's column. Only
        under indicators (`placed` ids): a heading after the introduction's last bullet heads no table."""
        page = self.by_page.get(item.page - 1, [])
        items = [o for o in page if o.kind == "item"]
        if not items or max(items, key=lambda o: o.bottom) is not max(
                (o for o in items if id(o) in placed), key=lambda o: o.bottom, default=None):
            return None
        last_item = max(o.bottom for o in items)
        below = [o for o in page if o.kind == "label" and not o.rotated and id(o) not in skip and o.top > last_item
                 and self.is_heading_like(o) and not self.is_wide(o) and x_overlap(item, o, S.column_lead_pt) > 0
                 and o.x1 > item.x0 - S.row_label_gap_pt]

        return max(below, key=lambda o: o.top, default=None)

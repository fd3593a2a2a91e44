"""Give every bullet item its level, area and domain from the document's own structure.

The document is read as a sequence of blocks (labels and bullet items) with geometry. Labels play one of these
parts, decided from layout, never from wording:
- heading: a label alone in its horizontal band (banners, section headings, spanning table rows). Headings form
  style classes; a class whose sections repeat the same sub-structure (3-6 sections sharing sub-headings) is the
  level class; less prominent classes give areas and domains.
- column header: side-by-side labels above bullet columns whose texts recur unchanged (a header row repeated on
  every page or table): they name the levels of a matrix.
- row label: a label left of bullets in the same table row (nearest: domain; rotated or further left: area).
- cell heading: a label directly above bullets in the same column (domain), including bold headings inline
  inside another domain's cell.
A bullet with no level is not an indicator (introduction, contacts, pathway steps).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .layout import Block
from .pdf import Page

_NUMBERING = re.compile(
    r"^\s*(?:(?:level|tier|step|stage)\s*(?:\d+[a-z]?|one|two|three|four|five|six)\b|level of need\b|"
    r"\d+(?:\.\d+)*[.)]?(?=\s))[\s:.)\-–—]*", re.IGNORECASE)
_SEPARATORS = " :-–—|"


def strip_numbering(label: str) -> str:
    """'LEVEL ONE Level of Need: Universal' -> 'Universal'; a label that is only a number is kept."""
    text, prev = label.strip(), None
    while prev != text:
        prev = text
        text = _NUMBERING.sub("", text).strip(_SEPARATORS)
    return text or label.strip()


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


class DocumentStructure:
    """Resolve context for all items of a document. `pages` gives rules; `blocks` are in page order."""

    def __init__(self, pages: list[Page], blocks: list[Block]):
        self.pages = {p.number: p for p in pages}
        self.blocks = blocks
        self.by_page: dict[int, list[Block]] = defaultdict(list)
        for b in blocks:
            self.by_page[b.page].append(b)
        items = [b for b in blocks if b.kind == "item"]
        self.body_size = Counter(round(b.lines[0].size, 1) for b in items).most_common(1)[0][0] if items else 10
        self._heads_cache: dict[int, bool] = {}
        self.wide = self._find_wide()
        self.header_rows = self._find_header_rows()

    # --- classification ------------------------------------------------------------------------------

    def is_heading_like(self, b: Block) -> bool:
        return not b.rotated and b.kind == "label" and (b.bold or b.size >= self.body_size * 1.3) and not b.italic

    def style(self, b: Block) -> tuple:
        return (b.bold, round(b.size * 2) / 2)

    def _boxed(self, b: Block) -> bool:
        """Is the label inside a cell narrower than the content: a rule crosses its band to its right?"""
        right = max(o.x1 for o in self.by_page[b.page])
        return any(b.x1 + 1 < r.x0 < right - 20 and r.top < b.bottom - 1 and r.bottom > b.top + 1
                   for r in self.pages[b.page].vrules)

    def _alone_in_band(self, b: Block) -> bool:
        if self._boxed(b):
            return False
        for o in self.by_page[b.page]:
            if o is b or o.rotated:
                continue
            if _overlap(b.top, b.bottom, o.top, o.bottom) > 1:
                return False
        return True

    def _find_wide(self) -> set[int]:
        """Labels alone in their band, decided per style class by majority (a cell heading in a row whose other
        cells are empty is still a cell heading)."""
        votes: dict[tuple, list[bool]] = defaultdict(list)
        alone = {}
        for b in self.blocks:
            if b.kind == "label" and not b.rotated:
                alone[id(b)] = self._alone_in_band(b)
                votes[self.style(b)].append(alone[id(b)])
        wide = set()
        for b in self.blocks:
            if id(b) in alone:
                v = votes[self.style(b)]
                if alone[id(b)] and (sum(v) * 2 >= len(v) or not self.is_heading_like(b)):
                    wide.add(id(b))
        return wide

    def is_wide(self, b: Block) -> bool:
        return id(b) in self.wide

    def _below_in_column(self, b: Block) -> Block | None:
        """The first block under `b` whose horizontal extent overlaps it, on the same page."""
        best = None
        for o in self.by_page[b.page]:
            if o is b or o.rotated or o.top < b.bottom - 1:
                continue
            if _overlap(b.x0, b.x1, o.x0 - 12, o.x1) > 0 and (best is None or o.top < best.top):
                best = o
        return best

    def _side_by_side_bands(self) -> list[list[Block]]:
        """Rows of two or more bold labels at one height, with vertically adjacent rows merged per column."""
        out = []
        for page, blocks in sorted(self.by_page.items()):
            labels = [b for b in blocks if b.kind == "label" and not b.rotated and not self.is_wide(b)
                      and self.is_heading_like(b)]
            bands: list[list[Block]] = []
            for b in sorted(labels, key=lambda b: b.top):
                for band in bands:
                    if abs(band[0].top - b.top) < 3:
                        band.append(b)
                        break
                else:
                    bands.append([b])
            items = [b for b in blocks if b.kind == "item"]
            bands = [sorted(band, key=lambda b: b.x0) for band in bands
                     if sum(any(i.top > b.bottom and _overlap(b.x0, b.x1, i.x0 - 14, i.x1) > 0 for i in items)
                            for b in band) >= 2]
            merged: list[list[Block]] = []
            for band in bands:
                prev = merged[-1] if merged else None
                if prev and 0 <= band[0].top - max(b.bottom for b in prev) < 1.5 * band[0].size:
                    prev.extend(band)
                else:
                    merged.append(list(band))
            out.extend(merged)
        return out

    def _heads_items(self, lab: Block) -> bool:
        """A label with bullets directly under it in its own column heads a cell; it is not a row label."""
        if id(lab) not in self._heads_cache:
            below = self._below_in_column(lab)
            self._heads_cache[id(lab)] = below is not None and below.kind == "item"
        return self._heads_cache[id(lab)]

    def _find_header_rows(self) -> set[int]:
        """Bands of column labels whose texts never change among bands of the same table geometry: the level
        headers of a matrix, repeated on every page or table. Bands that change (Health | Education, then
        Identity | Family) are cell headings of a grid."""
        bands = self._side_by_side_bands()
        positions = [{round(b.x0 / 10) for b in band} for band in bands]
        keys = [tuple(sorted((round(b.x0 / 10), _norm(b.text)) for b in band)) for band in bands]
        family = list(range(len(bands)))

        def find(i: int) -> int:
            while family[i] != i:
                i = family[i]
            return i

        for i in range(len(bands)):
            for j in range(i):
                if len(positions[i] & positions[j]) >= 2:
                    family[find(i)] = find(j)
        groups: dict[int, set] = defaultdict(set)
        for i in range(len(bands)):
            groups[find(i)].add(keys[i])
        header: set[int] = set()
        for i, band in enumerate(bands):
            if len(groups[find(i)]) == 1:
                header.update(id(b) for b in band)
        return header

    # --- headings ------------------------------------------------------------------------------------

    def _prominence(self, cls: tuple) -> tuple:
        bold, size = cls
        return (size, bold)

    def headings(self) -> list[Block]:
        return [b for b in self.blocks if self.is_wide(b) and self.is_heading_like(b) and id(b) not in self.header_rows]

    def _sections(self, heads: list[Block]) -> dict[int, list[Block]]:
        """Blocks under each heading until the next heading at least as prominent."""
        order = {id(b): i for i, b in enumerate(self.blocks)}
        out: dict[int, list[Block]] = {}
        for k, h in enumerate(heads):
            rank = self._prominence(self.style(h))
            end = len(self.blocks)
            for h2 in heads[k + 1:]:
                if self._prominence(self.style(h2)) >= rank:
                    end = order[id(h2)]
                    break
            out[id(h)] = self.blocks[order[id(h)] + 1:end]
        return out

    def level_class(self, heads: list[Block], sections: dict[int, list[Block]]) -> tuple | None:
        """The most prominent heading class whose sections repeat one another's sub-headings."""
        by_class: dict[tuple, list[Block]] = defaultdict(list)
        for h in heads:
            by_class[self.style(h)].append(h)
        self.structured: set[int] = set()
        found = []
        for cls, members in by_class.items():
            texts = {id(h): {_norm(b.text) for b in sections[id(h)]
                             if b.kind == "label" and (self.is_heading_like(b) or b.rotated)
                             and id(b) not in self.header_rows} for h in members}
            shared = [h for h in members if any(len(texts[id(h)] & texts[id(o)]) >= 2 for o in members if o is not h)]
            if len(shared) >= 2 and any(b.kind == "item" for h in shared for b in sections[id(h)]):
                found.append(cls)
                self.structured.update(id(h) for h in shared)
        return max(found, key=self._prominence) if found else None

    # --- the sweep -----------------------------------------------------------------------------------

    def _rule_bounds(self, b: Block) -> tuple[float | None, float | None]:
        """Top and bottom of the ruled cell holding `b`: nearest horizontal rules crossing its column."""
        page = self.pages[b.page]
        mid = (b.x0 + b.x1) / 2
        above = [r.top for r in page.hrules if r.x0 - 1 <= mid <= r.x1 + 1 and r.bottom <= b.top + 1]
        below = [r.top for r in page.hrules if r.x0 - 1 <= mid <= r.x1 + 1 and r.top >= b.bottom - 1]
        return (max(above) if above else None, min(below) if below else None)

    def _row_labels(self, item: Block, wide_tops: list[float]) -> list[Block]:
        """Labels left of the item whose row (ruled cell, or until the next label in their column) holds it."""
        found = []
        page_blocks = self.by_page[item.page]
        for lab in page_blocks:
            if lab.kind != "label" or lab.x1 > item.x0 - 4 or self.is_wide(lab) or id(lab) in self.header_rows:
                continue
            if not (lab.rotated or self.is_heading_like(lab)) or self._heads_items(lab):
                continue
            top, bottom = self._rule_bounds(lab)
            if top is None:
                top = lab.top - 0.8 * lab.size if lab.lines else lab.top
            if bottom is None:
                nxt = [o.top for o in page_blocks if o.kind == "label" and o is not lab and o.top > lab.top + 1
                       and _overlap(lab.x0, lab.x1, o.x0, o.x1) > 0 and o.x1 <= item.x0]
                nxt += [t for t in wide_tops if t > lab.top]
                bottom = min(nxt) if nxt else self.pages[item.page].height
            if top - 1 <= item.top < bottom:
                found.append(lab)
        return sorted(found, key=lambda b: -b.x1)

    def _above_in_column(self, item: Block) -> Block | None:
        """The nearest label above the item in its column (skipping other items), or None."""
        best = None
        for o in self.by_page[item.page]:
            if o.kind != "label" or o.rotated or o.bottom > item.top + 1:
                continue
            if not self.is_wide(o) and not self.is_heading_like(o):
                continue  # plain text in a column (a description cell) heads nothing
            if _overlap(item.x0 - 14, item.x1, o.x0, o.x1) <= 0 and not self.is_wide(o):
                continue
            if o.x1 <= item.x0 - 4 and not self.is_wide(o):
                continue  # a row label, not above
            if best is None or o.bottom > best.bottom:
                best = o
        return best

    def _between_rule(self, upper: Block, item: Block) -> bool:
        page = self.pages[item.page]
        mid = item.x0 + 2
        return any(r.x0 - 1 <= mid <= r.x1 + 1 and upper.bottom - 1 <= r.top <= item.top - 0.5 for r in page.hrules)

    def _heading_label(self, h: Block) -> str:
        return h.lead[0] if h.lead else h.text

    def _header_column(self, item: Block, headers: list[Block]) -> list[Block]:
        best = max(headers, key=lambda h: _overlap(item.x0 - 14, item.x1, h.x0, h.x1), default=None)
        if best is None or _overlap(item.x0 - 14, item.x1, best.x0, best.x1) <= 0:
            return []
        return sorted((h for h in headers if _overlap(best.x0, best.x1, h.x0, h.x1) > 0), key=lambda h: h.top)

    def resolve(self) -> tuple[list[dict], list[dict]]:
        """Return (levels, indicators) for the document."""
        heads = self.headings()
        sections = self._sections(heads)
        header_mode = bool(self.header_rows)
        lc = None if header_mode else self.level_class(heads, sections)
        if lc is None and not header_mode:
            return [], []
        lc_rank = self._prominence(lc) if lc else None
        head_ids = {id(h) for h in heads}

        stack: dict[tuple, Block] = {}
        headers: list[Block] = []
        carried_rows: tuple | None = None
        carried_cells: dict[int, tuple] = {}
        n_heads = 0
        rows_out = []
        for b in self.blocks:
            if id(b) in head_ids:
                current = stack.get(self.style(b))
                if current is not None and _norm(current.text) == _norm(b.text):
                    continue  # a table title repeated on a new page: the same section goes on
                rank = self._prominence(self.style(b))
                stack = {c: h for c, h in stack.items() if self._prominence(c) > rank}
                stack[self.style(b)] = b
                n_heads += 1
                continue
            if id(b) in self.header_rows:
                if not headers or headers[0].page != b.page or b.top > max(h.bottom for h in headers) + 2 * b.size:
                    headers = [h for h in headers if h.page == b.page and abs(h.top - b.top) < 3 * b.size]
                headers.append(b)
                continue
            if b.kind != "item":
                continue
            # level
            if header_mode:
                column = self._header_column(b, headers)
                if not column:
                    continue
                level_block = column[0]
                level_raw = " ".join(h.text for h in column)
            else:
                level_block = stack.get(lc)
                if level_block is None or id(level_block) not in self.structured:
                    continue
                level_raw = self._heading_label(level_block)
            # domain and area from the table
            wide_tops = [o.top for o in self.by_page[b.page] if self.is_wide(o)]
            rows = self._row_labels(b, wide_tops)
            above = self._above_in_column(b)
            cell = None
            if above is not None and not self.is_wide(above) and id(above) not in self.header_rows \
                    and self.is_heading_like(above) and not self._between_rule(above, b):
                cell = above.text
            key = round(b.x0 / 10)
            if above is None and cell is None and key in carried_cells and carried_cells[key][1] == n_heads:
                cell = carried_cells[key][0]
            if cell is not None:
                carried_cells[key] = (cell, n_heads)
            plain_rows = [r for r in rows if not r.rotated]
            rotated_rows = [r for r in rows if r.rotated]
            domain = cell or (plain_rows[0].text if plain_rows else None)
            area = rotated_rows[0].text if rotated_rows else (plain_rows[1].text if len(plain_rows) > 1 else None)
            if carried_rows and carried_rows[2] == n_heads:
                # a table row or merged cell continued from an earlier page keeps its labels
                domain = domain or (None if plain_rows else carried_rows[0])
                area = area or carried_rows[1]
            if rows:
                carried_rows = (plain_rows[0].text if plain_rows else None, area, n_heads)
            # remaining roles from headings below the level
            inner = [h for c, h in sorted(stack.items(), key=lambda kv: self._prominence(kv[0]), reverse=True)
                     if lc_rank is None or self._prominence(c) < lc_rank]
            rows_out.append({"block": b, "level_block": level_block, "level_raw": level_raw,
                             "domain": domain, "area": area, "inner": inner})
        return self._finish(rows_out, header_mode)

    def _description(self, level_block: Block, header_mode: bool) -> str:
        if level_block.lead:
            parts = [level_block.lead[1]]
        else:
            parts = []
        idx = self.blocks.index(level_block)
        for b in self.blocks[idx + 1:]:
            if b.kind != "label" or b.rotated or self.is_heading_like(b):
                if header_mode and id(b) in self.header_rows:
                    continue
                break
            if header_mode:
                if _overlap(level_block.x0, level_block.x1, b.x0, b.x1) <= 0 or b.page != level_block.page:
                    continue
            elif not self.is_wide(b):
                break
            parts.append(b.text)
        return " ".join(p for p in parts if p).strip()

    def _finish(self, rows: list[dict], header_mode: bool) -> tuple[list[dict], list[dict]]:
        instances: dict[tuple, set] = defaultdict(set)
        for r in rows:
            for h in r["inner"]:
                instances[self.style(h)].add(id(h))
        titles = {c for c, ids in instances.items() if len(ids) == 1}
        levels: dict[str, dict] = {}
        out = []
        for r in rows:
            inner = [h for h in r["inner"] if self.style(h) not in titles]
            domain, area = r["domain"], r["area"]
            if domain is None and inner:
                domain = inner.pop().text
            if area is None and inner:
                area = inner.pop().text
            raw = r["level_raw"]
            label = strip_numbering(raw)
            key = _norm(label)
            if key not in levels:
                levels[key] = {"label": label, "description": self._description(r["level_block"], header_mode) or None}
            out.append({"block": r["block"], "level_key": key,
                        "area": _strip_prefix(area or "", raw, label),
                        "domain": _strip_prefix(domain or "", raw, label)})
        order = list(levels)
        level_list = [{"rank": i + 1, **levels[k]} for i, k in enumerate(order)]
        for o in out:
            o["level_rank"] = order.index(o.pop("level_key")) + 1
            o["level_label"] = level_list[o["level_rank"] - 1]["label"]
        return level_list, out


def _strip_prefix(text: str, *prefixes: str) -> str:
    """'Universal — DEVELOPMENT OF THE CHILD' under level 'Universal' -> 'DEVELOPMENT OF THE CHILD'."""
    for prefix in prefixes:
        if prefix and text.lower().startswith(prefix.lower()) and len(text) > len(prefix):
            rest = text[len(prefix):]
            if rest[:1] in _SEPARATORS:
                return rest.strip(_SEPARATORS)
    return text

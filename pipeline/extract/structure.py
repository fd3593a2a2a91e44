"""Give every bullet item its level, area and domain from the document's own structure.

First the levels: readings.py proposes every plausible reading (a heading class, or a header row of columns)
and scores it; the best one is kept, with a confidence and a one-line description. A bullet the reading does
not place under a level is not an indicator (introduction, contacts, pathway steps).

Then the groupings, from layout, never from wording. For each placed bullet:
- row labels: labels left of it in its table row (nearest: domain; rotated or further left: area);
- cell heading: the nearest bold label above it in its column (domain), including bold headings inline inside
  another domain's cell; in text flowing down columns, the last heading of the column to its left;
- headings: less prominent heading classes inside the level's section (or around the table) fill what the
  table does not; a heading class seen once over the whole table is a title, not a grouping;
- a table row or cell cut by a page break keeps its labels on the next page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from ..vocab.domains import load_domain_crosswalk
from .geometry import Geometry
from .layout import Block
from .pdf import Page
from .evidence import needs_share, printed_number
from .readings import Reading, candidates, sufficient
from .settings import SETTINGS as S
from .vocabulary import LevelVocabulary, strip_continued, strip_numbering

_SEPARATORS = " :-–—|"
# Weights of the structural evidence in a reading's confidence (level words count alone, see _confidence).
CONFIDENCE_WEIGHTS = {"parallel": 0.5, "shading": 0.4, "ordinal": 0.3, "titled": 0.3, "needs": 0.2}
# the manifest's `layout:` hint -> the kind of reading it implies
LAYOUT_KINDS = {"level_grid": "sections", "level_tables": "sections", "list": "sections",
                "matrix": "columns", "domain_sections": "columns", "transposed": "rows"}


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


@dataclass
class Structure:
    levels: list[dict] = field(default_factory=list)      # [{rank, label, description}]
    rows: list[dict] = field(default_factory=list)        # one per indicator: block, level_rank/label, area, domain
    reading: str = ""                                     # the reading chosen, in words
    confidence: float = 0.0
    alternatives: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    labels: list[tuple[Block, str]] = field(default_factory=list)  # (label, role): level | column title | area | domain

    def summary(self) -> dict:
        return {"reading": self.reading, "confidence": self.confidence, "alternatives": self.alternatives}


def read_structure(pages: list[Page], blocks: list[Block], hints: dict | None = None) -> Structure:
    """Levels, and each placed bullet's level, area and domain, for one document. `hints` are the analyst's
    optional manifest keys (levels, layout, grouping; pages are applied by the caller): they steer the reading,
    and a hint the document contradicts gets a warning."""
    hints = hints or {}
    geo = Geometry(pages, blocks)
    vocab = LevelVocabulary(hints.get("levels") or ())
    found = candidates(geo, vocab, LAYOUT_KINDS.get(hints.get("layout") or ""))
    best = next((r for r in found if _usable(geo, r)), None)  # best first: judge only until one will do
    if best is None:
        return Structure(reading="no levels of need found", warnings=[_nothing_found(geo, found)])
    found = [best] + [r for r in found if r is not best]
    rows = _Groupings(geo, best).resolve()
    levels, rows = _finish(geo, best, rows)
    rivals = [r for r in found[1:] if sufficient(r)]
    structure = Structure(levels=levels, rows=rows, confidence=_confidence(best, rivals),
                          alternatives=[f"{r.describe()} (score {r.score:.2f})" for r in found[1:3]])
    structure.warnings += _hint_warnings(hints, vocab, best, levels, rows)
    _apply_grouping_hint(rows, hints.get("grouping"))
    structure.labels = _label_roles(geo, best, rows)
    structure.reading = f"{best.describe()}, {_grouping_words(rows)}"
    if structure.confidence < S.low_confidence:
        structure.warnings.append(f"low structure confidence {structure.confidence:.2f}: read as {structure.reading}"
                                  + (f"; next best: {structure.alternatives[0]}" if structure.alternatives else ""))
    return structure


def _usable(geo: Geometry, reading: Reading) -> bool:
    """Does the reading have the evidence to be the document's levels of need? Without level words, its
    bullets must also read as needs (judged once, and only for such readings), and differ from level to level:
    levels are steps of a scale, not the same list under each heading."""
    ev = reading.evidence
    if not sufficient(reading):
        return False
    if ev.words >= S.min_words:
        return True
    placed = [b for b in geo.items if id(b) in reading.level_of]
    ev.needs = needs_share([b.text for b in placed])
    return sufficient(reading) and _repeated_share(placed, reading.level_of) < S.repeated_bullets_share


def _repeated_share(items: list[Block], level_of: dict[int, str]) -> float:
    """Share of the bullets whose text stands under more than one level."""
    texts = [_norm(b.text) for b in items]
    levels_of_text: dict[str, set[str]] = defaultdict(set)
    for text, b in zip(texts, items):
        levels_of_text[text].add(level_of[id(b)])
    return sum(len(levels_of_text[text]) > 1 for text in texts) / len(items) if items else 0.0


def _hint_warnings(hints: dict, vocab: LevelVocabulary, best: Reading, levels: list[dict],
                   rows: list[dict]) -> list[str]:
    """Where the document contradicts the analyst's hints."""
    out = []
    raws = [best.levels[k].raw for k in best.order]
    missing = [h for h in vocab.hinted if not any(vocab.matches(raw, h) for raw in raws)]
    if missing:
        out.append(f"levels hint: {', '.join(map(repr, missing))} not found as levels (read: "
                   f"{', '.join(repr(lv['label']) for lv in levels)})")
    layout = hints.get("layout")
    if layout and LAYOUT_KINDS[layout] != best.kind:
        out.append(f"layout hint {layout!r}: the document reads better as {best.describe()}")
    grouping = hints.get("grouping")
    printed = {"area": any(r["area"] for r in rows), "domain": any(r["domain"] for r in rows)}
    expected = {"none": set(), "area": {"area"}, "domain": {"domain"}, "area+domain": {"area", "domain"}}
    if grouping and {k for k, v in printed.items() if v} != expected[grouping]:
        seen = " and ".join(f"{k} labels" for k, v in printed.items() if v) or "no grouping labels"
        out.append(f"grouping hint {grouping!r}: the document reads with {seen}; published as the hint says")
    return out


def _label_roles(geo: Geometry, reading: Reading, rows: list[dict]) -> list[tuple[Block, str]]:
    """The labels that gave levels, areas and domains, with their part (for `threshold inspect`)."""
    names = {"area": {_norm(r["area"]) for r in rows} - {""}, "domain": {_norm(r["domain"]) for r in rows} - {""}}
    out = []
    for b in geo.blocks:
        if b.kind != "label":
            continue
        if id(b) in reading.carriers:
            out.append((b, "level" if reading.carriers[id(b)] in reading.levels else "column title"))
            continue
        text = _norm(_grouping_label(b.text, "", ""))
        role = next((role for role, texts in names.items() if text in texts), None)
        if role:
            out.append((b, role))
    return out


def _apply_grouping_hint(rows: list[dict], grouping: str | None) -> None:
    """One grouping label (or none) per indicator, as the analyst says the document prints it."""
    for r in rows:
        if grouping == "none":
            r["area"] = r["domain"] = ""
        elif grouping == "area":
            r["area"], r["domain"] = r["area"] or r["domain"], ""
        elif grouping == "domain":
            r["domain"], r["area"] = r["domain"] or r["area"], ""


def _nothing_found(geo: Geometry, found: list[Reading]) -> str:
    """What was seen instead of levels of need, for the failure message."""
    seen = f"{len(geo.items)} bullets, {len(geo.headings())} headings, {len(geo.bands)} header rows"
    if found:
        labels = ", ".join(repr(found[0].levels[k].raw[:30]) for k in found[0].order[:4])
        seen += (f"; the nearest reading ({found[0].describe()}: {labels}) has neither level words nor the "
                 "structure of a level scheme")
    return f"{seen}; if it is a threshold document, give its levels in the manifest (see README)"


def _confidence(best: Reading, others: list[Reading]) -> float:
    """0-1. Level labels that read as levels carry most of it (numbered or listed names 1.0, keyword-only names
    0.4, none 0), and structure the rest: containers that repeat one another's inner headings, a colour per
    level, numbering in order, a levels title, bullets that read as needs; fewer than half the bullets placed, another reading nearly as
    good with other levels, or too few indicators lower it. Below settings' low_confidence: check the document."""
    ev = best.evidence
    structure = min(1.0, sum(weight * (getattr(ev, name) or 0.0) for name, weight in CONFIDENCE_WEIGHTS.items()))
    value = ((0.55 + 0.45 * max(ev.words, structure)) * min(1.0, 0.5 + best.coverage)
             + (0.1 if ev.parallel >= S.strong_share else 0))
    if others and best.score - others[0].score < S.close_call_margin and set(others[0].order) != set(best.order):
        value *= S.close_call_penalty
    if len(best.level_of) < S.few_indicators:  # threshold documents tabulate 10 to 300+ indicators
        value *= S.few_indicators_penalty

    return round(min(1.0, value), 2)


def _grouping_words(rows: list[dict]) -> str:
    areas = {r["area"] for r in rows if r["area"]}
    domains = {r["domain"] for r in rows if r["domain"]}
    parts = [f"{len(areas)} areas" if areas else "no areas", f"{len(domains)} domains" if domains else "no domains"]
    return ", ".join(parts)


class _RowCarry(NamedTuple):
    """The labels of the last table row read."""
    domain: str | None
    area: str | None
    section: int
    page: int


class _CellCarry(NamedTuple):
    """A column's last cell heading."""
    heading: str
    section: int
    row: str | None           # the row label it stood in


class _FlowCarry(NamedTuple):
    """The last cell heading in column order (page, then column, then height)."""
    page: int
    column: int
    top: float
    heading: str
    section: int


@dataclass
class _Carry:
    """What goes on over a page break: a table row's labels, each column's cell heading, and the last cell
    heading read in column order (text flowing from the last column of one page to the first of the next).
    Each remembers `section`, the count of headings met so far: a new heading ends what it carried."""
    row: _RowCarry | None = None
    cells: dict[int, _CellCarry] = field(default_factory=dict)  # by column (x0 in tens of points)
    flow: _FlowCarry | None = None


class _Groupings:
    """The sweep over the document that gives each placed bullet its area and domain."""

    def __init__(self, geo: Geometry, reading: Reading):
        self.geo, self.reading = geo, reading
        self.skip = reading.carriers
        self.level_rank = geo.prominence(reading.style) if reading.style else None
        self.head_ids = {id(h) for h in geo.headings() if id(h) not in self.skip}

    def resolve(self) -> list[dict]:
        geo, reading = self.geo, self.reading
        stack: dict[tuple, Block] = {}
        carry = _Carry()
        section = 0
        level_now = None
        out = []
        for b in geo.blocks:
            if id(b) in self.skip and reading.kind == "sections":
                if self.skip[id(b)] != level_now:
                    level_now = self.skip[id(b)]
                    stack = {c: h for c, h in stack.items() if not self._inner(c)}
                    section += 1
                continue
            if id(b) in self.head_ids:
                current = stack.get(geo.style(b))
                if current is not None and _norm(strip_continued(current.text)) == _norm(strip_continued(b.text)):
                    continue  # a title repeated on a new page ("... (continued)"): the same section goes on
                rank = geo.prominence(geo.style(b))
                stack = {c: h for c, h in stack.items() if geo.prominence(c) > rank}
                stack[geo.style(b)] = b
                section += 1
                continue
            if b.kind != "item" or id(b) not in reading.level_of:
                continue
            domain, area = self._labels(b, carry, section)
            inner = [h for c, h in sorted(stack.items(), key=lambda kv: geo.prominence(kv[0]), reverse=True)
                     if self._inner(c)]
            out.append({"block": b, "level_key": reading.level_of[id(b)], "domain": domain, "area": area,
                        "inner": inner, "rest": reading.rest_of.get(id(b))})
        return out

    def _inner(self, style: tuple) -> bool:
        """Does a heading class group bullets inside a level (rather than title the document)?"""
        return (self.level_rank is None or self.geo.prominence(style) < self.level_rank
                or style in self.reading.nested)

    def _labels(self, b: Block, carry: _Carry, section: int) -> tuple[str | None, str | None]:
        """(domain, area) printed beside or above one item, with what goes on over page breaks."""
        page, bottom = self.reading.floor_of.get(id(b), (0, 0.0))
        floor = bottom if page == b.page else 0.0
        rows = self.geo.row_labels(b, self.skip, floor)
        plain_rows = [r for r in rows if not r.rotated]
        rotated_rows = [r for r in rows if r.rotated]
        cell, above = self._cell(b, rows, floor, carry, section, plain_rows[0].text if plain_rows else None)
        domain = cell or (plain_rows[0].text if plain_rows else None)
        area = rotated_rows[0].text if rotated_rows else (plain_rows[1].text if len(plain_rows) > 1 else None)
        head = self.reading.heads_of.get(id(b))  # levels as rows: the column head names a domain or an area
        if head is not None:
            domain, area = (head, area) if domain is None else (domain, area or head)
        if carry.row and carry.row.section == section:
            # a table row or merged cell continued from an earlier page keeps its labels
            if not plain_rows and carry.row.page < b.page:
                domain = domain or carry.row.domain
            area = area or carry.row.area
        if rows:
            carry.row = _RowCarry(plain_rows[0].text if plain_rows else None, area, section, b.page)
            carry.flow = None  # a table, not text flowing down columns
        elif head is None and domain is None and carry.flow and carry.flow.section == section \
                and carry.flow.page < b.page and (above is None or self.geo.is_wide(above)):
            domain = carry.flow.heading  # text flowing on from the last column of the page before
        return domain, area

    def _cell(self, b: Block, rows: list[Block], floor: float, carry: _Carry, section: int,
              row: str | None) -> tuple[str | None, Block | None]:
        """The item's cell heading (and the label above it): above it in its column; else, at the top of a page,
        the heading its column carried from the page before, within the same table row."""
        cell, above = self._cell_heading(b, rows, floor)
        if id(b) in self.reading.heads_of:
            return cell, above  # a table's column head is over it: nothing flows in from elsewhere
        key = round(b.x0 / 10)
        carried = carry.cells.get(key)
        row = row or (carry.row.domain if carry.row else None)  # a row cut by the page break goes on
        orphan = self.geo.orphan_heading(b, self.skip, self.reading.level_of) if cell is None and above is None else None
        if orphan is not None:
            cell = orphan.text
        elif cell is None and above is None and carried and carried.section == section and row == carried.row:
            cell = carried.heading  # a cell heading within the same table row
        elif cell is None and above is None and not rows:
            cell = getattr(self.geo.previous_column_heading(b, floor, self.skip), "text", None)
        if cell is not None:
            carry.cells[key] = _CellCarry(cell, section, row)
            position = (b.page, key, b.top)
            if carry.flow is None or carry.flow.section != section or carry.flow[:3] < position:
                carry.flow = _FlowCarry(*position, cell, section)
        return cell, above

    def _cell_heading(self, item: Block, rows: list[Block], floor: float) -> tuple[str | None, Block | None]:
        """The item's cell heading (text or None) and the label found above it (or None)."""
        geo = self.geo
        above = geo.above_in_column(item, self.skip, floor)
        if above is not None and not geo.is_wide(above) and geo.is_heading_like(above) \
                and not geo.rule_between(above, item):
            return above.text, above
        if not rows and above is not None and geo.is_wide(above):
            # text flowing down the columns of a region that starts on this page (a panel under its heading);
            # at the top of a page, a cell heading carried from the page before comes first (see _cell)
            flowed = geo.previous_column_heading(item, above.bottom, self.skip)
            if flowed is not None:
                return flowed.text, above
        return None, above


def _finish(geo: Geometry, reading: Reading, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Drop title headings, fill area/domain from the heading stack, strip level prefixes, rank the levels."""
    instances: dict[tuple, dict[int, Block]] = defaultdict(dict)
    for r in rows:
        for h in r["inner"]:
            instances[geo.style(h)][id(h)] = h
    # a heading class seen once, before the first level heading or header row, titles the whole table ("5.
    # Threshold matrix"); seen once inside the table (after the header row), it is the one area of every bullet
    first = min((b for b in geo.blocks if id(b) in reading.carriers), key=lambda b: geo.order[id(b)], default=None)
    first = first if first is not None else (rows[0]["block"] if rows else None)
    titles = {c for c, hs in instances.items() if len(hs) == 1 and all(geo.before(h, first) for h in hs.values())}
    rank = {key: i + 1 for i, key in enumerate(reading.order)}
    levels = [_level_record(geo, reading, k, rank[k]) for k in reading.order]
    out = []
    for r in rows:
        inner = [h.text for h in r["inner"] if geo.style(h) not in titles]
        if r["rest"]:
            inner.append(r["rest"])
        domain, area = r["domain"], r["area"]
        if domain is None and inner:
            domain = inner.pop()
        if area is None and inner:
            area = inner.pop()
        if _names_another_area(domain, area):
            domain, area = None, domain  # a row of an area without domains, under the previous area's rows
        raw = reading.levels[r["level_key"]].raw
        label = levels[rank[r["level_key"]] - 1]["label"]
        area, domain = (_grouping_label(text or "", raw, label) for text in (area, domain))
        out.append({"block": r["block"], "level_rank": rank[r["level_key"]], "level_label": label,
                    "area": area, "domain": domain})
    return levels, out


def _level_record(geo: Geometry, reading: Reading, key: str, rank: int) -> dict:
    """A level as the interim record gives it: rank, label as printed (no numbering), the number it prints, and
    its description."""
    level = reading.levels[key]
    description = geo.description_of(level.block, reading.kind != "sections", set(reading.carriers))
    return {"rank": rank, "label": _level_label(level.raw), "number": printed_number(level.raw),
            "description": description or None}


def _names_another_area(domain: str | None, area: str | None) -> bool:
    """Does a label read as a domain name an area of the Assessment Framework (and no dimension) other than
    the area it sits under? Mixed layouts print an area without domains in the domain column."""
    if not domain or not area:
        return False
    cw = load_domain_crosswalk()
    own, parent = cw.map_area(domain).value, cw.map_area(area).value
    return own is not None and parent is not None and own != parent and not cw.map_domain(domain).value


def _level_label(raw: str) -> str:
    return strip_numbering(strip_continued(raw))


_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*[.)]?\s+(?=[^\W\d])")


def _grouping_label(text: str, level_raw: str, level_label: str) -> str:
    """An area or domain as printed, without the level it repeats, its section number ('5.1 ABOUT THE CHILD')
    or '(continued)'."""
    return strip_continued(_SECTION_NUMBER.sub("", _strip_prefix(text, level_raw, level_label)))


def _strip_prefix(text: str, *prefixes: str) -> str:
    """'Universal — DEVELOPMENT OF THE CHILD' under level 'Universal' -> 'DEVELOPMENT OF THE CHILD'."""
    for prefix in prefixes:
        if prefix and text.lower().startswith(prefix.lower()) and len(text) > len(prefix):
            rest = text[len(prefix):]
            if rest[:1] in _SEPARATORS:
                return rest.strip(_SEPARATORS)
    return text

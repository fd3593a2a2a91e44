"""Candidate readings of where a document prints its levels of need, each scored by how well it explains the
document; structure.py keeps the best.

Two kinds of reading:
- sections: one heading class carries the levels; a level runs from its heading to the next heading at least as
  prominent (level banners, table title rows, "Level 2" list headings). A class whose headings share a printed
  prefix ("Tier 3 — Health", "Tier 3 — Education") carries the level in the prefix and a grouping in the rest.
- columns: bands of side-by-side labels head bullet columns, one level per column (a matrix, or one table per
  domain); a band governs the items under it until the next band or a new section of the document.
Score: how level-like the labels are (vocabulary.level_likeness), how many bullets the reading places, whether
its sections repeat one another's sub-headings or its header row repeats, and a plausible number of levels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .geometry import Geometry, Style
from .layout import Block
from .vocabulary import LevelVocabulary, level_key

MIN_LEVELS, MAX_LEVELS = 2, 6  # threshold documents tabulate 2 to 6 levels (DESIGN.md)
_SPLIT = re.compile(r"\s+[—–\-|]\s+|:\s+")


@dataclass
class Level:
    key: str
    raw: str                  # the printed text that names the level (numbering and all)
    block: Block              # the heading or the top header cell


@dataclass
class Reading:
    kind: str                                 # "sections" or "columns"
    source: str                               # what carries the levels, in words
    order: list[str]                          # level keys, lowest need first (document order)
    levels: dict[str, Level]
    level_of: dict[int, str]                  # id(item) -> level key
    rest_of: dict[int, str] = field(default_factory=dict)   # id(item) -> grouping printed after the level prefix
    carriers: dict[int, str] = field(default_factory=dict)  # id(block printing a level or column title) -> its key
    floor_of: dict[int, tuple[int, float]] = field(default_factory=dict)  # columns: id(item) -> header (page, bottom)
    style: Style | None = None                # sections: the level heading class
    nested: set = field(default_factory=set)  # sections: more prominent heading classes inside its sections
    bands: list[list[Block]] = field(default_factory=list)  # columns: the level header bands
    levelness: float = 0.0
    coverage: float = 0.0
    structure: float = 0.0
    score: float = 0.0

    def describe(self) -> str:
        return f"{self.kind}: {len(self.order)} levels from {self.source}"


def _score(reading: Reading, n_items: int, vocab: LevelVocabulary, prefer: str | None) -> Reading:
    keys = reading.order
    reading.levelness = sum(vocab.likeness(reading.levels[k].raw) for k in keys) / len(keys) if keys else 0.0
    reading.coverage = len(reading.level_of) / n_items if n_items else 0.0
    reading.score = reading.levelness + 0.5 * reading.coverage + 0.25 * reading.structure
    if prefer == reading.kind:
        reading.score += 0.5  # the analyst's layout hint
    return reading


def candidates(geo: Geometry, vocab: LevelVocabulary | None = None, prefer: str | None = None) -> list[Reading]:
    """Every plausible reading (2 to 6 levels, each with bullets), best first. `prefer` ("sections" or
    "columns") favours one kind of reading (the manifest's layout hint)."""
    vocab = vocab or LevelVocabulary()
    found = [*_section_readings(geo, vocab), *_column_readings(geo, vocab)]
    found = [_score(r, len(geo.items), vocab, prefer) for r in found if MIN_LEVELS <= len(r.order) <= MAX_LEVELS]
    # on a tie, the more prominent heading class (a sub-heading class may repeat the level as its prefix)
    return sorted(found, key=lambda r: (-round(r.score, 2), bool(r.rest_of),
                                        tuple(-x for x in geo.prominence(r.style)) if r.style else (0, 0), r.source))


# --- sections ----------------------------------------------------------------------------------------------

def _split_prefixes(text: str) -> list[str]:
    return [text[:m.start()].strip() for m in _SPLIT.finditer(text) if m.start() > 0]


def _shared_prefixes(texts: list[str]) -> list[str | None]:
    """For each heading, the longest prefix (ending at a separator) it shares with the nearest heading of
    different text before or after it (the same text again is a title repeated on a new page)."""
    prefixes = [_split_prefixes(t) for t in texts]
    keys = [level_key(t) for t in texts]
    out: list[str | None] = []
    for i, own in enumerate(prefixes):
        before = next((prefixes[j] for j in range(i - 1, -1, -1) if keys[j] != keys[i]), [])
        after = next((prefixes[j] for j in range(i + 1, len(texts)) if keys[j] != keys[i]), [])
        shared = [p for p in own if p in set(before) | set(after)]
        out.append(max(shared, key=len) if shared else None)
    return out


def _heading_text(b: Block) -> str:
    return b.lead[0] if b.lead else b.text


def _section_readings(geo: Geometry, vocab: LevelVocabulary) -> list[Reading]:
    heads = geo.headings()
    by_class: dict[Style, list[Block]] = defaultdict(list)
    for h in heads:
        by_class[geo.style(h)].append(h)
    out = []
    for style, members in by_class.items():
        texts = [_heading_text(h) for h in members]
        shared = _shared_prefixes(texts)
        distinct = {level_key(p) for p in shared if p}
        combined = len(distinct) >= 2 and sum(p is not None for p in shared) >= max(2, 0.6 * len(members))
        if combined and _prefixes_head_elsewhere(geo, style, shared):
            continue  # a sub-heading class repeating the level's heading as its prefix
        if combined:
            known = {p for p in shared if p}
            shared = [p or next((q for q in _split_prefixes(t) if q in known), None) for p, t in zip(shared, texts)]
        reading = _section_reading(geo, vocab, style, members, texts, shared if combined else None)
        if reading is not None:
            out.append(reading)
    return out


def _prefixes_head_elsewhere(geo: Geometry, style: Style, prefixes: list[str | None]) -> bool:
    """Are the shared prefixes the texts of headings of a more prominent class?"""
    above = {level_key(_heading_text(h)) for h in geo.headings()
             if geo.prominence(geo.style(h)) > geo.prominence(style)}
    return all(level_key(p) in above for p in prefixes if p)


def nested_classes(geo: Geometry, style: Style, members: list[Block]) -> set[Style]:
    """Heading classes at least as prominent as `style` that recur inside its sections (between two members in
    at least half the gaps, and at least twice): area headings printed bigger than the level banners above them.
    They do not end a section; other prominent headings ("Appendix") do."""
    gaps: dict[Style, set[int]] = defaultdict(set)
    rank, member_ids, k = geo.prominence(style), {id(m) for m in members}, -1
    for h in geo.headings():
        if id(h) in member_ids:
            k += 1
        elif k >= 0 and geo.style(h) != style and geo.prominence(geo.style(h)) >= rank:
            gaps[geo.style(h)].add(k)
    inner_gaps = max(1, len(members) - 1)
    return {c for c, ks in gaps.items() if len(ks - {len(members) - 1}) >= max(2, inner_gaps / 2)}


def _items_by_member(geo: Geometry, style: Style, nested: set[Style]) -> dict[int, list[Block]]:
    """Items in each member's section: until the next heading at least as prominent as the class (classes
    nested inside its sections aside)."""
    rank = geo.prominence(style)
    head_ids = {id(h) for h in geo.headings()}
    current = None
    out: dict[int, list[Block]] = defaultdict(list)
    for b in geo.blocks:
        if id(b) in head_ids and geo.prominence(geo.style(b)) >= rank and geo.style(b) not in nested:
            current = b if geo.style(b) == style else None
        elif b.kind == "item" and current is not None:
            out[id(current)].append(b)
    return out


def _run_weights(likeness: list[float], has_items: list[bool]) -> list[float]:
    """How much each section speaks for being a level: a level-like heading over bullets +1, one with no level
    signal -1, one with no bullets -0.25. Where two or more headings name levels outright (numbering or a listed
    level name), a heading with only a level keyword ('Children with additional needs') is neutral."""
    strong = sum(like >= 0.9 and has for like, has in zip(likeness, has_items)) >= 2
    out = []
    for like, has in zip(likeness, has_items):
        if not has:
            out.append(-0.25)
        elif like >= 0.9 or (like >= 0.4 and not strong):
            out.append(1.0)
        else:
            out.append(0.0 if like >= 0.4 else -1.0)
    return out


def _best_run(weights: list[float]) -> tuple[int, int]:
    """The contiguous run with the largest total weight (empty when every weight is negative)."""
    best, best_span, total, start = 0.0, (0, 0), 0.0, 0
    for i, w in enumerate(weights):
        if total <= 0:
            total, start = 0.0, i
        total += w
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _section_reading(geo: Geometry, vocab: LevelVocabulary, style: Style, members: list[Block], texts: list[str],
                     prefixes: list[str | None] | None) -> Reading | None:
    nested = nested_classes(geo, style, members)
    items = _items_by_member(geo, style, nested)
    level_texts = [p if prefixes and p else t for p, t in zip(prefixes or [None] * len(texts), texts)]
    keys = [level_key(t) for t in level_texts]
    # consecutive members with one key are one level (a title repeated on each page or table)
    groups: list[list[int]] = []
    for i, key in enumerate(keys):
        if groups and keys[groups[-1][0]] == key:
            groups[-1].append(i)
        else:
            groups.append([i])
    has_items = [any(items.get(id(members[i])) for i in g) for g in groups]
    likeness = [vocab.likeness(level_texts[g[0]]) for g in groups]
    weights = _run_weights(likeness, has_items)
    lo, hi = _best_run(weights)
    structure = _shared_substructure(geo, [[members[i] for i in g] for g in groups], items)
    if sum(structure[lo:hi]) >= 2:
        # where the levels repeat one another's sub-headings, a weakly level-like section at either end of the
        # run that does not ("Children with additional vulnerabilities" before the levels) is not a level
        def weak_edge(k: int) -> bool:
            return not structure[k] and likeness[k] < 0.9
        while hi - lo > 2 and weak_edge(lo):
            lo += 1
        while hi - lo > 2 and weak_edge(hi - 1):
            hi -= 1
    chosen = [g for g, has in zip(groups[lo:hi], has_items[lo:hi]) if has]
    if not chosen:  # no level-like heading: fall back to sections that repeat one another's sub-headings
        chosen = [g for g, shared in zip(groups, structure) if shared]
    if not chosen:
        return None
    reading = Reading("sections", "", [], {}, {}, style=style, nested=nested)
    for g in chosen:
        first = members[g[0]]
        key = keys[g[0]]
        if key not in reading.levels:
            reading.order.append(key)
            reading.levels[key] = Level(key, level_texts[g[0]], first)
        for i in g:
            reading.carriers[id(members[i])] = key
            rest = texts[i][len(prefixes[i]):].strip(" :-–—|") if prefixes and prefixes[i] else ""
            for item in items.get(id(members[i]), []):
                reading.level_of[id(item)] = key
                if rest:
                    reading.rest_of[id(item)] = rest
    if not prefixes:  # the level's title repeated in other type ("Level 2 - ... (continued)") is the level too
        for h in geo.headings():
            reading.carriers.setdefault(id(h), level_key(_heading_text(h)))
        reading.carriers = {i: k for i, k in reading.carriers.items() if k in reading.levels}
    index = {id(members[g[0]]): k for k, g in enumerate(groups)}
    reading.structure = (sum(structure[index[id(reading.levels[k].block)]] for k in reading.order)
                         / len(reading.order))
    what = "heading prefixes" if prefixes else "headings"
    reading.source = f"{what} ({'bold ' if style[0] else ''}{style[1]:g} pt)"
    return reading


def _shared_substructure(geo: Geometry, groups: list[list[Block]], items: dict[int, list[Block]]) -> list[bool]:
    """Does each section repeat at least two sub-headings of another section (level-prefixes removed)?"""
    def sublabels(group: list[Block]) -> set[str]:
        out = set()
        for member in group:
            section = items.get(id(member), [])
            if not section:
                continue
            start, end = geo.order[id(member)], geo.order[id(section[-1])]
            for b in geo.blocks[start + 1:end]:
                if b.kind == "label" and (geo.is_heading_like(b) or b.rotated):
                    text = b.text
                    for prefix in _split_prefixes(text)[:1]:
                        text = text[len(prefix):]
                    out.add(level_key(text))
        return out

    subs = [sublabels(g) for g in groups]
    return [any(len(s & o) >= 2 for j, o in enumerate(subs) if j != i) for i, s in enumerate(subs)]


# --- columns -----------------------------------------------------------------------------------------------

def _column_readings(geo: Geometry, vocab: LevelVocabulary) -> list[Reading]:
    if not geo.bands:
        return []
    texts = [tuple(level_key(c.text) for c in geo.band_columns(band)) for band in geo.bands]
    repeated = {t for t in texts if texts.count(t) > 1}
    level_bands = []
    for band, text in zip(geo.bands, texts):
        columns = geo.band_columns(band)
        likeness = [vocab.likeness(c.text) for c in columns]
        if text in repeated or sum(likeness) / len(likeness) >= 0.3:
            level_bands.append(band)
    if not level_bands:
        return []
    reading = Reading("columns", "", [], {}, {}, bands=level_bands)
    reading.structure = 1.0 if any(t in repeated for t in texts) else 0.0
    ends = _section_ends(geo, level_bands)
    governing: list[list[Block]] | None = None
    end_rank: tuple | None = None
    band_starts = {id(band[0]): band for band in level_bands}
    other_bands = {id(band[0]) for band in geo.bands} - set(band_starts)
    for b in geo.blocks:
        if id(b) in band_starts:
            governing = geo.band_columns(band_starts[id(b)])
            floor = (b.page, max(lab.bottom for lab in band_starts[id(b)]))
            end_rank = ends[id(b)]
            for column in governing:
                for band_label in column.labels:
                    reading.carriers[id(band_label)] = level_key(column.text)
            continue
        if id(b) in other_bands:
            governing = None
        if governing is None:
            continue
        if b.kind == "label" and geo.is_wide(b) and geo.is_heading_like(b) and end_rank is not None \
                and geo.prominence(geo.style(b)) >= end_rank:
            governing = None
            continue
        if b.kind != "item":
            continue
        column = next((c for c in governing if c.holds(b)), None)
        if column is None:
            continue
        raw = column.text
        key = level_key(raw)
        if key not in reading.levels:
            reading.levels[key] = Level(key, raw, column.labels[0])
        reading.level_of[id(b)] = key
        reading.floor_of[id(b)] = floor
    reading.order = _column_order(geo, level_bands, reading)
    repeated_note = ", repeated" if reading.structure else ""
    reading.source = f"the header row ({len(level_bands)} band{'s' if len(level_bands) > 1 else ''}{repeated_note})"
    return [reading]


def _section_ends(geo: Geometry, bands: list[list[Block]]) -> dict[int, tuple]:
    """A band governs until a heading at least as prominent as the heading that introduced its table: the
    nearest heading before the band with no bullets between them. A band with none, or with no bullets since the
    previous band (a header row repeated on a new page, after the table's own area rows), continues the previous
    band's table, as does the header row repeated after a heading too small to end that table (an area row at
    the foot of a page); a table no heading introduced ends at a heading bigger than its header row."""
    heads = {id(h) for h in geo.headings()}
    starts = {id(band[0]) for band in bands}
    out: dict[int, tuple] = {}
    previous: tuple | None = None
    previous_text: tuple = ()
    for band in bands:
        intro = None
        for b in reversed(geo.blocks[:geo.order[id(band[0])]]):
            if id(b) in starts:
                intro = None  # the same table goes on
                break
            if b.kind == "item":
                break
            if id(b) in heads and intro is None:
                intro = b
        text = tuple(level_key(c.text) for c in geo.band_columns(band))
        rank = geo.prominence(geo.style(intro)) if intro is not None else None
        if rank is not None and not (text == previous_text and previous is not None and rank < previous):
            previous = rank
        previous_text = text
        if previous is None:  # no heading introduced the table: a heading bigger than its header row ends it
            previous = (max(b.size for b in band) + 1.0, False)
        out[id(band[0])] = previous
    return out


def _column_order(geo: Geometry, bands: list[list[Block]], reading: Reading) -> list[str]:
    """Level keys in header order (left to right, first band first), keeping only columns with items."""
    used = set(reading.level_of.values())
    order: list[str] = []
    for band in bands:
        for column in geo.band_columns(band):
            key = level_key(column.text)
            if key in used and key not in order:
                order.append(key)
    return order

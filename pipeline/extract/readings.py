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

from .evidence import Evidence, in_sequence, names_a_grouping, names_a_scheme, ordinal, shading
from .geometry import Column, Geometry, Style
from .layout import Block
from .settings import SETTINGS as S
from .vocabulary import KEYWORD, NAMED, LevelVocabulary, level_key

_SPLIT = re.compile(r"\s+[—–\-|]\s+|:\s+")


@dataclass
class Level:
    key: str
    raw: str                  # the printed text that names the level (numbering and all)
    block: Block              # the heading or the top header cell


@dataclass
class Reading:
    kind: str                                 # "sections", "columns" or "rows"
    containers: str                           # what carries the levels, in words ("headings (bold 12 pt)")
    order: list[str]                          # level keys, lowest need first (document order)
    levels: dict[str, Level]
    level_of: dict[int, str]                  # id(item) -> level key
    rest_of: dict[int, str] = field(default_factory=dict)   # id(item) -> grouping printed after the level prefix
    carriers: dict[int, str] = field(default_factory=dict)  # id(block printing a level or column title) -> its key
    floor_of: dict[int, tuple[int, float]] = field(default_factory=dict)  # id(item) -> its header row (page, bottom)
    heads_of: dict[int, str] = field(default_factory=dict)  # rows: id(item) -> the column head over it
    style: Style | None = None                # sections: the level heading class
    nested: set = field(default_factory=set)  # sections: more prominent heading classes inside its sections
    bands: list[list[Block]] = field(default_factory=list)  # columns: the level header bands
    evidence: Evidence = field(default_factory=Evidence)
    coverage: float = 0.0
    score: float = 0.0

    def describe(self) -> str:
        return f"{self.kind}: {self.evidence.summary(len(self.order), self.containers)}"


def _score(reading: Reading, n_items: int, prefer: str | None) -> Reading:
    reading.coverage = len(reading.level_of) / n_items if n_items else 0.0
    reading.score = reading.evidence.score() + S.coverage_weight * reading.coverage
    if prefer == reading.kind:
        reading.score += S.layout_hint_bonus  # the analyst's layout hint
    return reading


def candidates(geo: Geometry, vocab: LevelVocabulary | None = None, prefer: str | None = None) -> list[Reading]:
    """Every plausible reading (1 to 6 levels, each with bullets), best first; `sufficient` says which have
    the evidence to be called levels of need. `prefer` ("sections", "columns" or "rows") favours one kind of
    reading (the manifest's layout hint)."""
    vocab = vocab or LevelVocabulary()
    found = [reading for strategy in STRATEGIES for reading in strategy(geo, vocab)]
    found = [_score(r, len(geo.items), prefer) for r in found if S.min_levels <= len(r.order) <= S.max_levels]
    # on a tie, the more prominent heading class (a sub-heading class may repeat the level as its prefix)
    return sorted(found, key=lambda r: (-round(r.score, 2), bool(r.rest_of),
                                        tuple(-x for x in geo.prominence(r.style)) if r.style else (0, 0),
                                        r.containers))


def sufficient(reading: Reading) -> bool:
    return reading.evidence.sufficient(len(reading.order))


def _title_before(geo: Geometry, first: Block) -> str:
    """The heading printed directly before a run of containers (only plain text between them, on the same
    page, or the previous page ending with it): the title that introduces it ("Levels of need")."""
    heads = {id(h) for h in geo.headings()}
    for b in reversed(geo.blocks[:geo.order[id(first)]]):
        if id(b) in heads:
            return b.text
        if b.kind == "item" or b.rotated or geo.is_heading_like(b) or b.page != first.page:
            return ""
    return ""


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
        combined = len(distinct) >= 2 and sum(p is not None for p in shared) >= max(2, S.shared_prefix_share * len(members))
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


@dataclass
class _Section:
    """One level candidate of a heading class: consecutive members with one key (a title repeated per page)."""
    members: list[Block]
    key: str
    text: str                 # the level's printed text (the prefix, for prefixed headings)
    items: int                # bullets in its sections
    likeness: float           # level vocabulary
    shared: bool              # repeats two or more sub-headings of another section
    colours: list             # the colour of each member
    described: bool
    grouping: bool            # names an area or domain


def _sections(geo: Geometry, vocab: LevelVocabulary, members: list[Block], level_texts: list[str],
              items: dict[int, list[Block]]) -> list[_Section]:
    keys = [level_key(t) for t in level_texts]
    colours = [geo.colour_of(m) for m in members]
    descriptions = [geo.description_of(m) for m in members]
    groups: list[list[int]] = []
    for i, key in enumerate(keys):
        if groups and keys[groups[-1][0]] == key and not _told_apart(groups[-1][0], i, colours, descriptions):
            groups[-1].append(i)
        else:
            groups.append([i])
    seen: dict[str, int] = {}
    for g in groups:  # two levels that print one label: the second is "early help#2"
        first = keys[g[0]]
        seen[first] = seen.get(first, 0) + 1
        if seen[first] > 1 and _told_apart(next(h[0] for h in groups if keys[h[0]] == first), g[0], colours,
                                           descriptions):
            for i in g:
                keys[i] = f"{first}#{seen[first]}"
    shared = _shared_substructure(geo, [[members[i] for i in g] for g in groups], items)
    out = []
    for g, repeats in zip(groups, shared):
        text = level_texts[g[0]]
        out.append(_Section([members[i] for i in g], keys[g[0]], text,
                            sum(len(items.get(id(members[i]), [])) for i in g), vocab.likeness(text), repeats,
                            [colours[i] for i in g], bool(descriptions[g[0]]),
                            names_a_grouping(text) and vocab.likeness(text) < NAMED))
    return out


def _told_apart(a: int, b: int, colours: list, descriptions: list[str]) -> bool:
    """Are two headings with one label two levels, not a title repeated: printed in different colours, or each
    with a description of its own?"""
    return ((colours[a] is not None and colours[b] is not None and colours[a] != colours[b])
            or (bool(descriptions[a]) and bool(descriptions[b]) and descriptions[a] != descriptions[b]))


def _run_evidence(run: list[_Section], title: str) -> Evidence:
    """The evidence that a run of sections (those with bullets) is a level scheme."""
    firsts: dict[str, _Section] = {}
    for sec in run:
        firsts.setdefault(sec.key, sec)
    levels = list(firsts.values())
    n = len(levels)
    if any(names_a_scheme(s.text) and s.likeness < NAMED for s in levels):
        return Evidence()  # a section titled "Levels of need" holds the levels; it is not one of them
    # where two or more levels are named outright, a name with only a level keyword ("Intensive early help")
    # is as good as named: its neighbours vouch for it
    named = sum(s.likeness >= NAMED for s in levels) >= 2
    words = [NAMED if named and s.likeness >= KEYWORD else s.likeness for s in run]
    return Evidence(
        words=sum(words) / len(run),
        parallel=sum(s.shared or s.likeness >= NAMED for s in run) / len(run),
        shading=shading([s.key for s in run for _ in s.colours], [c for s in run for c in s.colours]),
        ordinal=float(in_sequence([ordinal(s.text) for s in levels])),
        described=sum(s.described for s in levels) / n,
        titled=float(bool(title) and names_a_scheme(title)),
        grouping=sum(s.grouping for s in levels) / n)


def _best_run(geo: Geometry, sections: list[_Section], style: Style) -> tuple[list[_Section], Evidence] | None:
    """The contiguous run of sections (1 to 6 levels, starting and ending on sections with bullets) whose
    evidence and share of the bullets make the best level scheme."""
    best, best_key, span = None, None, (0, 0)
    n_items = max(1, len(geo.items))
    for lo, start in enumerate(sections):
        if not start.items:
            continue
        title = _title_before(geo, start.members[0])
        keys: list[str] = []
        for hi in range(lo, len(sections)):
            sec = sections[hi]
            if sec.key not in keys:
                keys.append(sec.key)
            if len(keys) > S.max_levels:
                break
            if not sec.items:
                continue
            run = [s for s in sections[lo:hi + 1] if s.items]
            evidence = _run_evidence(run, title)
            empties = hi + 1 - lo - len(run)
            value = (evidence.score() + S.coverage_weight * sum(s.items for s in run) / n_items
                     - S.empty_section_cost * empties)
            rank = (evidence.sufficient(len(keys)), round(value, 4))
            if best_key is None or rank > best_key:
                best, best_key, span = (run, evidence), rank, (lo, hi)
    if best is not None and _scheme_goes_on(sections, *span):
        return None  # more than six levels: not a threshold document's scheme (a qualifications framework)
    return best


def _scheme_goes_on(sections: list[_Section], lo: int, hi: int) -> bool:
    """Does the class go on past the run with more sections of the same kind: named as levels outright where
    the run's are, or numbered on where the run's numbering counts up?"""
    run = [s for s in sections[lo:hi + 1] if s.items]
    neighbours = [s for s in (sections[lo - 1] if lo else None, sections[hi + 1] if hi + 1 < len(sections) else None)
                  if s is not None and s.items]
    numbers = [ordinal(s.text) for s in run]
    for s in neighbours:
        if all(r.likeness >= NAMED for r in run) and s.likeness >= NAMED:
            return True
        if in_sequence(numbers) and ordinal(s.text) in (numbers[0] - 1, numbers[-1] + 1):
            return True
    return False


def _section_reading(geo: Geometry, vocab: LevelVocabulary, style: Style, members: list[Block], texts: list[str],
                     prefixes: list[str | None] | None) -> Reading | None:
    nested = nested_classes(geo, style, members)
    items = _items_by_member(geo, style, nested)
    level_texts = [p if prefixes and p else t for p, t in zip(prefixes or [None] * len(texts), texts)]
    found = _best_run(geo, _sections(geo, vocab, members, level_texts, items), style)
    if found is None:
        return None
    run, evidence = found
    what = "heading prefixes" if prefixes else "headings"
    kind = f"{'bold ' if style[0] else ''}{style[1]:g} pt{' on shaded bands' if style[2] else ''}"
    reading = Reading("sections", f"{what} ({kind})", [], {}, {},
                      style=style, nested=nested, evidence=evidence)
    index = {id(m): i for i, m in enumerate(members)}
    for sec in run:
        if sec.key not in reading.levels:
            reading.order.append(sec.key)
            reading.levels[sec.key] = Level(sec.key, sec.text, sec.members[0])
        for member in sec.members:
            i = index[id(member)]
            reading.carriers[id(member)] = sec.key
            rest = texts[i][len(prefixes[i]):].strip(" :-–—|") if prefixes and prefixes[i] else ""
            for item in items.get(id(member), []):
                reading.level_of[id(item)] = sec.key
                if rest:
                    reading.rest_of[id(item)] = rest
    if not prefixes:  # the level's title repeated in other type ("Level 2 - ... (continued)") is the level too
        for h in geo.headings():
            reading.carriers.setdefault(id(h), level_key(_heading_text(h)))
        reading.carriers = {i: k for i, k in reading.carriers.items() if k in reading.levels}
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

    return _shares_with_another([sublabels(g) for g in groups])


# --- columns -----------------------------------------------------------------------------------------------

def _column_readings(geo: Geometry, vocab: LevelVocabulary) -> list[Reading]:
    if not geo.bands:
        return []
    texts = [tuple(level_key(c.text) for c in geo.band_columns(band)) for band in geo.bands]
    repeated = {t for t in texts if texts.count(t) > 1}
    ends = [geo.order[id(band[0])] for band in geo.bands[1:]] + [len(geo.blocks)]
    level_bands = [band for band, text, end in zip(geo.bands, texts, ends)
                   if text in repeated or _may_head_levels(geo, vocab, band, end)]
    if not level_bands:
        return []
    reading = Reading("columns", "", [], {}, {}, bands=level_bands)
    ends = _section_ends(geo, level_bands)
    governing: list[Column] | None = None
    end_rank: tuple | None = None
    band_starts = {id(band[0]): band for band in level_bands}
    other_bands = {id(band[0]) for band in geo.bands} - set(band_starts)
    for b in geo.blocks:
        if id(b) in band_starts:
            governing = geo.band_columns(band_starts[id(b)])
            keys = dict(zip(map(id, governing), column_keys(governing)))
            floor = (b.page, max(lab.bottom for lab in band_starts[id(b)]))
            end_rank = ends[id(b)]
            for column in governing:
                for band_label in column.labels:
                    reading.carriers[id(band_label)] = keys[id(column)]
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
        key = keys[id(column)]
        if key not in reading.levels:
            reading.levels[key] = Level(key, column.text, column.labels[0])
        reading.level_of[id(b)] = key
        reading.floor_of[id(b)] = floor
    reading.order = _column_order(geo, level_bands, reading)
    if not reading.order:
        return []
    reading.evidence = _column_evidence(geo, vocab, reading, any(t in repeated for t in texts))
    repeated_note = (", repeated" if any(t in repeated for t in texts)
                     else "; the same rows under each" if reading.evidence.parallel >= S.strong_share else "")
    reading.containers = (f"header columns ({len(level_bands)} header row{'s' if len(level_bands) > 1 else ''}"
                          f"{repeated_note})")
    return [reading]


def _shared_rows(geo: Geometry, reading: Reading) -> float:
    """Share of level columns whose bullets stand in at least two of the rows (by their row labels) another
    level column fills too: the same grouping repeated inside each level, as a matrix's domain rows are."""
    items: dict[str, list[Block]] = defaultdict(list)
    for item in geo.items:
        if id(item) in reading.level_of:
            items[reading.level_of[id(item)]].append(item)
    skip = set(reading.carriers)
    return _sharing([_rows_of(geo, items[k], skip) for k in reading.order])


def _rows_of(geo: Geometry, items: list[Block], skip: set[int]) -> set[str]:
    """The rows (by their nearest row label) the bullets stand in."""
    return {level_key(labels[0].text) for item in items if (labels := geo.row_labels(item, skip))}


def _shares_with_another(groupings: list[set[str]]) -> list[bool]:
    """For each container (its groupings: sub-headings, row labels, column heads), does it hold at least two of
    the groupings another container holds?"""
    return [any(len(s & o) >= 2 for j, o in enumerate(groupings) if j != i) for i, s in enumerate(groupings)]


def _sharing(groupings: list[set[str]]) -> float:
    """Share of the containers that hold at least two of another's groupings (0 for fewer than two)."""
    shared = _shares_with_another(groupings)
    return sum(shared) / len(shared) if len(shared) >= 2 else 0.0


def _may_head_levels(geo: Geometry, vocab: LevelVocabulary, band: list[Block], end: int) -> bool:
    """Could a header row printed once head the levels: its columns read as levels, or it looks like a level
    scheme's header (a colour per column, a title naming a level scheme over it, or columns that all fill the
    same rows, up to block `end`)? Whether it does is for the reading's evidence to say."""
    columns = geo.band_columns(band)
    likeness = [vocab.likeness(c.text) for c in columns]
    if sum(likeness) / len(likeness) >= S.level_band_likeness:
        return True
    keys = column_keys(columns)
    if (shading(keys, [geo.colour_of(c.labels[0]) for c in columns]) >= S.strong_share
            or names_a_scheme(_title_before(geo, band[0]))):
        return True
    skip = {id(b) for b in band}
    rows = [_rows_of(geo, geo.column_items(band, column, end), skip) for column in columns]
    return _sharing([r for r in rows if r]) >= S.parallel_alone_share  # the columns in the table's labelled rows


def _column_evidence(geo: Geometry, vocab: LevelVocabulary, reading: Reading, repeated: bool) -> Evidence:
    """The evidence that header columns are levels: every printing of each column's header counts."""
    heads: list[tuple[str, Column]] = []
    for band in reading.bands:
        columns = geo.band_columns(band)
        for column, key in zip(columns, column_keys(columns)):
            if key in reading.levels:
                heads.append((key, column))
    firsts = [reading.levels[k] for k in reading.order]
    header_ids = {id(lab) for _, column in heads for lab in column.labels}
    n = len(firsts)
    return Evidence(
        words=sum(vocab.likeness(lv.raw) for lv in firsts) / n,
        parallel=1.0 if repeated else _shared_rows(geo, reading),

        shading=shading([k for k, _ in heads], [geo.colour_of(c.labels[0]) for _, c in heads]),
        ordinal=float(in_sequence([ordinal(lv.raw) for lv in firsts])),
        described=sum(bool(geo.description_of(lv.block, True, header_ids)) for lv in firsts) / n,
        titled=float(names_a_scheme(_title_before(geo, reading.bands[0][0]))),
        grouping=sum(names_a_grouping(lv.raw) and vocab.likeness(lv.raw) < NAMED for lv in firsts) / n)


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
            previous = (max(b.size for b in band) + 1.0, False, False)
        out[id(band[0])] = previous
    return out


def _column_order(geo: Geometry, bands: list[list[Block]], reading: Reading) -> list[str]:
    """Level keys in header order (left to right, first band first), keeping only columns with items."""
    used = set(reading.level_of.values())
    order: list[str] = []
    for band in bands:
        for key in column_keys(geo.band_columns(band)):
            if key in used and key not in order:
                order.append(key)
    return order


def column_keys(columns: list[Column]) -> list[str]:
    """Each header column's level key; two columns of one header printing the same label are two levels
    ("Early help" over level 2 and over level 3): the second takes the key "early help#2"."""
    seen: dict[str, int] = {}
    out = []
    for column in columns:
        key = level_key(column.text)
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


# --- rows --------------------------------------------------------------------------------------------------

def _row_readings(geo: Geometry, vocab: LevelVocabulary) -> list[Reading]:
    """Levels as the rows of a table (a transposed matrix): the label in each row's first column (rotated or
    not) names the row's level; a row whose first cell shows only a colour continues the level of that
    colour (a level's name printed in its first row only, or a row broken across pages)."""
    tables = _items_in_tables(geo)
    first_cell: dict[int, Block] = {}
    for item, (data_x0, _, _) in tables:
        labels = geo.row_labels(item, set())
        if labels and labels[-1].x1 <= data_x0 + S.near_pt:
            first_cell[id(item)] = labels[-1]
    if not first_cell:
        return []
    carriers = list({id(b): b for b in first_cell.values()}.values())
    carriers.sort(key=lambda b: geo.order[id(b)])
    keys = {id(b): level_key(b.text) for b in carriers}
    if len(set(keys.values())) > S.max_levels:
        return []
    column = (min(b.x0 for b in carriers), max(b.x1 for b in carriers))
    colours = {id(b): geo.colour_of(b) for b in carriers}
    by_colour: dict[tuple, set] = {}
    for b in carriers:
        if colours[id(b)] is not None:
            by_colour.setdefault(colours[id(b)], set()).add(keys[id(b)])
    reading = Reading("rows", "row labels", [], {}, {})
    for b in carriers:
        reading.carriers[id(b)] = keys[id(b)]
        if keys[id(b)] not in reading.levels:
            reading.order.append(keys[id(b)])
            reading.levels[keys[id(b)]] = Level(keys[id(b)], b.text, b)
    last = None
    for item, (_, band, columns) in tables:
        label = first_cell.get(id(item))
        if label is not None:
            last = keys[id(label)]
        else:
            colour = geo.colour_left_of(item, *column)
            if colour is None:
                continue  # no first cell beside it: not in the table
            owners = by_colour.get(colour, set())
            if len(owners) == 1:
                last = next(iter(owners))
            elif owners:
                continue
        if last is None:
            continue
        reading.level_of[id(item)] = last
        head = next((c for c in columns if c.holds(item)), None)
        if head is not None:
            reading.heads_of[id(item)] = head.text
            reading.floor_of[id(item)] = (band[0].page, max(lab.bottom for lab in band))
    used = set(reading.level_of.values())
    reading.order = [k for k in reading.order if k in used]
    if not reading.order:
        return []
    reading.evidence = _row_evidence(geo, vocab, reading, carriers, keys, colours)
    return [reading]


def _items_in_tables(geo: Geometry) -> list[tuple[Block, tuple[float, list[Block], list[Column]]]]:
    """Bullets under a header row of column heads, until a heading across the page ends the table (a table
    may run over several pages), each with its table's data columns (the header columns that head bullets; a
    first column of row labels lies left of them): (left edge of the data columns, header row, data columns)."""
    starts = {id(band[0]): band for band in geo.bands}
    tables: list[tuple[list[Block], list[Column], list[Block]]] = []
    current: list[Block] | None = None
    for b in geo.blocks:
        if id(b) in starts:
            current = []
            tables.append((starts[id(b)], geo.band_columns(starts[id(b)]), current))
        elif b.kind == "label" and geo.is_wide(b) and geo.is_heading_like(b):
            current = None
        elif b.kind == "item" and current is not None:
            current.append(b)
    out = []
    for band, columns, items in tables:
        data = [c for c in columns if any(c.holds(item) for item in items)]
        if data:
            out += [(item, (min(c.x0 for c in data), band, data)) for item in items]
    return out


def _row_evidence(geo: Geometry, vocab: LevelVocabulary, reading: Reading, carriers: list[Block],
                  keys: dict[int, str], colours: dict[int, tuple | None]) -> Evidence:
    """The evidence that row labels are levels: the same sequence of labels down several tables, or rows that
    all fill the same columns, count as parallel containers."""
    firsts = [reading.levels[k] for k in reading.order]
    n = len(firsts)
    rank = {k: i for i, k in enumerate(reading.order)}
    sequence = [keys[id(b)] for b in carriers if keys[id(b)] in rank]
    restarts = sum(rank[b] < rank[a] for a, b in zip(sequence, sequence[1:]))
    heads: dict[str, set[str]] = defaultdict(set)  # the column heads each level's bullets stand under
    for item in geo.items:
        if id(item) in reading.heads_of and id(item) in reading.level_of:
            heads[reading.level_of[id(item)]].add(level_key(reading.heads_of[id(item)]))
    return Evidence(
        words=sum(vocab.likeness(lv.raw) for lv in firsts) / n,
        parallel=1.0 if restarts >= 1 and n >= 2 else _sharing([heads[k] for k in reading.order]),
        shading=shading([keys[id(b)] for b in carriers], [colours[id(b)] for b in carriers]),
        ordinal=float(in_sequence([ordinal(lv.raw) for lv in firsts])),
        described=sum(bool(geo.description_of(lv.block, True, set(reading.carriers))) for lv in firsts) / n,
        grouping=sum(names_a_grouping(lv.raw) and vocab.likeness(lv.raw) < NAMED for lv in firsts) / n)


# The reading strategies, one per kind of container that can hold the levels: each takes the page geometry and
# the level vocabulary and returns its candidate readings, which `candidates` scores together. A new kind of
# container is one function with that signature, added here.
STRATEGIES = (_section_readings, _column_readings, _row_readings)

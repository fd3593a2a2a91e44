"""Local levels of need -> canonical level (1 universal, 2 additional, 3 complex, 4 specialist).

The rules are data (pipeline/data/level_crosswalk.yaml); this module applies them to one document's levels at
a time, because some rules need the whole scheme (numbering on a four-step scale, two levels sharing one name,
levels out of order, a canonical level left out between two others).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .crosswalk_files import DataFileError, data_path, load_yaml, string_list
from .keys import label_key

CANONICAL_LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class LevelMapping:
    """One local level's mapping. `method`: crosswalk | keyword | description | four_levels | scheme | unmapped."""

    rank: int | None
    label: str
    canonical: int | None
    method: str
    detail: str = ""


@dataclass(frozen=True)
class LevelCrosswalk:
    path: str
    labels: dict[str, int]
    keywords: tuple[tuple[int, tuple[str, ...]], ...]
    description_keywords: tuple[tuple[int, tuple[str, ...]], ...]
    prefixes: tuple[str, ...]
    number_words: dict[str, int]
    other_levels: dict[str, tuple[int, ...]] = field(default_factory=dict)
    scheme_titles: tuple[str, ...] = ()

    def parse(self, label: str) -> tuple[int | None, str]:
        """Split numbering off a label: "Level Two - Additional" -> (2, "additional"); "Tier 3" -> (3, "");
        "Early help (Level 3)" -> (3, "early help")."""
        key = label_key(label)
        for prefix in self.prefixes:
            for pattern, word_at, name_at in ((rf"^{re.escape(prefix)} (\w+)(?: (.*))?$", 1, 2),
                                              (rf"^(.+) {re.escape(prefix)} (\w+)$", 2, 1)):
                m = re.match(pattern, key)
                number = self._number(m.group(word_at)) if m else None
                if number is not None:
                    return number, (m.group(name_at) or "").strip()
        m = re.match(r"^(\d)(?: (.*))?$", key)  # "2 Additional needs"
        if m:
            return int(m.group(1)), (m.group(2) or "").strip()
        return None, key

    def by_name(self, name: str) -> tuple[int | None, str, str]:
        """Canonical level from a label's name: (level, method, detail)."""
        if not name:
            return None, "", ""
        if name in self.labels:
            return self.labels[name], "crosswalk", name
        hit = _first_rule(self.keywords, name)
        if hit:
            return hit[0], "keyword", hit[1]
        return None, "", ""

    def choices(self, name: str) -> tuple[int, ...]:
        """The canonical levels a name may have: its usual level first, then any `other_levels`."""
        level, _, _ = self.by_name(name)
        return self.other_levels.get(name, (level,) if level is not None else ())

    def _number(self, word: str) -> int | None:
        return int(word) if word.isdigit() else self.number_words.get(word)

    def by_description(self, description: str) -> tuple[int | None, str]:
        hit = _first_rule(self.description_keywords, label_key(description))
        return (hit[0], hit[1]) if hit else (None, "")


def _first_rule(rules, key: str):
    padded = f" {key} "
    for level, phrases in rules:
        for phrase in phrases:
            if f" {phrase} " in padded:
                return level, phrase
    return None


def _rules(raw, path, where) -> tuple[tuple[int, tuple[str, ...]], ...]:
    if not isinstance(raw, list):
        raise DataFileError(path, f"{where}: expected a list of {{level, phrases}}")
    out = []
    for i, rule in enumerate(raw):
        if not isinstance(rule, dict) or rule.get("level") not in CANONICAL_LEVELS:
            raise DataFileError(path, f"{where}[{i}]: needs level 1-4 and phrases")
        phrases = tuple(label_key(p) for p in string_list(rule.get("phrases"), path, f"{where}[{i}].phrases"))
        out.append((int(rule["level"]), tuple(p for p in phrases if p)))
    return tuple(out)


@lru_cache(maxsize=8)
def load_level_crosswalk(path: str | None = None) -> LevelCrosswalk:
    """Read and check level_crosswalk.yaml (cached per path)."""
    path = path or str(data_path("level_crosswalk.yaml"))
    raw = load_yaml(path)
    labels: dict[str, int] = {}
    for label, level in (raw.get("labels") or {}).items():
        if level not in CANONICAL_LEVELS:
            raise DataFileError(path, f"labels.{label}: level must be 1-4, got {level!r}")
        key = label_key(label)
        if key in labels and labels[key] != level:
            raise DataFileError(path, f"labels: {label!r} is listed twice with different levels")
        labels[key] = int(level)
    numbering = raw.get("numbering") or {}
    words = {label_key(k): int(v) for k, v in (numbering.get("words") or {}).items()}
    prefixes = tuple(sorted((label_key(p) for p in string_list(numbering.get("prefixes"), path, "numbering.prefixes")),
                            key=len, reverse=True))
    return LevelCrosswalk(
        path=path,
        labels=labels,
        keywords=_rules(raw.get("keywords") or [], path, "keywords"),
        description_keywords=_rules(raw.get("description_keywords") or [], path, "description_keywords"),
        prefixes=prefixes,
        number_words=words,
        other_levels=_other_levels(raw.get("other_levels") or {}, labels, path),
        scheme_titles=tuple(label_key(t) for t in string_list(raw.get("scheme_titles") or [], path, "scheme_titles")),
    )


def _other_levels(raw, labels: dict[str, int], path) -> dict[str, tuple[int, ...]]:
    """`other_levels` -> {name: (usual level, other levels...)}; each name must be listed under `labels`."""
    if not isinstance(raw, dict):
        raise DataFileError(path, "other_levels: expected a mapping of label -> list of levels")
    out = {}
    for label, levels in raw.items():
        key = label_key(label)
        if key not in labels:
            raise DataFileError(path, f"other_levels.{label}: the label must be listed under labels first")
        levels = levels if isinstance(levels, list) else [levels]
        if not levels or any(lv not in CANONICAL_LEVELS for lv in levels):
            raise DataFileError(path, f"other_levels.{label}: levels must be 1-4, got {levels!r}")
        out[key] = tuple(dict.fromkeys([labels[key], *map(int, levels)]))
    return out


def map_levels(levels: list[dict], crosswalk: LevelCrosswalk | None = None) -> list[LevelMapping]:
    """Map one document's levels ([{rank, label, description, number}], lowest need first) to canonical levels.

    A name listed for one level decides alone. A name that cannot (unknown, shared by two levels of the document,
    or listed with `other_levels`) is decided by the document's numbering on a four-step scale, else by the
    level's description, else keeps its usual level; then the scheme as a whole settles names listed with other
    levels (levels out of order, a canonical level left out)."""
    cw = crosswalk or load_level_crosswalk()
    ordered = _dedupe_by_rank(levels)
    parsed = [_numbered(cw, lv) for lv in ordered]
    counts = Counter(name for _, name in parsed if name)
    steps = _four_step_positions(ordered, parsed)
    out = [_map_one(cw, lv, number, name, counts[name] > 1, step)
           for lv, (number, name), step in zip(ordered, parsed, steps)]
    choices = [cw.choices(name) for _, name in parsed]
    return _fill_gaps(_restore_order(out, choices), choices)


def _numbered(cw: LevelCrosswalk, lv: dict) -> tuple[int | None, str]:
    """(number, name) of a level: the number the document prints with it (`number`, kept by extraction when the
    published label drops it: "Everyday (1)" -> "Everyday"), else any the label itself carries."""
    number, name = cw.parse(lv.get("label") or "")
    printed = lv.get("number")
    return (printed if isinstance(printed, int) and not isinstance(printed, bool) else number), name


def _four_step_positions(ordered: list[dict], parsed) -> list[tuple[int, str] | None]:
    """Where each level sits on a four-step scale when the document says so: printed numbers running one by one up
    to 4 ("Tier 2", "Tier 3", "Tier 4"), or exactly four levels in order (any printed number equal to the rank)."""
    numbers = [number for number, _ in parsed]
    if numbers and None not in numbers and numbers[0] >= 1 and numbers == list(range(numbers[0], 5)):
        return [(n, f"number {n} of 4") for n in numbers]
    ranks = [lv.get("rank") for lv in ordered]
    if ranks == [1, 2, 3, 4] and all(n in (None, r) for n, r in zip(numbers, ranks)):
        return [(r, f"rank {r} of 4") for r in ranks]
    return [None] * len(ordered)


def _map_one(cw: LevelCrosswalk, lv: dict, number: int | None, name: str, shared: bool,
             step: tuple[int, str] | None) -> LevelMapping:
    """One level: its name, else (for a name that cannot decide alone) the numbering, its description, the name."""
    rank, label = lv.get("rank"), lv.get("label") or ""
    level, method, detail = cw.by_name(name)
    choices = cw.choices(name)
    open_name = level is None or shared or len(choices) > 1
    if not open_name:
        return LevelMapping(rank, label, level, method, detail)
    if step and (level is None or shared or step[0] in choices):
        return LevelMapping(rank, label, step[0], "four_levels", step[1])
    d_level, d_phrase = cw.by_description(lv.get("description") or "")
    if d_level is not None and (level is None or shared or d_level in choices):
        return LevelMapping(rank, label, d_level, "description", d_phrase)
    if level is None:
        detail = "numbered only" if number is not None and not name else "unknown name"
        return LevelMapping(rank, label, None, "unmapped", detail)
    return LevelMapping(rank, label, level, method, detail)


def _restore_order(mappings: list[LevelMapping], choices: list[tuple[int, ...]]) -> list[LevelMapping]:
    """A level mapped above the next one takes another level its name is listed for, if that restores the order
    (the lower one moving down first). Conflicts no listed level resolves stay, for order_conflicts to report."""
    out = list(mappings)
    for i in range(len(out) - 1):
        a, b = out[i].canonical, out[i + 1].canonical
        if a is None or b is None or a <= b:
            continue
        floor = next((m.canonical for m in reversed(out[:i]) if m.canonical is not None), 1)
        ceiling = next((m.canonical for m in out[i + 2:] if m.canonical is not None), 4)
        down = [c for c in choices[i] if floor <= c <= b]
        up = [c for c in choices[i + 1] if a <= c <= ceiling]
        if down:
            out[i] = replace(out[i], canonical=max(down), method="scheme", detail=f"below {out[i + 1].label!r}")
        elif up:
            out[i + 1] = replace(out[i + 1], canonical=min(up), method="scheme", detail=f"above {out[i].label!r}")
    return out


def _fill_gaps(mappings: list[LevelMapping], choices: list[tuple[int, ...]]) -> list[LevelMapping]:
    """A document with at least as many levels as the canonical levels it spans leaves none of them out: a level
    sharing its canonical level with its neighbour moves into the gap beside it, if its name is listed there."""
    out = list(mappings)
    known = [i for i, m in enumerate(out) if m.canonical is not None]
    for gap in (2, 3):
        levels = [out[i].canonical for i in known]
        if not levels or levels != sorted(levels) or gap in levels or not levels[0] < gap < levels[-1]:
            continue
        if len(known) < levels[-1] - levels[0] + 1:
            continue
        below = [i for i in known if out[i].canonical < gap]
        above = [i for i in known if out[i].canonical > gap]
        for i, neighbour in ((below[-1], below[-2:-1]), (above[0], above[1:2])):  # neighbour: [] or [index]
            if gap in choices[i] and neighbour and out[neighbour[0]].canonical == out[i].canonical:
                out[i] = replace(out[i], canonical=gap, method="scheme", detail=f"fills canonical level {gap}")
                break
    return out


def _dedupe_by_rank(levels: list[dict]) -> list[dict]:
    """Levels in rank order, one per rank (a repeated banner does not make a new level)."""
    seen: dict[object, dict] = {}
    for i, lv in enumerate(levels or []):
        rank = lv.get("rank")
        key = rank if rank is not None else f"#{i}"
        seen.setdefault(key, lv)
    return sorted(seen.values(), key=lambda lv: (lv.get("rank") is None, lv.get("rank") or 0))


def order_conflicts(mappings: list[LevelMapping]) -> list[str]:
    """Pairs where a higher local rank maps to a lower canonical level (those the scheme could not resolve)."""
    out = []
    known = [m for m in mappings if m.canonical is not None and m.rank is not None]
    for a, b in zip(known, known[1:]):
        if b.canonical < a.canonical:
            out.append(f"{b.label!r} (rank {b.rank}) -> {b.canonical} is below "
                       f"{a.label!r} (rank {a.rank}) -> {a.canonical}")
    return out


def mapping_for(label: str, rank: int | None, mappings: list[LevelMapping],
                crosswalk: LevelCrosswalk | None = None) -> LevelMapping:
    """The mapping for an indicator's level: by rank within its document, else by the label alone."""
    for m in mappings:
        if rank is not None and m.rank == rank:
            return m
    key = label_key(label)
    for m in mappings:
        if key and label_key(m.label) == key:
            return m
    cw = crosswalk or load_level_crosswalk()
    level, method, detail = cw.by_name(cw.parse(label)[1])
    return LevelMapping(rank=rank, label=label, canonical=level, method=method or "unmapped", detail=detail)


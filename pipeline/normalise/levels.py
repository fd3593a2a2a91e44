"""Local levels of need -> canonical level (1 universal, 2 additional, 3 complex, 4 specialist).

The rules are data (pipeline/data/level_crosswalk.yaml); this module applies them to one document's levels at
a time, because some fallbacks need the whole scheme (a four-level document, two levels sharing one name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .crosswalk_files import DataFileError, data_path, load_yaml, string_list
from .keys import label_key

CANONICAL_LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class LevelMapping:
    """One local level's mapping. `method`: crosswalk | keyword | description | four_levels | unmapped."""

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

    def parse(self, label: str) -> tuple[int | None, str]:
        """Split numbering off a label: "Level Two - Additional" -> (2, "additional"); "Tier 3" -> (3, "")."""
        key = label_key(label)
        for prefix in self.prefixes:
            m = re.match(rf"^{re.escape(prefix)} (\w+)(?: (.*))?$", key)
            if not m:
                continue
            word = m.group(1)
            number = int(word) if word.isdigit() else self.number_words.get(word)
            if number is not None:
                return number, (m.group(2) or "").strip()
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
    )


def map_levels(levels: list[dict], crosswalk: LevelCrosswalk | None = None) -> list[LevelMapping]:
    """Map one document's levels ([{rank, label, description}], lowest need first) to canonical levels."""
    cw = crosswalk or load_level_crosswalk()
    ordered = _dedupe_by_rank(levels)
    parsed = [cw.parse(lv.get("label") or "") for lv in ordered]
    name_counts: dict[str, int] = {}
    for _, name in parsed:
        if name:
            name_counts[name] = name_counts.get(name, 0) + 1
    ranks = [lv.get("rank") for lv in ordered]
    four_in_order = len(ordered) == 4 and ranks == [1, 2, 3, 4]
    out = []
    for lv, (number, name) in zip(ordered, parsed):
        rank, label = lv.get("rank"), lv.get("label") or ""
        level, method, detail = cw.by_name(name)
        shared = bool(name) and name_counts.get(name, 0) > 1
        if (level is None or shared) and four_in_order and (number is None or number == rank):
            level, method, detail = rank, "four_levels", f"rank {rank} of 4"
        elif level is None or shared:
            d_level, d_phrase = cw.by_description(lv.get("description") or "")
            if d_level is not None:
                level, method, detail = d_level, "description", d_phrase
        if level is None:
            method, detail = "unmapped", ("numbered only" if number is not None and not name else "unknown name")
        out.append(LevelMapping(rank=rank, label=label, canonical=level, method=method, detail=detail))
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
    """Pairs where a higher local rank maps to a lower canonical level (reported, not changed)."""
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


"""Printed areas and domains -> canonical area and Assessment Framework dimensions.

The rules are data (pipeline/data/domain_crosswalk.yaml): exact labels, near-identical spellings, then
keywords. A label none of them maps is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from .crosswalk_files import DataFileError, data_path, load_yaml, string_list
from .keys import label_key

AREAS = ("child_development", "parenting_capacity", "family_environment")
DIMENSIONS = (
    "health", "education", "emotional_behavioural_development", "identity", "family_social_relationships",
    "social_presentation", "self_care_skills", "basic_care", "ensuring_safety", "emotional_warmth", "stimulation",
    "guidance_boundaries", "stability", "family_history_functioning", "wider_family", "housing", "employment",
    "income", "social_integration", "community_resources",
)


@dataclass(frozen=True)
class Mapped:
    """A label's mapping: `value` is an area id or a tuple of dimension ids; `method` is
    crosswalk | fuzzy | keyword | unmapped | none (no label printed)."""

    value: object
    method: str
    detail: str = ""


def sort_dimensions(dims) -> tuple[str, ...]:
    """Dimensions in the Assessment Framework's order, without repeats."""
    wanted = set(dims)
    return tuple(d for d in DIMENSIONS if d in wanted)


class DomainCrosswalk:
    """Area and domain matching rules loaded from domain_crosswalk.yaml."""

    def __init__(self, path: str) -> None:
        raw = load_yaml(path)
        self.path = path
        self.fuzzy_min = float(raw.get("fuzzy_min", 92))
        self.dimension_area: dict[str, str] = {}
        self.area_labels: dict[str, str] = {}
        self.area_keywords: list[tuple[str, tuple[str, ...]]] = []
        self.domain_labels: dict[tuple[str, str | None], tuple[str, ...]] = {}
        self.dimension_keywords: list[tuple[str, str]] = []
        self._load_areas(raw)
        self._load_dimensions(raw)
        self._load_domains(raw)
        alternatives = "|".join(re.escape(k) for k, _ in self.dimension_keywords)
        self._keyword_re = re.compile(rf"\b({alternatives})\b") if alternatives else None
        self._keyword_dim = dict(self.dimension_keywords)
        self._fuzzy_choices = sorted({k for k, _ in self.domain_labels})

    # -- loading ------------------------------------------------------------------------------------------------
    def _load_areas(self, raw: dict) -> None:
        areas = raw.get("areas") or {}
        if set(areas) != set(AREAS):
            raise DataFileError(self.path, f"areas must be exactly {', '.join(AREAS)}")
        order = string_list(raw.get("keyword_order") or list(AREAS), self.path, "keyword_order")
        for area in AREAS:
            for label in string_list(areas[area].get("labels"), self.path, f"areas.{area}.labels"):
                self._put(self.area_labels, label_key(label), area, f"areas.{area}")
        for area in order:
            if area not in AREAS:
                raise DataFileError(self.path, f"keyword_order: unknown area {area!r}")
            words = string_list(areas[area].get("keywords"), self.path, f"areas.{area}.keywords")
            self.area_keywords.append((area, tuple(label_key(w) for w in words)))

    def _load_dimensions(self, raw: dict) -> None:
        dims = raw.get("dimensions") or {}
        if set(dims) != set(DIMENSIONS):
            missing, extra = set(DIMENSIONS) - set(dims), set(dims) - set(DIMENSIONS)
            raise DataFileError(self.path, f"dimensions: missing {sorted(missing)}, unknown {sorted(extra)}")
        keywords: dict[str, str] = {}
        for dim, spec in dims.items():
            if spec.get("area") not in AREAS:
                raise DataFileError(self.path, f"dimensions.{dim}: area must be one of {', '.join(AREAS)}")
            self.dimension_area[dim] = spec["area"]
            for label in string_list(spec.get("labels"), self.path, f"dimensions.{dim}.labels"):
                self._put(self.domain_labels, (label_key(label), None), (dim,), f"dimensions.{dim}")
            for word in string_list(spec.get("keywords"), self.path, f"dimensions.{dim}.keywords"):
                key = label_key(word)
                if keywords.get(key, dim) != dim:
                    raise DataFileError(self.path, f"keyword {word!r} is given to {keywords[key]} and {dim}")
                keywords[key] = dim
        # longest keyword first, so "emotional warmth" wins over "emotional"
        self.dimension_keywords = sorted(keywords.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def _load_domains(self, raw: dict) -> None:
        for i, entry in enumerate(raw.get("domains") or []):
            where = f"domains[{i}]"
            if not isinstance(entry, dict):
                raise DataFileError(self.path, f"{where}: expected a mapping with labels and dimensions")
            dims = string_list(entry.get("dimensions"), self.path, f"{where}.dimensions")
            unknown = [d for d in dims if d not in DIMENSIONS]
            if not dims or unknown:
                raise DataFileError(self.path, f"{where}: unknown or no dimensions {unknown}")
            area = entry.get("area")
            if area is not None and area not in AREAS:
                raise DataFileError(self.path, f"{where}: unknown area {area!r}")
            for label in string_list(entry.get("labels"), self.path, f"{where}.labels"):
                self._put(self.domain_labels, (label_key(label), area), sort_dimensions(dims), where)

    def _put(self, table: dict, key, value, where: str) -> None:
        if key in table and table[key] != value:
            label, area = key if isinstance(key, tuple) else (key, None)
            scope = f" (in {area})" if area else ""
            current = ", ".join(table[key]) if isinstance(table[key], tuple) else table[key]
            raise DataFileError(self.path, f"{where}: label {label!r}{scope} already maps to {current}")
        table[key] = value

    # -- matching -----------------------------------------------------------------------------------------------
    def map_area(self, label: str | None) -> Mapped:
        key = label_key(label)
        if not key:
            return Mapped(None, "none")
        if key in self.area_labels:
            return Mapped(self.area_labels[key], "crosswalk", key)
        hit = process.extractOne(key, list(self.area_labels), scorer=fuzz.ratio, score_cutoff=self.fuzzy_min)
        if hit:
            return Mapped(self.area_labels[hit[0]], "fuzzy", hit[0])
        padded = f" {key} "
        for area, words in self.area_keywords:
            for word in words:
                if f" {word} " in padded:
                    return Mapped(area, "keyword", word)
        dims = self.keyword_dimensions(key)  # "Behaviour, identity and relationships": dimensions of one area
        area = self.area_of(dims.value) if dims.value else None
        return Mapped(area, "keyword", dims.detail) if area else Mapped(None, "unmapped")

    def map_domain(self, label: str | None, area: str | None = None) -> Mapped:
        key = label_key(label)
        if not key:
            return Mapped((), "none")
        for candidate in ((key, area), (key, None)):
            if candidate in self.domain_labels:
                return Mapped(self.domain_labels[candidate], "crosswalk", key)
        hit = process.extractOne(key, self._fuzzy_choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_min)
        if hit:
            for candidate in ((hit[0], area), (hit[0], None)):
                if candidate in self.domain_labels:
                    return Mapped(self.domain_labels[candidate], "fuzzy", hit[0])
        return self.keyword_dimensions(key)

    def keyword_dimensions(self, text: str | None) -> Mapped:
        """Dimensions whose keywords occur in `text` (longest keyword first, each word used once)."""
        key = label_key(text)
        words = self._keyword_re.findall(key) if self._keyword_re and key else []
        dims = sort_dimensions(self._keyword_dim[w] for w in words)
        if dims:
            return Mapped(dims, "keyword", ", ".join(dict.fromkeys(words)))
        return Mapped((), "unmapped")

    def area_of(self, dims) -> str | None:
        """The one area all `dims` belong to, or None."""
        areas = {self.dimension_area[d] for d in dims}
        return areas.pop() if len(areas) == 1 else None

    def dimensions_in(self, area: str) -> set[str]:
        return {d for d, a in self.dimension_area.items() if a == area}


@lru_cache(maxsize=8)
def load_domain_crosswalk(path: str | None = None) -> DomainCrosswalk:
    """Read and check domain_crosswalk.yaml (cached per path)."""
    return DomainCrosswalk(path or str(data_path("domain_crosswalk.yaml")))

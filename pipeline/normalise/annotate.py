"""Annotating indicator rows: canonical level, area and dimensions, normalised text, themes, qualifiers."""

from __future__ import annotations

from functools import lru_cache

from .corrections import apply_theme_corrections
from pipeline.vocab.domains import DomainCrosswalk, Mapped, load_domain_crosswalk, sort_dimensions
from pipeline.vocab.levels import LevelCrosswalk, LevelMapping, load_level_crosswalk, mapping_for
from pipeline.vocab.qualifiers import QualifierExtractor
from pipeline.vocab.text import build_nlp, normalised_from_doc, process
from pipeline.vocab.themes import ThemeTagger


class Annotator:
    """Everything the stage needs, built once: spaCy pipeline, matchers and crosswalks."""

    def __init__(self) -> None:
        self.nlp = build_nlp()
        self.levels: LevelCrosswalk = load_level_crosswalk()
        self.domains: DomainCrosswalk = load_domain_crosswalk()
        self.tagger = ThemeTagger(self.nlp)
        self.vocab = self.tagger.vocab
        self.qualifiers = QualifierExtractor(self.nlp)
        self._labels: dict[tuple[str, str], tuple[Mapped, Mapped]] = {}

    def map_labels(self, area: str, domain: str) -> tuple[Mapped, Mapped]:
        """(area mapping, domain mapping) for a printed area/domain pair (cached)."""
        key = (area or "", domain or "")
        if key not in self._labels:
            area_m = self.domains.map_area(area)
            self._labels[key] = (area_m, self.domains.map_domain(domain, area_m.value))
        return self._labels[key]

    def annotate(self, rows: list[dict], level_maps: dict[str, list[LevelMapping]]) -> None:
        """Fill the normalised columns of `rows` in place."""
        for row in rows:
            self._structure(row, level_maps.get(row["document"], []))
        for row, doc in zip(rows, process(r["text"] for r in rows)):
            self._content(row, doc)

    def _structure(self, row: dict, mappings: list[LevelMapping]) -> None:
        level = mapping_for(row["level_label"], row["level_rank"], mappings, self.levels)
        row["canonical_level"] = level.canonical
        row["level_mapping"] = level.method
        area_m, domain_m = self.map_labels(row["area"], row["domain"])
        dims = tuple(domain_m.value)
        row["canonical_area"] = area_m.value or (self.domains.area_of(dims) if dims else None)
        row["canonical_dimensions"] = list(dims)
        row["dimensions_inferred"] = False
        row["area_mapping"] = area_m.method
        row["domain_mapping"] = domain_m.method

    def _content(self, row: dict, doc) -> None:
        row["text_normalised"] = normalised_from_doc(doc)
        tagged = self.tagger.tag(doc, row["canonical_area"])
        themes, protective = apply_theme_corrections(row, tagged.themes, tagged.protective)
        row["themes"], row["protective_themes"] = themes, protective
        row["early_help_groups"] = self.vocab.groups_for(themes)
        q = self.qualifiers.extract(doc)
        row["severity"], row["frequency"], row["age_condition"] = q.severity, q.frequency, q.age_condition
        if not row["canonical_dimensions"]:
            self._infer_dimensions(row)

    def _infer_dimensions(self, row: dict) -> None:
        """Dimensions from the indicator's themes (else from dimension keywords in its text), flagged inferred."""
        candidates = self.vocab.dimensions_for(row["themes"] + row["protective_themes"])
        if not candidates:
            candidates = set(self.domains.keyword_dimensions(row["text"]).value)
        area = row["canonical_area"]
        if area:
            within = candidates & self.domains.dimensions_in(area)
            candidates = within or candidates
        dims = sort_dimensions(candidates)
        row["canonical_dimensions"] = list(dims)
        row["dimensions_inferred"] = bool(dims)
        if dims:
            row["domain_mapping"] = "inferred"
        if not area and dims and not (row["area"] or "").strip():
            # an area label the crosswalk cannot map stays unmapped on every row (the report lists it), never
            # mapped on some rows by their own text
            row["canonical_area"] = self.domains.area_of(dims)


@lru_cache(maxsize=1)
def get_annotator() -> Annotator:
    """The process-wide Annotator (matchers are compiled once)."""
    return Annotator()

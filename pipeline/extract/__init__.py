"""Extract stage: indicator bullets out of a threshold PDF, with level, area, domain and provenance.

`extract_document(path, hints)` returns one document's interim record:
    {"document": "x.pdf", "pages": 12,
     "levels": [{"rank": 1, "label": "Universal", "description": "..." | None}, ...],
     "indicators": [{"seq": 0, "page": 5, "bbox": [x0, top, x1, bottom],
                     "level_label": "...", "level_rank": 1, "area": "", "domain": "Health",
                     "text": "Good height/weight"}, ...],
     "structure": {"reading": "columns: 4 levels from the header row ...", "confidence": 0.97,
                   "alternatives": ["..."]},
     "labels": [{"page": 5, "bbox": [...], "role": "level" | "column title" | "area" | "domain", "text": "..."}],
     "warnings": ["..."]}
It raises pipeline.errors.DocumentError for a document that cannot be read, or that has no levels of need.
`hints` are the analyst's optional manifest keys (levels, layout, grouping, pages).
"""

from .document import extract_document

__all__ = ["extract_document"]

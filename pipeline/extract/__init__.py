"""Extract stage: indicator bullets out of a threshold PDF, with level, area, domain and provenance.

`extract_document(path)` returns one document's interim record:
    {"document": "x.pdf", "pages": 12,
     "levels": [{"rank": 1, "label": "Universal", "description": "..." | None}, ...],
     "indicators": [{"seq": 0, "page": 5, "bbox": [x0, top, x1, bottom],
                     "level_label": "...", "level_rank": 1, "area": "", "domain": "Health",
                     "text": "Good height/weight"}, ...],
     "warnings": ["..."]}
It raises pipeline.errors.DocumentError for a document that cannot be read.
"""

from .document import extract_document

__all__ = ["extract_document"]

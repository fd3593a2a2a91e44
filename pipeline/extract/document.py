"""One document: its reader's document model (model.py) -> structure -> indicator records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import DocumentError
from ..runner_limits import Limits
from . import crosscheck, docx_reader, html_reader, pdf_reader
from .formats import sniff
from .layout import Block
from .model import DocumentModel
from .settings import SETTINGS as S
from .structure import Structure, read_structure

# The readers, by the kind formats.sniff gives a file: (path, hints, limits) -> DocumentModel. A new input format
# is one reader module registered here (and a sniff rule in formats.py).
READERS: dict[str, Callable[[Path, dict, Limits], DocumentModel]] = {
    "pdf": pdf_reader.read_pdf,
    "docx": docx_reader.read_model,
    "html": html_reader.read_model,
}


@dataclass
class DocumentReading(DocumentModel):
    """A document as read (what `threshold inspect` draws): its reader's model and the structure inferred from
    it; `warnings` are the structure's, then the reader's."""
    structure: Structure | None = None


def read_document(path: Path, hints: dict | None = None, limits: Limits | None = None) -> DocumentReading:
    """Document model -> structure, for any registered format (decided from the content, not the name).
    `hints`: the manifest's analyst hints (levels, layout, grouping, pages); `limits`: a Word document's or web
    page's text is held to `max_chars` as a PDF's is before it is opened."""
    path, hints = Path(path), hints or {}
    kind = sniff(path)
    reader = READERS[kind or "pdf"]  # an unknown kind is tried as a PDF: it fails as corrupt, with the reason
    model = reader(path, hints, limits or Limits())
    structure = read_structure(model.pages, model.blocks, hints)
    return DocumentReading(model.format, model.pages, model.blocks, model.n_pages,
                           list(structure.warnings) + model.warnings, structure)


def extract_document(path: Path, hints: dict | None = None, limits: Limits | None = None) -> dict:
    """One document -> its interim record. `hints`: the manifest's analyst hints (levels, layout, grouping,
    pages); `limits`: the per-document limits (a Word document's or web page's text is held to max_chars)."""
    read = read_document(path, hints, limits)
    structure = read.structure
    indicators = [{"seq": seq, **_provenance(r["block"], read.format), "level_label": r["level_label"],
                   "level_rank": r["level_rank"], "area": r["area"], "domain": r["domain"],
                   "text": r["block"].text[:S.max_indicator_chars]}
                  for seq, r in enumerate(structure.rows) if r["block"].text]
    cut = sum(len(r["block"].text) > S.max_indicator_chars for r in structure.rows)
    if not structure.levels:
        raise DocumentError("no_levels", "; ".join(read.warnings))
    if not indicators:
        raise DocumentError("no_indicators", "; ".join(read.warnings))
    labels = [{**_provenance(b, read.format), "role": role, "text": b.text} for b, role in structure.labels]
    summary, warnings = structure.summary(), list(read.warnings)
    if cut:
        warnings.append(f"{cut} indicator(s) longer than {S.max_indicator_chars} characters cut to that length "
                        "(no threshold bullet is so long)")
    if structure.confidence < S.crosscheck_below and read.format == "pdf":
        check = crosscheck.crosscheck(Path(path), read.pages, structure.rows)
        summary["confidence"], warning = crosscheck.adjust(structure.confidence, check)
        summary["crosscheck"] = crosscheck.summary(check)
        warnings += [warning] if warning else []
    return {"document": Path(path).name, "format": read.format, "pages": read.n_pages, "levels": structure.levels,
            "indicators": indicators, "structure": summary, "labels": labels, "warnings": warnings}


def _provenance(block: Block, kind: str) -> dict:
    """Where a block is: page and box in a PDF; a locator (element path, table cell) in a Word document or page."""
    if kind == "pdf":
        return {"page": block.page, "bbox": block.bbox}
    return {"page": None, "bbox": None, "locator": block.locator}

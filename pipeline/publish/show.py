"""Where an indicator came from: render its PDF page to PNG with the indicator's box highlighted, or, for a Word
document or web page (no pages), quote the paragraphs around the indicator's locator.

The document is checked and read in a worker process under the extract stage's limits (time, memory; see
pipeline/runner.py), so a hostile or replaced PDF cannot hang or exhaust the machine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.tables import read_table
from pipeline.errors import DocumentError
from pipeline.publish.release import Releases
from pipeline.runner import run_isolated
from pipeline.runner_limits import Limits


CONTEXT_PARAGRAPHS = 2   # paragraphs quoted before and after a Word or web-page indicator


class ShowError(LookupError):
    """The indicator or its source document cannot be found."""


class RenderError(RuntimeError):
    """The page could not be rendered (the PDF is unreadable, or the worker hit its time or memory limit)."""


def find_indicator(out: Path, indicator_id: str) -> dict:
    """The indicator's row from the published table (or the normalised one before anything is published)."""
    for path in (Path(out) / "indicators.csv", Path(out) / "normalised" / "indicators.csv"):
        if path.is_file():
            for row in read_table(path)[1]:
                if row.get("indicator_id") == indicator_id:
                    return row
            raise ShowError(f"{path}: no indicator with id {indicator_id!r}")
    raise ShowError(f"{out}: no indicators table (run the pipeline first)")


def _raw_docs(out: Path, raw_docs: Path | None) -> list[Path]:
    if raw_docs is not None:
        return [Path(raw_docs)]
    candidates = []
    current = Releases(out).current()
    record = current / "release.json" if current else None
    if record and record.is_file():  # the input folder, relative to OUT (absolute in older releases)
        candidates.append(Path(out) / json.loads(record.read_text(encoding="utf-8")).get("raw_docs", ""))
    return candidates + [Path(out).resolve().parent / "raw_docs"]


def source_document(out: Path, document: str, raw_docs: Path | None = None) -> Path:
    for folder in _raw_docs(out, raw_docs):
        path = folder / document
        if folder.name and path.is_file():
            return path
    raise ShowError(f"{document}: source document not found (give the input folder with raw_docs=...)")


def render_indicator(out: Path, indicator_id: str, png_path: Path, *, raw_docs: Path | None = None,
                     resolution: int = 110, limits: Limits | None = None) -> dict:
    """Render the indicator's page to `png_path` with its bbox outlined and shaded; returns what was drawn
    (document, page, bbox, png path, and a warning when the document's hash differs from the published one).
    For a Word document or web page nothing is drawn: the result has the locator and `context`, the paragraphs
    around the indicator (the indicator's own marked with "> "), and an empty png.
    Raises ShowError (unknown indicator or document) or RenderError (the worker could not read it)."""
    limits = limits or Limits()
    row = find_indicator(Path(out), indicator_id)
    path = source_document(Path(out), row["document"], raw_docs)
    info = {"indicator_id": indicator_id, "document": row["document"], "page": None, "bbox": [],
            "locator": row.get("locator", ""), "context": [], "text": row.get("text", ""), "png": "", "warning": ""}
    published = _published_sha(Path(out), row["document"])
    if published and hashlib.sha256(path.read_bytes()).hexdigest() != published:
        info["warning"] = f"{path} differs from the published document (sha256); the place may be off"
    if row.get("page"):
        info.update(page=int(row["page"]), png=str(png_path),
                    bbox=[float(row[k]) for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")])
        work, args = _render_in_worker, (str(path), info["page"], tuple(info["bbox"]), str(png_path), resolution,
                                         limits)
    elif info["locator"]:
        work, args = _context_in_worker, (str(path), info["locator"], limits)
    else:
        raise ShowError(f"{indicator_id}: the row has neither a page nor a locator")
    outcome = run_isolated([("show", args)], work, jobs=1, timeout_s=limits.timeout_s,
                           memory_mb=limits.memory_mb)["show"]
    if outcome.status != "done":
        raise RenderError(f"{outcome.status}: {outcome.value}")
    problem, not_found, context = outcome.value
    if problem:
        raise (ShowError if not_found else RenderError)(problem)
    info["context"] = context
    return info


def _checked(path: str, limits: Limits) -> tuple[str, str]:
    """The extract stage's checks on the file; returns (its kind: pdf, docx or html; the problem, "" if none)."""
    from pipeline.extract.preflight import check_document

    try:
        return check_document(Path(path), limits), ""
    except DocumentError as exc:
        return "", f"{Path(path).name}: {exc}"


def _context_in_worker(path: str, locator: str, limits: Limits) -> tuple[str, bool, list[str]]:
    """In the worker: the blocks around `locator` in a Word document or web page (its reader's document model, in
    reading order), as (problem, whether the locator is not in the document, lines)."""
    from pipeline.extract.document import READERS

    kind, problem = _checked(path, limits)
    if problem:
        return problem, False, []
    if kind == "pdf":
        return f"{path}: is a PDF, but the indicator has no page", True, []
    try:
        blocks = [b for b in READERS[kind](Path(path), {}, limits).blocks if b.text]
    except DocumentError as exc:
        return f"{Path(path).name}: {exc}", False, []
    at = next((i for i, b in enumerate(blocks) if b.locator == locator), None)
    if at is None:
        return f"{path}: no paragraph at {locator}", True, []
    nearby = range(max(0, at - CONTEXT_PARAGRAPHS), min(len(blocks), at + CONTEXT_PARAGRAPHS + 1))
    return "", False, [("> " if i == at else "  ") + blocks[i].text for i in nearby]


def _render_in_worker(pdf_path: str, page_no: int, bbox: tuple, png_path: str, resolution: int,
                      limits: Limits) -> tuple[str, bool, list]:
    """In the worker: the extract stage's checks, then the drawing. Returns (problem, whether the page is
    not in the PDF, []); ("", False, []) when drawn."""
    kind, problem = _checked(pdf_path, limits)
    if not problem and kind != "pdf":
        problem = f"{Path(pdf_path).name}: is not a PDF (a {kind} document), but the indicator has a page"
    return (problem, False, []) if problem else (*_draw(Path(pdf_path), page_no, bbox, Path(png_path), resolution), [])


def _draw(pdf_path: Path, page_no: int, bbox: tuple, png_path: Path, resolution: int) -> tuple[str, bool]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page_no <= len(pdf.pages):
            return f"{pdf_path}: has {len(pdf.pages)} pages, the indicator says page {page_no}", True
        page = pdf.pages[page_no - 1]
        image = page.to_image(resolution=resolution)
        pad = 2
        box = (max(0, bbox[0] - pad), max(0, bbox[1] - pad), min(page.width, bbox[2] + pad),
               min(page.height, bbox[3] + pad))
        image.draw_rect(box, fill=(255, 214, 0, 70), stroke=(220, 20, 60), stroke_width=3)
        Path(png_path).parent.mkdir(parents=True, exist_ok=True)
        image.save(str(png_path), format="PNG")
    return "", False


def _published_sha(out: Path, document: str) -> str:
    path = out / "documents.csv"
    if not path.is_file():
        return ""
    return next((r.get("sha256", "") for r in read_table(path)[1] if r.get("document") == document), "")

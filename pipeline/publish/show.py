"""Where an indicator came from: render its PDF page to PNG with the indicator's box highlighted.

The PDF is checked and rendered in a worker process under the extract stage's limits (time, memory; see
pipeline/runner.py), so a hostile or replaced PDF cannot hang or exhaust the machine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.csvfile import read_rows
from pipeline.errors import DocumentError
from pipeline.publish.release import Releases
from pipeline.runner import run_isolated
from pipeline.runner_limits import Limits


class ShowError(LookupError):
    """The indicator or its source PDF cannot be found."""


class RenderError(RuntimeError):
    """The page could not be rendered (the PDF is unreadable, or the worker hit its time or memory limit)."""


def find_indicator(out: Path, indicator_id: str) -> dict:
    """The indicator's row from the published table (or the normalised one before anything is published)."""
    for path in (Path(out) / "indicators.csv", Path(out) / "normalised" / "indicators.csv"):
        if path.is_file():
            for row in read_rows(path)[1]:
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


def source_pdf(out: Path, document: str, raw_docs: Path | None = None) -> Path:
    for folder in _raw_docs(out, raw_docs):
        path = folder / document
        if folder.name and path.is_file():
            return path
    raise ShowError(f"{document}: source PDF not found (give the input folder with raw_docs=...)")


def render_indicator(out: Path, indicator_id: str, png_path: Path, *, raw_docs: Path | None = None,
                     resolution: int = 110, limits: Limits | None = None) -> dict:
    """Render the indicator's page to `png_path` with its bbox outlined and shaded; returns what was drawn
    (document, page, bbox, png path, and a warning when the PDF's hash differs from the published one).
    Raises ShowError (unknown indicator or PDF) or RenderError (the worker could not render it)."""
    limits = limits or Limits()
    row = find_indicator(Path(out), indicator_id)
    pdf_path = source_pdf(Path(out), row["document"], raw_docs)
    page_no = int(row["page"])
    bbox = tuple(float(row[k]) for k in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"))
    info = {"indicator_id": indicator_id, "document": row["document"], "page": page_no, "bbox": list(bbox),
            "text": row.get("text", ""), "png": str(png_path), "warning": ""}
    published = _published_sha(Path(out), row["document"])
    if published and hashlib.sha256(pdf_path.read_bytes()).hexdigest() != published:
        info["warning"] = f"{pdf_path} differs from the published document (sha256); the box may be off"
    outcome = run_isolated([("show", (str(pdf_path), page_no, bbox, str(png_path), resolution, limits))],
                           _render_in_worker, jobs=1, timeout_s=limits.timeout_s,
                           memory_mb=limits.memory_mb)["show"]
    if outcome.status != "done":
        raise RenderError(f"{outcome.status}: {outcome.value}")
    problem, wrong_page = outcome.value
    if problem:
        raise (ShowError if wrong_page else RenderError)(problem)
    return info


def _render_in_worker(pdf_path: str, page_no: int, bbox: tuple, png_path: str, resolution: int,
                      limits: Limits) -> tuple[str, bool]:
    """In the worker: the extract stage's checks, then the drawing. Returns (problem, whether the page is
    not in the PDF); ("", False) when drawn."""
    from pipeline.extract.preflight import check_file, check_pdf

    try:
        check_file(Path(pdf_path), limits)
        check_pdf(Path(pdf_path), limits)
    except DocumentError as exc:
        return f"{Path(pdf_path).name}: {exc}", False
    return _draw(Path(pdf_path), page_no, bbox, Path(png_path), resolution)


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
    return next((r.get("sha256", "") for r in read_rows(path)[1] if r.get("document") == document), "")

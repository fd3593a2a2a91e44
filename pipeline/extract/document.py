"""One document: pages -> blocks -> structure -> indicator records."""

from __future__ import annotations

from pathlib import Path

from ..errors import DocumentError
from .layout import Block, blocks, fragments, furniture_keys, is_furniture
from .pdf import open_pdf, read_page
from .structure import DocumentStructure


def _rotated_blocks(page) -> list[Block]:
    return [Block("label", [], page.number, rotated=True, text_override=r.text, _box=(r.x0, r.top, r.x1, r.bottom))
            for r in page.rotated]


def extract_document(path: Path) -> dict:
    path = Path(path)
    try:
        pdf = open_pdf(path)
    except Exception as exc:  # pdfplumber raises several types for unreadable files
        raise DocumentError("corrupt", str(exc) or type(exc).__name__) from exc
    with pdf:
        if not pdf.pages:
            raise DocumentError("no_pages")
        pages = [read_page(p, i + 1) for i, p in enumerate(pdf.pages)]
    if not any(p.words for p in pages):
        raise DocumentError("no_text")
    page_frags = [fragments(p) for p in pages]
    keys = furniture_keys(page_frags, [p.height for p in pages])
    all_blocks: list[Block] = []
    for page, frags in zip(pages, page_frags):
        frags = [f for f in frags if not is_furniture(f, keys)]
        page_blocks = blocks(frags, page.hrules) + _rotated_blocks(page)
        all_blocks += sorted(page_blocks, key=lambda b: (b.top, b.x0))
    levels, rows = DocumentStructure(pages, all_blocks).resolve()
    indicators = []
    for seq, r in enumerate(rows):
        b = r["block"]
        text = b.text
        if not text:
            continue
        indicators.append({"seq": seq, "page": b.page, "bbox": b.bbox, "level_label": r["level_label"],
                           "level_rank": r["level_rank"], "area": r["area"], "domain": r["domain"], "text": text})
    if not indicators:
        raise DocumentError("no_indicators")
    return {"document": path.name, "pages": len(pages), "levels": levels, "indicators": indicators, "warnings": []}

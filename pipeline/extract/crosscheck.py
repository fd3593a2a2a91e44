"""A second, independent reading of ruled tables with camelot (lattice mode), compared with the pipeline's own.

camelot finds a ruled table's cells from the drawn lines alone (merged cells included), knowing nothing of
bullets, fonts or levels. For each indicator in such a table, the label the pipeline gave it (domain, else area)
should be printed in a cell to its left in the same camelot row (a row label, merged cells copied down) or in
its own cell (a heading inside the cell). The share of indicators where it is, the agreement, raises or lowers
the document's structure confidence; the disagreements are drawn by `threshold inspect`.

It costs a camelot import and about 0.3 s a page, so it runs only where it pays: on ruled pages that hold
indicators, in documents read with less than settings' crosscheck_below confidence (and always in `threshold inspect`).
"""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

MIN_RULES = 3              # a page with this many horizontal and vertical rules holds a ruled table
MAX_PAGES = 8              # pages cross-checked per document
MIN_CHECKED = 8            # fewer indicators than this in ruled cells say nothing either way


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def ruled_pages(pages: list, rows: list[dict], wanted: list[int] | None = None) -> list[int]:
    """Pages with a ruled table and indicators on them."""
    with_rows = {r["block"].page for r in rows}
    return [p.number for p in pages if p.number in with_rows and (not wanted or p.number in wanted)
            and len(p.hrules) >= MIN_RULES and len(p.vrules) >= MIN_RULES][:MAX_PAGES]


def crosscheck(path: Path, pages: list, rows: list[dict], wanted: list[int] | None = None) -> dict | None:
    """camelot's cells on the ruled pages, the agreement of the pipeline's labels with them, and the indicators
    where they disagree; None when no page holds a ruled table with indicators."""
    numbers = ruled_pages(pages, rows, wanted)
    if not numbers:
        return None
    start = time.monotonic()
    heights = {p.number: p.height for p in pages}
    try:
        import camelot

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # camelot warns of pages without tables
            tables = camelot.read_pdf(str(path), pages=",".join(map(str, numbers)), flavor="lattice",
                                      copy_text=["v"])
    except Exception as exc:  # noqa: BLE001  a second opinion must never sink the document
        return {"pages": numbers, "checked": 0, "agreement": None, "disagreements": [], "cells": [],
                "error": f"{type(exc).__name__}: {exc}"[:200]}
    cells = []
    for t_index, table in enumerate(tables):
        page = int(table.page)
        for r, line in enumerate(table.cells):
            for c, cell in enumerate(line):
                box = [cell.x1, heights[page] - cell.y2, cell.x2, heights[page] - cell.y1]
                cells.append({"page": page, "bbox": [round(v, 2) for v in box], "table": t_index, "row": r,
                              "column": c, "text": " ".join(cell.text.split())})
    checked, disagreements = 0, []
    for row in rows:
        block, label = row["block"], row["domain"] or row["area"]
        cell = _cell_at(cells, block)
        if not label or cell is None:
            continue
        beside = [c["text"] for c in cells if c["table"] == cell["table"] and c["row"] == cell["row"]
                  and c["column"] < cell["column"]]
        checked += 1
        if not any(_key(label) in _key(text) for text in beside + [cell["text"]]):
            disagreements.append({"page": block.page, "bbox": block.bbox, "text": block.text, "ours": label,
                                  "camelot_row": [t for t in beside if t]})
    return {"pages": numbers, "checked": checked,
            "agreement": round(1 - len(disagreements) / checked, 2) if checked else None,
            "disagreements": disagreements, "cells": cells, "seconds": round(time.monotonic() - start, 2)}


def _cell_at(cells: list[dict], block) -> dict | None:
    x, y = (block.x0 + block.x1) / 2, (block.top + block.bottom) / 2
    return next((c for c in cells if c["page"] == block.page and c["bbox"][0] <= x <= c["bbox"][2]
                 and c["bbox"][1] <= y <= c["bbox"][3]), None)


def summary(check: dict | None) -> dict | None:
    """What the interim record keeps of a cross-check."""
    if check is None:
        return None
    return {"pages": check["pages"], "checked": check["checked"], "agreement": check["agreement"],
            "disagreements": len(check["disagreements"]), "seconds": check.get("seconds"),
            **({"error": check["error"]} if "error" in check else {})}


def adjust(confidence: float, check: dict | None) -> tuple[float, str | None]:
    """The confidence after the cross-check, and a warning when camelot's table disagrees."""
    if not check or check["checked"] < MIN_CHECKED:
        return confidence, None
    if check["agreement"] >= 0.9:
        return round(min(1.0, confidence + 0.1), 2), None
    if check["agreement"] < 0.7:
        return round(max(0.0, confidence - 0.2), 2), (
            f"camelot's reading of the ruled tables on pages {', '.join(map(str, check['pages']))} agrees with "
            f"{check['agreement']:.0%} of the area/domain labels; `threshold inspect` shows where")
    return confidence, None

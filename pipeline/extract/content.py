"""What the Word and web-page readers read: paragraphs (headings, text, list items) and tables of cells, each
with a locator; `read_structured` lays it out on one virtual page as the document model (model.py) with the
table cells the format states, so one structure inference (structure.py) reads every format.

A paragraph is a list of runs (text with weight and size). Layout is deliberately plain: paragraphs stack down
the page, list items are indented under their bullet, a table's cells sit on a grid of rows and columns (merged
cells span them, vertical text is a rotated label). No rules are drawn: every block in a table carries the cell
its format states (model.CellRef), and geometry.py reads cells and their boundaries from that; a shaded cell is a
fill, as shading is in a PDF. Positions are in points on a page as wide as A4 and as long as the document; a
word's width is estimated from its size (half an em a character), so positions are plain, not typeset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pathlib import Path
from typing import Callable

from ..errors import DocumentError
from ..runner_limits import Limits
from .layout import Block, Fragment
from .model import CellRef, DocumentModel
from .pdf import Box, Page, Word

WIDTH, MARGIN = 595.0, 40.0
INDENT, HANG = 18.0, 12.0     # list nesting step; bullet to text
PAD = 4.0                     # inside a table cell


@dataclass
class Run:
    text: str
    bold: bool = False
    size: float = 11.0
    italic: bool = False


@dataclass
class Para:
    runs: list[Run]
    locator: str
    item: bool = False        # a list item (its bullet or number comes from the list, not the text)
    depth: int = 0            # list nesting

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(r.text for r in self.runs)).strip()


@dataclass
class Cell:
    paras: list[Para]
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    shade: tuple = ()         # background colour (0..1 RGB), if shaded
    rotated: bool = False     # text set vertically (a side label)


@dataclass
class Table:
    cells: list[Cell]
    n_rows: int
    n_cols: int
    locator: str
    widths: list[float] = field(default_factory=list)   # relative column widths, if the document gives them


def text_size(content: list["Para | Table"]) -> int:
    """Characters of text in a document's content (every run of every paragraph and cell)."""
    total = 0
    for item in content:
        for para in ([item] if isinstance(item, Para) else [p for cell in item.cells for p in cell.paras]):
            total += sum(len(run.text) for run in para.runs)
    return total


def _font(run: Run) -> str:
    return "Virtual-" + ("Bold" if run.bold else "Regular") + ("Italic" if run.italic else "")


class _Layout:
    """Places paragraphs and tables down one virtual page; collects blocks and rules."""

    def __init__(self) -> None:
        self.page = Page(number=1, width=WIDTH, height=0.0)
        self.blocks: list[Block] = []
        self.y = MARGIN

    def paragraph(self, para: Para, x0: float, x1: float, y: float) -> float:
        """Lay a paragraph out from `y` between x0 and x1; return the y below it."""
        words = [(w, run) for run in para.runs for w in run.text.split()]
        if not words:
            return y
        size = max(run.size for _, run in words)
        left = x0 + INDENT * para.depth + (HANG if para.item else 0)
        lines: list[list[Word]] = []
        x, top = left, y
        for text, run in words:
            width = 0.5 * run.size * len(text)
            if lines and x + width > x1 and x > left:
                x, top = left, top + 1.2 * size
            if not lines or top > lines[-1][0].top:
                lines.append([])
            width = min(width, max(x1 - x, 1.0))  # a word too long for the column is squeezed into it
            lines[-1].append(Word(text, x, x + width, top, top + run.size, _font(run), run.size))
            x += width + 0.25 * run.size
        fragments = [Fragment(line, 1) for line in lines]
        if para.item:
            fragments[0].bullet = "•"
        block = Block("item" if para.item else "label", fragments, 1)
        block.locator = para.locator
        self.blocks.append(block)
        return lines[-1][0].top + 1.2 * size + 0.4 * size

    def flow(self, para: Para) -> None:
        gap = 0.6 * max((r.size for r in para.runs), default=11.0) if not para.item else 0.0
        self.y = self.paragraph(para, MARGIN, WIDTH - MARGIN, self.y + gap)

    def table(self, table: Table) -> None:
        widths = table.widths if len(table.widths) == table.n_cols and sum(table.widths) > 0 else [1.0] * table.n_cols
        scale = (WIDTH - 2 * MARGIN) / sum(widths)
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w * scale)
        heights = [0.0] * table.n_rows
        placed = []
        for cell in table.cells:  # each cell's content height, laid out from y=0 to measure it
            before = len(self.blocks)
            bottom = self._cell_content(cell, xs, 0.0)
            placed.append((cell, self.blocks[before:]))
            del self.blocks[before:]
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], bottom)
        for cell, _ in placed:  # a merged cell taller than its rows stretches the last of them
            last = min(cell.row + cell.rowspan, table.n_rows) - 1
            short = (_cell_height(cell, xs) if cell.rotated else 0.0) - sum(heights[cell.row:last + 1])
            if short > 0:
                heights[last] += short
        heights = [max(h, 14.0) for h in heights]
        ys = [self.y + 6.0]
        for h in heights:
            ys.append(ys[-1] + h)
        for cell, blocks in placed:
            top, bottom = ys[cell.row], ys[min(cell.row + cell.rowspan, table.n_rows)]
            x0, x1 = xs[cell.col], xs[min(cell.col + cell.colspan, table.n_cols)]
            ref = CellRef(table.locator, cell.row, cell.col, cell.rowspan, cell.colspan, (x0, top, x1, bottom))
            self._shade(x0, top, x1, bottom, cell.shade)
            if cell.rotated:
                text = " ".join(p.text for p in cell.paras if p.text)
                if text:
                    mid = (x0 + x1) / 2
                    block = Block("label", [], 1, rotated=True, text_override=text,
                                  _box=(mid - 5, top + PAD, mid + 5, bottom - PAD))
                    block.locator, block.cell = cell.paras[0].locator, ref
                    self.blocks.append(block)
                continue
            for block in blocks:
                _shift(block, top)
                block.cell = ref
                self.blocks.append(block)
        self.y = ys[-1] + 6.0

    def _cell_content(self, cell: Cell, xs: list[float], y: float) -> float:
        x0, x1 = xs[cell.col] + PAD, xs[min(cell.col + cell.colspan, len(xs) - 1)] - PAD
        y += PAD
        for para in cell.paras:
            y = self.paragraph(para, x0, x1, y)
        return y + PAD

    def _shade(self, x0: float, top: float, x1: float, bottom: float, shade: tuple) -> None:
        if shade:
            self.page.fills.append(Box(x0, top, x1, bottom, shade))


def _cell_height(cell: Cell, xs: list[float]) -> float:
    """A vertical label needs about its text's length down the page."""
    text = " ".join(p.text for p in cell.paras)
    size = max((r.size for p in cell.paras for r in p.runs), default=11.0)
    return 0.5 * size * len(text) + 2 * PAD


def _shift(block: Block, dy: float) -> None:
    for fragment in block.lines:
        fragment.words = [Word(w.text, w.x0, w.x1, w.top + dy, w.bottom + dy, w.font, w.size) for w in fragment.words]


def layout(content: list[Para | Table]) -> tuple[list[Page], list[Block]]:
    """The content on one virtual page: (pages, blocks in reading order)."""
    placed = _Layout()
    for part in content:
        if isinstance(part, Table):
            placed.table(part)
        else:
            placed.flow(part)
    placed.page.height = placed.y + MARGIN
    placed.page.words = [w for b in placed.blocks for f in b.lines for w in f.words]
    return [placed.page], sorted(placed.blocks, key=lambda b: (b.top, b.x0))


def read_structured(kind: str, read: Callable[[Path], list[Para | Table]], path: Path, hints: dict,
                    limits: Limits) -> DocumentModel:
    """A Word document or web page (`read` gives its content) -> the document model, on one virtual page. Its
    text is held to `limits.max_chars` as a PDF's is before it is opened."""
    try:
        content = read(path)
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001  any way the reader fails on a malformed package or page
        raise DocumentError("corrupt", f"{type(exc).__name__}: {exc}"[:200], kind) from None
    if not content:
        raise DocumentError("no_text", kind=kind)
    chars = text_size(content)
    if chars > limits.max_chars:
        raise DocumentError("too_large", f"{chars} characters of text, the limit is {limits.max_chars}", kind)
    pages, blocks = layout(content)
    warnings = [f"pages hint ignored: a {kind} document has no pages"] if hints.get("pages") else []
    return DocumentModel(kind, pages, blocks, None, warnings)

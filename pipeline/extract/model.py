"""The document model every reader fills and structure inference reads (structure.py, through geometry.py).

A document is pages of blocks. A block (layout.Block) is a bullet item or a label: its text in lines of words
with their font facts (weight, size, italics, colour), its box on a page, and where it came from: page and box in a
PDF, a locator ("tbl[3]/tr[2]/tc[1]/p[2]", an element's XPath) in a Word document or web page. A page also holds
what is drawn on it: rules, shaded fills, painted marks. Where the format states a table cell (Word and web
tables), the block carries it (`cell`: table, row, column, spans and where it is laid out), and geometry.py takes
a block's cell and the boundaries between cells from it; a PDF states none, and its cells are read from the rules
and fills around the text.

Readers, one module per format, registered in document.READERS: pdf_reader.read_pdf (geometry read from the
page), docx_reader.read_model and html_reader.read_model (their paragraphs, lists and tables, laid out plainly on
one page by content.py, with the cells their formats state).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .layout import Block
from .pdf import Page


@dataclass(frozen=True)
class CellRef:
    """A table cell as the format states it."""
    table: str                # the table's locator
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, top, x1, bottom where it is laid out


@dataclass
class DocumentModel:
    """What a reader gives structure inference: pages and their blocks in reading order."""
    format: str               # "pdf", "docx" or "html"
    pages: list[Page]
    blocks: list[Block]
    n_pages: int | None = None  # the document's page count (a PDF); None for a Word document or web page
    warnings: list[str] = field(default_factory=list)  # what the reader noticed (an ignored pages hint)

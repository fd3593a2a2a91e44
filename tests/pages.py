"""Small pages built by hand for the extraction unit tests: words placed where a PDF would put them, rules and
shading as boxes, no PDF file. `read` turns pages into the document's blocks as read_document does (fragments,
then items and labels per page, rotated labels, page order), without the page-joining passes."""

from __future__ import annotations

from pipeline.extract.layout import Block, blocks, fragments
from pipeline.extract.pdf import Box, Page, RotatedLabel, Word

SIZE = 10.0
REGULAR, BOLD, ITALIC, BOLD_ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"


def words(text: str, x: float, top: float, font: str = REGULAR, size: float = SIZE,
          colour: tuple = ()) -> list[Word]:
    """The words of `text` set left to right from x on one line (0.5 em per character, a space between words)."""
    out = []
    for token in text.split():
        width = 0.5 * size * len(token)
        out.append(Word(token, x, x + width, top, top + size, font, size, colour))
        x += width + 0.28 * size
    return out


def bold(text: str, x: float, top: float, size: float = SIZE, colour: tuple = ()) -> list[Word]:
    return words(text, x, top, BOLD, size, colour)


def bullet(text: str, x: float, top: float, size: float = SIZE) -> list[Word]:
    """A bullet item on one line: the glyph at x, its text a hanging indent further on."""
    return words(f"• {text}", x, top, size=size)


def page(*lines: list[Word], number: int = 1, width: float = 595, height: float = 842,
         vrules: list[Box] | None = None, hrules: list[Box] | None = None, fills: list[Box] | None = None,
         rotated: list[RotatedLabel] | None = None) -> Page:
    return Page(number, width, height, [w for line in lines for w in line], rotated=rotated or [],
                fills=fills or [], hrules=hrules or [], vrules=vrules or [])


def hrule(x0: float, x1: float, y: float) -> Box:
    return Box(x0, y, x1, y + 0.5)


def vrule(x: float, top: float, bottom: float) -> Box:
    return Box(x, top, x + 0.5, bottom)


def read(*pages: Page) -> list[Block]:
    """The document's blocks in page order, each page's sorted top to bottom, left to right."""
    out: list[Block] = []
    for p in pages:
        turned = [Block("label", [], p.number, rotated=True, text_override=r.text, _box=(r.x0, r.top, r.x1, r.bottom))
                  for r in p.rotated]
        out += sorted(blocks(fragments(p), p.hrules) + turned, key=lambda b: (b.top, b.x0))
    return out


def block(blocks_: list[Block], text: str) -> Block:
    """The one block whose text is `text`."""
    [found] = [b for b in blocks_ if b.text == text]
    return found

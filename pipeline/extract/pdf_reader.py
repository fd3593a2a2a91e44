"""A PDF -> the document model: pages read into words, rules and fills (pdf.py), words into fragments and blocks
with running headers and footers left out (layout.py), then what page breaks cut rejoined: a bullet going on at
the top of the next page, a label cut in two, a level's number printed on a line of its own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..errors import DocumentError
from ..manifest import pages_in
from ..runner_limits import Limits
from .bullets import clean_text, join_lines
from .layout import Block, blocks, fragments, furniture_keys, is_furniture
from .model import DocumentModel
from .pdf import open_pdf, read_page
from .vocabulary import numbering_only, strip_continued


def read_pdf(path: Path, hints: dict, limits: Limits) -> DocumentModel:
    """The PDF's pages (those of the `pages` hint, if given) and blocks (`limits` were checked on the file
    before it was opened: preflight.py)."""
    try:
        pdf = open_pdf(path)
    except Exception as exc:  # pdfplumber raises several types for unreadable files
        raise DocumentError("corrupt", str(exc) or type(exc).__name__) from exc
    with pdf:
        if not pdf.pages:
            raise DocumentError("no_pages")
        wanted = pages_in(hints.get("pages") or [], len(pdf.pages)) or None
        pages = [read_page(p, i + 1) for i, p in enumerate(pdf.pages) if wanted is None or i + 1 in wanted]
        n_pages = len(pdf.pages)
    if not any(p.words for p in pages):
        raise DocumentError("no_text")
    page_frags = [fragments(p) for p in pages]
    keys = furniture_keys(page_frags, pages)
    per_page: list[list[Block]] = []
    for page, frags in zip(pages, page_frags):
        frags = [f for f in frags if not is_furniture(f, keys)]
        per_page.append(sorted(blocks(frags, page.hrules) + _rotated_blocks(page), key=lambda b: (b.top, b.x0)))
    for page_blocks in per_page:
        _join_numbering(page_blocks)
    _join_page_continuations(per_page)
    _join_cut_labels(per_page)
    all_blocks = [b for page_blocks in per_page for b in page_blocks]
    warnings = []
    if hints.get("pages") and (wanted is None or max(last for _, last in hints["pages"]) > n_pages):
        warnings.append(f"pages hint: the document has {n_pages} pages; "
                        + ("pages outside it ignored" if wanted else "no hinted page exists, all pages read"))
    return DocumentModel("pdf", pages, all_blocks, n_pages, warnings)


def _rotated_blocks(page) -> list[Block]:
    return [Block("label", [], page.number, rotated=True, text_override=r.text, _box=(r.x0, r.top, r.x1, r.bottom))
            for r in page.rotated]


def _join_page_continuations(pages: list[list[Block]]) -> None:
    """A bullet cut by a page break goes on at the top of the next page as plain text at the bullet's text
    indent, above anything else in its column: append it to the last bullet of that column and drop it."""
    for prev, page in zip(pages, pages[1:]):
        repeated = {b.text for b in prev}  # a header row (and its descriptions) printed again
        for lab in [b for b in page if b.kind == "label" and not b.rotated and not b.bold and b.lines
                    and b.text not in repeated]:
            above = [b for b in page if b is not lab and b.bottom <= lab.top + 1 and b.x0 < lab.x1 and lab.x0 < b.x1
                     and b.text not in repeated and strip_continued(b.text) not in repeated]
            if above:
                continue
            column = [b for b in prev if b.kind == "item" and abs(b.x0 - lab.x0) <= 2]
            if not column:
                continue
            last = max(column, key=lambda b: b.bottom)
            if any(b.top > last.bottom - 1 and b.x0 < last.x1 and last.x0 < b.x1 for b in prev if b is not last):
                continue  # something follows that bullet in its column: it was not cut
            last.text_override = clean_text(join_lines([last.text, lab.text]))
            page.remove(lab)


def _label_key(text: str) -> str:
    return " ".join(text.lower().split())


def _column_end(page: list[Block], lab: Block, last: bool, repeated: set[str]) -> bool:
    """Is `lab` the last (or first) label of its column (labels starting at its x) on its page, not counting
    the `repeated` ones (a header row printed again on each page)?"""
    return not any(o is not lab and o.kind == "label" and o.rotated == lab.rotated and abs(o.x0 - lab.x0) <= 5
                   and o.text not in repeated and (o.top > lab.bottom - 1 if last else o.bottom < lab.top + 1)
                   for o in page)


def _join_cut_labels(pages: list[list[Block]]) -> None:
    """A label cut by a page break ('Family & Social' / 'Relationships', 'PARENTING' / 'CAPACITY') is read
    whole on both pages when the joined text is printed whole elsewhere in the document and neither piece is but
    at a page's foot or top (a header row cut at every break), or
    when the piece on the new page starts in lower case ('Guidance, boundaries' / 'and stimulation') and the
    lowest label of its column on the page before has its style."""
    counts = Counter(_label_key(b.text) for page in pages for b in page if b.kind == "label")
    # how often each label stands first / last in its column on a page: a piece every printing of which stands
    # there is a piece of a cut label, however often the cut recurs (a header row cut at each page break)
    shared = [{b.text for b in prev} & {b.text for b in page} for prev, page in zip(pages, pages[1:])]
    before, after = [set()] + shared, shared + [set()]  # text repeated from the page before / on the page after
    tops = Counter(_label_key(b.text) for page, seen in zip(pages, before) for b in page
                   if b.kind == "label" and _column_end(page, b, False, seen))
    bottoms = Counter(_label_key(b.text) for page, seen in zip(pages, after) for b in page
                      if b.kind == "label" and _column_end(page, b, True, seen))
    for prev, page, repeated in zip(pages, pages[1:], shared):
        for first in [b for b in page if b.kind == "label" and b.bold and _column_end(page, b, False, repeated)]:
            if counts[_label_key(first.text)] != tops[_label_key(first.text)]:
                continue
            ends = [b for b in prev if b.kind == "label" and b.bold and b.rotated == first.rotated
                    and b.x0 < first.x1 and first.x0 < b.x1 and _column_end(prev, b, True, repeated)]
            whole = [b for b in ends if counts[_label_key(f"{b.text} {first.text}")]
                     and counts[_label_key(b.text)] == bottoms[_label_key(b.text)]]
            lowest = max(ends, key=lambda b: b.bottom, default=None)
            last = whole[0] if whole else lowest if (
                lowest is not None and first.text[:1].islower() and abs(lowest.size - first.size) < 0.5) else None
            if last is not None:
                last.text_override = first.text_override = f"{last.text} {first.text}"


def _join_numbering(page: list[Block]) -> None:
    """A level's number printed on a line of its own ("1" over "Everyday", "Everyday" over "Level 2") is part
    of its label: join it to the heading-like label stacked directly above or below it."""
    for num in [b for b in page if b.kind == "label" and not b.rotated and b.lines and numbering_only(b.text)]:
        stacked = [o for o in page if o is not num and o.kind == "label" and not o.rotated and o.lines
                   and o.bold and not numbering_only(o.text)
                   and min(abs(o.top - num.bottom), abs(num.top - o.bottom)) <= 0.6 * max(o.size, num.size)
                   and (abs(o.x0 - num.x0) <= 3 or (o.x0 < num.x1 and num.x0 < o.x1))]
        if len(stacked) != 1 or stacked[0] not in page:
            continue
        name = stacked[0]
        name.text_override = f"{num.text} {name.text}"
        name.lines = sorted(name.lines + num.lines, key=lambda f: f.top)
        page.remove(num)

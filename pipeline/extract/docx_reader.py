"""A Word document (.docx) -> its content (content.py), then the document model (`read_model`): paragraphs with
their runs' weight and size, list paragraphs as items (the bullet comes from the numbering definition, not the text), tables with
merged cells (gridSpan, vMerge) placed once on their grid, vertical text directions and cell shading. Headers,
footers and comments are not part of the body and are not read. Locators are XPath-like positions in the body:
"p[57]", "tbl[3]/tr[2]/tc[1]/p[2]".

python-docx opens the package and resolves styles; the body is walked as WordprocessingML (lxml elements).
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

from ..runner_limits import Limits
from .content import Cell, Para, Run, Table, read_structured
from .model import DocumentModel

DEFAULT_SIZE = 11.0
VERTICAL = {"btLr", "tbRl", "tbRlV", "tbLrV", "btLrV"}


def read_model(path: Path, hints: dict, limits: Limits) -> DocumentModel:
    """The Word document as the document model (model.py)."""
    return read_structured("docx", read_docx, path, hints, limits)


def read_docx(path: Path) -> list[Para | Table]:
    document = docx.Document(str(path))
    reader = _Reader(document)
    out: list[Para | Table] = []
    counts = {"p": 0, "tbl": 0}
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag not in counts:
            continue
        counts[tag] += 1
        where = f"{tag}[{counts[tag]}]"
        part = reader.paragraph(el, where) if tag == "p" else reader.table(el, where)
        if part is not None:
            out.append(part)
    return out


def _on(element, name: str) -> bool | None:
    """A toggle property (w:b, w:i) on an rPr element: True, False, or None when not set."""
    if element is None:
        return None
    found = element.find(qn(name))
    if found is None:
        return None
    return found.get(qn("w:val"), "true") not in ("false", "0", "off")


class _Reader:
    def __init__(self, document) -> None:
        self.styles = {s.style_id: s for s in document.styles if s.type is not None}
        defaults = document.styles.element.find(qn("w:docDefaults"))
        size = defaults.find(".//" + qn("w:sz")) if defaults is not None else None
        self.default_size = int(size.get(qn("w:val"))) / 2 if size is not None else DEFAULT_SIZE

    def _style_chain(self, style_id: str | None):
        style = self.styles.get(style_id) if style_id else None
        seen = 0
        while style is not None and seen < 20:  # a style's base styles, nearest first
            yield style
            style, seen = style.base_style, seen + 1

    def _style_value(self, style_id: str | None, pick) -> object:
        for style in self._style_chain(style_id):
            value = pick(style)
            if value is not None:
                return value
        return None

    def paragraph(self, p, where: str) -> Para | None:
        ppr = p.find(qn("w:pPr"))
        pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style_id = pstyle.get(qn("w:val")) if pstyle is not None else None
        runs = [run for r in p.iter(qn("w:r")) if (run := self._run(r, style_id)) is not None]
        if not "".join(r.text for r in runs).strip():
            return None
        level = self._list_level(ppr, style_id)
        return Para(runs, where, item=level is not None, depth=level or 0)

    def _run(self, r, style_id: str | None) -> Run | None:
        text = "".join(" " if child.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")) else (child.text or "")
                       for child in r if child.tag in (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")))
        if not text:
            return None
        rpr = r.find(qn("w:rPr"))
        bold = _on(rpr, "w:b")
        if bold is None:
            bold = self._style_value(style_id, lambda s: s.font.bold)
        italic = _on(rpr, "w:i")
        if italic is None:
            italic = self._style_value(style_id, lambda s: s.font.italic)
        size = rpr.find(qn("w:sz")) if rpr is not None else None
        points = int(size.get(qn("w:val"))) / 2 if size is not None and size.get(qn("w:val"), "").isdigit() else (
            self._style_value(style_id, lambda s: s.font.size.pt if s.font.size else None) or self.default_size)
        return Run(text, bool(bold), float(points), bool(italic))

    def _list_level(self, ppr, style_id: str | None) -> int | None:
        """The list level of a list paragraph (numPr on the paragraph or its style), else None."""
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            for style in self._style_chain(style_id):
                spr = style.element.find(qn("w:pPr"))
                numpr = spr.find(qn("w:numPr")) if spr is not None else None
                if numpr is not None:
                    break
        if numpr is None:
            return None
        num = numpr.find(qn("w:numId"))
        if num is not None and num.get(qn("w:val")) == "0":
            return None  # numbering switched off
        ilvl = numpr.find(qn("w:ilvl"))
        return int(ilvl.get(qn("w:val"))) if ilvl is not None and ilvl.get(qn("w:val"), "").isdigit() else 0

    def table(self, tbl, where: str) -> Table:
        cells: list[Cell] = []
        above: dict[int, Cell] = {}  # grid column -> the cell a vertical merge continues
        rows = tbl.findall(qn("w:tr"))
        for r, tr in enumerate(rows):
            c = 0
            for k, tc in enumerate(tr.findall(qn("w:tc")), start=1):
                tcpr = tc.find(qn("w:tcPr"))
                span = _int(tcpr, "w:gridSpan", 1)
                merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
                if merge is not None and merge.get(qn("w:val"), "continue") == "continue" and c in above:
                    above[c].rowspan = r - above[c].row + 1
                    c += span
                    continue
                paras = self._cell_paragraphs(tc, f"{where}/tr[{r + 1}]/tc[{k}]")
                direction = tcpr.find(qn("w:textDirection")) if tcpr is not None else None
                cell = Cell(paras, r, c, 1, span, _shade(tcpr),
                            direction is not None and direction.get(qn("w:val")) in VERTICAL)
                cells.append(cell)
                for j in range(span):
                    above[c + j] = cell
                c += span
        grid = tbl.find(qn("w:tblGrid"))
        columns = grid.findall(qn("w:gridCol")) if grid is not None else []
        widths = [float(_int(col, None, 0, attr="w:w")) for col in columns]
        n_cols = max([cell.col + cell.colspan for cell in cells], default=0)
        return Table(cells, len(rows), n_cols, where, widths if len(widths) == n_cols else [])

    def _cell_paragraphs(self, tc, where: str) -> list[Para]:
        out = []
        for i, p in enumerate(tc.iter(qn("w:p")), start=1):  # nested tables' paragraphs too, in order
            para = self.paragraph(p, f"{where}/p[{i}]")
            if para is not None:
                out.append(para)
        return out


def _int(parent, name: str | None, default: int, attr: str = "w:val") -> int:
    element = parent if name is None else (parent.find(qn(name)) if parent is not None else None)
    value = element.get(qn(attr)) if element is not None else None
    try:
        return max(0, min(int(value), 10_000)) if value is not None else default
    except ValueError:
        return default


def _shade(tcpr) -> tuple:
    shd = tcpr.find(qn("w:shd")) if tcpr is not None else None
    fill = (shd.get(qn("w:fill")) or "") if shd is not None else ""
    if len(fill) != 6 or fill.lower() in ("auto", "ffffff"):
        return ()
    try:
        return tuple(int(fill[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return ()

"""A saved web page -> its content (content.py), then the document model (`read_model`): headings, paragraphs,
list items and tables, each with its element path as locator.

Parsed with lxml's HTML parser; nothing is executed or fetched (scripts, styles, frames, forms are dropped).
Site furniture is not content: navigation, banners, footers, sidebars ("Related pages", "Downloads"), cookie
banners, breadcrumbs, skip links, search forms and lists made only of links are left out; hidden content is kept
(collapsed accordion panels hold levels as often as anything else). When the page marks its main content (<main>,
role="main", <article>) only that is read. Weight, size and vertical writing come from the tags and from the
page's own CSS (simple selectors in <style> and style attributes).
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from ..runner_limits import Limits
from .content import Cell, Para, Run, Table, read_structured
from .model import DocumentModel
from .pdf import is_white

DROP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe", "svg",
        "canvas", "select", "input", "textarea", "object", "embed", "head", "title", "meta", "link"}
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
FURNITURE_NAMES = re.compile(r"cookie|consent|breadcrumb|crumbs|sidebar|skip|navbar|menu|site-header|site-footer|"
                             r"related|share|social|toolbar|pagination", re.IGNORECASE)
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "table", "ul", "ol",
          "dl", "dt", "dd", "blockquote", "figure", "figcaption", "caption", "tr", "td", "th", "body", "pre",
          "details", "summary", "address", "center"}
HEADING_SIZES = {"h1": 2.0, "h2": 1.5, "h3": 1.25, "h4": 1.1, "h5": 1.0, "h6": 0.9}
BOLD_TAGS = {"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt"}
BASE_SIZE = 12.0


def read_model(path: Path, hints: dict, limits: Limits) -> DocumentModel:
    """The web page as the document model (model.py)."""
    return read_structured("html", read_html, path, hints, limits)


def read_html(path: Path) -> list[Para | Table]:
    root = lxml.html.fromstring(Path(path).read_bytes())
    styles = _Styles(root)  # before <style> goes with the rest of what is not content
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.getparent() is not None and _furniture(el):
            el.drop_tree()
    main = root.xpath("//main | //*[@role='main']") or root.xpath("//article") or root.xpath("//body") or [root]
    reader = _Reader(root.getroottree(), styles)
    reader.walk(main[0], styles.computed(main[0]))
    reader.end_paragraph()
    return reader.out


def _furniture(el) -> bool:
    """Site furniture, by tag, role or name. Hidden content is kept: a saved page's collapsed accordion panels
    (hidden until clicked) hold the levels as often as anything else does."""
    if el.tag in DROP or el.get("role") in FURNITURE_ROLES:
        return True
    named = FURNITURE_NAMES.search(f"{el.get('class', '')} {el.get('id', '')}")
    if named and el.tag not in ("main", "body", "html") and not _holds_content(el):
        return True
    return el.tag in ("ul", "ol") and _only_links(el)


def _holds_content(el) -> bool:
    """Does an element hold the page's content (three or more list items or table cells of plain text, not
    links)? A section named "level-4-social-care" does; a "share" bar or a "related pages" list does not."""
    plain = 0
    for cell in el.iter("li", "td", "dd"):
        text = " ".join(cell.itertext()).strip()
        links = " ".join(t for a in cell.iter("a") for t in a.itertext()).strip()
        plain += len(text) - len(links) >= 12
        if plain >= 3:
            return True
    return False


def _only_links(listing) -> bool:
    """A list whose every item is a link (a table of contents, "related pages"): navigation, not content."""
    items = [li for li in listing if li.tag == "li"]
    if not items:
        return False
    for li in items:
        text = " ".join(li.text_content().split())
        linked = " ".join(" ".join(a.text_content().split()) for a in li.iter("a"))
        if not text or linked != text:
            return False
    return True


class _Styles:
    """The page's CSS, as far as structure needs it: weight, size, vertical writing, display, background."""

    _RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")

    def __init__(self, root) -> None:
        self.rules: list[tuple[list[tuple], dict]] = []
        css = " ".join(s.text or "" for s in root.iter("style"))
        css = re.sub(r"/\*.*?\*/", " ", css, flags=re.S)
        css = re.sub(r"@[a-z-]+[^{;]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", " ", css)  # @page, @media blocks
        for selectors, body in self._RULE.findall(css):
            decls = _declarations(body)
            for selector in selectors.split(","):
                parts = _selector(selector)
                if parts:
                    self.rules.append((parts, decls))
        self._cache: dict = {}

    def declared(self, el) -> dict:
        """Declarations that apply to the element itself (its rules, then its style attribute)."""
        if el not in self._cache:  # keyed by the element itself (ids of lxml proxies are reused)
            out: dict = {}
            for parts, decls in self.rules:
                if _matches(el, parts):
                    out.update(decls)
            out.update(_declarations(el.get("style") or ""))
            self._cache[el] = out
        return self._cache[el]

    def computed(self, el, parent: dict | None = None) -> dict:
        """Weight, size, italics and vertical writing, inherited from the parent's computed values."""
        parent = parent or {"bold": False, "size": BASE_SIZE, "italic": False, "vertical": False}
        own = self.declared(el)
        size = parent["size"] * HEADING_SIZES.get(el.tag, 1.0) if el.tag in HEADING_SIZES else parent["size"]
        size = _size(own.get("font-size"), parent["size"], size)
        weight = own.get("font-weight", "")
        bold = (el.tag in BOLD_TAGS or parent["bold"]) if not weight else (
            weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600))
        italic = el.tag in ("i", "em") or parent["italic"] or own.get("font-style") in ("italic", "oblique")
        vertical = parent["vertical"] or own.get("writing-mode", "").startswith(("vertical", "sideways")) or bool(
            re.search(r"rotate\(\s*-?(90|270)deg", own.get("transform", "")))
        return {"bold": bold, "size": size, "italic": italic, "vertical": vertical,
                "background": own.get("background-color") or own.get("background", "")}


def _declarations(body: str) -> dict:
    out = {}
    for decl in body.split(";"):
        if ":" in decl:
            name, value = decl.split(":", 1)
            out[name.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return out


_COMPOUND = re.compile(r"^([a-z][a-z0-9]*|\*)?((?:[.#][\w-]+)*)$", re.IGNORECASE)


def _selector(text: str) -> list[tuple] | None:
    """'div.banner .bt' -> [(tag, classes, id), ...], outermost first; None for what this reader skips
    (pseudo-classes, attribute selectors, sibling combinators)."""
    parts = []
    for token in text.replace(">", " ").split():
        m = _COMPOUND.match(token)
        if not m:
            return None
        tag = (m.group(1) or "*").lower()
        classes = set(re.findall(r"\.([\w-]+)", m.group(2)))
        ids = re.findall(r"#([\w-]+)", m.group(2))
        parts.append((tag, classes, ids[0] if ids else None))
    return parts or None


def _compound_matches(el, part: tuple) -> bool:
    tag, classes, ident = part
    return ((tag == "*" or el.tag == tag) and classes <= set((el.get("class") or "").split())
            and (ident is None or el.get("id") == ident))


def _matches(el, parts: list[tuple]) -> bool:
    if not _compound_matches(el, parts[-1]):
        return False
    ancestor = el.getparent()
    for part in reversed(parts[:-1]):
        while ancestor is not None and not _compound_matches(ancestor, part):
            ancestor = ancestor.getparent()
        if ancestor is None:
            return False
        ancestor = ancestor.getparent()
    return True


def _size(value: str | None, parent: float, default: float) -> float:
    if not value:
        return default
    m = re.match(r"([\d.]+)\s*(pt|px|em|rem|%)?", value)
    if not m:
        return default
    number, unit = float(m.group(1)), m.group(2) or "px"
    return {"pt": number, "px": number * 0.75, "em": number * parent, "rem": number * BASE_SIZE,
            "%": number * parent / 100}[unit]


def _colour(value: str) -> tuple:
    m = re.search(r"#([0-9a-f]{6}|[0-9a-f]{3})\b", value or "")
    if not m:
        return ()
    hexa = m.group(1) if len(m.group(1)) == 6 else "".join(c * 2 for c in m.group(1))
    rgb = tuple(int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return () if is_white(rgb) else rgb


class _Reader:
    """Walks the content in document order, gathering runs into paragraphs and tables."""

    def __init__(self, tree, styles: _Styles) -> None:
        self.tree, self.styles = tree, styles
        self.out: list[Para | Table] = []
        self.runs: list[Run] = []
        self.owner = None           # the element the current paragraph belongs to
        self.item = False
        self.depth = 0

    def end_paragraph(self) -> None:
        if self.runs and "".join(r.text for r in self.runs).strip():
            self.out.append(Para(self.runs, self.tree.getpath(self.owner), item=self.item,
                                 depth=max(0, self.depth - 1) if self.item else 0))
        self.runs, self.item = [], False

    def text(self, text: str | None, style: dict, owner) -> None:
        if text and text.strip() or (text and self.runs):
            if not self.runs:
                self.owner = owner
            self.runs.append(Run(text, style["bold"], round(style["size"], 1), style["italic"]))

    def walk(self, el, style: dict) -> None:
        """The element's own text and its children's, in order (its tail belongs to its parent)."""
        if el.tag == "table":
            self.end_paragraph()
            self.out.append(self._table(el, style))
            return
        block = el.tag in BLOCKS
        if block:
            self.end_paragraph()
        if el.tag in ("ul", "ol"):
            self.depth += 1
        if el.tag == "li":
            self.item, self.owner = True, el
        if el.tag == "br":
            self.text(" ", style, el)
        self.text(el.text, style, el)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child, self.styles.computed(child, style))
            self.text(child.tail, style, el)
        if el.tag in ("ul", "ol"):
            self.depth -= 1
        if block:
            self.end_paragraph()

    def _table(self, table, style: dict) -> Table:
        """Rows and cells (rowspan/colspan placed on a grid) of one table; nested tables are read as cell text."""
        rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
        taken: set[tuple[int, int]] = set()
        cells, n_cols = [], 0
        for r, tr in enumerate(rows):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
                taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
                cell_style = self.styles.computed(td, self.styles.computed(tr, style))
                sub = _Reader(self.tree, self.styles)
                sub.walk(td, cell_style)
                sub.end_paragraph()
                paras = [p for p in sub.out if isinstance(p, Para)] + [
                    p for t in sub.out if isinstance(t, Table) for cell in t.cells for p in cell.paras]
                vertical = cell_style["vertical"] or any(self.styles.computed(d, cell_style)["vertical"]
                                                         for d in td.iterdescendants() if isinstance(d.tag, str))
                cells.append(Cell(paras, r, c, rowspan, colspan, _colour(cell_style["background"]), vertical))
                c += colspan
                n_cols = max(n_cols, c)
        n_rows = max([r for r, _ in taken], default=-1) + 1
        widths = [_width(col) for col in table.iter("col") if _nearest_table(col) is table]
        return Table(cells, n_rows, n_cols, self.tree.getpath(table), widths if len(widths) == n_cols else [])


def _nearest_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _width(col) -> float:
    m = re.search(r"width:\s*([\d.]+)", col.get("style") or "") or re.match(r"([\d.]+)", col.get("width") or "")
    return float(m.group(1)) if m else 0.0

"""Threshold documents built with ReportLab (a producer the dev corpus does not have) whose levels a person
tells from the page, not from the words: invented level names in shaded banners, levels as table rows, one
level per document, and the page quirks that issue 17 lists. Each builder makes one kind of page; the tests
in test_extract_schemes.py are named after the problem each one shows.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from docgen import AREAS, BODY, CELL, CELL_BOLD, H1, H2, LEVELS, _appendix, _build, _bullets, _intro

# Level names with no level vocabulary, as councils invent them, and a shade per level along a scale.
SCHEME = ["Sunrise", "Daylight", "Dusk", "Nightfall"]
SHADES = ["#dcefd9", "#fde9c8", "#f9cfc0", "#c9d7ee"]
DESCRIPTIONS = ["Life is going well for the child and the family copes with everyday services.",
                "A worry is starting: one practitioner who knows the family offers some help.",
                "Several worries together: services agree one plan with the family.",
                "The child has been harmed or may be harmed: call the front door today."]
BANNER = ParagraphStyle("banner", parent=BODY, fontName="Helvetica-Bold", fontSize=14, leading=17)
DOMAINS = [domain for names in AREAS.values() for domain in names]


def _shaded(rows: list, shade: str, widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(shade)),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def banner_scheme_pdf(path: Path, labels: list[str] = SCHEME, shades: list[str] = SHADES, *,
                      title: str = "Guidance for practitioners", beside: bool = False) -> Path:
    """Per level a shaded banner (name, then its description: under it, or `beside` it on the same line), then per
    area a grey band and a grid of domain cells (a bold heading over bullets): the level_grid family, with names
    that say nothing of levels."""
    story: list = []
    _intro(story, title)
    for label, shade, description, domains in zip(labels, shades, DESCRIPTIONS, LEVELS.values()):
        name, text = Paragraph(label, BANNER), Paragraph(description, BODY)
        banner = _shaded([[name, text]], shade, [150, 345]) if beside else _shaded([[name], [text]], shade, [495])
        story += [banner, Spacer(1, 6)]
        for area, names in AREAS.items():
            cells = [[Paragraph(name, CELL_BOLD), _bullets(domains[name], CELL)] for name in names]
            grid = [cells[i:i + 2] + [[]] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
            story += [_shaded([[Paragraph(area, CELL_BOLD)]], "#e6e6e6", [495]),
                      Table(grid, colWidths=[247, 247], style=[("VALIGN", (0, 0), (-1, -1), "TOP")])]
        story.append(PageBreak())
    _appendix(story)
    return _build(path, story)


class _Rotated(Flowable):
    """A label turned 90 degrees (reads bottom to top), as table cells in a first column print it."""

    def __init__(self, text: str, size: float = 9):
        super().__init__()
        self.text, self.size = text, size

    def wrap(self, available_width, available_height):
        return self.size * 1.4, self.canv.stringWidth(self.text, "Helvetica-Bold", self.size) + 4

    def draw(self):
        self.canv.saveState()
        self.canv.setFont("Helvetica-Bold", self.size)
        self.canv.rotate(90)
        self.canv.drawString(2, -self.size * 1.1, self.text)
        self.canv.restoreState()


def transposed_pdf(path: Path, labels: list[str] = SCHEME, shades: list[str] = SHADES, *, rotated: bool = False,
                   label_once: bool = False) -> Path:
    """Per area a heading, then a table with the area's domains as column heads and the LEVELS AS ROWS: the
    first cell of a row holds the level's name (turned 90 degrees with `rotated`) on the level's shade. With
    `label_once` each level takes two rows, the second with only the level's shade in its first cell."""
    story: list = []
    _intro(story, "Descriptors of need")
    for area, names in AREAS.items():
        header = [Paragraph("Indicators", CELL_BOLD)] + [Paragraph(name, CELL_BOLD) for name in names]
        rows, style = [header], [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d0d0d0"))]
        for label, shade, domains in zip(labels, shades, LEVELS.values()):
            first = _Rotated(label) if rotated else Paragraph(label, CELL_BOLD)
            parts = [domains[name] for name in names]
            halves = [[p[:1] for p in parts], [p[1:] for p in parts]] if label_once else [parts]
            for k, part in enumerate(halves):
                if not any(part):
                    continue
                style.append(("BACKGROUND", (0, len(rows)), (0, len(rows)), colors.HexColor(shade)))
                rows.append([first if k == 0 else ""] + [_bullets(texts, CELL) if texts else "" for texts in part])
        story += [Paragraph(area, H2), Table(rows, colWidths=[70] + [200] * len(names), repeatRows=1,
                                             style=TableStyle(style)), Spacer(1, 12)]
    _appendix(story)
    return _build(path, story, landscape(A4))


def one_level_pdf(path: Path, label: str = "Level 3: Targeted support") -> Path:
    """One document per level: the level's heading, then its domains and bullets."""
    story: list = []
    _intro(story, "Threshold guidance: targeted support")
    story.append(Paragraph(label, H1))
    for domain, texts in LEVELS[3].items():
        story += [Paragraph(domain, H2), _bullets(texts + LEVELS[2][domain])]
    _appendix(story)
    return _build(path, story)


def dashed_prefix_pdf(path: Path) -> Path:
    """Headings that join the level and the grouping with a dash, where the level's own label has a dash:
    "Level 2 - additional needs — Health"."""
    names = ["Level 1 - universal", "Level 2 - additional needs", "Level 3 - complex needs", "Level 4 - specialist"]
    story: list = []
    _intro(story, "Levels of need guidance")
    for name, domains in zip(names, LEVELS.values()):
        for domain, texts in domains.items():
            story += [Paragraph(f"{name} \u2014 {domain}", H2), _bullets(texts)]
    _appendix(story)
    return _build(path, story)


def matrix_pdf(path: Path, heads: list[list[str]], *, areas: dict[str, list[str]] = AREAS, bold_line: int = 0,
               shades: list[str] = ()) -> Path:
    """One table: a column per level whose header cell prints `heads[i]` as stacked lines (line `bold_line` bold),
    an area row spanning the table, then a row per domain. `shades`: a colour per level header cell."""
    story: list = []
    _intro(story, "Threshold matrix")
    header = [Paragraph("Area of need", CELL_BOLD)]
    for lines in heads:
        header.append([Paragraph(line, CELL_BOLD if k == bold_line else CELL) for k, line in enumerate(lines)])
    rows, spans = [header], []
    for area, domains in areas.items():
        spans.append(len(rows))
        rows.append([Paragraph(area.upper(), CELL_BOLD)] + [""] * len(heads))
        for domain in domains:
            rows.append([Paragraph(domain, CELL_BOLD)] + [_bullets(LEVELS[min(n + 1, 4)][domain], CELL)
                                                          for n in range(len(heads))])
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dbe8f4"))]
    style += [("BACKGROUND", (k + 1, 0), (k + 1, 0), colors.HexColor(shade)) for k, shade in enumerate(shades)]
    for r in spans:
        style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#eeeeee"))]
    story.append(Table(rows, colWidths=[110] + [150] * len(heads), repeatRows=1, style=TableStyle(style)))
    _appendix(story)
    return _build(path, story, landscape(A4))


def letter_by_letter_rotated_pdf(path: Path) -> Path:
    """Level tables whose area label is turned 90 degrees and drawn one letter at a time, each letter placed
    on its own (some writers do this), the letters' x positions wavering by a fraction of a point."""
    page = canvas.Canvas(str(path), pagesize=A4)
    y = 780.0
    for n, (level, domains) in enumerate(LEVELS.items()):
        page.setFont("Helvetica-Bold", 12)
        page.drawString(50, y, f"Level {level}")
        y -= 20
        top = y
        for domain, texts in domains.items():
            page.setFont("Helvetica-Bold", 9)
            page.drawString(120, y, domain)
            y -= 13
            page.setFont("Helvetica", 9)
            for text in texts:
                page.drawString(126, y, "\u2022")
                page.drawString(136, y, text)
                y -= 12
        area = "CHILD AND FAMILY"
        x = 70 + 0.3 * (n % 2)
        for k, ch in enumerate(area):
            page.saveState()
            page.translate(x + (0.45 if k % 3 == 1 else 0.0), y + 6 + k * 7)
            page.rotate(90)
            page.setFont("Helvetica-Bold", 9)
            page.drawString(0, 0, ch)
            page.restoreState()
        page.line(60, top + 12, 540, top + 12)
        y -= 20
        if y < 200:
            page.showPage()
            y = 780.0
    page.save()
    return path


def strategy_pdf(path: Path) -> Path:
    """Not a threshold document: a partnership's strategy whose four priorities are shaded banners in
    different colours, each repeating the same sub-headings over bullets of actions."""
    priorities = ["Early help that works", "Safer neighbourhoods", "Learning from reviews", "A skilled workforce"]
    actions = ["Publish the training calendar", "Review the escalation policy", "Launch a new website",
               "Agree the audit programme with partners", "Report progress to the board each quarter"]
    story: list = [Paragraph("Our strategy 2024-2027", H1), Paragraph("How the partnership will work.", BODY)]
    for name, shade in zip(priorities, SHADES):
        story += [_shaded([[Paragraph(name, BANNER)], [Paragraph("Why this matters to us.", BODY)]], shade, [495]),
                  Paragraph("What we will do", H2), _bullets(actions[:3]),
                  Paragraph("How we will know", H2), _bullets(actions[2:])]
    return _build(path, story)


def same_list_per_column_pdf(path: Path) -> Path:
    """Not a threshold document: a table of the same statistics bullets for each region (columns) and category
    (rows). Its columns fill the same rows and its bullets name needs, but nothing changes from column to column:
    no scale."""
    bullets = ["Referrals rose by 12% on last year", "Domestic abuse notifications doubled",
               "Neglect remains the most common category of child protection plans", "Missing episodes fell"]
    regions, categories = ["North", "South", "East"], ["Neglect", "Domestic abuse", "Exploitation"]
    rows = [[Paragraph("Category", CELL_BOLD)] + [Paragraph(r, CELL_BOLD) for r in regions]]
    rows += [[Paragraph(c, CELL_BOLD)] + [_bullets(bullets, CELL) for _ in regions] for c in categories]
    story: list = []
    _intro(story, "Safeguarding data by region")
    story.append(Table(rows, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                               ("VALIGN", (0, 0), (-1, -1), "TOP")])))
    return _build(path, story)

"""Documents built with ReportLab for tests: a PDF producer the dev corpus does not have (its PDFs come from
LibreOffice, Chromium and a design tool), so rules tuned on the corpus meet an unseen writer here.

`threshold_list_pdf` and `threshold_tables_pdf` lay real indicator wordings out as a list or as one ruled table
per level; `report_pdf`, `statistics_pdf` and `form_pdf` are documents that are not threshold documents.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.platypus import (KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)

_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontName="Helvetica-Bold", fontSize=22)
H1 = ParagraphStyle("h1", parent=_STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=16)
H2 = ParagraphStyle("h2", parent=_STYLES["Heading2"], fontName="Helvetica-Bold", fontSize=12)
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10.5)
CELL_BOLD = ParagraphStyle("cellbold", parent=CELL, fontName="Helvetica-Bold")

INTRO = ("This guidance helps practitioners decide what help a child and family need. It is not a checklist; "
         "use professional judgement and talk to the family.")
INTRO_BULLETS = ["babies and children who are not yet able to speak",
                 "disabled children and children with communication difficulties",
                 "young carers and children whose parents are in prison"]
CONTACTS = ["Children's services front door: 01234 567890", "Police (emergency): 999"]

# Level -> domain -> indicators: real wordings from the seed frameworks.
LEVELS = {
    1: {"Health": ["Good height/weight", "Developmental milestones & motor skills appropriate"],
        "Learning": ["Attends school / college regularly", "No barriers to learning"],
        "Family and community": ["Parents aspirational for their child"]},
    2: {"Health": ["Missing routine and non-routine health appointments for child / young person",
                   "Minor concerns re diet, hygiene, clothing"],
        "Learning": ["Occasional truanting or non-attendance, poor punctuality"],
        "Family and community": ["Family affected by low income / unemployment / redundancy",
                                 "Some social exclusion problems"]},
    3: {"Health": ["Persistent and high-risk substance misuse", "Dental decay and no access to treatment"],
        "Learning": ["Not in education, employment or training (NEET) - more than six weeks"],
        "Family and community": ["Family seeking asylum / refugees"]},
    4: {"Health": ["Non-organic failure to thrive", "Sexual activity under the age of 13"],
        "Learning": ["Child / young person is out of school for extended periods"],
        "Family and community": ["No recourse to public funds", "Homeless - or imminent"]},
}


def _bullets(texts: list[str], style: ParagraphStyle = BODY, glyph: str = "\u2022") -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(t, style), leftIndent=12) for t in texts], bulletType="bullet",
                        start=glyph, leftIndent=12, bulletFontSize=7)


def _intro(story: list, title: str) -> None:
    story += [Paragraph(title, TITLE), Paragraph("Published 2024", BODY), PageBreak(),
              Paragraph("Introduction", H1), Paragraph(INTRO, BODY),
              Paragraph("Some children are more vulnerable to harm:", BODY), _bullets(INTRO_BULLETS), PageBreak()]


def _appendix(story: list) -> None:
    story += [PageBreak(), Paragraph("Appendix: useful contacts", H1), _bullets(CONTACTS)]


def _build(path: Path, story: list, pagesize=A4) -> Path:
    SimpleDocTemplate(str(path), pagesize=pagesize, title=path.stem, author="tests",
                      leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50).build(story)
    return path


def threshold_list_pdf(path: Path, level_labels: list[str], *, grouping: bool = True, extra: tuple[str, ...] = (),
                       overflow: str = "") -> Path:
    """Level headings, then (with `grouping`) a domain heading per group, then bullets; an introduction with
    bullets before and a contacts appendix after. `extra`: more bullets under the first level's last group;
    `overflow`: a bullet under the second level set in a table wider than the page (it runs past both edges)."""
    story: list = []
    _intro(story, "Levels of need guidance")
    for n, (label, domains) in enumerate(zip(level_labels, LEVELS.values())):
        story.append(Paragraph(label, H1))
        for domain, texts in domains.items():
            if grouping:
                story.append(Paragraph(domain, H2))
            story.append(_bullets(texts + list(extra if n == 0 and domain == "Family and community" else ())))
        if n == 1 and overflow:
            story.append(Table([[_bullets([overflow])]], colWidths=[900]))
    _appendix(story)
    return _build(path, story)


def threshold_tables_pdf(path: Path, level_labels: list[str]) -> Path:
    """One ruled table per level: a shaded title row across it, then rows of [domain | bullets]."""
    story: list = []
    _intro(story, "Threshold document")
    for label, domains in zip(level_labels, LEVELS.values()):
        rows = [[Paragraph(label, CELL_BOLD), ""]]
        rows += [[Paragraph(domain, CELL_BOLD), _bullets(texts, CELL)] for domain, texts in domains.items()]
        table = Table(rows, colWidths=[120, 360])
        table.setStyle(TableStyle([("SPAN", (0, 0), (1, 0)), ("BACKGROUND", (0, 0), (1, 0), colors.HexColor("#c9e3f5")),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [KeepTogether(table), Spacer(1, 14)]
    _appendix(story)
    return _build(path, story)


AREAS = {"Child development": ["Health", "Learning"], "Family and environment": ["Family and community"]}


def threshold_matrix_pdf(path: Path, level_labels: list[str]) -> Path:
    """One landscape table over several pages: a header row of levels repeated on each page, a shaded row per
    area across the table, then a row per domain with each level's bullets in its column."""
    story: list = []
    _intro(story, "Threshold matrix")
    rows = [[Paragraph("Area of need", CELL_BOLD)] + [Paragraph(label, CELL_BOLD) for label in level_labels]]
    spans = []
    for area, domains in AREAS.items():
        spans.append(len(rows))
        rows.append([Paragraph(area.upper(), CELL_BOLD)] + [""] * len(level_labels))
        for domain in domains:
            rows.append([Paragraph(domain, CELL_BOLD)] + [_bullets(LEVELS[n + 1][domain] * 4, CELL)
                                                          for n in range(len(level_labels))])
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dbe8f4"))]
    for r in spans:
        style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#eeeeee"))]
    table = Table(rows, colWidths=[110] + [150] * len(level_labels), repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    _appendix(story)
    return _build(path, story, landscape(A4))


def threshold_grid_pdf(path: Path, level_labels: list[str]) -> Path:
    """Per level a shaded banner ("<b>LABEL:</b> description"), then per area a heading and an unruled grid of
    cells, each a bold domain heading over its bullets, two cells a row."""
    story: list = []
    _intro(story, "Continuum of need")
    for label, domains in zip(level_labels, LEVELS.values()):
        banner = Table([[Paragraph(f"<b>{label}:</b> children whose needs are described below", BODY)]],
                       colWidths=[495])
        banner.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f6d7a7"))]))
        story += [banner, Spacer(1, 6)]
        for area, names in AREAS.items():
            cells = [[Paragraph(name, CELL_BOLD), _bullets(domains[name], CELL)] for name in names]
            grid = [cells[i:i + 2] + [[]] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
            table = Table(grid, colWidths=[247, 247], style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
            story += [Paragraph(area, H2), table]
        story.append(PageBreak())
    _appendix(story)
    return _build(path, story)


def report_pdf(path: Path) -> Path:
    """An annual report: headings, prose and bullet lists, no levels of need."""
    story = [Paragraph("Annual report 2023-24", TITLE), PageBreak()]
    sections = {
        "Our priorities": ["Improve attendance at multi-agency meetings", "Publish the training calendar",
                           "Review the escalation policy"],
        "What we achieved": ["Trained 1,200 practitioners", "Audited 40 cases", "Launched a new website"],
        "Challenges": ["Recruitment of social workers", "Rising demand for early help assessments"],
        "Next year": ["Embed the new multi-agency audit tool", "Refresh the partnership's strategic plan"],
    }
    for heading, bullets in sections.items():
        story += [Paragraph(heading, H1), Paragraph(INTRO, BODY), Paragraph("Highlights", H2), _bullets(bullets)]
    return _build(path, story)


def statistics_pdf(path: Path) -> Path:
    """Tables of figures with a bold header row, repeated per year."""
    story: list = [Paragraph("Children in need statistics", TITLE)]
    for year in (2022, 2023, 2024):
        rows = [[Paragraph(h, CELL_BOLD) for h in ("Area", "Referrals", "Assessments", "Plans", "Rate per 10,000")]]
        rows += [[area, str(100 + i * year % 97), str(80 + i), str(12 + i), f"{30.5 + i:.1f}"]
                 for i, area in enumerate(("North", "South", "East", "West", "Central"))]
        table = Table(rows)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]))
        story += [Paragraph(f"Year {year}", H1), table, Spacer(1, 12)]
    return _build(path, story, landscape(A4))


def form_pdf(path: Path) -> Path:
    """A referral form: labels beside empty boxes, tick-box lists."""
    story: list = [Paragraph("Multi-agency referral form", TITLE)]
    for section, fields in (("Child's details", ["Name", "Date of birth", "Address", "School"]),
                            ("Referrer", ["Name", "Agency", "Telephone", "Email"]),
                            ("Consent", ["Has the family agreed to this referral?", "If not, why not?"])):
        rows = [[Paragraph(f, CELL_BOLD), ""] for f in fields]
        table = Table(rows, colWidths=[180, 300], rowHeights=24)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [Paragraph(section, H1), table, Spacer(1, 10)]
    story += [Paragraph("Tick all that apply", H2),
              _bullets(["Domestic abuse", "Substance misuse", "Mental health"], glyph="\u25a1")]
    return _build(path, story)


def qualifications_pdf(path: Path) -> Path:
    """A qualifications framework: eight numbered levels with bullets, which threshold documents never have."""
    story: list = [Paragraph("Qualification levels explained", TITLE)]
    for n in range(1, 9):
        story += [Paragraph(f"Level {n}", H1), _bullets([f"Certificates at level {n}", f"Awards at level {n}",
                                                         f"Diplomas at level {n}"])]
    return _build(path, story)


def letter_spaced_pdf(path: Path, level_labels: list[str], spacing: float = 2.5) -> Path:
    """Headings set with letter spacing (tracking), as designed documents often do, over plain bullets;
    `spacing` is the level headings' extra space between letters (points)."""
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    y = 780.0

    def line(x: float, text: str, font: str, size: float, spacing: float = 0.0) -> None:
        label = page.beginText(x, y)
        label.setFont(font, size)
        label.setCharSpace(spacing)
        label.textLine(text)
        page.drawText(label)

    for label, domains in zip(level_labels, LEVELS.values()):
        line(50, label.upper(), "Helvetica-Bold", 14, spacing)
        y -= 24
        for domain, texts in domains.items():
            line(50, domain.upper(), "Helvetica-Bold", 10, spacing * 0.72)
            y -= 16
            for text in texts:
                line(56, "\u2022", "Helvetica", 9.5)
                line(68, text, "Helvetica", 9.5)
                y -= 14
        y -= 10
        if y < 200:
            page.showPage()
            y = 780.0
    page.save()
    return path


"""report.html: one self-contained page (inline styles and script, no network) for people to read.

Sections: a summary per framework (documents, levels, indicators per level and area, consistency findings), a
theme x framework heatmap of canonical levels, the level disagreements between frameworks (with their evidence and
how they were found), the needs stated by several frameworks, and every indicator
linked to its page in the source PDF (a relative link from OUT to the PDF in raw_docs, with #page=N).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from pipeline.compare.editions import by_level, change_counts
from pipeline.publish.tables import Table, split_list
from pipeline.publish.validate import is_indicator_ref
from pipeline.vocab import LEVEL_NAMES

LEVEL_COLOURS = {1: "#cfe8c4", 2: "#fde58a", 3: "#f9a65a", 4: "#e8664f"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #ddd;padding:8px 28px;position:sticky;top:0;z-index:2}
nav a{margin-right:18px;color:#1f3a5f;text-decoration:none;font-weight:600}main{padding:8px 28px 40px}
h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:34px}h3{margin:22px 0 6px}
table{border-collapse:collapse;margin:8px 0 14px;background:#fff}
th,td{border:1px solid #d6d9de;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}td.num,th.num{text-align:right}.muted{color:#6b7280}.warn{color:#b45309}
.card{background:#fff;border:1px solid #d6d9de;border-radius:6px;padding:10px 16px;margin:14px 0}
.heatmap td.cell{text-align:center;min-width:74px;font-weight:600;color:#111}.heatmap .n{font-weight:400;opacity:.75}
.heatmap td.empty{background:#f3f4f6;color:#9ca3af}
.legend span{display:inline-block;padding:2px 10px;margin-right:6px;border-radius:3px;font-size:12px}
.sev-high{color:#b91c1c;font-weight:600}.sev-medium{color:#b45309;font-weight:600}.sev-low{color:#4b5563}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}input[type=search]{padding:5px 8px;width:320px;margin:6px 0}
code{font-size:11px;white-space:nowrap}
"""

SCRIPT = """
document.querySelectorAll('input[data-filter]').forEach(function (box) {
  box.addEventListener('input', function () {
    var needle = box.value.toLowerCase();
    document.querySelectorAll(box.getAttribute('data-filter') + ' tbody tr').forEach(function (row) {
      row.style.display = row.textContent.toLowerCase().indexOf(needle) === -1 ? 'none' : '';
    });
  });
});
"""


# ----------------------------------------------------------------------------------------------- helpers

def _e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def pdf_href(out: Path, raw_docs: Path, document: str, page: Any) -> str:
    """Relative link from OUT/report.html to the source document (at the page, for a PDF)."""
    rel = Path(os.path.relpath(Path(raw_docs).resolve() / document, Path(out).resolve())).as_posix()
    return quote(rel) + (f"#page={page}" if page else "")


def _source_link(out: Path, raw_docs: Path, document: str, page: Any, locator: Any) -> str:
    """"p. 5" linked to the PDF's page, or the locator in a Word document or web page (else "source"), linked to
    the file."""
    if page:
        where = f"p.&nbsp;{_e(page)}"
    elif locator:
        where = f'<code title="{_e(locator)}">{_e(str(locator)[-40:])}</code>'
    else:
        where = "source"
    return f'<a href="{_e(pdf_href(out, raw_docs, document, page))}">{where}</a>'


def _table(headers: list[str], rows: Iterable[list[str]], cls: str = "", numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _level_badge(level: Any) -> str:
    if level not in LEVEL_COLOURS:
        return '<span class="muted">unmapped</span>'
    return f'<span title="{LEVEL_NAMES[level]}">{level}</span>'


def _ind_link(indicator_id: str) -> str:
    return f'<a href="#ind-{_e(indicator_id)}"><code>{_e(indicator_id)}</code></a>'


def _id_cell(value: Any, known: set[str]) -> str:
    ids = [i for i in str(value or "").split(";") if i.strip()]
    return " ".join(_ind_link(i) if i in known else _e(i) for i in ids)


# ----------------------------------------------------------------------------------------------- sections

def heatmap_cells(tables: dict[str, Table]) -> dict[tuple[str, str], list[int]]:
    """(theme, framework) -> canonical levels of the indicators raising that theme as a concern."""
    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in tables["indicator_themes"].rows:
        if not r["protective"] and r["canonical_level"] is not None:
            cells[(r["theme"], r["framework"])].append(r["canonical_level"])
    return cells


def heatmap_section(tables: dict[str, Table]) -> str:
    cells = heatmap_cells(tables)
    frameworks = [f["framework"] for f in tables["frameworks"].rows]
    labels = {t["theme"]: t["label"] for t in tables["themes"].rows}
    themes = sorted({t for t, _ in cells})

    def spread(theme: str) -> tuple:
        levels = [lv for fw in frameworks for lv in cells.get((theme, fw), [])]
        lows = [min(cells[(theme, fw)]) for fw in frameworks if (theme, fw) in cells]
        return (-(max(lows) - min(lows)), -(max(levels) - min(levels)), theme)

    rows = []
    for theme in sorted(themes, key=spread):
        row = [f'<span title="{_e(theme)}">{_e(labels.get(theme, theme))}</span>']
        for fw in frameworks:
            levels = cells.get((theme, fw))
            if not levels:
                row.append("")
                continue
            low, high = min(levels), max(levels)
            span = f"{low}" if low == high else f"{low}&ndash;{high}"
            colour_low, colour_high = (LEVEL_COLOURS.get(lv, "#e5e7eb") for lv in (low, high))  # the gate judges
            style = (f"background:{colour_low}" if low == high else
                     f"background:linear-gradient(90deg,{colour_low},{colour_high})")
            per_level = ", ".join(f"level {lv}: {n}" for lv, n in sorted(Counter(levels).items()))
            row.append((style, f'{span} <span class="n">({len(levels)})</span>', f"{fw}: {per_level}"))
        rows.append(row)
    head = "".join(f"<th>{_e(fw)}</th>" for fw in frameworks)
    body = []
    for row in rows:
        tds = [f"<th>{row[0]}</th>"]
        for cell in row[1:]:
            tds.append('<td class="cell empty">&middot;</td>' if not cell else
                       f'<td class="cell" style="{cell[0]}" title="{_e(cell[2])}">{cell[1]}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    legend = "".join(f'<span style="background:{c}">{lv} {LEVEL_NAMES[lv]}</span>' for lv, c in LEVEL_COLOURS.items())
    return (f'<section id="heatmap"><h2>Themes &times; frameworks: canonical levels</h2>'
            f'<p>Each cell gives the lowest&ndash;highest canonical level at which the framework places indicators '
            f'raising the theme (number of indicators in brackets); themes on which frameworks disagree most come '
            f'first.</p><p class="legend">{legend}</p>'
            f'<table class="heatmap" id="heatmap-table"><thead><tr><th>Theme</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></section>')


def generic_table(table: Table | None, known: set[str], empty: str, table_id: str) -> str:
    if table is None:
        return f'<p class="muted">{empty}</p>'
    if not table.rows:
        return '<p class="muted">None.</p>'
    headers = table.columns
    numeric = [i for i, f in enumerate(table.spec.fields) if f.type in ("integer", "number")]
    rows = []
    for r in table.rows:
        cells = []
        for f in table.spec.fields:
            value = r.get(f.name)
            if is_indicator_ref(f):
                cells.append(_id_cell(value, known))
            elif f.name == "severity":
                cells.append(f'<span class="sev-{_e(value)}">{_e(value)}</span>')
            else:
                cells.append(_e(f.csv(value)))
        rows.append(cells)
    return _table(headers, rows, cls=table_id, numeric=numeric).replace("<table ", f'<table id="{table_id}" ', 1)


_PAIR = ("framework_{s}", "canonical_level_{s}", "level_label_{s}", "text_{s}", "page_{s}", "document_{s}",
         "indicator_id_{s}")


def disagreements_section(table: Table | None, out: Path, raw_docs: Path, known: set[str]) -> str:
    """Each disagreement as two indicators side by side (framework, level, text, source page), else the
    compare stage's table as it is."""
    needed = {c.format(s=s) for c in _PAIR for s in "ab"}
    if table is None or not needed <= set(table.columns):
        return generic_table(table, known, "The compare stage wrote no level_disagreements table.", "disagreements")
    rows = []
    for r in table.rows:
        cells = []
        for side in "ab":
            get = {c.split("_{s}")[0]: r.get(c.format(s=side)) for c in _PAIR}
            source = _source_link(out, raw_docs, get["document"], get["page"], None)
            cells += [f"<b>{_e(get['framework'])}</b>", _level_badge(get["canonical_level"]),
                      f'{_e(get["text"])} <span class="muted">({_e(get["level_label"])})</span> '
                      f'{source} {_ind_link(str(get["indicator_id"]))}']
        score = r.get("score")
        cells += [_e(f"{score:.2f}" if isinstance(score, float) else score),
                  _e(r.get("reason") or " ".join(split_list(r.get("shared_themes"))))]
        rows.append(cells)
    headers = ["Framework A", "Level", "Indicator A", "Framework B", "Level", "Indicator B", "Similarity",
               "Why the same need"]
    if not rows:
        return DISAGREEMENTS_METHOD + '<p class="muted">None found.</p>'
    return (DISAGREEMENTS_METHOD + f'<p>{len(rows)} disagreement(s), most alike first.</p>'
            + _table(headers, rows, cls="disagreements", numeric=[6]).replace("<table ", '<table id="disagreements" ', 1))


DISAGREEMENTS_METHOD = (
    "<p>Each row is one need that two frameworks place at different canonical levels. Two bullets are taken as the "
    "same need only when they are about the same person (the child, or a parent or carer), both state a concern "
    "(or both a strength), share a concern theme, and no qualifier differs: severity, frequency, age, duration and "
    "certainty (a risk or suspicion of something is not the thing). Wording similarity (0&ndash;1) only ranks the "
    "candidates. Pairs where a qualifier differs (&ldquo;occasional&rdquo; against &ldquo;persistent&rdquo;) are "
    "consistent gradations and are never listed; nor is a universal-level bullet against one at level 3 or 4. "
    "Open the page links to read both bullets in place.</p>")

NEEDS_SHOWN = 300  # needs listed in the report; the needs table holds them all


def needs_section(table: Table | None, out: Path, raw_docs: Path) -> str:
    """Needs stated by two frameworks or more, those placed at the most different levels first: the need's
    wording, then each framework's bullet, level and page."""
    if table is None or not table.rows:
        return ('<section id="needs-section"><h2>Needs across frameworks</h2>'
                '<p class="muted">No need is stated by two frameworks.</p></section>')
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in table.rows:
        groups[r["need_id"]].append(r)
    order = sorted(groups.values(), key=lambda g: (-(g[0].get("level_spread") or 0), -len(g), g[0]["need_id"]))
    rows = []
    for group in order[:NEEDS_SHOWN]:
        bullets = "<br>".join(
            f'<b>{_e(r["framework"])}</b> {_level_badge(r.get("canonical_level"))} {_e(r["text"])} '
            f'{_source_link(out, raw_docs, r["document"], r.get("page"), None)}' for r in group)
        rows.append([_e(group[0]["need_text"]), _e(group[0].get("n_frameworks")),
                     _e(group[0].get("level_spread")), bullets])
    more = (f'<p class="muted">The first {NEEDS_SHOWN} of {len(order)} needs; needs.csv holds them all.</p>'
            if len(order) > NEEDS_SHOWN else "")
    return ('<section id="needs-section"><h2>Needs across frameworks</h2>'
            '<p>Bullets of different frameworks that state one need (the same test as the disagreements), one group '
            'per need; groups whose levels differ most come first.</p>' + more
            + _table(["Need", "Frameworks", "Level spread", "Each framework's bullet"], rows, cls="needs",
                     numeric=[1, 2]).replace("<table ", '<table id="needs" ', 1) + "</section>")


def editions_section(table: Table | None, out: Path, raw_docs: Path) -> str:
    """Per framework with editions, what changed since the previous edition: counts per kind, then the changes
    grouped by level."""
    head = '<section id="editions-section"><h2>Changes since the last edition</h2>'
    if table is None or not table.rows:
        return (head + '<p class="muted">No framework has two editions (documents of one framework with different '
                'publication dates in the manifest), or its editions hold the same bullets.</p></section>')
    pairs: dict[tuple, list[dict]] = defaultdict(list)
    for r in table.rows:
        pairs[(r["framework"], r["published_before"] or "", r["document_before"], r["document_after"])].append(r)
    parts = []
    for (framework, _, before, after), rows in sorted(pairs.items()):
        counts = ", ".join(f"{n} {kind}" for kind, n in change_counts(rows).items())
        body = []
        for level, changes in by_level(rows):
            body += [[_e(level) if k == 0 else "", _e(c["change"]), _edition_text(c), _e(_arrow(c, "group")),
                      _edition_pages(c, out, raw_docs)] for k, c in enumerate(changes)]
        parts.append(f'<h3>{_e(framework)}: {_e(before)} ({_e(rows[0]["published_before"])}) &rarr; {_e(after)} '
                     f'({_e(rows[0]["published_after"])})</h3><p>{_e(counts)}</p>'
                     + _table(["Level", "Change", "Bullet", "Area or domain", "Pages"], body, cls="editions"))
    return (head + '<p>Bullets are aligned by their words and their level, never by where they sit on the page, so '
            'a re-issue in a new layout shows no change. <i>moved</i>: the same bullet at another level; '
            '<i>reworded</i>: edited words at the same level; <i>regrouped</i>: an area or domain label renamed '
            'with its bullets. edition_changes.csv holds every row with the reason.</p>' + "".join(parts)
            + "</section>")


def _arrow(row: dict, column: str) -> str:
    before, after = row.get(f"{column}_before") or "", row.get(f"{column}_after") or ""
    return before if before == after or not after else (after if not before else f"{before} → {after}")


def _edition_text(row: dict) -> str:
    if row["change"] == "moved":
        moved = f'<br><span class="muted">{_e(_arrow(row, "level"))}</span>'
        return _e(_arrow(row, "text")) + moved
    return _e(_arrow(row, "text"))


def _edition_pages(row: dict, out: Path, raw_docs: Path) -> str:
    return " ".join(_source_link(out, raw_docs, row[f"document_{side}"], row.get(f"page_{side}"), None)
                    for side in ("before", "after") if row.get(f"page_{side}") not in (None, ""))


_FINDING_COLUMNS = ("kind", "severity", "subject", "message", "indicator_ids", "pages")


def normalisation_line(report: dict | None) -> str:
    """The normalise stage's report for one framework: what could not be mapped, what has no theme."""
    if not isinstance(report, dict):
        return ""
    parts = []
    for key, name in (("unmapped_levels", "levels"), ("unmapped_areas", "areas"), ("unmapped_domains", "domains")):
        values = report.get(key) or []
        labels = [v.get("label", v.get("level_label", v)) if isinstance(v, dict) else v for v in values]
        parts.append(f"unmapped {name}: " + (_e("; ".join(map(str, labels))) if labels else "none"))
    if isinstance(report.get("untagged_share"), (int, float)):
        parts.append(f"no theme: {report['untagged_share']:.1%} of indicators")
    if report.get("dimensions_inferred"):
        parts.append(f"dimensions inferred from the text: {report['dimensions_inferred']}")
    return f'<p class="muted">Normalisation: {", ".join(parts)}.</p>'


def framework_section(fw: dict, tables: dict[str, Table], known: set[str], normalisation: dict | None = None) -> str:
    docs = [d for d in tables["documents"].rows if d["framework"] == fw["framework"]]
    parts = [f'<div class="card" id="fw-{_e(fw["framework"])}"><h3>{_e(fw["framework"])}: '
             f'{_e(fw.get("partnership") or fw.get("authority") or "")}</h3>',
             f'<p>{_e(fw.get("title"))} <span class="muted">({_e(fw.get("published") or "undated")}; '
             f'{fw["documents"]} document(s), {fw["indicators"]} indicators)</span></p>']
    for doc in docs:
        parts.append(_document_summary(doc, tables))
    frameworks_report = (normalisation or {}).get("frameworks") if isinstance(normalisation, dict) else None
    if isinstance(frameworks_report, dict):
        parts.append(normalisation_line(frameworks_report.get(fw["framework"])))
    findings = tables.get("findings")
    if findings is not None:
        mine = [r for r in findings.rows if r.get("framework") == fw["framework"]]
        kinds = Counter(str(r.get("kind")) for r in mine)
        severities = Counter(str(r.get("severity")) for r in mine)
        head = f"Consistency findings ({len(mine)})"
        if mine:
            head += ": " + ", ".join(f"{_e(k)} {n}" for k, n in sorted(severities.items()))
            shown = [f for f in findings.spec.fields if f.name in _FINDING_COLUMNS] or list(findings.spec.fields)
            sub = Table(findings.spec.with_fields(shown), mine)
            parts.append(f'<details{" open" if len(mine) <= 8 else ""}><summary>{head}</summary>'
                         "<p>" + ", ".join(f"{_e(k)}: {n}" for k, n in sorted(kinds.items())) + "</p>"
                         + generic_table(sub, known, "", f"findings-{fw['framework']}") + "</details>")
        else:
            parts.append(f'<p><b>{head}</b></p>')
    parts.append("</div>")
    return "".join(parts)


def _document_summary(doc: dict, tables: dict[str, Table]) -> str:
    levels = [r for r in tables["levels"].rows if r["document"] == doc["document"]]
    inds = [r for r in tables["indicators"].rows if r["document"] == doc["document"]]
    areas = sorted({r["area"] or "" for r in inds})
    per = Counter((r["level_rank"], r["area"] or "") for r in inds)
    head = ["Rank", "Level (as printed)", "Canonical", "Indicators", *[a or "(no area)" for a in areas]]
    rows = [[str(lv["level_rank"]), _e(lv["level_label"]), _level_badge(lv["canonical_level"]),
             str(lv["indicators"]), *[str(per.get((lv["level_rank"], a), 0)) for a in areas]] for lv in levels]
    numeric = [0, 3, *range(4, 4 + len(areas))]
    kind = {"docx": "Word document", "html": "web page"}.get(doc.get("format") or "pdf", f'PDF, {doc["pages"]} pages')
    return (f'<p><b>{_e(doc["document"])}</b> <span class="muted">{_e(kind)}, '
            f'{doc["indicators"]} indicators</span></p>' + _structure_line(doc)
            + _table(head, rows, cls="levels", numeric=numeric))


def _structure_line(doc: dict) -> str:
    """How extraction read the document, and how sure it is (a low confidence is flagged)."""
    reading, confidence = doc.get("structure_reading"), doc.get("structure_confidence")
    if not reading:
        return ""
    low = confidence is not None and confidence < 0.6
    flag = ' <b class="warn">low confidence: check with <code>threshold inspect</code></b>' if low else ""
    value = "" if confidence is None else f" (confidence {confidence:.2f})"
    return f'<p class="muted">Read as {_e(reading)}{value}{flag}</p>'


def indicators_section(tables: dict[str, Table], out: Path, raw_docs: Path) -> str:
    parts = ['<section id="indicators"><h2>All indicators</h2><p>Each page link opens the source PDF at the '
             'indicator\'s page (the PDF must sit in the input folder next to this output folder).</p>'
             '<input type="search" placeholder="Filter indicators..." data-filter="table.indicators" '
             'aria-label="Filter indicators">']
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in tables["indicators"].rows:
        by_doc[r["document"]].append(r)
    for doc in tables["documents"].rows:
        rows = []
        for r in by_doc.get(doc["document"], []):
            rows.append([f'<a id="ind-{_e(r["indicator_id"])}"></a><code>{_e(r["indicator_id"])}</code>',
                         f'{r["level_rank"]}. {_e(r["level_label"])}', _level_badge(r["canonical_level"]),
                         _e(r["area"]), _e(r["domain"]), _e(r["text"]),
                         _e(" ".join(split_list(r.get("themes")))),
                         _source_link(out, raw_docs, r["document"], r["page"], r.get("locator"))])
        parts.append(f'<details><summary>{_e(doc["framework"])} &middot; {_e(doc["document"])} '
                     f'({len(rows)})</summary>'
                     + _table(["Id", "Level", "Canonical", "Area", "Domain", "Text", "Themes", "Source"], rows,
                              cls="indicators") + "</details>")
    parts.append("</section>")
    return "".join(parts)


def not_published_section(run: list[dict]) -> str:
    bad = [r for r in run if r.get("status") and r.get("status") != "ok"]
    if not bad:
        return ""
    rows = [[_e(r.get("document")), _e(r.get("status")), _e(r.get("reason")), _e(r.get("detail"))] for r in bad]
    return ('<section id="not-published"><h2>Documents not published</h2>'
            + _table(["Document", "Status", "Reason", "Detail"], rows) + "</section>")


def render(tables: dict[str, Table], *, out: Path, raw_docs: Path, version: str, title: str,
           run: list[dict] | None = None, normalisation: dict | None = None) -> str:
    known = {r["indicator_id"] for r in tables["indicators"].rows}
    frameworks = tables["frameworks"].rows
    n_ind = len(tables["indicators"].rows)
    summary = "".join(framework_section(fw, tables, known, normalisation) for fw in frameworks)
    disagreements = disagreements_section(tables.get("level_disagreements"), out, raw_docs, known)
    body = (
        f'<header><h1>{_e(title)}</h1><p>Version {_e(version)} &middot; {len(frameworks)} framework(s) &middot; '
        f'{len(tables["documents"].rows)} document(s) &middot; {n_ind} indicators</p></header>'
        '<nav><a href="#frameworks">Frameworks</a><a href="#heatmap">Heatmap</a>'
        '<a href="#disagreements-section">Disagreements</a><a href="#needs-section">Needs</a>'
        '<a href="#editions-section">Editions</a>'
        '<a href="#indicators">Indicators</a>'
        '<a href="data_docs/index.html">Validation (Data Docs)</a><a href="changelog.md">Changelog</a></nav><main>'
        f'<section id="frameworks"><h2>Frameworks</h2>{summary}</section>'
        + heatmap_section(tables)
        + '<section id="disagreements-section"><h2>Level disagreements between frameworks</h2>'
        + disagreements + "</section>"
        + needs_section(tables.get("needs"), out, raw_docs)
        + editions_section(tables.get("edition_changes"), out, raw_docs)
        + indicators_section(tables, out, raw_docs)
        + not_published_section(run or [])
        + "</main>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><link rel=\"icon\" href=\"data:,\"><style>{CSS}</style></head>"
            f"<body>{body}<script>{SCRIPT}</script></body></html>\n")

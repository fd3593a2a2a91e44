"""report.html and the Data Docs in headless Chromium (Debian's chromium package): they load offline with no
console errors and no network requests, and the heatmap and tables render."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from browser import Chromium, find_chromium
from test_publish_support import published_base

pytestmark = pytest.mark.skipif(find_chromium() is None,
                                reason="chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser():
    with Chromium() as chromium:
        yield chromium


def test_report_loads_cleanly_with_heatmap_tables_and_source_links(browser, tmp_path_factory, tmp_path):
    out = published_base(tmp_path_factory) / "out"
    page = browser.open(out / "report.html")
    assert page.problems == []
    counts = browser.evaluate("""JSON.stringify({
        heatmapRows: document.querySelectorAll('#heatmap-table tbody tr').length,
        heatmapCells: document.querySelectorAll('#heatmap-table td.cell:not(.empty)').length,
        heatmapWidth: document.getElementById('heatmap-table').getBoundingClientRect().width,
        levelTables: document.querySelectorAll('#frameworks table.levels').length,
        indicatorRows: document.querySelectorAll('table.indicators tbody tr').length,
        disagreementRows: document.querySelectorAll('#disagreements tbody tr').length,
        needRows: document.querySelectorAll('#needs tbody tr').length,
        needLinks: document.querySelectorAll('#needs a[href*=".pdf#page="]').length,
        sourceLinks: Array.from(document.querySelectorAll('table.indicators a[href*=".pdf#page="]'))
            .map(a => a.href)})""")
    counts = json.loads(counts)
    themes = len(json.loads((out / "themes.json").read_text()))
    assert 0 < counts["heatmapRows"] <= themes and counts["heatmapCells"] >= counts["heatmapRows"]
    assert counts["heatmapWidth"] > 200  # rendered, not collapsed
    assert counts["levelTables"] == 2 and counts["indicatorRows"] == 378
    assert counts["disagreementRows"] == len(json.loads((out / "level_disagreements.json").read_text()))
    needs = json.loads((out / "needs.json").read_text())  # one row per bullet of a need: every bullet linked
    assert counts["needRows"] == len({n["need_id"] for n in needs}) > 0 and counts["needLinks"] == len(needs)
    links = counts["sourceLinks"]
    assert len(links) == 378
    for href in {h.split("#")[0] for h in links}:  # every link resolves to the source PDF in raw_docs
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file() and target.parent.name == "raw_docs", href

    # the filter box hides rows that do not match
    shown = browser.evaluate("""(function(){var box=document.querySelector('input[data-filter]');
        box.value='FGM'; box.dispatchEvent(new Event('input'));
        return Array.from(document.querySelectorAll('table.indicators tbody tr'))
            .filter(r => r.style.display !== 'none').length;})()""")
    assert 0 < shown < 20

    shot = browser.screenshot(tmp_path / "heatmap.png", selector="#heatmap")
    image = Image.open(shot)
    assert image.size[0] > 200 and image.size[1] > 100
    if os.environ.get("REPORT_SCREENSHOT_DIR"):  # for looking at it by eye
        image.save(Path(os.environ["REPORT_SCREENSHOT_DIR"]) / "report-heatmap.png")


def test_data_docs_work_offline(browser, tmp_path_factory):
    docs = published_base(tmp_path_factory) / "out" / "data_docs"
    pages = [docs / "index.html", next((docs / "validations" / "indicators").rglob("*.html")),
             docs / "expectations" / "findings.html"]
    for path in pages:
        page = browser.open(path)
        assert page.problems == [], path
        assert browser.evaluate("typeof jQuery === 'function' && typeof vega === 'object'")  # vendored scripts ran
    assert browser.evaluate("document.querySelectorAll('table').length") > 0

"""`threshold inspect` draws what was read, and camelot's independent reading of ruled tables checks it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

import docgen
from conftest import DEV_CORPUS, ROOT
from pipeline.extract import crosscheck
from pipeline.extract.document import read_document
from pipeline.extract.inspect import LEFT_OUT, LEVEL_COLOURS, ROLE_COLOURS, inspect_document


def _edge(png: str, bbox: list[float], resolution: int = 100) -> set[tuple]:
    """The colours drawn on the left edge of a box (a strip of pixels across it, half way down)."""
    scale = resolution / 72
    x, y = int(bbox[0] * scale), round((bbox[1] + bbox[3]) / 2 * scale)
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        return {rgb.getpixel((x + dx, y)) for dx in range(-1, 3)}


def test_bullets_are_drawn_in_their_level_colour_and_labels_in_their_role_colour(tmp_path):
    pdf = DEV_CORPUS / "milton-keynes__level_tables__v1.pdf"
    result = inspect_document(pdf, tmp_path, pages=[[5, 5]])
    assert result["reading"].startswith("sections: 4 levels") and len(result["pngs"]) == 1
    read = read_document(pdf)
    on_page = [r for r in read.structure.rows if r["block"].page == 5]
    ranks = {r["level_rank"] for r in on_page}
    for row in on_page[:5]:
        assert LEVEL_COLOURS[row["level_rank"] - 1] in _edge(result["pngs"][0], row["block"].bbox)
    domains = [b for b, role in read.structure.labels if b.page == 5 and role == "domain"]
    assert domains and ROLE_COLOURS["domain"] in _edge(result["pngs"][0], domains[0].bbox)
    assert ranks == {1}


def test_bullets_left_out_are_grey_and_a_non_threshold_document_is_still_drawn(tmp_path):
    pdf = docgen.report_pdf(tmp_path / "report.pdf")
    result = inspect_document(pdf, tmp_path / "png")
    assert result["reading"] == "no levels of need found" and result["pngs"]
    item = next(b for b in read_document(pdf).blocks if b.kind == "item")
    png = next(p for p in result["pngs"] if p.endswith(f"page-{item.page:03d}.png"))
    assert LEFT_OUT in _edge(png, item.bbox)


def test_inspect_command_prints_the_reading_and_writes_pictures(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "inspect", "synth-20__matrix__v16.pdf",
                           "--raw-docs", str(DEV_CORPUS), "--pages", "5", "--to", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "columns: 2 levels from repeated shaded header columns (1 header row; the same rows under each)" in done.stdout
    assert "level 2: STATUTORY SOCIAL WORK" in done.stdout
    assert (tmp_path / "synth-20__matrix__v16-page-005.png").is_file()


def test_a_web_page_is_inspected_as_an_outline_with_locators(tmp_path):
    page = ROOT / "tests" / "data" / "corpus" / "dev_html" / "milton-keynes__level_grid__h5.html"
    result = inspect_document(page, tmp_path)
    outline = (tmp_path / "milton-keynes__level_grid__h5-outline.txt").read_text(encoding="utf-8")
    assert result["pngs"] == [str(tmp_path / "milton-keynes__level_grid__h5-outline.txt")]
    assert "  - [L1 Universal] Good height/weight    @ /html/body/" in outline
    assert "  - [left out] The child's welfare is paramount" in outline  # an introduction bullet
    assert "[domain] Health    @ /html/body/" in outline


def test_inspect_command_reads_a_word_document(tmp_path):
    word = ROOT / "tests" / "data" / "corpus" / "dev_docx" / "worcestershire__matrix__v5.docx"
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "inspect", str(word), "--to", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "4 levels" in done.stdout
    outline = (tmp_path / "worcestershire__matrix__v5-outline.txt").read_text(encoding="utf-8")
    assert "@ tbl[" in outline and "[L4 " in outline


def test_inspect_command_names_a_missing_document(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "inspect", "nowhere.pdf", "--raw-docs",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nowhere.pdf: no such PDF" in done.stderr


@pytest.fixture(scope="module")
def ruled():
    return read_document(DEV_CORPUS / "worcestershire__level_tables__v1.pdf")


def test_camelot_agrees_with_a_right_reading_of_ruled_tables(ruled):
    check = crosscheck.crosscheck(DEV_CORPUS / "worcestershire__level_tables__v1.pdf", ruled.pages,
                                  ruled.structure.rows)
    assert check["checked"] >= 50 and check["agreement"] >= 0.95
    assert crosscheck.adjust(0.8, check) == (0.9, None)


def test_camelot_disagrees_with_a_wrong_reading_and_lowers_the_confidence(ruled):
    rows = [dict(r) for r in ruled.structure.rows]
    labels = [r["domain"] for r in rows]
    for row, label in zip(rows, labels[7:] + labels[:7]):  # every row given another row's domain
        row["domain"] = label
    check = crosscheck.crosscheck(DEV_CORPUS / "worcestershire__level_tables__v1.pdf", ruled.pages, rows)
    assert check["agreement"] < 0.7 and check["disagreements"]
    confidence, warning = crosscheck.adjust(0.8, check)
    assert confidence == 0.6 and "camelot" in warning


def test_pages_without_ruled_tables_are_not_sent_to_camelot():
    read = read_document(DEV_CORPUS / "synth-09__level_tables__h6.pdf")  # Chromium: shaded cells, no rules
    assert crosscheck.ruled_pages(read.pages, read.structure.rows) == []

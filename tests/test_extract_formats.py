"""Word documents and web pages read as they are: the dev Word files and web pages meet the same bar as the
PDFs, site furniture never comes out as indicators, locators lead back to the text, and bad files of the new
kinds are named with a reason while the rest are extracted."""

from __future__ import annotations

import io
import shutil
import zipfile
from functools import lru_cache
from pathlib import Path

import lxml.html
import pytest
from docx import Document

from conftest import DEV_CORPUS, ROOT
from extract_support import score_record
from pipeline.extract import extract_document
from pipeline.extract.stage import run_extract

CORPUS = ROOT / "tests" / "data" / "corpus"
FILES = sorted([*(CORPUS / "dev_html").glob("*.html"), *(CORPUS / "dev_docx").glob("*.docx")])
FURNITURE = "//nav | //header | //footer | //aside | //*[contains(@class, 'cookie')] | //*[@role='navigation']"


@lru_cache(maxsize=None)
def record(path: Path) -> dict:
    return extract_document(path)



@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_word_and_web_documents_meet_the_bar(path):
    got = record(path)
    score = score_record(got, path.with_suffix(".truth.yaml"))
    assert score["text_f1"] >= 0.99 and score["tuple_f1"] >= 0.97, score
    assert got["format"] == path.suffix.lstrip(".") and got["pages"] is None
    assert all(r["page"] is None and r["bbox"] is None and r["locator"] for r in got["indicators"])


@pytest.mark.parametrize("path", sorted((CORPUS / "dev_html").glob("*.html")), ids=lambda p: p.name)
def test_site_furniture_bullets_are_never_indicators(path):
    page = lxml.html.parse(str(path)).getroot()
    furniture = {" ".join(li.text_content().split()) for el in page.xpath(FURNITURE) for li in el.iter("li")}
    assert furniture  # the page has furniture lists to leave out
    assert not furniture & {r["text"] for r in record(path)["indicators"]}


def test_locators_lead_back_to_the_text():
    html = CORPUS / "dev_html" / "worcestershire__level_tables__h5.html"
    page = lxml.html.parse(str(html))
    for row in record(html)["indicators"][::25]:
        (element,) = page.xpath(row["locator"])
        assert " ".join(element.text_content().split()) == row["text"]
    docx_path = CORPUS / "dev_docx" / "milton-keynes__level_tables__v4.docx"
    body = Document(str(docx_path)).element.body
    for row in record(docx_path)["indicators"][::25]:
        steps = row["locator"].replace("tr[", "w:tr[").replace("tc[", "w:tc[").replace("tbl[", "w:tbl[")
        steps = "/".join(f"w:{s}" if s.startswith("p[") else s for s in steps.split("/"))
        (element,) = body.xpath(steps)
        assert row["text"] in " ".join("".join(t.text or "" for t in element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")).split())


def test_the_format_comes_from_the_content_not_the_name(tmp_path):
    disguised = tmp_path / "levels.html"
    shutil.copy(DEV_CORPUS / "milton-keynes__list__v1.pdf", disguised)
    got = extract_document(disguised)
    assert got["format"] == "pdf" and len(got["indicators"]) == 203


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:document/>")
        package.writestr("word/media/fill.bin", b"\0" * (300 * 1024 * 1024))  # 300 MB that deflates to ~300 KB
    return buffer.getvalue()


def test_bad_word_and_web_files_are_named_and_the_rest_extracted(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    good = CORPUS / "dev_docx" / "worcestershire__level_grid__v4.docx"
    shutil.copy(good, raw / good.name)
    shutil.copy(CORPUS / "dev_html" / "milton-keynes__list__h7.html", raw / "milton-keynes__list__h7.html")
    (raw / "not-a-zip.docx").write_bytes(b"This is a text file with a .docx name\n")
    (raw / "bomb.docx").write_bytes(_zip_bomb())
    (raw / "huge.html").write_bytes(b"<!DOCTYPE html><html><body>" + b"<p>padding</p>" * 1_600_000 + b"</body></html>")
    (raw / "no-lists.html").write_text("<!DOCTYPE html><html><body><main><h1>Levels of need</h1><p>Please "
                                       "call the front door.</p></main></body></html>", encoding="utf-8")
    (raw / "scripted.html").write_text(
        "<!DOCTYPE html><html><body><main><h1>Levels of need</h1><div id='app'></div><script>document.getElementById("
        "'app').innerHTML = '<h2>Level 1 Universal</h2><ul><li>Good health</li></ul>';</script></main></body></html>",
        encoding="utf-8")
    summary = run_extract(raw, tmp_path / "out", jobs=2, progress=False)
    reasons = {f["document"]: f["reason"] for f in summary["failures"]}
    assert reasons == {"not-a-zip.docx": "not_pdf", "bomb.docx": "too_large", "huge.html": "too_large",
                       "no-lists.html": "no_levels", "scripted.html": "no_levels"}
    assert summary["ok"] == 2
    messages = " ".join(f["message"] for f in summary["failures"])
    assert "not a PDF, Word document (.docx) or web page" in messages and "zip bomb" in messages


def test_a_web_page_section_named_like_site_furniture_keeps_its_levels(tmp_path):
    """The furniture filter goes by class and id names ("social", "share", "menu", "related"), but a section that
    holds the content (lists of plain text, not links) is content whatever it is called."""
    sections = []
    for n, (label, texts) in enumerate([("Level 1 Universal", ["Good height/weight", "Attends school regularly",
                                                               "No barriers to learning"]),
                                        ("Level 4 Children's social care", ["Non-organic failure to thrive",
                                                                            "No recourse to public funds",
                                                                            "Homeless - or imminent"])], start=1):
        items = "".join(f"<li>{t}</li>" for t in texts)
        section_id = "level-4-social-care" if n == 2 else "level-1-universal"
        sections.append(f'<section id="{section_id}" class="related-content"><h2>{label}</h2><ul>{items}</ul>'
                        f"</section>")
    share = '<div class="share-menu"><ul><li><a href="#">Share on social media</a></li></ul></div>'
    page = tmp_path / "levels.html"
    page.write_text(f"<!DOCTYPE html><html><body><main><h1>Levels of need</h1>{''.join(sections)}{share}</main>"
                    "</body></html>", encoding="utf-8")
    got = extract_document(page)
    assert [lv["label"] for lv in got["levels"]] == ["Universal", "Children's social care"]
    assert "No recourse to public funds" in {r["text"] for r in got["indicators"]}
    assert "Share on social media" not in {r["text"] for r in got["indicators"]}

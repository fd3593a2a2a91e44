"""A framework published from a PDF, a Word document and a web page of it, side by side in one raw_docs: one valid
dataset in which the three documents' indicators agree, Word and web rows carry a locator instead of a page,
the report names each document's format, and `show` quotes a Word indicator's surroundings."""

from __future__ import annotations

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare import run_compare
from pipeline.extract.stage import run_extract
from pipeline.normalise import run_normalise
from pipeline.publish import render_indicator, run_publish
from pipeline.tables import read_table
from test_publish_support import ROOT, copy_with_manifest, frictionless_valid

CORPUS = ROOT / "tests" / "data" / "corpus"
SOURCES = [CORPUS / "dev" / "worcestershire__level_tables__v1.pdf",
           CORPUS / "dev_docx" / "worcestershire__matrix__v5.docx",
           CORPUS / "dev_html" / "worcestershire__level_tables__h5.html"]


def test_pdf_word_and_web_editions_publish_one_agreeing_dataset(tmp_path):
    raw_docs, out = tmp_path / "raw_docs", tmp_path / "out"
    copy_with_manifest(raw_docs, SOURCES)
    run_extract(raw_docs, out, jobs=1, use_cache=False, progress=False)
    run_normalise(raw_docs, out)
    run_compare(out)
    summary = run_publish(raw_docs, out)
    assert summary["documents"] == 3 and not summary.get("held_back")
    assert frictionless_valid(out) == []

    documents = {r["document"]: r for r in read_table(out / "documents.csv")[1]}
    assert {d: r["format"] for d, r in documents.items()} == {s.name: s.suffix.lstrip(".") for s in SOURCES}
    assert documents[SOURCES[0].name]["pages"] and not documents[SOURCES[1].name]["pages"]

    indicators = read_table(out / "indicators.csv")[1]
    by_doc: dict[str, set] = {}
    for row in indicators:
        by_doc.setdefault(row["document"], set()).add((row["canonical_level"], row["text_normalised"]))
        if row["document"].endswith(".pdf"):
            assert row["page"] and row["bbox_x0"] and not row["locator"]
        else:
            assert row["locator"] and not row["page"] and not row["bbox_x0"]
    pdf_rows = by_doc[SOURCES[0].name]
    for other in SOURCES[1:]:
        shared = len(pdf_rows & by_doc[other.name])
        assert shared >= 0.97 * max(len(pdf_rows), len(by_doc[other.name])), (other.name, shared, len(pdf_rows))

    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Word document" in report and "web page" in report and "PDF, " in report

    word = next(r for r in indicators if r["document"] == SOURCES[1].name)
    info = render_indicator(out, word["indicator_id"], tmp_path / "unused.png")
    assert info["page"] is None and info["png"] == "" and not (tmp_path / "unused.png").exists()
    marked = [line for line in info["context"] if line.startswith("> ")]
    assert len(marked) == 1 and word["text"][:40] in marked[0] and len(info["context"]) > 1

    shown = CliRunner().invoke(app, ["show", word["indicator_id"], "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == f"{word['document']}, at {word['locator']}"
    assert any(line.startswith("  > ") for line in shown.stdout.splitlines())

"""Hostile but plausible inputs (issue 13): one document must never sink a release. Each test builds its own small
hostile files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docgen
import pdfgen
from conftest import DEV_CORPUS, GOOD_PDFS, ROOT, SEED_LEVELS, rows, run, threshold
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline import csvfile
from pipeline.errors import printable

OVERFLOW = "Bullet printed past both edges of the page " + "and further " * 12




def test_a_bullet_running_past_the_page_edge_is_published_clipped_to_the_page(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(DEV_CORPUS / GOOD_PDFS[0], raw)
    docgen.threshold_list_pdf(raw / "overflow.pdf", SEED_LEVELS, overflow=OVERFLOW)
    result = run(raw, out)
    assert result.returncode == 0, result.stderr[-3000:]
    published = rows(out / "indicators.csv")
    assert {r["document"] for r in published} == {GOOD_PDFS[0], "overflow.pdf"}
    wide = next(r for r in published if r["text"].startswith("Bullet printed past both edges"))
    sizes = {r["document"]: r for r in rows(out / "documents.csv")}
    assert sizes["overflow.pdf"]["pages"]
    assert 0 <= float(wide["bbox_x0"]) < float(wide["bbox_x1"]) <= 595.27  # A4 width in points


FORMULAS = ('=HYPERLINK("http://evil.example/x","Click for details")', "-1+1 families waiting", "@SUM(1+1)",
            "+44 helpline for parents")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def live_cells(out: Path) -> list[tuple[str, str]]:
    """Cells of every CSV under OUT that a spreadsheet would run as a formula (numbers are fine)."""
    found = []
    for path in sorted(out.rglob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for cells in csv.reader(handle):
                for cell in cells:
                    if cell.startswith(TRIGGERS):
                        try:
                            float(cell)
                        except ValueError:
                            found.append((str(path.relative_to(out)), cell))
    return found


def test_no_csv_cell_can_run_as_a_spreadsheet_formula_and_json_keeps_the_raw_text(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "=cmd.pdf", SEED_LEVELS, extra=FORMULAS)
    (raw / "manifest.yaml").write_text(
        "documents:\n  - file: =cmd.pdf\n    framework: formulas\n    authority: \"=2+2\"\n"
        "    title: \"@title\"\n    source: \"-source\"\n", encoding="utf-8")
    (raw / "corrections.yaml").write_text(
        "corrections:\n  - match: {document: =cmd.pdf, text: Good height/weight}\n"
        "    set: {text: \"=1+2 corrected\"}\n    note: \"+note\"\n", encoding="utf-8")
    result = run(raw, out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert live_cells(out) == []
    published = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    texts = {r["text"] for r in published}
    assert set(FORMULAS) | {"=1+2 corrected"} <= texts
    assert {r["document"] for r in published} == {"=cmd.pdf"}
    documents = json.loads((out / "documents.json").read_text(encoding="utf-8"))
    assert (documents[0]["authority"], documents[0]["title"], documents[0]["source"]) == ("=2+2", "@title", "-source")
    with open(out / "indicators.csv", encoding="utf-8", newline="") as handle:
        cells = {row["text"] for row in csv.DictReader(handle)}
    assert "'" + FORMULAS[0] in cells and "'=1+2 corrected" in cells


@given(st.text())
@example("-\u00b2")  # a sign and a superscript two: NFKC reads "-2", a spreadsheet does not
def test_the_csv_rule_is_undone_exactly_and_leaves_nothing_live(text):
    written = csvfile.safe_cell(text)
    assert csvfile.read_cell(written) == text
    assert not written.startswith(TRIGGERS) or csvfile._NUMBER.match(written)


LONG_NAME = "w" * 236 + ".pdf"  # 240 characters: its interim temp name would pass the 255-byte limit


def test_a_bad_file_name_is_one_documents_problem(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(DEV_CORPUS / GOOD_PDFS[0], raw)
    shutil.copy(DEV_CORPUS / GOOD_PDFS[1], raw / LONG_NAME)
    docgen.threshold_list_pdf(raw / "cafe.pdf", SEED_LEVELS).rename(raw / os.fsdecode(b"caf\xe9.pdf"))  # not UTF-8
    result = run(raw, out)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "error: caf\\xe9.pdf: the file name is not valid UTF-8 text; rename the file" in result.stderr
    status = {r["document"]: r for r in json.loads((out / "interim" / "run.json").read_text())["documents"]}
    assert (status["caf\\xe9.pdf"]["status"], status["caf\\xe9.pdf"]["reason"]) == ("failed", "bad_name")
    assert {r["document"] for r in rows(out / "indicators.csv")} == {GOOD_PDFS[0], LONG_NAME}


def _count_chars(path: str) -> int:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(path)[0].get_textpage().count_chars()


def test_memory_exhausted_inside_pdfium_is_reported_as_memory(tmp_path):
    from pipeline.runner import run_isolated

    pdf = tmp_path / "dense.pdf"
    pdf.write_bytes(pdfgen.huge_text_pdf(3_000_000))  # pdfium aborts (SIGABRT) when its allocation fails
    outcome = run_isolated([("dense", (str(pdf),))], _count_chars, memory_mb=100, timeout_s=60)["dense"]
    assert outcome.status == "memory", outcome
    assert "ran out of memory" in outcome.value and "100 MiB" in outcome.value


def test_file_names_cannot_forge_summary_lines_or_drive_the_terminal(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(DEV_CORPUS / GOOD_PDFS[0], raw)
    forged = "x\n  documents 9: 9 ok, 0 failed, 0 skipped; 1 pages; 1 indicators\n.pdf"
    for name in (forged, "clear\x1b[2J\x1b[31mred\x07.pdf", "rtl\u202egnp.pdf"):
        (raw / name).write_bytes(b"not a pdf")
    result = threshold("extract", "--raw-docs", str(raw), "--out", str(out), "--no-progress")
    assert result.returncode == 1, result.stderr[-3000:]
    text = result.stdout + result.stderr
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert not any(line.startswith("  documents 9") for line in text.splitlines())
    assert "error: x\\n  documents 9: 9 ok" in result.stderr and "clear\\x1b[2J" in result.stderr
    assert len([line for line in text.splitlines() if line.startswith("  documents ")]) == 1


# --- everything at once -------------------------------------------------------------------------------------------

HELD_TEXT = "Physically and psychologically well"  # a bullet of the document a correction empties, so the gate holds it back


def hostile_folder(raw: Path) -> dict[str, str]:
    """Good and plausible documents mixed with every hostile kind of document; returns the names (as in
    run.json) of the documents that must fail, with their reason."""
    raw.mkdir()
    for name in GOOD_PDFS:
        shutil.copy(DEV_CORPUS / name, raw)
    shutil.copy(DEV_CORPUS / "synth-05__level_grid__v6.pdf", raw / LONG_NAME)
    shutil.copy(DEV_CORPUS / "worcestershire__list__v1.pdf", raw / "held.pdf")
    docgen.threshold_list_pdf(raw / "overflow.pdf", SEED_LEVELS, overflow=OVERFLOW)
    docgen.threshold_list_pdf(raw / "=cmd.pdf", SEED_LEVELS, extra=FORMULAS)
    (raw / "manifest.yaml").write_text(
        "documents:\n  - file: =cmd.pdf\n    framework: formulas\n    authority: \"=2+2\"\n", encoding="utf-8")
    (raw / "corrections.yaml").write_text(
        f"corrections:\n  - match: {{document: held.pdf, text: {HELD_TEXT}}}\n    set: {{text: \"\"}}\n"
        "  - match: {document: =cmd.pdf, text: Good height/weight}\n    set: {text: \"=1+2\"}\n", encoding="utf-8")
    failing = {}
    for name, (data, reason) in bad_documents().items():
        (raw / name).write_bytes(data)
        failing[name] = reason
    docgen.threshold_list_pdf(raw / "cafe.pdf", SEED_LEVELS).rename(raw / os.fsdecode(b"caf\xe9.pdf"))
    failing["caf\\xe9.pdf"] = "bad_name"
    (raw / "folder.pdf").mkdir()
    (raw / "gone.pdf").symlink_to(raw / "nowhere.pdf")
    (raw / "loop.pdf").symlink_to(raw / "loop.pdf")
    os.mkfifo(raw / "pipe.pdf")
    failing.update({"folder.pdf": "not_a_file", "gone.pdf": "not_a_file", "loop.pdf": "not_a_file",
                    "pipe.pdf": "not_a_file"})
    (raw / "forged\n  documents 99: 99 ok.pdf").write_bytes(b"not a pdf")
    (raw / "esc\x1b[2J.pdf").write_bytes(b"not a pdf")
    failing.update({"forged\n  documents 99: 99 ok.pdf": "not_pdf", "esc\x1b[2J.pdf": "not_pdf"})
    (raw / "dense.pdf").write_bytes(pdfgen.text_pdf([[LINE] * 50 for _ in range(100)]))
    failing["dense.pdf"] = "too_large"
    return failing


LINE = "The child has needs described in this line of text, written out at length for the test: abcdefgh"


def bad_documents() -> dict:
    from test_reliability_bad_inputs import bad_documents as bad

    return bad()


def test_a_run_over_good_and_every_hostile_kind_of_document(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    failing = hostile_folder(raw)
    script = Path(sys.executable).with_name("threshold")
    with open(tmp_path / "stdout", "w") as stdout, open(tmp_path / "stderr", "w") as stderr:
        proc = subprocess.Popen([str(script), "run", "--raw-docs", str(raw), "--out", str(out), "--no-progress"],
                                cwd=ROOT, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)  # the run's own resource use: itself and its workers
        proc.returncode = code = os.waitstatus_to_exitcode(status)
    stdout, stderr = ((tmp_path / name).read_text() for name in ("stdout", "stderr"))
    peak_mib = usage.ru_maxrss / 1024
    assert code == 1, stderr[-3000:]
    text = stdout + stderr
    assert "Traceback" not in text and "\x1b" not in text
    # the good and plausible documents are published, the held-back one is not
    published = {r["document"] for r in json.loads((out / "indicators.json").read_text(encoding="utf-8"))}
    assert published == {*GOOD_PDFS, LONG_NAME, "overflow.pdf", "=cmd.pdf"}
    assert "error: held.pdf: held back by the validation gate (not published): indicators: " in stderr
    assert [d["document"] for d in json.loads((out / "release.json").read_text())["held_back"]] == ["held.pdf"]
    # every failed one is named with its reason, on stderr and in run.json
    status = {r["document"]: r for r in json.loads((out / "interim" / "run.json").read_text())["documents"]}
    for name, reason in failing.items():
        assert (status[name]["status"], status[name]["reason"]) == ("failed", reason), status[name]
        assert f"error: {printable(name)}: " in stderr, name
    assert not any(line.startswith("  documents 99") for line in text.splitlines())
    # no live formula in any CSV; the JSON keeps the raw text
    assert live_cells(out) == []
    assert set(FORMULAS) <= {r["text"] for r in json.loads((out / "indicators.json").read_text())}
    # within its limits: no process of the run came near the worker (2 GiB) or stage (4 GiB) memory limits
    assert peak_mib < 2048, peak_mib

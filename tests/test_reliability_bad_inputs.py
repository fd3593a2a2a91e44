"""Bad documents mixed with good ones: every good one extracts, every bad one fails with the right reason."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import time

import pdfgen
import pytest
from conftest import DEV_CORPUS, GOOD_PDFS, fake_extractor, load_truth

import pipeline.extract
from pipeline.extract.stage import run_extract
from pipeline.runner_limits import Limits

PROSE = [
    ["Multi-agency levels of need: introduction",
     "This guidance helps practitioners decide how to respond when they are worried about a child.",
     "It should be read with the local safeguarding procedures and the Working Together guidance.",
     "Practitioners should always discuss concerns with the family unless that would put the child at risk.",
     "Who this guidance is for:",
     "\u2022 Staff in schools and early years settings",
     "\u2022 Health visitors, midwives and GPs",
     "\u2022 Police and housing officers"],
    ["Consent and information sharing",
     "Information may be shared without consent where a child is at risk of significant harm.",
     "Record the decision, the reasons for it and who the information was shared with."],
]


def bad_documents() -> dict[str, tuple[bytes, str]]:
    """file name -> (bytes, expected reason)."""
    good = (DEV_CORPUS / GOOD_PDFS[0]).read_bytes()
    noise = random.Random(7).randbytes(20_000)
    return {
        "corrupt-bytes.pdf": (b"%PDF-1.7\n" + noise + b"\n%%EOF\n", "corrupt"),
        "truncated.pdf": (good[: len(good) * 6 // 10], "corrupt"),
        "encrypted.pdf": (pdfgen.encrypted_pdf(PROSE), "encrypted"),
        "zero-pages.pdf": (pdfgen.zero_page_pdf(), "no_pages"),
        "scanned.pdf": (pdfgen.image_only_pdf(), "no_text"),
        "prose-only.pdf": (pdfgen.text_pdf(PROSE), "no_levels"),
        # the kind comes from the content: a web page named .pdf is read as a web page (with no levels in it)
        "web-page.pdf": (b"<!DOCTYPE html><html><body>Levels of need</body></html>\n", "no_levels"),
        "plain-text.pdf": (b"Levels of need\nUniversal\nEarly help\n", "not_pdf"),
        "empty.pdf": (b"", "not_pdf"),
        "oversized.pdf": (pdfgen.blank_pdf(Limits().max_pages + 100), "too_large"),
        "huge-page.pdf": (pdfgen.huge_text_pdf(Limits().max_chars_per_page + 50_000), "too_large"),
        "nested.pdf": (pdfgen.nested_pdf(), "corrupt"),
        "looping.pdf": (pdfgen.looping_pdf(), "corrupt"),
    }


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    out = tmp_path_factory.mktemp("out")
    for name in GOOD_PDFS:
        shutil.copy(DEV_CORPUS / name, folder / name)
    for name, (data, _) in bad_documents().items():
        (folder / name).write_bytes(data)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        summary = run_extract(folder, out, jobs=2, use_cache=True, progress=False)
    status = {row["document"]: row for row in json.loads((out / "interim" / "run.json").read_text())["documents"]}
    return summary, status, stderr.getvalue(), out


@pytest.mark.parametrize("name", GOOD_PDFS)
def test_good_documents_extract(mixed_run, name):
    _, status, _, out = mixed_run
    assert status[name]["status"] == "ok", status[name]
    record = json.loads((out / "interim" / name.replace(".pdf", ".json")).read_text())
    truth = load_truth(name)
    texts = {item["text"] for item in record["indicators"]}
    assert record["framework"] == truth["slug"] and record["pages"] == truth["rendered"]["pages"]
    assert truth["indicators"][0]["text"] in texts and truth["indicators"][-1]["text"] in texts


@pytest.mark.parametrize("name, reason", [(name, reason) for name, (_, reason) in bad_documents().items()])
def test_bad_documents_fail_with_the_right_reason(mixed_run, name, reason):
    _, status, stderr, out = mixed_run
    assert (status[name]["status"], status[name]["reason"]) == ("failed", reason), status[name]
    assert not (out / "interim" / name.replace(".pdf", ".json")).exists()
    lines = [line for line in stderr.splitlines() if line.startswith(f"error: {name}:")]
    assert len(lines) == 1  # one line naming the file and the reason


def test_summary_counts_every_document(mixed_run):
    summary, status, _, _ = mixed_run
    assert summary["documents"] == len(status) == len(GOOD_PDFS) + len(bad_documents())
    assert (summary["ok"], summary["failed"]) == (len(GOOD_PDFS), len(bad_documents()))
    assert summary["indicators"] == sum(row["indicators"] for row in status.values())


def test_size_limit_is_configurable(raw_folder, tmp_path):
    folder = raw_folder(GOOD_PDFS[:1])
    summary = run_extract(folder, tmp_path / "out", progress=False, limits=Limits(max_mb=0.01))
    assert summary["failures"][0]["reason"] == "too_large" and "MB" in summary["failures"][0]["message"]


def _text_pdfs(raw_folder) -> object:
    return raw_folder(extra={f"doc{k}.pdf": pdfgen.text_pdf([[f"Document {k}"]]) for k in range(2)})


def _slow(path, hints=None, limits=None):
    time.sleep(60)


def _greedy(path, hints=None, limits=None):
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB if nothing stops it
    return {"levels": [], "indicators": hoard}


def test_a_document_that_hangs_is_stopped(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", _slow)
    start = time.monotonic()
    summary = run_extract(_text_pdfs(raw_folder), tmp_path / "out", progress=False, limits=Limits(timeout_s=1))
    assert [f["reason"] for f in summary["failures"]] == ["timeout", "timeout"]
    assert time.monotonic() - start < 20


def test_a_document_that_exhausts_memory_is_stopped(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", _greedy)
    summary = run_extract(_text_pdfs(raw_folder), tmp_path / "out", progress=False, limits=Limits(memory_mb=300))
    assert [f["reason"] for f in summary["failures"]] == ["memory", "memory"]


def test_odd_names_and_links_stay_inside_their_folders(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(pdfgen.text_pdf([["Outside the input folder"]]))
    odd = {"Levels of need – Çounty (2021) ; 'final' $HOME.pdf": 1, "-rf.PDF": 2, "run.pdf": 3, "RUN.pdf": 4}
    folder = raw_folder(extra={name: pdfgen.text_pdf([[f"Document {k}"]]) for name, k in odd.items()})
    (folder / "link.pdf").symlink_to(outside)
    out = tmp_path / "out"
    run_extract(folder, out, progress=False)
    status = {row["document"]: row for row in json.loads((out / "interim" / "run.json").read_text())["documents"]}
    assert status["link.pdf"]["reason"] == "outside"
    assert (status["RUN.pdf"]["reason"], status["run.pdf"]["reason"]) == ("name_clash", "name_clash")
    for name in ("Levels of need – Çounty (2021) ; 'final' $HOME.pdf", "-rf.PDF"):
        assert status[name]["status"] == "ok"
        assert (out / "interim" / (name[:-4] + ".json")).is_file()
    written = {p.resolve() for p in out.rglob("*")}
    assert all(out.resolve() in p.parents for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.pdf", "out", "raw"]


def test_entries_named_pdf_that_are_not_files_get_a_status(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    folder = raw_folder(extra={"good.pdf": pdfgen.text_pdf([["A document"]])})
    (folder / "folder.pdf").mkdir()
    (folder / "gone.pdf").symlink_to(folder / "nowhere.pdf")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    os.mkfifo(folder / "pipe.pdf")  # opening it would block the run
    start = time.monotonic()
    summary = run_extract(folder, tmp_path / "out", progress=False)
    assert time.monotonic() - start < 60
    status = {row["document"]: row for row in json.loads((tmp_path / "out" / "interim" / "run.json").read_text())
              ["documents"]}
    assert status["good.pdf"]["status"] == "ok"
    expected = {"folder.pdf": "a folder", "gone.pdf": "a broken or looping link", "loop.pdf": "a broken or looping link",
                "pipe.pdf": "a pipe"}
    for name, detail in expected.items():
        assert (status[name]["status"], status[name]["reason"]) == ("failed", "not_a_file"), status[name]
        assert status[name]["detail"].startswith(detail)
    assert summary["failed"] == 4

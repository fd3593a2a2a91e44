"""Hostile inputs, round 2 (issue 18): names, hints, long texts and many frameworks must never sink a release or
exhaust memory. Each test builds its own small files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docgen
from conftest import ROOT, SEED_LEVELS, rows, run, threshold

# names a data-package tool gives a meaning to (frictionless reads any file ending in these as a descriptor)
RESERVED = ["report", "datapackage", "schema", "inquiry", "resource", "sitemap", "pipeline", "checklist"]




def _levels_page(title: str) -> str:
    levels = "".join(f"<h2>{label}</h2><ul>" + "".join(f"<li>{t}</li>" for d in docgen.LEVELS[n + 1].values()
                                                      for t in d) + "</ul>"
                     for n, label in enumerate(SEED_LEVELS))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>{levels}</main>" \
           "</body></html>"


def test_documents_named_after_reserved_descriptor_names_publish_with_the_rest(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for n, name in enumerate(RESERVED):
        pdf = docgen.threshold_list_pdf(raw / f"{name}.pdf", SEED_LEVELS)
        pdf.write_bytes(pdf.read_bytes() + f"\n% copy {n}\n".encode())  # distinct bytes: not a duplicate
    (raw / "report-page.html").write_text(_levels_page("Levels of need"), encoding="utf-8")
    (raw / "manifest.yaml").write_text(
        "documents:\n  - file: report-page.html\n    framework: report\n    published: '2024'\n", encoding="utf-8")
    result = run(raw, out)
    assert result.returncode in (0, 1), result.stderr[-3000:]  # 1: the files missing from the manifest are named
    published = {r["document"] for r in rows(out / "indicators.csv")}
    assert published == {f"{name}.pdf" for name in RESERVED} | {"report-page.html"}
    release = json.loads((out / "release.json").read_text(encoding="utf-8"))
    assert release["held_back"] == [] and release["validation"]["failures"] == []
    trees = sorted(p.name for p in (out / "frameworks").iterdir())
    assert trees == sorted(f"{name}.tree.json" for name in RESERVED)


def _limited(megabytes: int):
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit


def bounded(*args: str, megabytes: int = 2048) -> subprocess.CompletedProcess:
    """The CLI under an address-space limit, so a bound that does not hold fails instead of eating the machine."""
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          preexec_fn=_limited(megabytes))


def test_a_manifest_of_thousands_of_whole_range_page_hints_runs_in_bounded_memory(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "good.pdf", SEED_LEVELS)
    entries = ["  - file: good.pdf\n    framework: good\n    pages: 1-100000"]
    entries += [f"  - file: missing-{n}.pdf\n    framework: f{n}\n    pages: 1-100000" for n in range(2500)]
    (raw / "manifest.yaml").write_text("documents:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    result = bounded("extract", "--raw-docs", str(raw), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads((tmp_path / "out" / "interim" / "good.json").read_text(encoding="utf-8"))
    assert len(record["indicators"]) == 19 and any("pages hint" in w for w in record["warnings"])


def test_one_long_label_aliased_thousands_of_times_is_refused_at_once(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    label = "L" * 24_000
    entries = [f"  - file: a{n}.pdf\n    framework: a{n}\n    levels: [*label]" for n in range(20_000)]
    text = f"anchors: [&label '{label}']\ndocuments:\n" + "\n".join(entries) + "\n"
    (raw / "manifest.yaml").write_text(text[:1_000_000], encoding="utf-8")
    result = bounded("extract", "--raw-docs", str(raw), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 2 and "characters of text once aliases are expanded" in result.stderr, \
        result.stderr[-2000:]


def test_a_corrections_file_aliasing_a_long_text_onto_many_indicators_is_refused_at_once(tmp_path):
    from interim_from_truth import write_interim

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    write_interim([ROOT / "tests" / "data" / "corpus" / "dev" / "worcestershire__list__v1.truth.yaml"], out)
    text = "x" * 500_000
    entries = [f"  - match: {{indicator_id: id{n}}}\n    set: {{text: *t}}" for n in range(700)]
    (raw / "corrections.yaml").write_text(f"long: &t '{text}'\ncorrections:\n" + "\n".join(entries) + "\n",
                                          encoding="utf-8")
    result = bounded("normalise", "--raw-docs", str(raw), "--out", str(out))
    assert result.returncode == 2 and "characters of text once aliases are expanded" in result.stderr, \
        result.stderr[-2000:]


def _bullet_page(texts: list[str]) -> str:
    items = "".join(f"<li>{t}</li>" for t in texts)
    return (f"<!DOCTYPE html><html><body><main><h1>Levels of need</h1><h2>Level 1 Universal</h2><ul>{items}</ul>"
            f"<h2>Level 2 Early help</h2><ul>{items}</ul></main></body></html>")


def test_a_web_page_of_enormous_bullets_is_refused_and_the_rest_published(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "good.pdf", SEED_LEVELS)
    (raw / "long.html").write_text(_bullet_page([f"Bullet {n} " + "word " * 20_000 for n in range(20)]),
                                   encoding="utf-8")
    result = run(raw, out)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "long.html: too large" in result.stderr and "characters of text" in result.stderr
    assert {r["document"] for r in rows(out / "indicators.csv")} == {"good.pdf"}


def test_an_indicator_longer_than_any_bullet_is_cut_with_a_warning(tmp_path):
    from pipeline.extract import extract_document

    page = tmp_path / "one-long.html"
    page.write_text(_bullet_page(["Good height/weight", "Attends school " + "regularly " * 600]), encoding="utf-8")
    record = extract_document(page)
    assert max(len(r["text"]) for r in record["indicators"]) == 2000
    assert any("longer than 2000 characters" in w for w in record["warnings"])


def test_a_package_of_thousands_of_parts_is_named_too_large_from_its_end_record(tmp_path):
    import time
    import zipfile

    from pipeline.errors import DocumentError
    from pipeline.extract.preflight import Limits, check_file

    package = tmp_path / "many.docx"
    with zipfile.ZipFile(package, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for n in range(12_000):
            zf.writestr(f"word/media/{n}.bin", b"")
    start = time.monotonic()
    try:
        check_file(package, Limits())
    except DocumentError as exc:
        assert exc.reason == "too_large" and "12001 parts in the package" in str(exc)
    else:
        raise AssertionError("a package of 12,001 parts was accepted")
    assert time.monotonic() - start < 1.0


def test_failures_of_word_and_web_documents_are_worded_for_their_format(tmp_path):
    import zipfile

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    docgen.threshold_list_pdf(raw / "good.pdf", SEED_LEVELS)
    with zipfile.ZipFile(raw / "broken.docx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document><unclosed>")
    (raw / "empty.html").write_text("<!DOCTYPE html><html><body><main></main></body></html>", encoding="utf-8")
    result = run(raw, out)
    assert result.returncode == 1
    assert "broken.docx: truncated or corrupt Word document" in result.stderr, result.stderr[-2000:]
    assert "empty.html: no text in the web page" in result.stderr
    assert "PDF" not in "".join(line for line in result.stderr.splitlines() if "broken.docx" in line
                                or "empty.html" in line)


def test_a_web_page_saved_as_utf16_is_read(tmp_path):
    from pipeline.extract import extract_document

    page = tmp_path / "utf16.html"
    page.write_bytes(b"\xff\xfe" + _bullet_page(["Good height/weight", "Attends school regularly"]).encode("utf-16-le"))
    record = extract_document(page)
    assert record["format"] == "html" and {r["text"] for r in record["indicators"]} == {
        "Good height/weight", "Attends school regularly"}


def test_a_full_width_formula_sign_is_neutralised_in_csv():
    from pipeline.csvfile import read_cell, safe_cell

    for text in ("\uff1dHYPERLINK(\"http://evil.example\")", "\ufe62cmd", "\uff20SUM(A1)", "\uff0d2+3 families"):
        assert safe_cell(text).startswith("'") and read_cell(safe_cell(text)) == text


def test_names_with_terminal_escapes_reach_no_terminal_raw(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    name = "red\x1b[31mlevels\x1b[0m.pdf"
    docgen.threshold_list_pdf(raw / name, SEED_LEVELS)
    assert run(raw, out).returncode == 0
    found = threshold("lookup", "persistent substance misuse", "--out", str(out))
    assert found.returncode == 0 and "\x1b" not in found.stdout and "\\x1b" in found.stdout, found.stdout[-500:]
    seen = threshold("inspect", name, "--raw-docs", str(raw), "--to", str(tmp_path / "png"), "--pages", "3")
    assert seen.returncode == 0 and "\x1b" not in seen.stdout + seen.stderr and "\\x1b" in seen.stdout


def test_the_normalisation_report_carries_no_live_markup(tmp_path):
    from pipeline.normalise import run_normalise
    from interim_from_truth import write_interim

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (interim,) = write_interim([ROOT / "tests" / "data" / "corpus" / "dev" / "worcestershire__list__v1.truth.yaml"], out)
    record = json.loads(interim.read_text(encoding="utf-8"))
    record["levels"][0]["label"] = "<script>alert('x')</script> [click](http://evil.example)"
    for row in record["indicators"]:
        if row["level_rank"] == 1:
            row["level_label"] = record["levels"][0]["label"]
    interim.write_text(json.dumps(record), encoding="utf-8")
    run_normalise(raw, out)
    markdown = (out / "normalised" / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "[click](" not in markdown and "\\[click\\](" in markdown  # a link no renderer follows

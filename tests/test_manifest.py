"""raw_docs/manifest.yaml: loading, validation, unlisted PDFs, hashes."""

from __future__ import annotations

import re

import pytest
from conftest import DEV_CORPUS, GOOD_PDFS, ROOT, load_truth
from hypothesis import given
from hypothesis import strategies as st

from pipeline.manifest import (ManifestError, framework_from_filename, inventory, list_documents, load_manifest,
                               sha256_file)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def write_manifest(folder, text: str) -> None:
    (folder / "manifest.yaml").write_text(text, encoding="utf-8")


def entry(file: str, framework: str = "milton-keynes", **more) -> str:
    lines = [f"  - file: {file!r}", f"    framework: {framework!r}"]
    lines += [f"    {key}: {value!r}" for key, value in more.items()]
    return "\n".join(lines)


def test_project_manifest_matches_its_pdfs_and_truth():
    found = inventory(ROOT / "raw_docs")
    assert found.warnings == []  # every PDF listed, every listed file present, hashes match
    assert [d.file for d in found.documents] == list(GOOD_PDFS)
    for doc in found.documents:
        truth = load_truth(doc.file)
        assert doc.listed and doc.framework == truth["slug"]
        for key in ("authority", "partnership", "title", "published"):
            assert getattr(doc, key) == str(truth[key])
        assert doc.sha256 == sha256_file(doc.path) == sha256_file(DEV_CORPUS / doc.file)
        assert doc.source and doc.licence and doc.attribution


@pytest.mark.parametrize("name, framework", [
    ("milton-keynes__matrix__v1.pdf", "milton-keynes"),
    ("worcestershire__level_tables__v3.PDF", "worcestershire"),
    ("Bradford & Kirklees Levels of Need 2021.pdf", "bradford-kirklees-levels-of-need-2021"),
    ("Çà va__draft.pdf", "ca-va"),
    ("___.pdf", "unnamed"),
])
def test_framework_from_filename(name, framework):
    assert framework_from_filename(name) == framework


@given(st.text(min_size=1, max_size=60))
def test_framework_from_any_filename_is_a_slug(stem):
    assert SLUG.match(framework_from_filename(stem + ".pdf"))


def test_list_documents_any_case_sorted_ignoring_others(tmp_path):
    for name in ("b.PDF", "a.pdf", ".hidden.pdf", "notes.txt", "c.pdf.bak"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    (tmp_path / "folder.pdf").mkdir()  # listed: the extract stage gives it a status (not_a_file)
    assert [p.name for p in list_documents(tmp_path)] == ["a.pdf", "b.PDF", "folder.pdf"]


def test_unlisted_pdf_gets_framework_from_file_name_with_warning(raw_folder):
    folder = raw_folder(GOOD_PDFS)
    write_manifest(folder, "documents:\n" + entry(GOOD_PDFS[0]))
    found = inventory(folder)
    unlisted = found.documents[1]
    assert (unlisted.listed, unlisted.framework) == (False, "worcestershire")
    assert found.warnings == [f"{GOOD_PDFS[1]}: not in manifest.yaml; framework id 'worcestershire' "
                              "taken from the file name"]


def test_no_manifest_means_every_pdf_is_unlisted(raw_folder):
    found = inventory(raw_folder(GOOD_PDFS))
    assert [d.framework for d in found.documents] == ["milton-keynes", "worcestershire"]
    assert len(found.warnings) == 2


def test_missing_file_and_hash_mismatch_are_warnings_naming_the_file(raw_folder):
    folder = raw_folder(GOOD_PDFS[:1])
    write_manifest(folder, "documents:\n" + entry(GOOD_PDFS[0], sha256="0" * 64) + "\n"
                   + entry("gone.pdf", "some-council"))
    found = inventory(folder)
    assert found.missing == ["gone.pdf"]
    assert any(w.startswith(f"{GOOD_PDFS[0]}: sha256 differs") for w in found.warnings)
    assert any(w.startswith("gone.pdf: listed in manifest.yaml but not found") for w in found.warnings)


def test_one_framework_may_have_several_documents(raw_folder):
    folder = raw_folder(["milton-keynes__level_grid__v1.pdf", "milton-keynes__matrix__v1.pdf"])
    write_manifest(folder, "documents:\n" + entry("milton-keynes__level_grid__v1.pdf", published="2022-10")
                   + "\n" + entry("milton-keynes__matrix__v1.pdf", published="2019"))
    found = inventory(folder)
    assert [d.framework for d in found.documents] == ["milton-keynes", "milton-keynes"]
    assert [d.published for d in found.documents] == ["2022-10", "2019"]


@pytest.mark.parametrize("bad_entry, message", [
    (entry("../outside.pdf"), "plain file name"),
    (entry("/etc/passwd.pdf"), "plain file name"),
    (entry("sub/dir.pdf"), "plain file name"),
    (entry("C:\\\\docs\\\\x.pdf"), "plain file name"),
    (entry("notes.txt"), "not a document (.pdf, .docx, .html, .htm)"),
    (entry("a.pdf", "../../etc"), "must be a slug"),
    (entry("a.pdf", "Milton Keynes"), "must be a slug"),
    (entry("a.pdf", sha256="abc"), "64 hexadecimal"),
    (entry("a.pdf", published="October 2022"), "YYYY"),
    (entry("a.pdf", title=["a", "list"]), "must be text"),
    (entry("a.pdf") + "\n" + entry("a.pdf", "worcestershire"), "listed more than once"),
    ("  - just a string", "mapping"),
])
def test_untrustworthy_manifest_entries_are_errors(tmp_path, bad_entry, message):
    write_manifest(tmp_path, "documents:\n" + bad_entry)
    with pytest.raises(ManifestError, match=re.escape(message)) as error:
        load_manifest(tmp_path)
    assert "manifest.yaml" in str(error.value)


@pytest.mark.parametrize("text", ["documents: [unclosed", "- a list\n- not a mapping", "documents: {a: 1}"])
def test_malformed_manifest_is_an_error(tmp_path, text):
    write_manifest(tmp_path, text)
    with pytest.raises(ManifestError, match="manifest.yaml"):
        load_manifest(tmp_path)


def test_dates_and_unknown_fields(tmp_path):
    write_manifest(tmp_path, "documents:\n  - file: a.pdf\n    framework: x\n    published: 2021-03-01\n"
                             "    titel: typo\n")
    warnings: list[str] = []
    entries = load_manifest(tmp_path, warnings)
    assert entries["a.pdf"]["published"] == "2021-03-01"
    assert warnings and "unknown field 'titel'" in warnings[0]


def test_missing_input_folder_is_an_error(tmp_path):
    with pytest.raises(ManifestError, match="input folder not found"):
        inventory(tmp_path / "nope")


def test_analyst_hints_are_read_and_checked(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    write_manifest(tmp_path, "documents:\n" + entry("a.pdf", levels=["Green", "Amber", "Red"], layout="matrix",
                                                    grouping="area+domain", pages="3-5, 9"))
    (doc,) = inventory(tmp_path, check_hashes=False).documents
    assert doc.hints == {"levels": ["Green", "Amber", "Red"], "layout": "matrix", "grouping": "area+domain",
                         "pages": [[3, 5], [9, 9]]}


@pytest.mark.parametrize("hint, message", [
    ({"levels": "Green"}, "'levels' must be a list"),
    ({"levels": []}, "'levels' must be a list"),
    ({"layout": "grid"}, "'layout' must be one of level_grid"),
    ({"grouping": "areas"}, "'grouping' must be one of area+domain"),
    ({"pages": "5-3"}, "'pages' must be page numbers"),
    ({"pages": "one"}, "'pages' must be page numbers"),
    ({"pages": [0]}, "'pages' must be page numbers"),
    ({"pages": ", ".join(["1"] * 201)}, "'pages' has 201 parts, the limit is 200"),
    ({"levels": ["x" * 201]}, "'levels' takes at most 12 labels of at most 200 characters"),
    ({"levels": [f"L{n}" for n in range(13)]}, "'levels' takes at most 12 labels"),
])
def test_bad_hints_are_refused_naming_the_entry(tmp_path, hint, message):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n")
    write_manifest(tmp_path, "documents:\n" + entry("a.pdf", **hint))
    with pytest.raises(ManifestError, match=re.escape(message)) as caught:
        inventory(tmp_path, check_hashes=False)
    assert "'a.pdf'" in str(caught.value)


@pytest.mark.parametrize("published", ["2022-13-45", "'2022-13-45'", "2022-02-30", "'2022-00'", "'0000'"])
def test_dates_that_are_no_real_date_are_refused_naming_the_entry(tmp_path, published):
    write_manifest(tmp_path, f"documents:\n  - file: a.pdf\n    framework: x\n    published: {published}\n")
    with pytest.raises(ManifestError, match=r"manifest\.yaml: entry for 'a\.pdf': published '.*' must be a date"):
        load_manifest(tmp_path)


@pytest.mark.parametrize("text, message", [
    ("documents:\n  - file: a.pdf\n    framework: x\n    published: 2022-13-45\n", "entry for 'a.pdf': published"),
    ("documents: " + "[" * 100_000 + "]" * 100_000 + "\n", "manifest.yaml: not valid YAML: nested more than"),
])
def test_malformed_dates_and_deep_nesting_exit_2_naming_the_manifest(tmp_path, text, message):
    from typer.testing import CliRunner

    from pipeline.cli import app

    write_manifest(tmp_path, text)
    result = CliRunner().invoke(app, ["extract", "--raw-docs", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert str(tmp_path / "manifest.yaml") in result.stderr

"""The document model (pipeline/extract/model.py): every reader fills it, registered by kind; Word and web tables
carry the cells their format states, and structure inference takes cells and their boundaries from them (no rules
are drawn for them to be rediscovered)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from pipeline.extract import document
from pipeline.extract.content import Cell, Para, Run, Table, layout
from pipeline.extract.formats import sniff
from pipeline.extract.geometry import Geometry
from pipeline.extract.model import CellRef, DocumentModel
from pipeline.extract.structure import read_structure
from pipeline.runner_limits import Limits

CORPUS = ROOT / "tests/data/corpus"
SAMPLES = {"pdf": CORPUS / "dev/worcestershire__level_tables__v1.pdf",
           "docx": CORPUS / "dev_docx/worcestershire__matrix__v5.docx",
           "html": CORPUS / "dev_html/milton-keynes__matrix__h6.html"}


def test_every_kind_the_sniffer_names_has_a_reader_that_fills_the_model():
    for kind, path in SAMPLES.items():
        assert sniff(path) == kind
        model = document.READERS[kind](path, {}, Limits())
        assert isinstance(model, DocumentModel) and model.format == kind
        assert model.blocks and all(b.text for b in model.blocks)
        if kind == "pdf":  # provenance: page and box; cells are read from rules and fills later
            assert model.n_pages and all(b.page >= 1 and not b.locator and b.cell is None for b in model.blocks)
        else:  # provenance: a locator; table blocks carry their cell, and nothing is drawn but shading
            assert model.n_pages is None and all(b.locator for b in model.blocks)
            in_cells = [b for b in model.blocks if b.cell is not None]
            assert in_cells and all(b.locator.startswith(b.cell.table) for b in in_cells)
            assert not any(p.hrules or p.vrules for p in model.pages)


def test_read_document_dispatches_through_the_registry(monkeypatch, tmp_path):
    """A format is one reader registered by kind: read_document gives its model to structure inference."""
    page_model = _model(_matrix_table())
    calls = []

    def reader(path: Path, hints: dict, limits: Limits) -> DocumentModel:
        calls.append(path.name)
        return page_model

    monkeypatch.setitem(document.READERS, "html", reader)
    path = tmp_path / "page.html"
    path.write_text("<!doctype html><html><body><p>x</p></body></html>")
    read = document.read_document(path)
    assert calls == ["page.html"]
    assert [lv["label"] for lv in read.structure.levels] == ["Universal", "Early help"]


def _para(text: str, where: str, bold: bool = False, item: bool = False) -> Para:
    return Para([Run(text, bold=bold)], where, item=item)


def _matrix_table() -> Table:
    """Row 0: a header; rows 1-2 under an area cell merged down both rows, then a domain cell and a bullet per
    level."""
    t = "tbl[1]"
    cells = [Cell([_para("Area", f"{t}/tr[1]/tc[1]/p[1]", bold=True)], 0, 0),
             Cell([_para("Domain", f"{t}/tr[1]/tc[2]/p[1]", bold=True)], 0, 1),
             Cell([_para("Level 1 Universal", f"{t}/tr[1]/tc[3]/p[1]", bold=True)], 0, 2),
             Cell([_para("Level 2 Early help", f"{t}/tr[1]/tc[4]/p[1]", bold=True)], 0, 3),
             Cell([_para("Child development", f"{t}/tr[2]/tc[1]/p[1]", bold=True)], 1, 0, rowspan=2)]
    for row, domain in ((1, "Health"), (2, "Learning")):
        cells.append(Cell([_para(domain, f"{t}/tr[{row + 1}]/tc[2]/p[1]", bold=True)], row, 1))
        for col in (2, 3):
            cells.append(Cell([_para(f"{domain} need at level {col - 1}, first", f"{t}/tr[{row + 1}]/tc[{col + 1}]/p[1]",
                                     item=True),
                               _para(f"{domain} need at level {col - 1}, second", f"{t}/tr[{row + 1}]/tc[{col + 1}]/p[2]",
                                     item=True)], row, col))
    return Table(cells, 3, 4, t)


def _model(*content) -> DocumentModel:
    pages, blocks = layout(list(content))
    return DocumentModel("html", pages, blocks)


def test_a_stated_table_is_read_from_its_cells_with_a_merged_area_cell():
    model = _model(_para("Levels of need", "h1[1]", bold=True), _matrix_table())
    structure = read_structure(model.pages, model.blocks)
    got = {(r["level_rank"], r["area"], r["domain"], r["block"].text) for r in structure.rows}
    assert got == {(col - 1, "Child development", domain, f"{domain} need at level {col - 1}, {nth}")
                   for domain in ("Health", "Learning") for col in (2, 3) for nth in ("first", "second")}
    merged = next(b for b in model.blocks if b.text == "Child development")
    assert merged.cell == CellRef("tbl[1]", 1, 0, 2, 1, merged.cell.box)
    assert merged.cell.box[3] - merged.cell.box[1] > 2 * merged.size  # laid out down both rows


def test_cell_boundaries_come_from_the_stated_cells():
    model = _model(_para("Before the table", "p[1]", bold=True), _matrix_table(),
                   _para("A bullet after the table", "ul[1]/li[1]", item=True))
    geo = Geometry(model.pages, model.blocks)
    by_text = {b.text: b for b in model.blocks}
    health, first = by_text["Health"], by_text["Health need at level 1, first"]
    second = by_text["Health need at level 1, second"]
    assert geo.rule_between(health, first)                        # another cell
    assert not geo.rule_between(first, second)                    # one cell
    assert geo.rule_between(by_text["Before the table"], by_text["A bullet after the table"])  # a table between
    assert geo.rule_between(by_text["Level 1 Universal"], first)  # the header cell over the column

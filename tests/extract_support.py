"""Extract every dev PDF once per test session (two processes) and index the rows for the extraction tests."""

from __future__ import annotations

import functools
import importlib.util
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml

from pipeline.extract import extract_document

DEV_CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "dev"
SCORER = Path(__file__).resolve().parents[1] / "tools" / "score_extraction.py"
# The first test that asks for a row extracts all 85 dev PDFs for the session: 45 s on two idle cores, up to 230 s
# measured on a loaded machine, close to the suite's 300 s hang limit. The modules that use the corpus set this one.
CORPUS_TIMEOUT = pytest.mark.timeout(900)


@functools.lru_cache(maxsize=1)
def extracted_corpus() -> dict[str, dict]:
    pdfs = sorted(DEV_CORPUS.glob("*.pdf"))
    with ProcessPoolExecutor(2) as pool:
        records = list(pool.map(extract_document, pdfs))
    return {r["document"]: r for r in records}


def rows(document: str) -> list[dict]:
    return extracted_corpus()[document]["indicators"]


def row_with(document: str, text_start: str) -> dict:
    found = [r for r in rows(document) if r["text"].startswith(text_start)]
    assert len(found) == 1, f"{len(found)} rows start with {text_start!r} in {document}"
    return found[0]


@functools.lru_cache(maxsize=1)
def scorer():
    """The project's copy of the scorer (tools/score_extraction.py), as a module."""
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_record(record: dict, truth_path: Path) -> dict:
    """One extracted document's interim record scored against its truth file."""
    truth = yaml.safe_load(Path(truth_path).read_text(encoding="utf-8"))
    preds = [{"document": record["document"], **{k: r[k] for k in ("level_label", "area", "domain", "text")}}
             for r in record["indicators"]]
    return scorer().score_doc(truth, preds, 90.0)

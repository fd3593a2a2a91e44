"""The dev Word files and web pages printed to PDF (LibreOffice; Chromium, portrait and landscape): layouts and page breaks the PDF corpus
does not have, held to the dev bar (text_f1 >= 0.99, tuple_f1 >= 0.97 per document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract_support import score_record
from pipeline.extract import extract_document

ROOT = Path(__file__).resolve().parents[1]
PRINTED = ROOT / "tests" / "data" / "corpus" / "printed"



@pytest.mark.parametrize("path", sorted(PRINTED.glob("*.pdf")), ids=lambda p: p.stem)
def test_printed_edition_meets_the_bar(path):
    score = score_record(extract_document(path), path.with_suffix(".truth.yaml"))
    assert score["text_f1"] >= 0.99 and score["tuple_f1"] >= 0.97, score

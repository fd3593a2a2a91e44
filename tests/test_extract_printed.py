"""The dev Word files and web pages printed to PDF (LibreOffice; Chromium, portrait and landscape): layouts and page breaks the PDF corpus
does not have, held to the dev bar (text_f1 >= 0.99, tuple_f1 >= 0.97 per document)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from pipeline.extract import extract_document

ROOT = Path(__file__).resolve().parents[1]
PRINTED = ROOT / "tests" / "data" / "corpus" / "printed"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_extraction", ROOT / "tools" / "score_extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted(PRINTED.glob("*.pdf")), ids=lambda p: p.stem)
def test_printed_edition_meets_the_bar(path):
    truth = yaml.safe_load(path.with_suffix("").with_suffix(".truth.yaml").read_text(encoding="utf-8"))
    got = extract_document(path)
    preds = [{"document": got["document"], **{k: r[k] for k in ("level_label", "area", "domain", "text")}}
             for r in got["indicators"]]
    score = _scorer().score_doc(truth, preds, 90.0)
    assert score["text_f1"] >= 0.99 and score["tuple_f1"] >= 0.97, score

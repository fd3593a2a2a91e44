"""Every dev PDF scored against its truth file with the project's scorer (rapidfuzz installed: exact scores)."""

from __future__ import annotations

import csv

import pytest
import yaml

from extract_support import CORPUS_TIMEOUT, DEV_CORPUS, extracted_corpus
from extract_support import scorer as extract_scorer

pytestmark = CORPUS_TIMEOUT



@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    scorer = extract_scorer()
    assert scorer.EXACT, "rapidfuzz must be installed for exact scores"
    pred = tmp_path_factory.mktemp("score") / "indicators.csv"
    with pred.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["document", "level_label", "area", "domain", "text"])
        writer.writeheader()
        for record in extracted_corpus().values():
            for row in record["indicators"]:
                writer.writerow({"document": record["document"], **{k: row[k] for k in writer.fieldnames[1:]}})
    truths = sorted(DEV_CORPUS.glob("*.truth.yaml"))
    preds = scorer.load_pred(pred)
    out = {}
    for truth in truths:
        doc = yaml.safe_load(truth.read_text(encoding="utf-8"))
        name = truth.name.replace(".truth.yaml", "")
        out[name] = scorer.score_doc(doc, [p for p in preds if scorer.doc_key(p["document"]) == name], 90.0)
    return out


@pytest.mark.parametrize("name", sorted(p.name.replace(".truth.yaml", "") for p in DEV_CORPUS.glob("*.truth.yaml")))
def test_document_meets_the_bar(scores, name):
    score = scores[name]
    assert score["text_f1"] >= 0.99, score
    assert score["tuple_f1"] >= 0.97, score

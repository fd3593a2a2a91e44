"""Cross-framework indicator matching: TF-IDF similarity on lemma words and character n-grams.

score(a, b) = w * cos(word TF-IDF of a's and b's lemma text) + (1 - w) * cos(char n-gram TF-IDF of their folded
text), rounded to 3 decimals. The vectorisers are fitted on the indicators being compared (one document per
framework), so adding a framework can move scores slightly; the same inputs always give the same scores.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import fold

CHUNK = 512  # rows scored at a time: memory stays chunk x (indicators of the other framework), never n x m

MATCH_COLUMNS = (
    "indicator_id", "framework", "document", "page", "level_label", "canonical_level", "text",
    "rank", "score", "match_id", "match_framework", "match_document", "match_page", "match_level_label",
    "match_canonical_level", "match_text", "same_level",
)
DISAGREEMENT_COLUMNS = (
    "framework_a", "document_a", "indicator_id_a", "page_a", "level_label_a", "canonical_level_a", "text_a",
    "framework_b", "document_b", "indicator_id_b", "page_b", "level_label_b", "canonical_level_b", "text_b",
    "score", "level_gap", "shared_themes", "same_level_match_a", "same_level_match_b",
)


def lemma_text(row_text: str, row_normalised: str) -> str:
    """The normaliser's lemma text, or the folded text when the normaliser left it empty."""
    return row_normalised.strip() or fold(row_text)


def vectorise(frame: pd.DataFrame, settings: dict) -> sparse.csr_matrix:
    """One L2-normalised row per indicator such that row_a . row_b is the combined similarity."""
    if frame.empty:
        return sparse.csr_matrix((0, 0))
    weight = float(settings["word_weight"])
    lemmas = [lemma_text(t, n) for t, n in zip(frame["text"], frame["text_normalised"])]
    folded = [fold(t) for t in frame["text"]]
    word = TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", ngram_range=tuple(settings["word_ngrams"]),
                           sublinear_tf=True, lowercase=True, dtype=np.float64)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), sublinear_tf=True,
                           lowercase=True, dtype=np.float64)
    parts = [math.sqrt(weight) * _fit(word, lemmas), math.sqrt(1.0 - weight) * _fit(char, folded)]
    return sparse.hstack(parts, format="csr")


def _fit(vectoriser: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    try:
        return vectoriser.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary (no words at all)
        return sparse.csr_matrix((len(texts), 1))


def similarity_block(vectors: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Scores of rows x cols, rounded to 3 decimals."""
    block = (vectors[rows] @ vectors[cols].T).toarray()
    return np.round(np.clip(block, 0.0, 1.0), 3)


def top_matches(frame: pd.DataFrame, settings: dict) -> list[dict]:
    """For each indicator, its top_k counterparts (score >= threshold) in every other framework.

    A concern never matches a protective statement ("Persistent substance misuse" vs "No substance misuse").
    """
    frame = frame.sort_values(["framework", "indicator_id"], kind="stable").reset_index(drop=True)
    vectors = vectorise(frame, settings)
    threshold, top_k = float(settings["threshold"]), int(settings["top_k"])
    groups = {fw: np.flatnonzero(frame["framework"].to_numpy() == fw) for fw in sorted(frame["framework"].unique())}
    records = frame.to_dict("records")
    signs = np.array([polarity(r) for r in records], dtype=np.int8)
    rows: list[dict] = []
    for fw_a, idx_a in groups.items():
        for fw_b, idx_b in groups.items():
            if fw_a == fw_b:
                continue
            for start in range(0, len(idx_a), CHUNK):
                part = idx_a[start:start + CHUNK]
                block = similarity_block(vectors, part, idx_b)
                block[np.outer(signs[part], signs[idx_b]) < 0] = 0.0
                order = np.argsort(-block, axis=1, kind="stable")[:, :top_k]  # ties: lower indicator_id first
                for i, a in enumerate(part):
                    for rank, j in enumerate(order[i], start=1):
                        score = float(block[i, j])
                        if score >= threshold:
                            rows.append(_match_row(records[a], records[idx_b[j]], rank, score))
    return sorted(rows, key=lambda r: (r["framework"], r["indicator_id"], r["match_framework"], r["rank"]))


def polarity(row: dict) -> int:
    """+1 a concern (has themes), -1 a protective statement (only protective themes), 0 untagged."""
    if row["concern_themes"]:
        return 1
    return -1 if row["protective_themes"] else 0


def _match_row(a: dict, b: dict, rank: int, score: float) -> dict:
    return {
        "indicator_id": a["indicator_id"], "framework": a["framework"], "document": a["document"], "page": a["page"],
        "level_label": a["level_label"], "canonical_level": a["canonical_level"], "text": a["text"],
        "rank": rank, "score": score, "match_id": b["indicator_id"], "match_framework": b["framework"],
        "match_document": b["document"], "match_page": b["page"], "match_level_label": b["level_label"],
        "match_canonical_level": b["canonical_level"], "match_text": b["text"],
        "same_level": _same_level(a["canonical_level"], b["canonical_level"]),
    }


def _same_level(a, b) -> bool | None:
    if a is None or b is None:
        return None
    return int(a) == int(b)


def level_disagreements(matches: list[dict], indicators: pd.DataFrame) -> list[dict]:
    """Matched pairs (either direction) whose canonical levels differ; each unordered pair once, A < B by framework."""
    themes = dict(zip(indicators["indicator_id"], indicators["concern_themes"]))
    same_level_in = _same_level_partners(matches)
    pairs: dict[tuple[str, str], dict] = {}
    for m in matches:
        if m["same_level"] is not False:
            continue
        a_first = m["framework"] < m["match_framework"]
        key = (m["indicator_id"], m["match_id"]) if a_first else (m["match_id"], m["indicator_id"])
        if key in pairs:
            pairs[key]["score"] = max(pairs[key]["score"], m["score"])
            continue
        a, b = _sides(m, a_first)
        shared = tuple(sorted(set(themes.get(a["id"], ())) & set(themes.get(b["id"], ()))))
        pairs[key] = {
            **{f"{k}_a": v for k, v in a.items() if k != "id"}, "indicator_id_a": a["id"],
            **{f"{k}_b": v for k, v in b.items() if k != "id"}, "indicator_id_b": b["id"],
            "score": m["score"], "level_gap": abs(int(a["canonical_level"]) - int(b["canonical_level"])),
            "shared_themes": shared,
            "same_level_match_a": (a["id"], b["framework"]) in same_level_in,
            "same_level_match_b": (b["id"], a["framework"]) in same_level_in,
        }
    return sorted(pairs.values(), key=lambda r: (r["framework_a"], r["framework_b"], -r["score"],
                                                 r["indicator_id_a"], r["indicator_id_b"]))


def _same_level_partners(matches: list[dict]) -> set[tuple[str, str]]:
    """(indicator id, other framework) for indicators matched at their own canonical level in that framework."""
    return {(m["indicator_id"], m["match_framework"]) for m in matches if m["same_level"] is True}


def _sides(m: dict, a_first: bool) -> tuple[dict, dict]:
    keys = ("framework", "document", "page", "level_label", "canonical_level", "text")
    left = {"id": m["indicator_id"], **{k: m[k] for k in keys}}
    right = {"id": m["match_id"], **{k: m[f"match_{k}"] for k in keys}}
    return (left, right) if a_first else (right, left)

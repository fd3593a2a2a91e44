"""Shared templates: frameworks whose indicators largely coincide (e.g. councils using one regional template)."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pandas as pd

TEMPLATE_COLUMNS = (
    "framework_a", "document_a", "framework_b", "document_b", "n_a", "n_b", "n_a_shared", "n_b_shared",
    "share_a", "share_b", "overlap", "shared_template",
)


def template_pairs(indicators: pd.DataFrame, matches: list[dict], settings: dict) -> list[dict]:
    """Every pair of frameworks with how many of each side's indicators have a near-identical counterpart.

    overlap = (shared of A + shared of B) / (indicators of A + of B); shared_template when overlap >= share.
    """
    match_score, share = float(settings["match_score"]), float(settings["share"])
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in matches:
        if m["score"] >= match_score:
            shared[(m["framework"], m["match_framework"])].add(m["indicator_id"])
    sizes = indicators.groupby("framework").size().to_dict()
    documents = indicators.drop_duplicates("framework").set_index("framework")["document"].to_dict()
    rows = []
    for fw_a, fw_b in combinations(sorted(sizes), 2):
        n_a, n_b = int(sizes[fw_a]), int(sizes[fw_b])
        s_a, s_b = len(shared[(fw_a, fw_b)]), len(shared[(fw_b, fw_a)])
        overlap = round((s_a + s_b) / (n_a + n_b), 3) if n_a + n_b else 0.0
        rows.append({"framework_a": fw_a, "document_a": documents[fw_a], "framework_b": fw_b,
                     "document_b": documents[fw_b], "n_a": n_a, "n_b": n_b, "n_a_shared": s_a, "n_b_shared": s_b,
                     "share_a": round(s_a / n_a, 3) if n_a else 0.0, "share_b": round(s_b / n_b, 3) if n_b else 0.0,
                     "overlap": overlap, "shared_template": overlap >= share})
    return rows


def template_groups(frameworks: list[str], pairs: list[dict]) -> dict[str, str]:
    """Framework -> its template group: the first framework (by name) of its connected shared-template component."""
    parent = {fw: fw for fw in frameworks}

    def root(fw: str) -> str:
        while parent[fw] != fw:
            parent[fw] = parent[parent[fw]]
            fw = parent[fw]
        return fw

    for pair in pairs:
        if pair["shared_template"]:
            a, b = root(pair["framework_a"]), root(pair["framework_b"])
            parent[max(a, b)] = min(a, b)
    return {fw: root(fw) for fw in sorted(frameworks)}

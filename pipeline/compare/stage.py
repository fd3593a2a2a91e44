"""The compare stage: OUT/normalised/ -> OUT/compare/*.csv and *.json."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd

from . import coverage, editions, findings, matching, needs, templates, themes
from .io import Normalised, load_early_help_groups, load_normalised, load_settings, primary_documents, write_json, write_table

DOCUMENT_COLUMNS = ("framework", "document", "n_indicators", "primary", "template_group")


def run_compare(out: Path, *, settings: dict | None = None, groups: list[dict] | None = None) -> dict:
    """Compare the normalised frameworks in OUT and check each document; returns a summary dict.

    The tables are written to a staging folder and moved into OUT/compare only when all are written."""
    out = Path(out)
    data = load_normalised(out)
    staging = out / ".compare.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    summary = compare(data, staging, settings or load_settings(), groups or load_early_help_groups())
    final = out / "compare"
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    return summary


def compare(data: Normalised, folder: Path, settings: dict, groups: list[dict]) -> dict:
    """Write every compare table for already-loaded normalised data into folder."""
    indicators, levels = data.indicators, data.levels
    primary = primary_documents(indicators, data.documents)
    chosen = indicators[pd.Series([primary.get(fw) == doc for fw, doc in zip(indicators["framework"],
                                                                          indicators["document"])],
                                  index=indicators.index, dtype=bool)]  # (a plain empty list would drop columns)

    edges = matching.same_need_edges(chosen, settings["matching"])
    matches = matching.top_matches(chosen, settings["matching"], edges)
    need_rows, need_of = needs.group_needs(edges)
    disagreements = matching.level_disagreements(edges, need_of, settings["matching"])
    pairs = templates.template_pairs(chosen, matches, settings["templates"])
    group_of = templates.template_groups(sorted(primary), pairs)
    cells = themes.theme_levels(chosen)
    spread = themes.theme_spread(cells, group_of)
    found = findings.all_findings(indicators, levels, settings)

    counts = {
        "documents": write_table(folder, "documents", DOCUMENT_COLUMNS, _documents(indicators, primary, group_of)),
        "theme_levels": write_table(folder, "theme_levels", themes.THEME_LEVEL_COLUMNS, cells),
        "theme_spread": write_table(folder, "theme_spread", themes.THEME_SPREAD_COLUMNS, spread),
        "matches": write_table(folder, "matches", matching.MATCH_COLUMNS, matches),
        "needs": write_table(folder, "needs", needs.NEED_COLUMNS, need_rows),
        "level_disagreements": write_table(folder, "level_disagreements", matching.DISAGREEMENT_COLUMNS,
                                           disagreements),
        "coverage_groups": write_table(folder, "coverage_groups", coverage.GROUP_COLUMNS,
                                       coverage.group_coverage(indicators, groups)),
        "coverage_counts": write_table(folder, "coverage_counts", coverage.COUNT_COLUMNS,
                                       coverage.level_area_counts(indicators)),
        "templates": write_table(folder, "templates", templates.TEMPLATE_COLUMNS, pairs),
        "findings": write_table(folder, "findings", findings.FINDING_COLUMNS, found),
        "edition_changes": write_table(folder, "edition_changes", editions.EDITION_CHANGE_COLUMNS,
                                       editions.edition_changes(indicators, data.documents)),
    }
    summary = {
        "frameworks": len(primary), "documents": int(indicators.groupby(["framework", "document"]).ngroups),
        "indicators": len(indicators), "matches": counts["matches"], "needs": len({r["need_id"] for r in need_rows}),
        "level_disagreements": counts["level_disagreements"], "findings": counts["findings"],
        "edition_changes": counts["edition_changes"], "rows": counts,
        "findings_by_kind": dict(sorted(Counter(f["kind"] for f in found).items())),
        "shared_templates": sorted({g for g in group_of.values() if list(group_of.values()).count(g) > 1}),
        "settings": {"match_threshold": settings["matching"]["threshold"], "top_k": settings["matching"]["top_k"],
                     "near_duplicate_ratio": settings["duplicates"]["near_ratio"],
                     "template_match_score": settings["templates"]["match_score"],
                     "template_share": settings["templates"]["share"]},
    }
    write_json(folder / "summary.json", summary)
    return summary


def _documents(indicators: pd.DataFrame, primary: dict[str, str], group_of: dict[str, str]) -> list[dict]:
    sizes = indicators.groupby(["framework", "document"]).size()
    return [{"framework": fw, "document": doc, "n_indicators": int(n), "primary": primary.get(fw) == doc,
             "template_group": group_of.get(fw, fw)} for (fw, doc), n in sorted(sizes.items())]

"""Theme x framework: the canonical levels at which each framework places each theme, and where they disagree."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

MIN_NEED_LEVEL = 2  # canonical 1 (universal) = no additional needs
THEME_LEVEL_COLUMNS = ("theme", "framework", "document", "canonical_level", "n_indicators", "indicator_ids", "pages")
THEME_SPREAD_COLUMNS = (
    "theme", "n_frameworks", "n_template_groups", "frameworks", "min_level", "max_level", "entry_levels",
    "entry_level_min", "entry_level_max", "entry_spread", "mean_level_min", "mean_level_max", "mean_spread",
    "disagreement_rank",
)


def theme_levels(indicators: pd.DataFrame) -> list[dict]:
    """One row per (theme, framework, canonical level) with the indicators behind the cell (concern themes only)."""
    cells: dict[tuple, list[dict]] = defaultdict(list)
    for row in indicators.to_dict("records"):
        for theme in row["concern_themes"]:
            cells[(theme, row["framework"], row["document"], row["canonical_level"])].append(row)
    rows = []
    for (theme, framework, document, level), members in cells.items():
        members = sorted(members, key=lambda r: (r["seq"], r["indicator_id"]))
        rows.append({"theme": theme, "framework": framework, "document": document, "canonical_level": level,
                     "n_indicators": len(members), "indicator_ids": [m["indicator_id"] for m in members],
                     "pages": [m["page"] for m in members]})
    return sorted(rows, key=lambda r: (r["theme"], r["framework"], r["document"], _level_key(r["canonical_level"])))


def _level_key(level: int | None) -> int:
    return 99 if level is None else level


def theme_spread(levels_rows: list[dict], template_group: dict[str, str]) -> list[dict]:
    """Per theme: spread of levels across frameworks; themes in 2+ frameworks ranked by disagreement.

    Only levels of need count (canonical 2-4): a universal-level indicator describes no additional need, so a
    concern theme tagged there is not a placement (theme_levels still lists it). A framework's entry level for a
    theme is the lowest level at which it lists it (where it starts to act); disagreement is ranked by the range
    of entry levels, then the range of mean levels, then the number of frameworks.
    """
    by_theme: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for row in levels_rows:
        if row["canonical_level"] is not None and row["canonical_level"] >= MIN_NEED_LEVEL:
            by_theme[row["theme"]][row["framework"]].append((row["canonical_level"], row["n_indicators"]))
    rows = [_spread_row(theme, per_fw, template_group) for theme, per_fw in by_theme.items()]
    ranked = sorted((r for r in rows if r["n_frameworks"] >= 2),
                    key=lambda r: (-r["entry_spread"], -r["mean_spread"], -r["n_frameworks"], r["theme"]))
    for rank, row in enumerate(ranked, start=1):
        row["disagreement_rank"] = rank
    return sorted(rows, key=lambda r: (r["disagreement_rank"] is None, r["disagreement_rank"] or 0, r["theme"]))


def _spread_row(theme: str, per_fw: dict[str, list[tuple[int, int]]], template_group: dict[str, str]) -> dict:
    frameworks = sorted(per_fw)
    entry = {fw: min(level for level, _ in per_fw[fw]) for fw in frameworks}
    mean = {fw: sum(lv * n for lv, n in per_fw[fw]) / sum(n for _, n in per_fw[fw]) for fw in frameworks}
    all_levels = [lv for fw in frameworks for lv, _ in per_fw[fw]]
    return {
        "theme": theme, "n_frameworks": len(frameworks),
        "n_template_groups": len({template_group.get(fw, fw) for fw in frameworks}),
        "frameworks": frameworks, "min_level": min(all_levels), "max_level": max(all_levels),
        "entry_levels": [f"{fw}:{entry[fw]}" for fw in frameworks],
        "entry_level_min": min(entry.values()), "entry_level_max": max(entry.values()),
        "entry_spread": max(entry.values()) - min(entry.values()),
        "mean_level_min": round(min(mean.values()), 3), "mean_level_max": round(max(mean.values()), 3),
        "mean_spread": round(max(mean.values()) - min(mean.values()), 3), "disagreement_rank": None,
    }

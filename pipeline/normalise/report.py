"""The normalisation report (OUT/normalised/report.json and report.md): per framework, what could not be
mapped, what was mapped by a fallback rule, how many indicators have no theme or inferred dimensions."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

from pipeline.vocab.levels import LevelMapping, order_conflicts

FALLBACK_METHODS = ("fuzzy", "keyword", "description", "four_levels", "scheme")


def build_report(rows: list[dict], level_maps: dict[str, list[LevelMapping]], docs: list[dict],
                 corrections: dict, skipped: list[dict], group_ids: list[str]) -> dict:
    frameworks: dict[str, dict] = {}
    docs_by_fw: dict[str, list[str]] = {}
    for d in docs:
        docs_by_fw.setdefault(d["framework"], []).append(d["document"])
    for fw in sorted(docs_by_fw):
        fw_rows = [r for r in rows if r["framework"] == fw]
        documents = sorted(docs_by_fw[fw])
        frameworks[fw] = _framework_report(fw_rows, documents, level_maps, group_ids)
    totals = {
        "documents": len(docs), "frameworks": len(frameworks), "indicators": len(rows),
        "unmapped_levels": sum(len(f["unmapped_levels"]) for f in frameworks.values()),
        "unmapped_areas": sum(len(f["unmapped_areas"]) for f in frameworks.values()),
        "unmapped_domains": sum(len(f["unmapped_domains"]) for f in frameworks.values()),
        "untagged": sum(f["untagged"] for f in frameworks.values()),
        "dimensions_inferred": sum(f["dimensions_inferred"] for f in frameworks.values()),
        "corrections_applied": len(corrections["applied"]), "corrections_stale": len(corrections["stale"]),
        "corrections_invalid": len(corrections["invalid"]), "rows_dropped": len(corrections["dropped"]),
        "skipped_documents": len(skipped),
    }
    return {"totals": totals, "frameworks": frameworks, "corrections": corrections, "skipped_documents": skipped}


def _framework_report(rows: list[dict], documents: list[str], level_maps, group_ids) -> dict:
    levels, conflicts = [], []
    for doc in documents:
        maps = level_maps.get(doc, [])
        levels += [{"document": doc, "level_rank": m.rank, "level_label": m.label, "canonical_level": m.canonical,
                    "mapping": m.method, "detail": m.detail} for m in maps]
        conflicts += [f"{doc}: {c}" for c in order_conflicts(maps)]
    unmapped_levels = sorted({lv["level_label"] for lv in levels if lv["canonical_level"] is None}
                             | {r["level_label"] for r in rows if r["canonical_level"] is None})
    fallbacks = {(lv["level_label"], "level", str(lv["canonical_level"]), lv["mapping"], lv["detail"])
                 for lv in levels if lv["mapping"] in FALLBACK_METHODS}
    for r in rows:
        if r["area_mapping"] in FALLBACK_METHODS:
            fallbacks.add((r["area"], "area", r["canonical_area"] or "", r["area_mapping"], ""))
        if r["domain_mapping"] in FALLBACK_METHODS:
            fallbacks.add((r["domain"], "domain", ";".join(r["canonical_dimensions"]), r["domain_mapping"], ""))
    n = len(rows)
    untagged = sum(1 for r in rows if not r["themes"] and not r["protective_themes"])
    theme_counts = Counter(t for r in rows for t in r["themes"])
    protective_counts = Counter(t for r in rows for t in r["protective_themes"])
    mentioned = {g for r in rows for g in r["early_help_groups"]}
    return {
        "documents": documents,
        "indicators": n,
        "levels": levels,
        "unmapped_levels": unmapped_levels,
        "unmapped_areas": sorted({r["area"] for r in rows if r["area_mapping"] == "unmapped"}),
        "unmapped_domains": sorted({r["domain"] for r in rows if r["domain"] and r["domain_mapping"] in
                                    ("unmapped", "inferred")}),
        "fallback_mappings": [{"kind": k, "label": lab, "mapped_to": to, "mapping": m, "detail": d}
                              for lab, k, to, m, d in sorted(fallbacks)],
        "level_order_conflicts": conflicts,
        "no_canonical_level": sum(1 for r in rows if r["canonical_level"] is None),
        "no_canonical_area": sum(1 for r in rows if not r["canonical_area"]),
        "no_dimensions": sum(1 for r in rows if not r["canonical_dimensions"]),
        "dimensions_inferred": sum(1 for r in rows if r["dimensions_inferred"]),
        "untagged": untagged,
        "untagged_share": round(untagged / n, 4) if n else 0.0,
        "protective_indicators": sum(1 for r in rows if r["protective_themes"]),
        "corrected_indicators": sum(1 for r in rows if r["corrections"]),
        "themes": dict(sorted(theme_counts.items())),
        "protective_themes": dict(sorted(protective_counts.items())),
        "early_help_groups_missing": [g for g in group_ids if g not in mentioned],
    }


def report_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def report_markdown(report: dict) -> str:
    t = report["totals"]
    lines = ["# Normalisation report", "",
             f"{t['documents']} documents, {t['frameworks']} frameworks, {t['indicators']} indicators. "
             f"Unmapped labels: {t['unmapped_levels']} levels, {t['unmapped_areas']} areas, "
             f"{t['unmapped_domains']} domains. Indicators without a theme: {t['untagged']}. "
             f"Inferred dimensions: {t['dimensions_inferred']}.", ""]
    for fw, f in report["frameworks"].items():
        lines += [f"## {_md(fw)}", "", f"Documents: {', '.join(map(_md, f['documents']))}", "",
                  f"- indicators: {f['indicators']}",
                  f"- without a theme: {f['untagged']} ({f['untagged_share']:.1%})",
                  f"- protective statements: {f['protective_indicators']}",
                  f"- dimensions inferred from text: {f['dimensions_inferred']}",
                  f"- without a canonical level / area / dimension: {f['no_canonical_level']} / "
                  f"{f['no_canonical_area']} / {f['no_dimensions']}",
                  f"- unmapped levels: {_names(f['unmapped_levels'])}",
                  f"- unmapped areas: {_names(f['unmapped_areas'])}",
                  f"- unmapped domains: {_names(f['unmapped_domains'])}",
                  f"- early-help groups (Working Together 2023) never mentioned: "
                  f"{_names(f['early_help_groups_missing'])}", ""]
        lines += ["| document | rank | level | canonical | mapping |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(lv['document'])} | {_cell(lv['level_rank'])} | {_cell(lv['level_label'])} | "
                  f"{_cell(lv['canonical_level'])} | {lv['mapping']} {_cell(lv['detail'])} |" for lv in f["levels"]]
        lines.append("")
        if f["fallback_mappings"]:
            lines += ["Mapped by a fallback rule (check these):", "", "| kind | label | mapped to | rule |",
                      "|---|---|---|---|"]
            lines += [f"| {m['kind']} | {_cell(m['label'])} | {_cell(m['mapped_to'])} | {m['mapping']} "
                      f"{_cell(m['detail'])} |" for m in f["fallback_mappings"]]
            lines.append("")
        if f["level_order_conflicts"]:
            lines += ["Level order conflicts:", ""] + [f"- {_md(c)}" for c in f["level_order_conflicts"]] + [""]
    c = report["corrections"]
    lines += ["## Corrections", "", f"Applied: {len(c['applied'])}; rows dropped: {len(c['dropped'])}; "
              f"stale (match nothing): {len(c['stale'])}; invalid: {len(c['invalid'])}.", ""]
    lines += [f"- stale: {_md(s['correction'])}" for s in c["stale"]]
    lines += [f"- invalid: {_md(s['correction'])}: {_md(s['reason'])}" for s in c["invalid"]]
    if report["skipped_documents"]:
        lines += ["", "## Interim files skipped", ""]
        lines += [f"- {_md(s['file'])}: {_md(s['reason'])}" for s in report["skipped_documents"]]
    return "\n".join(lines).rstrip("\n") + "\n"


_MARKDOWN = re.compile(r"([\\`*_\[\]#|~])")


def _md(value) -> str:
    """Text from the documents, inert in Markdown: HTML escaped (a renderer must not run a `<script>` in a level
    label or a file name), Markdown's own signs backslashed, one line."""
    text = html.escape(str(value), quote=False).replace("\r", " ").replace("\n", " ")
    return _MARKDOWN.sub(r"\\\1", text)


def _names(items) -> str:
    return ", ".join(f'"{_md(i)}"' for i in items) if items else "none"


def _cell(value) -> str:
    return "" if value is None else _md(value)

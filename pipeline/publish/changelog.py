"""The data changelog: what changed between published versions, appended only when the data change.

changelog.json is a list of editions, oldest first; changelog.md shows them newest first. Editions carry no
timestamps (the release's run record has the time), so the same inputs give the same files. The dataset version
is "<schema_major>.<edition>.0".
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from pipeline.tables import read_table

# table -> the columns that identify a row (per framework counts are reported for these)
KEYED = {"documents": ("document",), "levels": ("document", "level_rank"), "indicators": ("indicator_id",)}


def data_hash(root: Path, files: list[Path]) -> str:
    """One hash over the published data files (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_previous(previous: Path | None) -> list[dict]:
    if previous is None or not (previous / "changelog.json").is_file():
        return []
    try:
        entries = json.loads((previous / "changelog.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    return entries if isinstance(entries, list) else []


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return read_table(path)[1]


def diff_table(old: list[dict], new: list[dict], key: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Per framework: rows added, removed, changed (same key, other values differ) and the new total."""
    def index(rows):
        return {tuple(r.get(k, "") for k in key): r for r in rows}
    before, after = index(old), index(new)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0, "changed": 0, "total": 0})
    for k, row in after.items():
        fw = row.get("framework", "")
        counts[fw]["total"] += 1
        if k not in before:
            counts[fw]["added"] += 1
        elif _comparable(before[k], row) != _comparable(row, before[k]):
            counts[fw]["changed"] += 1
    for k, row in before.items():
        if k not in after:
            counts[row.get("framework", "")]["removed"] += 1
    return {fw: dict(c) for fw, c in sorted(counts.items())}


def _comparable(row: dict, other: dict) -> dict:
    """The values of the columns both versions have (a new column alone is not a change of the row)."""
    return {k: v for k, v in row.items() if k in other}


def build_entry(previous: Path | None, staging: Path, tables: list[str], new_hash: str, version: str,
                previous_version: str | None) -> dict:
    frameworks: dict[str, dict] = defaultdict(dict)
    for table, key in KEYED.items():
        old = _rows(previous / f"{table}.csv") if previous else []
        for fw, counts in diff_table(old, _rows(staging / f"{table}.csv"), key).items():
            if counts["added"] or counts["removed"] or counts["changed"]:
                frameworks[fw][table] = counts
    other = {}
    for table in tables:
        if table in KEYED:
            continue
        old_path = previous / f"{table}.csv" if previous else None
        new_bytes = (staging / f"{table}.csv").read_bytes()
        if old_path is None or not old_path.is_file() or old_path.read_bytes() != new_bytes:
            other[table] = {"rows": len(_rows(staging / f"{table}.csv")),
                            "previous_rows": len(_rows(old_path)) if old_path and old_path.is_file() else None}
    return {"version": version, "previous_version": previous_version, "data_hash": new_hash,
            "frameworks": dict(sorted(frameworks.items())), "tables": other}


def next_edition(entries: list[dict], new_hash: str) -> tuple[int, bool]:
    """(edition number, whether the data changed since the last edition)."""
    if entries and entries[-1].get("data_hash") == new_hash:
        return len(entries), False
    return len(entries) + 1, True


def render_markdown(entries: list[dict]) -> str:
    lines = ["# Data changelog", "", "What changed in the published data from one version to the next "
             "(added / removed / changed rows per framework).", ""]
    for entry in reversed(entries):
        since = f" (since {entry['previous_version']})" if entry.get("previous_version") else " (first edition)"
        lines += [f"## {entry['version']}{since}", ""]
        for fw, tables in entry["frameworks"].items():
            parts = [f"{t} +{c['added']} -{c['removed']} ~{c['changed']} (now {c['total']})" for t, c in tables.items()]
            lines.append(f"- **{fw}**: " + "; ".join(parts))
        for table, info in entry["tables"].items():
            before = "new" if info["previous_rows"] is None else f"{info['previous_rows']} ->"
            lines.append(f"- table `{table}` changed ({before} {info['rows']} rows)")
        if not entry["frameworks"] and not entry["tables"]:
            lines.append("- file formatting changed; no row differs")
        lines.append("")
    return "\n".join(lines)

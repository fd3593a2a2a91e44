"""Analyst corrections (raw_docs/corrections.yaml), applied on every run right after extraction.

A correction picks rows by `indicator_id` (the id of the row as extracted, which a correction never changes),
or by `document` (or `framework`) plus `text` (compared on normalised text, so case, spacing and punctuation
do not matter; optionally narrowed by `level_label`). It then sets fields (`text`, `level_label`, `level_rank`,
`area`, `domain`), changes themes (`themes` replaces them; `add_themes`/`remove_themes` edit them), or drops
the row (`drop: true`). Every change is written to the row's `corrections` column. A correction that matches
nothing is reported as stale; one that cannot be applied is reported as invalid; neither stops the run.
A malformed file stops the run with a DataFileError naming the file and entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.vocab.crosswalk_files import DataFileError, load_yaml, string_list
from pipeline.vocab.keys import clean_text, label_key

SETTABLE = ("text", "level_label", "level_rank", "area", "domain")
MATCH_KEYS = {"indicator_id", "document", "framework", "text", "level_label"}
ENTRY_KEYS = {"match", "set", "themes", "add_themes", "remove_themes", "drop", "note"}


@dataclass
class Correction:
    index: int
    match: dict
    set: dict
    themes: list[str] | None
    add_themes: list[str]
    remove_themes: list[str]
    drop: bool
    note: str

    def describe(self) -> str:
        how = ", ".join(f"{k}={v!r}" for k, v in self.match.items())
        return f"#{self.index + 1} ({how})"

    def selects(self, row: dict) -> bool:
        m = self.match
        if "indicator_id" in m:
            return row["indicator_id"] == m["indicator_id"]
        if "document" in m and row["document"] != m["document"]:
            return False
        if "framework" in m and row["framework"] != m["framework"]:
            return False
        if "level_label" in m and label_key(row["level_label"]) != label_key(m["level_label"]):
            return False
        return label_key(row["text"]) == label_key(m["text"])


@dataclass
class CorrectionsOutcome:
    applied: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"applied": self.applied, "stale": self.stale, "invalid": self.invalid, "dropped": self.dropped}


def load_corrections(path: Path) -> list[Correction]:
    """Read corrections.yaml (it must not link out of its folder); a missing file means no corrections."""
    if not os.path.lexists(path):
        return []
    raw = load_yaml(path, inside=Path(path).parent)
    entries = raw.get("corrections")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise DataFileError(path, "corrections: expected a list")
    return [_parse(entry, i, path) for i, entry in enumerate(entries)]


def _parse(entry, i: int, path) -> Correction:
    where = f"corrections[{i + 1}]"
    if not isinstance(entry, dict):
        raise DataFileError(path, f"{where}: expected a mapping")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise DataFileError(path, f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(ENTRY_KEYS)})")
    match = entry.get("match")
    if not isinstance(match, dict) or not match or set(match) - MATCH_KEYS:
        raise DataFileError(path, f"{where}.match: give indicator_id, or document/framework and text")
    if "indicator_id" not in match and not (("document" in match or "framework" in match) and "text" in match):
        raise DataFileError(path, f"{where}.match: give indicator_id, or document/framework and text")
    changes = entry.get("set") or {}
    if not isinstance(changes, dict) or set(changes) - set(SETTABLE):
        raise DataFileError(path, f"{where}.set: only {', '.join(SETTABLE)} can be set")
    rank = changes.get("level_rank", 0)
    if not isinstance(rank, int) or isinstance(rank, bool):
        raise DataFileError(path, f"{where}.set.level_rank: must be an integer")
    texts = [(f"match.{k}", v) for k, v in match.items()] + [(f"set.{k}", v) for k, v in changes.items()
                                                               if k != "level_rank"]
    if entry.get("note") is not None:
        texts.append(("note", entry["note"]))
    for key, value in texts:
        if not isinstance(value, str):  # a list or mapping would be written into the data as its repr
            raise DataFileError(path, f"{where}.{key}: must be text, not {type(value).__name__} (quote it)")
    drop = entry.get("drop", False)
    if not isinstance(drop, bool):
        raise DataFileError(path, f"{where}.drop: must be true or false")
    themes = entry.get("themes")
    correction = Correction(
        index=i, match={k: str(v) for k, v in match.items()},
        set={k: (v if k == "level_rank" else clean_text(v)) for k, v in changes.items()},
        themes=None if themes is None else string_list(themes, path, f"{where}.themes"),
        add_themes=string_list(entry.get("add_themes"), path, f"{where}.add_themes"),
        remove_themes=string_list(entry.get("remove_themes"), path, f"{where}.remove_themes"),
        drop=drop, note=clean_text(entry.get("note")),
    )
    has_change = correction.set or correction.themes is not None or correction.add_themes or correction.remove_themes
    if drop and has_change:
        raise DataFileError(path, f"{where}: a dropped row cannot also be changed")
    if not drop and not has_change:
        raise DataFileError(path, f"{where}: nothing to do (give set, themes, add_themes, remove_themes or drop)")
    return correction


def apply_field_corrections(rows: list[dict], corrections: list[Correction], levels_by_doc: dict[str, list[dict]],
                            known_themes: set[str]) -> tuple[list[dict], CorrectionsOutcome]:
    """Apply drops and field changes; theme changes are queued on the row under "_theme_ops" and applied
    after tagging by apply_theme_corrections. Returns the kept rows and what happened."""
    outcome = CorrectionsOutcome()
    dropped_ids: set[str] = set()
    for c in corrections:
        hits = [r for r in rows if r["indicator_id"] not in dropped_ids and c.selects(r)]
        if not hits:
            outcome.stale.append({"correction": c.describe(), "note": c.note})
            continue
        problem = _problem(c, hits, levels_by_doc, known_themes)
        if problem:
            outcome.invalid.append({"correction": c.describe(), "reason": problem, "note": c.note})
            continue
        for row in hits:
            if c.drop:
                dropped_ids.add(row["indicator_id"])
                outcome.dropped.append({"indicator_id": row["indicator_id"], "document": row["document"],
                                        "text": row["text"], "note": c.note})
                continue
            _apply_fields(row, c, levels_by_doc.get(row["document"], []))
        if not c.drop:
            outcome.applied.append({"correction": c.describe(), "rows": [r["indicator_id"] for r in hits],
                                    "note": c.note})
    return [r for r in rows if r["indicator_id"] not in dropped_ids], outcome


def _problem(c: Correction, hits, levels_by_doc, known_themes) -> str:
    unknown = [t for t in (c.themes or []) + c.add_themes + c.remove_themes if t not in known_themes]
    if unknown:
        return f"unknown theme ids {unknown}"
    for row in hits:
        levels = levels_by_doc.get(row["document"], [])
        if "level_label" in c.set and "level_rank" not in c.set and _rank_of(c.set["level_label"], levels) is None:
            return f"level {c.set['level_label']!r} is not a level of {row['document']}"
        if "level_rank" in c.set and not any(lv.get("rank") == c.set["level_rank"] for lv in levels):
            return f"rank {c.set['level_rank']} is not a level of {row['document']}"
    return ""


def _rank_of(label: str, levels: list[dict]) -> int | None:
    ranks = {lv.get("rank") for lv in levels if label_key(lv.get("label")) == label_key(label)}
    return ranks.pop() if len(ranks) == 1 else None


def _apply_fields(row: dict, c: Correction, levels: list[dict]) -> None:
    changes = dict(c.set)
    if "level_rank" in changes and "level_label" not in changes:
        changes["level_label"] = next(lv.get("label") or "" for lv in levels if lv.get("rank") == changes["level_rank"])
    elif "level_label" in changes and "level_rank" not in changes:
        changes["level_rank"] = _rank_of(changes["level_label"], levels)
    notes = []
    for key in ("text", "level_label", "level_rank", "area", "domain"):
        if key in changes and changes[key] != row[key]:
            notes.append(f"{key}: {row[key]!r} -> {changes[key]!r}")
            row[key] = changes[key]
    if c.themes is not None or c.add_themes or c.remove_themes:
        row.setdefault("_theme_ops", []).append(c)
    _note(row, notes, c)


def _note(row: dict, notes: list[str], c: Correction) -> None:
    if c.note:
        notes.append(f"note: {c.note}")
    if notes:
        row["corrections"] = "; ".join(filter(None, [row.get("corrections", ""), *notes]))


def apply_theme_corrections(row: dict, themes: list[str], protective: list[str]) -> tuple[list[str], list[str]]:
    """Apply queued theme corrections to one row's tagged (concern, protective) themes; `themes` replaces the
    concerns, `add_themes` adds concerns, `remove_themes` removes from both. Records the change."""
    ops = row.pop("_theme_ops", [])
    if not ops:
        return themes, protective
    concerns, kept = set(themes), set(protective)
    for c in ops:
        if c.themes is not None:
            concerns = set(c.themes)
        concerns |= set(c.add_themes)
        concerns -= set(c.remove_themes)
        kept -= set(c.remove_themes) | concerns
    new, new_protective = sorted(concerns), sorted(kept)
    if new != themes or new_protective != protective:
        note = f"themes: {';'.join(themes) or '-'} -> {';'.join(new) or '-'}"
        if new_protective != protective:
            note += f"; protective_themes: {';'.join(protective) or '-'} -> {';'.join(new_protective) or '-'}"
        row["corrections"] = "; ".join(filter(None, [row.get("corrections", ""), note]))
    return new, new_protective

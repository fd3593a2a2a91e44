"""`threshold diff OLD NEW`: what changed between any two documents (two editions of a framework).

Both documents are extracted and normalised in a scratch folder with their manifest hints (when their folder's
manifest lists them), then diffed as editions (pipeline.compare.editions): nothing is written to the release.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml

from pipeline.compare import editions
from pipeline.compare.io import load_normalised
from pipeline.errors import InputFileError
from pipeline.manifest import MANIFEST_NAME, load_manifest
from pipeline.runner_limits import Limits

SIDES = ("before", "after")


class DiffError(InputFileError):
    """A document could not be diffed; the message names it and says why."""


def resolve(document: Path, raw_docs: Path) -> Path:
    """A path as given, else a file of that name in raw_docs."""
    path = Path(document)
    if path.is_file():
        return path
    if (Path(raw_docs) / path.name).is_file():
        return Path(raw_docs) / path.name
    raise DiffError(f"{document}: no such document (here or in {raw_docs})")


def _manifest_entry(path: Path, name: str) -> dict:
    """The document's hints from its folder's manifest, as manifest fields under its scratch name."""
    entry = load_manifest(path.parent).get(path.name, {}) if (path.parent / MANIFEST_NAME).is_file() else {}
    hints = dict(entry.get("hints") or {})
    if "pages" in hints:
        hints["pages"] = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in hints["pages"])
    return {"file": name, "framework": "diff", **hints}


def diff_documents(old: Path, new: Path, raw_docs: Path = Path("raw_docs"), limits: Limits | None = None) -> dict:
    """Extract, normalise and diff two documents. Returns {"before", "after", "changes", "counts"}; raises
    DiffError naming the document that is missing or could not be extracted."""
    from pipeline.extract.stage import run_extract
    from pipeline.normalise import run_normalise

    paths = [resolve(old, raw_docs), resolve(new, raw_docs)]
    names = [p.name for p in paths]
    if names[0] == names[1]:  # two folders' copies of one name: told apart in the scratch folder
        names = [f"{side}-{name}" for side, name in zip(SIDES, names)]
    with tempfile.TemporaryDirectory(prefix="threshold-diff-") as scratch:
        folder, out = Path(scratch) / "raw_docs", Path(scratch) / "out"
        folder.mkdir()
        for path, name in zip(paths, names):
            shutil.copyfile(path, folder / name)
        manifest = {"documents": [_manifest_entry(p, n) for p, n in zip(paths, names)]}
        (folder / MANIFEST_NAME).write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
        summary = run_extract(folder, out, jobs=2, use_cache=False, progress=False, limits=limits or Limits())
        for failure in summary["failures"]:
            original = paths[names.index(failure["document"])]
            raise DiffError(f"{original}: not diffed ({failure['reason'] or failure['status']}; the extract stage said "
                            "why above)")
        run_normalise(folder, out)
        indicators = load_normalised(out).indicators
    bullets = [editions.bullets_of(indicators, name) for name in names]
    rows = editions.diff("", paths[0].name, paths[1].name, *bullets)
    return {"before": str(paths[0]), "after": str(paths[1]), "changes": rows,
            "counts": editions.change_counts(rows), "indicators": [len(b) for b in bullets]}


def render(result: dict) -> str:
    """The diff as text: counts per change, then the changes grouped by level."""
    lines = [f"{result['before']} ({result['indicators'][0]} indicators) -> {result['after']} "
             f"({result['indicators'][1]} indicators)"]
    if not result["changes"]:
        return "\n".join(lines + ["no change: the two documents hold the same bullets at the same levels"])
    lines.append(", ".join(f"{n} {kind}" for kind, n in result["counts"].items()))
    for level, rows in editions.by_level(result["changes"]):
        lines += ["", f"{level}:"]
        lines += [f"  {_line(row)}" for row in rows]
    return "\n".join(lines)


def _line(row: dict) -> str:
    change = row["change"]
    if change == "regrouped":
        return f"regrouped  '{row['group_before']}' -> '{row['group_after']}' ({row['reason']})"
    if change in ("added", "removed"):
        side = "after" if change == "added" else "before"
        return f"{change:<10} {row['text_' + side]}{_where(row, side)}"
    text = row["text_before"] if row["text_before"] == row["text_after"] else \
        f"{row['text_before']}\n             -> {row['text_after']}"
    moved = f"  (from '{row['level_before']}')" if change == "moved" else ""
    return f"{change:<10} {text}{moved}{_where(row, 'before', 'after')}"


def _where(row: dict, *sides: str) -> str:
    pages = [str(row[f"page_{side}"]) for side in sides if row.get(f"page_{side}") is not None]
    return f"  (p. {' -> '.join(pages)})" if pages else ""

"""Extract stage: every PDF in the input folder -> OUT/interim/<stem>.json, with a status for each document.

Per document: cheap checks on the bytes (preflight.check_file), the file's sha256, then the cache
(OUT/.cache/extract/, keyed on the file hash and the extraction code's hash); on a miss, a worker process runs
preflight.check_pdf and pipeline.extract.extract_document under a time and a memory limit. A document that
fails gets a one-line error on stderr naming the file and the reason; the others complete.

Files written (all atomically, all deterministic except run-record.json):
  OUT/interim/<stem>.json   one interim record per document that extracted (stale ones are removed)
  OUT/interim/run.json      status of every document: ok | failed | skipped, with reason and detail
  OUT/interim/indicators.csv  the interim records as one table (see write_interim_table)
  OUT/run-record.json       timings, cache hits and versions under the key "extract"
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pipeline
from pipeline.errors import REASONS, DocumentError, printable, reason_text
from pipeline.extract.formats import sniff
from pipeline.extract import settings as extraction_settings
from pipeline.extract.preflight import Limits, check_file, check_kind, check_pdf, classify
from pipeline.extract.settings import SETTINGS
from pipeline.manifest import MANIFEST_NAME, Document, inventory, sha256_file
from pipeline.runner import Outcome, run_isolated
from pipeline.runner_files import atomic_write_json, atomic_write_text, dump_json, folder_lock, remove_stale_tmp
from pipeline.tables import TableFile

INTERIM_DIR = "interim"
CACHE_DIR = Path(".cache") / "extract"
RUN_FILE = "run.json"
RUN_RECORD = "run-record.json"
STAGE_REASONS = {
    **REASONS,
    "duplicate": "the same file as another document",
    "missing": f"listed in {MANIFEST_NAME} but not found",
    "outside": "a link to a file outside the input folder",
    "name_clash": "its interim file name clashes with another document's",
    "bad_name": "the file name is not valid UTF-8 text; rename the file",
}
MAX_STEM = 120  # bytes of a document's name kept in its interim file name (file names stop at 255)
RUNNER_REASONS = {"timeout": "timeout", "memory": "memory", "crashed": "error", "error": "error"}


@dataclass
class DocResult:
    doc: Document
    status: str = "ok"  # ok | failed | skipped
    reason: str = ""
    detail: str = ""
    sha256: str = ""
    record: dict | None = None
    cached: bool = False
    seconds: float = 0.0
    kind: str | None = None  # pdf | docx | html, once the content says

    def fail(self, reason: str, detail: str = "", status: str = "failed") -> "DocResult":
        self.status, self.reason, self.detail, self.record = status, reason, detail, None
        return self

    @property
    def message(self) -> str:
        text = reason_text(self.reason, self.kind) if self.reason in REASONS else STAGE_REASONS.get(self.reason,
                                                                                                   self.reason)
        return printable(f"{self.doc.file}: {text}" + (f" ({self.detail})" if self.detail else ""))


def run_extract(raw_docs: Path, out: Path, *, jobs: int = 2, use_cache: bool = True, progress: bool = True,
                limits: Limits | None = None, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Extract every PDF in `raw_docs` into `out`; returns the run summary (see summarise). `settings`:
    overrides of extraction settings (pipeline/extract/settings.py) for an experiment; ValueError for an unknown
    name or a value that is not a number."""
    raw_docs, out, limits = Path(raw_docs), Path(out), limits or Limits()
    overrides = extraction_settings.resolve(settings or {})
    started, clock = datetime.now(timezone.utc), time.monotonic()
    found = inventory(raw_docs)  # raises ManifestError for an untrustworthy manifest
    for warning in found.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    import pipeline.extract  # noqa: F401  (imported once here, so forked workers share it)
    from pipeline.extract.evidence import warm_up

    warm_up()  # the theme tagger that judges bullets without level words, built once for every worker

    version = code_version(overrides)
    with folder_lock(out):
        interim, cache = out / INTERIM_DIR, out / CACHE_DIR
        for folder in (interim, cache):
            folder.mkdir(parents=True, exist_ok=True)
            remove_stale_tmp(folder)
        results = [DocResult(doc) for doc in found.documents]
        bar = _Progress(len(results), progress)
        todo = _prepare(results, raw_docs, cache if use_cache else None, version, limits, bar)
        by_file = {r.doc.file: r for r in results}

        def done(name: str, outcome: Outcome) -> None:
            result = by_file[name]
            _accept(result, outcome)
            if result.status == "ok" and use_cache:
                atomic_write_json(cache / _cache_name(result, version), result.record)
            bar.advance(result)

        try:
            run_isolated([(r.doc.file, (str(r.doc.path), limits, r.doc.hints, overrides)) for r in todo],
                         _extract_in_worker,
                         jobs=jobs, timeout_s=limits.timeout_s, memory_mb=limits.memory_mb,
                         on_done=done, on_tick=bar.refresh)
        finally:
            bar.close()
        missing = [_missing(found.entries[name], raw_docs) for name in found.missing]
        _write_outputs(out, results, missing)
        if use_cache:
            _prune_cache(cache, version)
        _write_run_record(out, results, version, jobs, started, time.monotonic() - clock)
    return summarise(results + missing, found.warnings, time.monotonic() - clock)


def _prepare(results: list[DocResult], raw_docs: Path, cache: Path | None, version: str, limits: Limits,
             bar: "_Progress") -> list[DocResult]:
    """Checks in the main process; returns the documents that need a worker."""
    root, stems, hashes, todo = raw_docs.resolve(), {}, {}, []
    for result in results:
        doc = result.doc
        stem = interim_stem(doc.file).lower()
        try:
            check_kind(doc.path)
            if doc.file != doc.path.name:
                result.fail("bad_name")
            elif not doc.path.resolve().is_relative_to(root):
                result.fail("outside", f"{doc.path.resolve()}")
            elif stem in stems:
                result.fail("name_clash", f"same name as {stems[stem]}; rename one of them")
            elif f"{stem}.json" == RUN_FILE:
                result.fail("name_clash", f"{INTERIM_DIR}/{RUN_FILE} is reserved; rename the file")
            else:
                stems[stem] = doc.file
                result.kind = check_file(doc.path, limits)
                result.sha256 = sha256_file(doc.path)
                if result.sha256 in hashes:
                    result.fail("duplicate", f"identical to {hashes[result.sha256]}", status="skipped")
                else:
                    hashes[result.sha256] = doc.file
        except DocumentError as exc:
            result.fail(exc.reason, exc.detail)
        except OSError as exc:
            result.fail("error", f"cannot read the file: {exc.strerror or exc}")
        if result.status != "ok":
            bar.advance(result)
            continue
        record = _cache_get(cache / _cache_name(result, version)) if cache else None
        if record is not None:
            result.record, result.cached = record, True
            bar.advance(result)
        else:
            todo.append(result)
    return todo


def _extract_in_worker(path: str, limits: Limits, hints: dict, overrides: dict) -> dict:
    """Runs in the worker process: open-time checks, then the extractor (under the settings' overrides)."""
    import pipeline.extract as extract

    try:
        info = check_pdf(Path(path), limits) if sniff(Path(path)) == "pdf" else None
        with extraction_settings.overridden(overrides):
            record = extract.extract_document(Path(path), hints, limits)
    except MemoryError:
        raise
    except Exception as exc:
        error = classify(exc)
        return {"status": "failed", "reason": error.reason, "detail": error.detail}
    return {"status": "ok", "record": record, "pages": info.pages if info else record.get("pages"),
            "textless": info.textless_pages if info else []}


def _accept(result: DocResult, outcome: Outcome) -> None:
    """Turn a worker's outcome into the document's status and interim record."""
    result.seconds = outcome.seconds
    if outcome.status != "done":
        result.fail(RUNNER_REASONS.get(outcome.status, "error"), str(outcome.value))
        return
    value = outcome.value
    if value["status"] != "ok":
        result.fail(value["reason"], value["detail"])
        return
    record, problem = value["record"], _record_problem(value["record"])
    if problem:
        result.fail("error", f"the extractor returned {problem}")
        return
    if not record["indicators"]:
        result.fail("no_indicators", "; ".join(record.get("warnings") or [])[:200])
        return
    record = dict(record)
    record.setdefault("pages", value["pages"])
    if value["textless"]:
        pages = ", ".join(map(str, value["textless"]))
        record["warnings"] = list(record.get("warnings") or []) + [f"no text layer on page(s) {pages}"]
    result.record = record


def _record_problem(record: Any) -> str:
    if not isinstance(record, dict):
        return f"a {type(record).__name__}, not a record"
    for key, kind in (("levels", list), ("indicators", list)):
        if not isinstance(record.get(key), kind):
            return f"no {key!r} list"
    return ""


def interim_record(result: DocResult) -> dict:
    """The interim file's content: identity first, then what the extractor produced."""
    record = result.record or {}
    head = {"document": result.doc.file, "framework": result.doc.framework, "published": result.doc.published,
            "sha256": result.sha256,
            "pages": record.get("pages"), "levels": record["levels"], "indicators": record["indicators"],
            "warnings": list(record.get("warnings") or [])}
    return head | {k: v for k, v in record.items() if k not in head}


def _status_row(result: DocResult) -> dict:
    record = result.record or {}
    structure = record.get("structure") or {}
    return {"document": result.doc.file, "framework": result.doc.framework, "status": result.status,
            "reason": result.reason, "detail": result.detail, "pages": record.get("pages"),
            "indicators": len(record.get("indicators") or []), "reading": structure.get("reading"),
            "confidence": structure.get("confidence")}


def _missing(entry: dict[str, str], raw_docs: Path) -> DocResult:
    doc = Document(file=entry["file"], path=raw_docs / entry["file"], framework=entry["framework"], listed=True)
    return DocResult(doc).fail("missing", f"not in {raw_docs}", status="skipped")


def _write_outputs(out: Path, results: list[DocResult], missing: list[DocResult]) -> None:
    """Interim files for the documents that extracted, stale ones removed, then the run status file."""
    interim = out / INTERIM_DIR
    keep = {RUN_FILE}
    ok = [r for r in results if r.status == "ok"]
    for result in ok:
        name = f"{interim_stem(result.doc.file)}.json"
        keep.add(name)
        atomic_write_json(interim / name, interim_record(result))
    for stale in interim.glob("*.json"):
        if stale.name not in keep and _is_interim_record(stale):  # never another's file
            stale.unlink()
    records = [interim_record(r) for r in ok]
    write_interim_table(records, interim / "indicators.csv")
    rows = sorted((_status_row(r) for r in results + missing), key=lambda row: row["document"])
    atomic_write_json(interim / RUN_FILE, {"documents": rows})


def _is_interim_record(path: Path) -> bool:
    """Whether the file is an interim record this stage wrote (dump_json of interim_record starts so)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b'{\n  "document": '
    except OSError:
        return False


def interim_stem(file: str) -> str:
    """The document's interim file name without .json: its own name's stem, shortened (with a hash of the whole
    name) when too long for a file name."""
    stem = Path(file).stem
    if len(stem.encode()) <= MAX_STEM:
        return stem
    short = stem.encode()[:MAX_STEM - 11].decode("utf-8", "ignore")
    return f"{short}-{hashlib.sha256(file.encode()).hexdigest()[:10]}"


INTERIM_COLUMNS = ("document", "framework", "page", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "locator",
                   "seq", "level_label", "level_rank", "area", "domain", "text")


def write_interim_table(records: list[dict], path: Path) -> None:
    """The interim indicators of all documents as one CSV, for a look before normalising (by the table contract,
    pipeline/tables.py: floats to 2 decimals)."""
    rows = []
    for record in sorted(records, key=lambda r: r["document"]):
        for item in sorted(record["indicators"], key=lambda i: i.get("seq", 0)):
            bbox = dict(zip(INTERIM_COLUMNS[3:7], item.get("bbox") or ()))
            rows.append({**item, **bbox, "document": record["document"], "framework": record["framework"]})
    TableFile.of(INTERIM_COLUMNS).write(path, rows, with_json=False)


def code_version(overrides: dict[str, Any] | None = None) -> str:
    """Hash of the extraction code, its vocabularies, the package version and any settings overrides: a change
    to any of them invalidates the cache."""
    digest = hashlib.sha256(pipeline.__version__.encode() + extraction_settings.fingerprint(overrides or {}).encode())
    package = Path(pipeline.__file__).parent
    # extraction reads the vocabularies (pipeline/vocab over the crosswalks and themes)
    sources = [package / "errors.py", *sorted((package / "extract").rglob("*")), *sorted((package / "vocab").rglob("*")),
               *(package / "data" / name for name in ("level_crosswalk.yaml", "domain_crosswalk.yaml", "themes.yaml"))]
    for path in sources:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cache_name(result: DocResult, version: str) -> str:
    """The file's hash, its analyst hints' hash and the code version: a change to any of them re-extracts."""
    hints = hashlib.sha256(json.dumps(result.doc.hints, sort_keys=True).encode()).hexdigest()[:12]
    return f"{result.sha256}-{hints}-{version[:16]}.json"


def _cache_get(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if _record_problem(record) or not record["indicators"] else record


def _prune_cache(cache: Path, version: str) -> None:
    """Drop entries made by other code versions."""
    for entry in cache.glob("*.json"):
        if not entry.stem.endswith(f"-{version[:16]}"):
            entry.unlink(missing_ok=True)


def _write_run_record(out: Path, results: list[DocResult], version: str, jobs: int, started: datetime,
                      seconds: float) -> None:
    """Non-deterministic facts (times, cache hits, versions) go here, never into the data files."""
    path = out / RUN_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        record = record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        record = {}
    record["extract"] = {
        "started": started.isoformat(timespec="seconds"), "seconds": round(seconds, 3), "jobs": jobs,
        "pipeline_version": pipeline.__version__, "code_version": version, "python": platform.python_version(),
        "cache_hits": sum(r.cached for r in results),
        "documents": {r.doc.file: {"status": r.status, "seconds": round(r.seconds, 3), "cached": r.cached}
                      for r in results},
    }
    atomic_write_text(path, dump_json(record))


def summarise(results: list[DocResult], warnings: list[str], seconds: float) -> dict[str, Any]:
    """Counts for the end-of-run summary: documents by status, pages, indicators per level rank."""
    levels: dict[int, dict] = defaultdict(lambda: {"labels": [], "indicators": 0})
    pages = 0
    for result in results:
        record = result.record or {}
        pages += record.get("pages") or 0
        for item in record.get("indicators") or []:
            level = levels[item.get("level_rank") or 0]
            level["indicators"] += 1
            if item.get("level_label") and item["level_label"] not in level["labels"]:
                level["labels"].append(item["level_label"])
    statuses = [r.status for r in results]
    return {
        "documents": len(results), "ok": statuses.count("ok"), "failed": statuses.count("failed"),
        "skipped": statuses.count("skipped"), "pages": pages,
        "indicators": sum(level["indicators"] for level in levels.values()),
        "levels": [{"rank": rank, **levels[rank]} for rank in sorted(levels)],
        "failures": [{"document": r.doc.file, "status": r.status, "reason": r.reason, "message": r.message}
                     for r in results if r.status != "ok"],
        "low_confidence": [{"document": r.doc.file, **r.record["structure"]} for r in results
                           if r.record and (r.record.get("structure") or {}).get("confidence", 1) < SETTINGS.low_confidence],
        "warnings": list(warnings), "cached": sum(r.cached for r in results), "seconds": round(seconds, 2),
    }


@dataclass
class _Progress:
    """A progress bar over documents on an interactive stderr; failures are printed as one line each."""

    total: int
    enabled: bool
    bar: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        if not (self.enabled and self.total):
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        if console.is_terminal:  # no refresh thread (auto_refresh=False): workers are forked
            self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), console=console, auto_refresh=False)
            self.task = self.bar.add_task("", total=self.total)
            self.bar.start()

    def advance(self, result: DocResult) -> None:
        if result.status != "ok":
            line = f"{'error' if result.status == 'failed' else 'skipped'}: {result.message}"
            if self.bar:
                self.bar.console.print(line, markup=False, highlight=False)
            else:
                print(line, file=sys.stderr)
        if self.bar:
            self.bar.update(self.task, advance=1, description=printable(result.doc.file))
            self.bar.refresh()

    def refresh(self) -> None:
        if self.bar:
            self.bar.refresh()

    def close(self) -> None:
        if self.bar:
            self.bar.stop()

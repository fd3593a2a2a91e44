"""The publish stage: build the published files in a staging folder, validate them (great-expectations
checkpoint, Frictionless, JSON Schema), then make them the current release atomically (release.py).

The gate judges per document: documents whose rows break a critical expectation are held back (left out of
every table, the comparison recomputed without them) and named with the expectation in the summary, the
release record and the report, and the rest is built and validated again. A failure that remains without naming
a document, or one that would leave nothing to publish, refuses the whole release.

    run_publish(raw_docs, out) -> summary dict      (raises PublishValidationError when the gate refuses)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path

import pipeline
from pipeline.publish import changelog, datadocs, report, validate
from pipeline.publish.datapackage import TREE_SCHEMA, descriptor, schema_text, table_json_schema, tree_json_schema
from pipeline.publish.inputs import Inputs, load_inputs, without_documents
from pipeline.publish.release import STAGING_PREFIX, Releases, step
from pipeline.publish.sqlite import write_datasette_metadata, write_sqlite
from pipeline.publish.tables import Table, build_tables, write_framework_trees, write_table
from pipeline.schema import load_dataset, load_specs

FAILED_DOCS = "failed-validation"


class PublishValidationError(RuntimeError):
    """The validation gate refused the new release; the previous release is untouched."""

    def __init__(self, failures: list[str], docs: Path | None) -> None:
        self.failures = failures
        self.docs = docs
        shown = "\n".join(f"  - {f}" for f in failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        where = f"\nData Docs of the refused run: {docs / 'index.html'}" if docs else ""
        super().__init__(f"validation failed, nothing was published ({len(failures)} failure(s)):\n{shown}{more}"
                         f"{where}")


def _versions() -> dict[str, str]:
    out = {"pipeline": pipeline.__version__, "python": platform.python_version()}
    for package in ("great-expectations", "frictionless", "pandas", "pdfplumber", "jsonschema"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = ""
    return out


def _write_files(staging: Path, tables: dict[str, Table]) -> tuple[list[Path], list[Path]]:
    """Tables (CSV + JSON), per-framework trees and JSON Schemas; returns (data files, trees)."""
    data_files = []
    for table in tables.values():
        data_files += write_table(staging, table)
    trees = write_framework_trees(staging / "frameworks", tables)
    schemas = staging / "schemas"
    schemas.mkdir()
    for table in tables.values():
        (schemas / f"{table.name}.schema.json").write_text(schema_text(table_json_schema(table.spec)),
                                                           encoding="utf-8", newline="")
    (schemas / TREE_SCHEMA).write_text(schema_text(tree_json_schema(load_specs())), encoding="utf-8", newline="")
    return data_files + trees, trees


def _changelog(staging: Path, previous: Path | None, data_files: list[Path], tables: dict[str, Table]) -> dict:
    entries = changelog.read_previous(previous)
    new_hash = changelog.data_hash(staging, data_files)
    edition, changed = changelog.next_edition(entries, new_hash)
    version = f"{load_dataset().get('schema_major', 1)}.{edition}.0"
    if changed:
        entries.append(changelog.build_entry(previous, staging, list(tables), new_hash, version,
                                             entries[-1]["version"] if entries else None))
    (staging / "changelog.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8", newline="")
    (staging / "changelog.md").write_text(changelog.render_markdown(entries), encoding="utf-8", newline="")
    return {"version": version, "changed": changed, "data_hash": new_hash}


def _gate(staging: Path, tables: dict[str, Table], inputs: Inputs, trees: list[Path]) -> validate.GateResult:
    specs = {name: t.spec for name, t in tables.items()}
    rows = {name: validate.read_back(staging / f"{name}.csv", t.spec) for name, t in tables.items()}
    frames = validate.build_frames(rows, specs, inputs.page_sizes, inputs.pdf_sha256)
    result = validate.run_checkpoint(frames, validate.parameters(rows), staging / "data_docs",
                                     {name: t.spec.stage for name, t in tables.items()})
    datadocs.make_offline(staging / "data_docs")
    result.add_failures(validate.frictionless_errors(staging / "datapackage.json"))
    schemas = {f"{name}.json": staging / "schemas" / f"{name}.schema.json" for name in tables}
    schemas.update({f"frameworks/{p.name}": staging / "schemas" / TREE_SCHEMA for p in trees})
    result.add_failures(validate.json_schema_errors(staging, schemas))
    return result


def _keep_failed_docs(releases: Releases, staging: Path) -> Path | None:
    target = releases.root / FAILED_DOCS
    shutil.rmtree(target, ignore_errors=True)
    if (staging / "data_docs").is_dir():
        shutil.move(str(staging / "data_docs"), str(target))
        return target
    return None


def _run_record(staging: Path, raw_docs: Path, out: Path, meta: dict, gate: validate.GateResult,
                warnings: list[str], notes: list[str], held: dict[str, list[str]]) -> dict:
    files = sorted(p for p in staging.rglob("*") if p.is_file() and "data_docs" not in p.parts)
    record = {
        "published_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "version": meta["version"], "data_changed": meta["changed"], "data_hash": meta["data_hash"],
        "raw_docs": os.path.relpath(Path(raw_docs).resolve(), Path(out).resolve()),  # no local absolute path
        "software": _versions(),
        "validation": {"expectations_evaluated": gate.evaluated, "failures": gate.failures,
                       "warnings": gate.warnings, "skipped": gate.skipped},
        "held_back": _held_rows(held), "warnings": warnings, "recovered": notes,
        "files": {p.relative_to(staging).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
    }
    (staging / "release.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def _held_rows(held: dict[str, list[str]]) -> list[dict]:
    return [{"document": document, "failures": failures} for document, failures in sorted(held.items())]


def _build(releases: Releases, inputs: Inputs, held: dict[str, list[str]], raw_docs: Path, out: Path):
    """Write a complete release into a new staging folder and run the gate on it."""
    warnings = list(inputs.warnings)
    tables = build_tables(inputs, warnings)
    staging = releases.new_staging()
    try:
        data_files, trees = _write_files(staging, tables)
        write_sqlite(tables, staging)  # threshold.sqlite: every table, keys, indexes, FTS5, views
        write_datasette_metadata(tables, staging)  # metadata.json for datasette
        meta = _changelog(staging, releases.current(), data_files, tables)
        dp = descriptor(staging, tables, trees, meta["version"])
        (staging / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False, indent=1) + "\n",
                                                  encoding="utf-8", newline="")
        run = inputs.run + [{"document": document, "status": "held back", "reason": "validation",
                             "detail": "; ".join(failures)} for document, failures in sorted(held.items())]
        (staging / "report.html").write_text(
            report.render(tables, out=out, raw_docs=raw_docs, version=meta["version"],
                          title=load_dataset()["title"], run=run,
                          normalisation=inputs.normalisation_report), encoding="utf-8", newline="")
        step("staged")
        return staging, tables, meta, warnings, _gate(staging, tables, inputs, trees)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def run_publish(raw_docs: Path, out: Path) -> dict:
    """Publish OUT's stage outputs as a validated release at the top of OUT. Returns a summary (documents held
    back by the gate under "held_back"); raises PublishValidationError (nothing published, previous release
    intact) when validation fails for the release as a whole."""
    raw_docs, out = Path(raw_docs), Path(out)
    releases = Releases(out)
    with releases.lock():
        notes = releases.recover()
        inputs = load_inputs(raw_docs, out)
        held: dict[str, list[str]] = {}
        work = releases.root / f"{STAGING_PREFIX}{os.getpid()}-compare"
        try:
            while True:
                staging, tables, meta, warnings, gate = _build(releases, inputs, held, raw_docs, out)
                culprits = gate.culprits()
                left = {r["document"] for r in tables["documents"].rows} - set(culprits)
                if not culprits or not left or set(culprits) <= set(held):
                    break
                shutil.rmtree(staging, ignore_errors=True)
                held.update(culprits)
                inputs = without_documents(inputs, set(held), work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        try:
            if not gate.success:
                docs = _keep_failed_docs(releases, staging)
                print("publish: validation failed, nothing was published:\n" + gate.summary(), file=sys.stderr)
                raise PublishValidationError(gate.failures, docs)
            if gate.warnings:
                print("publish: validation warnings (published anyway):\n" + gate.summary(), file=sys.stderr)
            step("validated")
            _run_record(staging, raw_docs, out, meta, gate, warnings, notes, held)
            release = releases.commit(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        shutil.rmtree(releases.root / FAILED_DOCS, ignore_errors=True)
    return {
        "release": release.name, "version": meta["version"], "data_changed": meta["changed"],
        "tables": {name: len(t.rows) for name, t in tables.items()},
        "frameworks": len(tables["frameworks"].rows), "documents": len(tables["documents"].rows),
        "documents_held_back": len(held), "indicators": len(tables["indicators"].rows),
        "expectations": gate.evaluated, "skipped_expectations": len(gate.skipped),
        "validation_warnings": gate.warnings, "warnings": warnings, "recovered": notes,
        "held_back": _held_rows(held),
    }

"""The validation gate: great-expectations suites (pipeline/data/expectations/<table>.json) run as one
checkpoint over the staged tables, then Frictionless validation of datapackage.json and JSON Schema validation
of every JSON file. Nothing is published unless all three pass.

Each table is validated as read back from the staged CSV (what will be published), plus a few derived columns
that let single-table expectations check cross-table facts: foreign keys (through suite parameters holding the
referenced keys), page numbers against the document's page count, boxes against the page's size in the PDF.

The gate judges per document: a failure of a critical expectation on the stage's own tables names the documents
whose rows broke it (great-expectations' unexpected rows, by their `document` column), so the publish stage can
hold those documents back and publish the rest. The other failures (a table-level expectation, a comparison table,
Frictionless, JSON Schema) are judged again without those documents; if they remain, nothing is published.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.schema import TableSpec
from pipeline.tables import read_table

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "expectations"
_ID_COLUMN = re.compile(r"(^|_)indicators?(_ids?|_[ab])?($|_)")


@dataclass
class GateResult:
    """Failures of critical expectations (and of the Frictionless and JSON Schema checks) block publishing;
    failures of expectations with severity "warning" (plausibility checks) are reported only. `by_document`:
    the critical failures each document's rows caused."""

    success: bool
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    evaluated: int = 0
    by_document: dict[str, list[str]] = field(default_factory=dict)

    def add_failures(self, failures: list[str]) -> None:
        """Failures of the checks after the expectations (Frictionless, JSON Schema)."""
        self.failures += failures
        self.success = not self.failures

    def culprits(self) -> dict[str, list[str]]:
        """Documents to hold back: those whose rows broke a critical expectation. The other failures (of the
        release as a whole, the comparison tables, Frictionless, JSON Schema) are judged again once they are left
        out, and refuse the release if they remain."""
        return {} if self.success else dict(self.by_document)

    def summary(self) -> str:
        head = (f"{self.evaluated} expectations evaluated, {len(self.failures)} failed, "
                f"{len(self.warnings)} warning(s)")
        return "\n".join([head, *(f"  FAILED {f}" for f in self.failures),
                           *(f"  WARNING {w}" for w in self.warnings)])


class ValidationFailed(RuntimeError):
    """The gate refused the staged release; the message lists every failure."""


# ------------------------------------------------------------------------------------------- frames

def read_back(path: Path, spec: TableSpec) -> list[dict]:
    """The staged CSV parsed with its spec (so the gate checks the bytes that will be published)."""
    header, rows = read_table(path)
    if header != spec.columns:
        raise ValidationFailed(f"{path}: header differs from the table schema")
    return [{f.name: f.parse(row[f.name]) for f in spec.fields} for row in rows]


def _frame(rows: list[dict], columns: list[str]):
    import pandas as pd

    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns}
                        ) if rows else pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _numeric(frame, columns: list[str]):
    """Numeric columns as int64 when whole and complete (clearer in the Data Docs), else float64."""
    import pandas as pd

    for column in columns:
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
            whole = values.notna().all() and (values % 1 == 0).all()
            frame[column] = values.astype("int64") if whole and len(values) else values
    return frame


def build_frames(rows: dict[str, list[dict]], specs: dict[str, TableSpec],
                 page_sizes: dict[str, list[tuple[float, float]]], pdf_sha256: dict[str, str]) -> dict:
    """pandas frames per table, with the derived checking columns."""
    frames = {}
    pages = {d["document"]: d["pages"] for d in rows.get("documents", [])}
    formats = {d["document"]: d.get("format") or "pdf" for d in rows.get("documents", [])}
    document_of = {r["indicator_id"]: r["document"] for r in rows.get("indicators", [])}
    indicator_ids = set(document_of)
    for name, table_rows in rows.items():
        spec = specs[name]
        columns = list(spec.columns)
        extra: dict[str, list] = {}
        if name == "indicators":
            sizes = [_page_size(page_sizes, r["document"], r["page"]) for r in table_rows]
            extra = {"doc_pages": [pages.get(r["document"]) for r in table_rows],
                     "page_width": [s[0] for s in sizes], "page_height": [s[1] for s in sizes],
                     "level_key": [f"{r['document']}|{r['level_rank']}" for r in table_rows],
                     "source_kind": [formats.get(r["document"], "pdf") for r in table_rows]}
        elif name == "levels":
            extra = {"level_key": [f"{r['document']}|{r['level_rank']}" for r in table_rows]}
        elif name == "documents":
            extra = {"pdf_sha256": [pdf_sha256.get(r["document"]) for r in table_rows]}
        elif spec.stage == "compare":
            extra = {"dangling_indicator_ids": [_dangling(r, spec, indicator_ids) for r in table_rows]}
        elif "document" not in columns and "indicator_id" in columns:  # e.g. indicator_themes
            extra = {"document": [document_of.get(r["indicator_id"]) for r in table_rows]}
        frame = _frame(table_rows, columns)
        for column, values in extra.items():
            frame[column] = values
        numeric = [f.name for f in spec.fields if f.type in ("integer", "number")]
        if name == "indicators":
            numeric += ["doc_pages", "page_width", "page_height"]
        frames[name] = _numeric(frame, numeric)
    return frames


def _page_size(page_sizes: dict, document: str, page: Any) -> tuple[float | None, float | None]:
    sizes = page_sizes.get(document) or []
    if isinstance(page, int) and 1 <= page <= len(sizes):
        return sizes[page - 1]
    return None, None


def _dangling(row: dict, spec: TableSpec, known: set[str]) -> str | None:
    missing = []
    for f in spec.fields:
        if is_indicator_ref(f) and row.get(f.name):
            missing += [i for i in str(row[f.name]).split(";") if i.strip() and i.strip() not in known]
    return ";".join(sorted(set(missing))[:5]) or None


def is_indicator_ref(f) -> bool:
    """Whether a column holds indicator ids: declared so, or (undocumented) named like one."""
    return f.indicator_ref or (not f.documented and f.type == "string" and bool(_ID_COLUMN.search(f.name)))


def parameters(rows: dict[str, list[dict]]) -> dict[str, list]:
    """Suite parameters: the key sets that foreign-key expectations refer to."""
    return {
        "framework_ids": sorted({r["framework"] for r in rows.get("frameworks", []) if r["framework"]}),
        "document_ids": sorted({r["document"] for r in rows.get("documents", []) if r["document"]}),
        "level_keys": sorted({f"{r['document']}|{r['level_rank']}" for r in rows.get("levels", [])}),
        "theme_ids": sorted({r["theme"] for r in rows.get("themes", []) if r["theme"]}),
        "indicator_ids": sorted({r["indicator_id"] for r in rows.get("indicators", []) if r["indicator_id"]}),
    }


# ------------------------------------------------------------------------------------------- suites

def load_suite(name: str, stage: str = "publish", folder: Path = EXPECTATIONS_DIR) -> dict:
    """The table's suite; a comparison table without one of its own gets compare_default.json."""
    path = folder / f"{name}.json"
    if not path.is_file() and stage == "compare":
        suite = json.loads((folder / "compare_default.json").read_text(encoding="utf-8"))
        return {**suite, "name": name}
    if not path.is_file():
        raise ValidationFailed(f"{path}: no expectation suite for the published table {name!r}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path}: not valid JSON ({exc})") from exc


def _columns_of(expectation: dict) -> list[str]:
    kw = expectation.get("kwargs", {})
    cols = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
    return cols + list(kw.get("column_list", []))


def applicable(suite: dict, columns: set[str]) -> tuple[list[dict], list[str]]:
    """The suite's expectations that can run on these columns. A missing column is a failure for the
    stage's own tables and a skip for comparison tables (their columns are the compare stage's)."""
    keep, skipped = [], []
    optional = bool(suite.get("meta", {}).get("optional_columns"))
    for expectation in suite["expectations"]:
        absent = [c for c in _columns_of(expectation) if c not in columns]
        if absent and optional:
            skipped.append(f"{suite['name']}: {expectation['type']} skipped (no column {', '.join(absent)})")
            continue
        keep.append(expectation)
    return keep, skipped


# ------------------------------------------------------------------------------------------- checkpoint

def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _suite_meta(meta: dict) -> dict:
    """Suite notes in great-expectations' own markdown form: its Data Docs renderer looks for the word "format"
    inside plain-text notes and fails on notes that contain it."""
    notes = meta.get("notes")
    return meta | {"notes": {"format": "markdown", "content": [notes]}} if isinstance(notes, str) else meta


@contextlib.contextmanager
def _gx_errors():
    """great-expectations logs what goes wrong while it writes Data Docs (a traceback per page on a full disk)
    and carries on: keep those records off stderr and raise the first one's error once the block is done."""
    logger, collect = logging.getLogger("great_expectations"), _Collect()
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(collect)
    try:
        yield
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate
    for record in collect.records:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, Exception):
            raise error
        text = record.getMessage()  # GX puts the error and its traceback in the message: keep the error
        found = re.search(r'(\w+(?:Error|Exception)): "([^"]*)"', text)
        raise RuntimeError("Data Docs could not be written: "
                           + (f"{found.group(1)}: {found.group(2)}" if found else text.splitlines()[0]))


def run_checkpoint(frames: dict, params: dict, docs_dir: Path | None, stages: dict[str, str]) -> GateResult:
    """Run every table's suite in one great-expectations checkpoint; write Data Docs to docs_dir."""
    with _gx_errors():
        return _run_checkpoint(frames, params, docs_dir, stages)


def _run_checkpoint(frames: dict, params: dict, docs_dir: Path | None, stages: dict[str, str]) -> GateResult:
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(site_name="local", site_config={
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    source = context.data_sources.add_pandas("published")
    definitions, skipped, batches, attributable = [], [], {}, {}
    for name, frame in frames.items():
        suite_data = load_suite(name, stages.get(name, "publish"))
        expectations, skip = applicable(suite_data, set(frame.columns))
        skipped += skip
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations,
                                                       meta=_suite_meta(suite_data.get("meta", {}))))
        asset = source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(name)
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)))
        batches[name] = frame
        attributable[name] = stages.get(name, "publish") != "compare" and "document" in frame.columns
    checkpoints = [context.checkpoints.add(gx.Checkpoint(
        name=f"publish-{d.name}", validation_definitions=[d],
        result_format=_BY_DOCUMENT if attributable[d.name] else "SUMMARY")) for d in definitions]
    result = _run_all(checkpoints, batches, params)
    if docs_dir is not None:
        context.build_data_docs(site_names=["local"])
    result.skipped = skipped
    return result


# the unexpected rows of a failed expectation, named by their document (the stage's own tables)
_BY_DOCUMENT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["document"]}


def _run_all(checkpoints, batches, params) -> GateResult:
    """One checkpoint per table: a dataframe batch is given at run time, one dataframe per run."""
    result = GateResult(success=False)
    for checkpoint in checkpoints:
        table = checkpoint.validation_definitions[0].name
        outcome = checkpoint.run(batch_parameters={"dataframe": batches[table]}, expectation_parameters=params)
        for run_result in outcome.run_results.values():
            for er in run_result.results:
                result.evaluated += 1
                if er.success:
                    continue
                text = describe_failure(table, er)
                severity = str(getattr(er.expectation_config, "severity", "critical")).lower()
                if "warning" in severity:
                    result.warnings.append(text)
                    continue
                result.failures.append(text)
                for document in failing_documents(er):
                    result.by_document.setdefault(document, []).append(text)
    result.success = not result.failures
    return result


def failing_documents(er) -> list[str]:
    """The documents whose rows an expectation found unexpected ([] when it names no rows)."""
    rows = (er.result or {}).get("unexpected_index_list") or []
    return sorted({str(r["document"]) for r in rows if isinstance(r, dict) and r.get("document")})


def describe_failure(table: str, er) -> str:
    config = er.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "value_set")}
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    result = er.result or {}
    detail = ""
    if er.exception_info and er.exception_info.get("raised_exception"):
        detail = f": error {er.exception_info.get('exception_message')}"
    elif "unexpected_count" in result:
        examples = result.get("partial_unexpected_list") or []
        detail = f": {result['unexpected_count']} unexpected value(s), e.g. {examples[:3]!r}"
    elif "observed_value" in result:
        detail = f": observed {result['observed_value']!r}"
    return f"{table}: {config.type}({args}){detail}"


# ------------------------------------------------------------------------------------------- other gates

def frictionless_errors(datapackage: Path) -> list[str]:
    import frictionless

    report = frictionless.validate(str(datapackage))
    if report.valid:
        return []
    errors = [f"frictionless: {e.type}: {e.note}" for e in report.errors]
    for task in report.tasks:
        for e in task.errors[:10]:
            where = ", ".join(f"{k} {getattr(e, k)}" for k in ("row_number", "field_name") if getattr(e, k, None))
            errors.append(f"frictionless: {task.name} ({task.place}){' ' + where if where else ''}: "
                          f"{e.type}: {e.note}")
    return errors[:50]


def json_schema_errors(root: Path, schemas: dict[str, Path]) -> list[str]:
    """Validate each JSON file (path relative to root -> schema file) with jsonschema."""
    import jsonschema

    errors = []
    for rel, schema_path in schemas.items():
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        data = json.loads((root / rel).read_text(encoding="utf-8"))
        for error in list(validator.iter_errors(data))[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            errors.append(f"json-schema: {rel} at /{where}: {error.message[:200]}")
    return errors

"""`threshold`: the command line, a thin shell over the stages' library functions.

Exit status: 0 every document extracted and published; 1 at least one document failed or was held back by the
validation gate (the others were still processed and published); 2 a usage error (bad option, missing input
folder, a manifest, corrections or data file that cannot be trusted); 3 a stage could not complete (for example
the validation gate refused to publish, or another run holds the output folder).
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Optional

import typer

from pipeline import __version__
from pipeline.runner_limits import Limits

EXIT_OK, EXIT_DOCUMENT_FAILED, EXIT_USAGE, EXIT_STAGE_FAILED = 0, 1, 2, 3

app = typer.Typer(
    name="threshold",
    help="Turn safeguarding 'levels of need' threshold PDFs into structured, comparable data.\n\n"
         "Stages run in order and talk through files in the output folder: extract (PDFs -> OUT/interim), "
         "normalise (common level, domain and theme schema -> OUT/normalised), compare (across frameworks "
         "-> OUT/compare), publish (validated CSV/JSON, datapackage.json and report.html at the top of OUT). "
         "`threshold run` runs them all; `threshold show ID` shows where an indicator came from.\n\n"
         "Exit status: 0 all documents ok; 1 some document failed or was held back (the rest still completed); "
         "2 usage error; 3 a stage could not complete.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Every path option is made absolute here, once, against the working directory (resolve_path, defaults included):
# the stages and the libraries under them (great-expectations' Data Docs store) get absolute folders only.
RawDocs = Annotated[Path, typer.Option("--raw-docs", resolve_path=True,
                                       help="Folder of input PDFs, with an optional manifest.yaml naming "
                                            "each document's framework and source.")]
Out = Annotated[Path, typer.Option("--out", resolve_path=True,
                                   help="Output folder: interim files, published datasets, report.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Documents extracted in parallel (0 = one per CPU).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Re-extract every document even if its PDF and the "
                                                          "extraction code are unchanged.")]
Progress = Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar (only on a terminal).")]
# Upper bounds keep every limit a finite number the operating system accepts (setrlimit overflows beyond them).
Timeout = Annotated[float, typer.Option("--timeout", min=1, max=7 * 24 * 3600,
                                        help="Seconds one document may take before it is stopped and marked "
                                             "'timed out' (at most a week).")]
MemoryMb = Annotated[int, typer.Option("--memory-mb", min=64, max=1 << 20,
                                       help="Memory (MiB of address space) one document's worker may add before "
                                            "it is stopped.")]
MaxPages = Annotated[int, typer.Option("--max-pages", min=1, max=1_000_000,
                                       help="Documents with more pages are refused as too large.")]
MaxMb = Annotated[float, typer.Option("--max-mb", min=0.001, max=1_000_000,
                                      help="Files larger than this (MB) are refused as too large.")]
MaxChars = Annotated[int, typer.Option("--max-chars", min=1, max=1_000_000_000,
                                       help="Documents with more characters of text are refused as too large "
                                            "(the default fits in the default --memory-mb).")]
Setting = Annotated[Optional[list[str]], typer.Option(
    "--setting", metavar="NAME=VALUE", help="Override one extraction setting for an experiment (repeatable), e.g. "
                                            "wide_gap_em=1.8; the names and defaults are in docs/extraction.md.")]
StageMemoryMb = Annotated[int, typer.Option("--stage-memory-mb", min=256, max=1 << 20,
                                            help="Memory (MiB of address space) the normalise, compare and "
                                                 "publish stages may add before they stop.")]
StageTimeout = Annotated[float, typer.Option("--stage-timeout", min=1, max=7 * 24 * 3600,
                                             help="Seconds the normalise, compare and publish stages may each "
                                                  "run before they stop.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"threshold-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    """Turn safeguarding threshold PDFs into structured, comparable data."""


def _fail(message: str, code: int) -> typer.Exit:
    from pipeline.errors import printable

    typer.secho("error: " + "\n".join(map(printable, str(message).split("\n"))), err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _call(stage: str, func: Callable[[], Any]) -> Any:
    """Run one stage; map the known failures to exit statuses with a one-line message."""
    from pipeline.errors import InputFileError
    from pipeline.runner import StageTimeout
    from pipeline.runner_files import FolderBusy, OutFolderError

    try:
        return func()
    except MemoryError:
        raise _fail(f"the {stage} stage ran out of memory (raise the limit with --stage-memory-mb)",
                    EXIT_STAGE_FAILED) from None
    except StageTimeout as exc:
        raise _fail(f"the {stage} stage {exc} (raise the limit with --stage-timeout)", EXIT_STAGE_FAILED) from None
    except (InputFileError, OutFolderError) as exc:  # the manifest, corrections, a data file or OUT: named
        raise _fail(str(exc), EXIT_USAGE) from None
    except FolderBusy as exc:
        raise _fail(str(exc), EXIT_STAGE_FAILED) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise _fail(f"the {stage} stage failed: {type(exc).__name__}: {exc} "
                    f"(at {Path(where.filename).name}:{where.lineno})", EXIT_STAGE_FAILED) from None


def _stage(module: str, name: str) -> Callable:
    """A stage's entry point, imported only when its command runs."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise _fail(f"{module}.{name} is not available ({exc})", EXIT_STAGE_FAILED) from None


def _check_input(raw_docs: Path) -> None:
    if not raw_docs.is_dir():
        raise _fail(f"input folder {raw_docs} not found (use --raw-docs)", EXIT_USAGE)


def _do_extract(raw_docs: Path, out: Path, jobs: int, no_cache: bool, progress: bool, timeout: float,
                memory_mb: int, max_pages: int, max_mb: float, max_chars: int, settings: list[str] | None = None) -> dict:
    _check_input(raw_docs)
    run_extract = _stage("pipeline.extract.stage", "run_extract")
    limits = Limits(timeout_s=timeout, memory_mb=memory_mb, max_pages=max_pages, max_mb=max_mb, max_chars=max_chars)
    overrides = _settings(settings)
    return _call("extract", lambda: run_extract(raw_docs, out, jobs=jobs, use_cache=not no_cache,
                                                progress=progress, limits=limits, settings=overrides))


def _settings(pairs: list[str] | None) -> dict:
    """--setting NAME=VALUE options -> validated overrides; a usage error names what is wrong."""
    from pipeline.extract.settings import parse

    try:
        return parse(pairs or [])
    except ValueError as exc:
        raise _fail(f"--setting: {exc}", EXIT_USAGE) from None


_D = Limits()


@app.command()
def extract(raw_docs: RawDocs = Path("raw_docs"), out: Out = Path("extracted"), jobs: Jobs = 2,
            no_cache: NoCache = False, progress: Progress = True, timeout: Timeout = _D.timeout_s,
            memory_mb: MemoryMb = _D.memory_mb, max_pages: MaxPages = _D.max_pages,
            max_mb: MaxMb = _D.max_mb, max_chars: MaxChars = _D.max_chars, setting: Setting = None) -> None:
    """Extract the indicators of every PDF.

    Reads every PDF in RAW_DOCS and writes OUT/interim: one JSON file per document and run.json with each
    document's status (ok, failed with a reason, skipped). Unchanged documents come from the cache."""
    summary = _do_extract(raw_docs, out, jobs, no_cache, progress, timeout, memory_mb, max_pages, max_mb,
                          max_chars, setting)
    print_extract_summary(summary, raw_docs, out)
    raise typer.Exit(EXIT_DOCUMENT_FAILED if summary["failed"] else EXIT_OK)


def _bounded(stage: str, func: Callable[[], Any], memory_mb: int, seconds: float) -> Any:
    """Run a stage in this process within its memory and time budgets."""
    from pipeline.runner import memory_budget, time_budget

    with memory_budget(memory_mb), time_budget(seconds):
        return _call(stage, func)


@app.command()
def normalise(raw_docs: RawDocs = Path("raw_docs"), out: Out = Path("extracted"),
              stage_memory_mb: StageMemoryMb = _D.stage_memory_mb,
              stage_timeout: StageTimeout = _D.stage_timeout_s) -> None:
    """Map onto the common schema.

    Maps each document's levels, areas and domains onto the common schema and tags themes and qualifiers;
    reads OUT/interim and RAW_DOCS/corrections.yaml, writes OUT/normalised."""
    run = _stage("pipeline.normalise", "run_normalise")
    with _locked(out):
        print_stage_summary("normalise", _bounded("normalise", lambda: run(raw_docs, out), stage_memory_mb,
                                                  stage_timeout))


@app.command()
def compare(out: Out = Path("extracted"), stage_memory_mb: StageMemoryMb = _D.stage_memory_mb,
            stage_timeout: StageTimeout = _D.stage_timeout_s) -> None:
    """Compare frameworks and check consistency.

    Compares frameworks theme by theme and checks each one for consistency; reads OUT/normalised, writes
    OUT/compare."""
    run = _stage("pipeline.compare", "run_compare")
    with _locked(out):
        print_stage_summary("compare", _bounded("compare", lambda: run(out), stage_memory_mb, stage_timeout))


@app.command()
def publish(raw_docs: RawDocs = Path("raw_docs"), out: Out = Path("extracted"),
            stage_memory_mb: StageMemoryMb = _D.stage_memory_mb,
            stage_timeout: StageTimeout = _D.stage_timeout_s) -> None:
    """Validate and publish the datasets.

    Validates everything and publishes the datasets, datapackage.json and report.html at the top of OUT. If
    validation fails nothing is published and the previous release stays as it was."""
    run = _stage("pipeline.publish", "run_publish")
    with _locked(out):
        summary = _bounded("publish", lambda: run(raw_docs, out), stage_memory_mb, stage_timeout)
        print_stage_summary("publish", summary)
    raise typer.Exit(EXIT_DOCUMENT_FAILED if _held_back(summary) else EXIT_OK)


@app.command()
def show(indicator_id: Annotated[str, typer.Argument(help="The indicator's id (column indicator_id of "
                                                         "OUT/indicators.csv).")],
         out: Out = Path("extracted"),
         raw_docs: Annotated[Optional[Path], typer.Option("--raw-docs", resolve_path=True,
                                                          help="Folder holding the source document "
                                                          "(default: the one the published run used).")] = None,
         png: Annotated[Optional[Path], typer.Option("--png", resolve_path=True, help="Where to write the picture "
                                                     "(default: <indicator_id>.png here).")] = None,
         timeout: Timeout = _D.timeout_s, memory_mb: MemoryMb = _D.memory_mb) -> None:
    """Show where an indicator came from.

    Renders the indicator's PDF page to a PNG file with the indicator's box highlighted, and prints its
    document, page, box and text. For a Word document or web page, prints where the indicator is (its locator)
    and the paragraphs around it. The document is read in a worker process under the extract stage's limits."""
    render = _stage("pipeline.publish", "render_indicator")
    target = png or Path(f"{indicator_id}.png").resolve()
    try:
        info = render(out, indicator_id, target, raw_docs=raw_docs,
                      limits=Limits(timeout_s=timeout, memory_mb=memory_mb))
    except LookupError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    except RuntimeError as exc:  # RenderError: the worker could not draw the page
        raise _fail(f"{indicator_id}: the page could not be rendered: {exc}", EXIT_DOCUMENT_FAILED) from None
    from pipeline.errors import printable as p

    if info["png"]:
        typer.echo(f"{p(info['document'])}, page {info['page']}, box {', '.join(f'{v:.1f}' for v in info['bbox'])}")
        typer.echo(f"  {p(info['text'])}")
        typer.echo(f"picture: {p(info['png'])}")
    else:  # a Word document or web page: where it is, and the paragraphs around it
        typer.echo(f"{p(info['document'])}, at {p(info['locator'])}")
        for line in info["context"]:
            typer.echo(f"  {p(line)}")
    if info.get("warning"):
        typer.secho(f"warning: {p(info['warning'])}", err=True, fg=typer.colors.YELLOW)


@app.command()
def inspect(document: Annotated[Path, typer.Argument(help="A PDF: a path, or a file name in RAW_DOCS.")],
            raw_docs: RawDocs = Path("raw_docs"),
            pages: Annotated[Optional[str], typer.Option("--pages", help="Pages to draw, e.g. 3-5 or 2,7 (default: "
                                                         "every page with bullets or labels).")] = None,
            to: Annotated[Optional[Path], typer.Option("--to", resolve_path=True, help="Folder for the PNGs "
                                                       "(default: inspect/<document>/ here).")] = None,
            timeout: Timeout = _D.timeout_s, memory_mb: MemoryMb = _D.memory_mb, setting: Setting = None) -> None:
    """Draw what extraction read on a document's pages.

    Writes one PNG per page: bullets boxed in their level's colour (grey: left out, not an indicator), the labels
    that gave levels, areas and domains boxed and tagged, and where camelot's reading of a ruled table disagrees,
    in red. Prints the reading chosen, its confidence, the levels and any warnings. Uses the document's manifest
    hints when it is listed in RAW_DOCS/manifest.yaml."""
    from pipeline.errors import InputFileError
    from pipeline.manifest import parse_pages

    run = _stage("pipeline.extract.inspect", "run_inspect")
    overrides = _settings(setting)
    try:
        wanted = parse_pages(pages, "--pages") if pages else None
        result = run(document, raw_docs, to, wanted, Limits(timeout_s=timeout, memory_mb=memory_mb), overrides)
    except (FileNotFoundError, InputFileError) as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    if "error" in result:
        raise _fail(f"{result['document']}: {result['error']}", EXIT_DOCUMENT_FAILED)
    from pipeline.errors import printable as p

    echo = typer.echo
    echo(f"{p(result['document'])}: {p(result['reading'])} (confidence {result['confidence']:.2f})")
    for level in result["levels"]:
        echo(f"  level {level['rank']}: {p(level['label'])}")
    if result["crosscheck"]:
        check = result["crosscheck"]
        echo(f"  camelot cross-check, pages {check['pages']}: {check['checked']} indicators in ruled cells, "
             f"agreement {check['agreement']}")
    for warning in result["warnings"]:
        typer.secho(f"  warning: {p(warning)}", fg=typer.colors.YELLOW)
    for written in result["pngs"]:
        echo(f"{'outline' if written.endswith('.txt') else 'picture'}: {p(written)}")


@app.command()
def lookup(text: Annotated[str, typer.Argument(help="A child's situation in your own words, e.g. \"he keeps "
                                                   "skipping school\" or \"mum drinks every night\".")],
           out: Out = Path("extracted"),
           framework: Annotated[Optional[list[str]], typer.Option("--framework", "-f", help="Only this framework "
                                                                  "(repeat the option for several).")] = None,
           top: Annotated[int, typer.Option("--top", "-n", min=1, help="Indicators shown per framework.")] = 3,
           as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False) -> None:
    """Which level, where? The closest indicators in every published framework.

    TEXT may be in a practitioner's own words ("mum drinks vodka every night"): it is read for whom it is about,
    the concepts it raises and how often. For each framework's current document: the indicators answering it,
    each with its local level, canonical level, area / domain, page (or locator), a score (0-1) and why it matched,
    or "nothing relevant"; then one line saying where the frameworks agree or differ. Reads OUT/threshold.sqlite
    (no model). An indicator that contradicts what TEXT states (a strength for a concern, another frequency, age
    or duration) is marked "not quite"."""
    import json as _json

    from pipeline.lookup import LookupError_, lookup as run_lookup, render

    try:
        result = run_lookup(out, text, frameworks=framework, top=top)
    except LookupError_ as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    from pipeline.errors import printable

    shown = _json.dumps(result, ensure_ascii=False, indent=1) if as_json else render(result)
    typer.echo("\n".join(printable(line) for line in shown.split("\n")))  # names from files: no terminal control


@app.command()
def diff(old: Annotated[Path, typer.Argument(help="The earlier edition: a path, or a file name in RAW_DOCS.")],
         new: Annotated[Path, typer.Argument(help="The later edition: a path, or a file name in RAW_DOCS.")],
         raw_docs: RawDocs = Path("raw_docs"),
         csv: Annotated[Optional[Path], typer.Option("--csv", resolve_path=True, help="Also write the changes to "
                                                     "this CSV file (the columns of edition_changes.csv).")] = None,
         timeout: Timeout = _D.timeout_s, memory_mb: MemoryMb = _D.memory_mb) -> None:
    """What changed between two editions of a framework.

    Extracts both documents (with their manifest hints) in a scratch folder and prints the changes: counts of
    added, removed, moved (another level), reworded (edited words) and regrouped (an area or domain label
    renamed), then the changes grouped by level. Bullets are aligned by their words and level, never by page
    position: the same content in a new layout gives no change. Exit 0 whether or not anything changed."""
    from pipeline.compare.editions import EDITION_CHANGE_COLUMNS
    from pipeline.compare.io import table_file
    from pipeline.diff import diff_documents, render
    from pipeline.errors import InputFileError, printable

    try:
        result = diff_documents(old, new, raw_docs, Limits(timeout_s=timeout, memory_mb=memory_mb))
    except InputFileError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    typer.echo("\n".join(printable(line) for line in render(result).split("\n")))
    if csv is not None:
        table_file(EDITION_CHANGE_COLUMNS).write(csv, result["changes"], with_json=False)
        typer.echo(f"csv: {printable(str(csv))}")


@app.command("run")
def run_all(raw_docs: RawDocs = Path("raw_docs"), out: Out = Path("extracted"), jobs: Jobs = 2,
            no_cache: NoCache = False, progress: Progress = True, timeout: Timeout = _D.timeout_s,
            memory_mb: MemoryMb = _D.memory_mb, max_pages: MaxPages = _D.max_pages,
            max_mb: MaxMb = _D.max_mb, max_chars: MaxChars = _D.max_chars,
            stage_memory_mb: StageMemoryMb = _D.stage_memory_mb,
            stage_timeout: StageTimeout = _D.stage_timeout_s) -> None:
    """Run every stage (the whole pipeline).

    Runs extract, normalise, compare and publish in order. Documents that fail are reported and left out; the
    others are published, and the exit status is 1 to tell that some failed."""
    _check_input(raw_docs)
    with _locked(out):  # one run at a time writes to OUT
        summary = _do_extract(raw_docs, out, jobs, no_cache, progress, timeout, memory_mb, max_pages, max_mb,
                              max_chars)
        print_extract_summary(summary, raw_docs, out)
        if not summary["ok"]:  # never replace the last release with an empty one
            code = EXIT_USAGE if not summary["documents"] else EXIT_DOCUMENT_FAILED
            raise _fail(f"no document in {raw_docs} could be extracted; nothing was published", code)
        for stage, module, func, args in (("normalise", "pipeline.normalise", "run_normalise", (raw_docs, out)),
                                          ("compare", "pipeline.compare", "run_compare", (out,)),
                                          ("publish", "pipeline.publish", "run_publish", (raw_docs, out))):
            run = _stage(module, func)
            published = _bounded(stage, lambda: run(*args), stage_memory_mb, stage_timeout)
            print_stage_summary(stage, published)
    held = _held_back(published)
    raise typer.Exit(EXIT_DOCUMENT_FAILED if summary["failed"] or held else EXIT_OK)


def _held_back(summary: Any) -> bool:
    """Name each document the validation gate held back (one line on stderr); whether there was any."""
    from pipeline.errors import printable

    held = summary.get("held_back", []) if isinstance(summary, dict) else []
    for doc in held:
        typer.secho(printable(f"error: {doc['document']}: held back by the validation gate (not published): "
                              + "; ".join(doc["failures"])), err=True, fg=typer.colors.RED)
    return bool(held)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    from pipeline.runner_files import FolderBusy, OutFolderError, folder_lock

    try:
        lock = folder_lock(out)
        lock.__enter__()
    except FolderBusy as exc:
        raise _fail(str(exc), EXIT_STAGE_FAILED) from None
    except OutFolderError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def print_extract_summary(summary: dict, raw_docs: Path, out: Path) -> None:
    """One screen: documents by status, pages, indicators per level, failures (text from the documents and
    their file names shown escaped where it holds control characters)."""
    from pipeline.errors import printable as p

    echo = typer.echo
    cached = f", {summary['cached']} from cache" if summary["cached"] else ""
    echo(f"\nExtracted {p(raw_docs)} -> {p(out)} in {summary['seconds']:.1f} s{cached}")
    echo(f"  documents {summary['documents']}: {summary['ok']} ok, {summary['failed']} failed, "
         f"{summary['skipped']} skipped; {summary['pages']} pages; {summary['indicators']} indicators")
    if summary["levels"]:
        echo("  indicators per level (rank in the document: labels):")
        for level in summary["levels"]:
            labels = p("; ".join(level["labels"])) or "(no label)"
            labels = labels if len(labels) <= 58 else labels[:55] + "..."
            echo(f"    {level['rank']}  {labels:<58} {level['indicators']:>6}")
    for doc in summary.get("low_confidence", []):
        echo(f"  warning: {p(doc['document'])}: structure read with low confidence ({doc['confidence']:.2f}): "
             f"{p(doc['reading'])}; check it with `threshold inspect`")
    failures = summary["failures"]
    if failures:
        echo(f"  not extracted ({len(failures)}):")
        for failure in failures[:12]:
            echo(f"    {failure['status']}: {failure['message']}")
        if len(failures) > 12:
            echo(f"    ... and {len(failures) - 12} more (see {p(out / 'interim' / 'run.json')})")


def print_stage_summary(stage: str, summary: Any) -> None:
    """Every scalar fact a later stage reports, wrapped over as many lines as they need."""
    import textwrap

    from pipeline.errors import printable

    if not isinstance(summary, dict):
        typer.echo(f"{stage}: done")
        return
    facts = [printable(f"{key} {value}") for key, value in summary.items()
             if isinstance(value, (int, float, str)) and not isinstance(value, bool) and len(str(value)) < 60]
    typer.echo(textwrap.fill("; ".join(facts) or "done", width=110, initial_indent=f"{stage}: ",
                             subsequent_indent="  ", break_long_words=False, break_on_hyphens=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

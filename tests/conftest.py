"""Shared fixtures: the dev corpus (PDFs + truth files), small hand-built PDFs, input folders in tmp."""

from __future__ import annotations

import contextlib
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DEV_CORPUS = TESTS / "data" / "corpus" / "dev"
if str(TESTS) not in sys.path:  # so tests can `import pdfgen`
    sys.path.insert(0, str(TESTS))

# The two documents raw_docs/ holds: one per framework, each in its council's own layout.
GOOD_PDFS = ("milton-keynes__level_grid__v1.pdf", "worcestershire__level_tables__v1.pdf")


def load_truth(pdf_name: str) -> dict:
    """The truth YAML beside a dev PDF."""
    return yaml.safe_load((DEV_CORPUS / pdf_name.replace(".pdf", ".truth.yaml")).read_text(encoding="utf-8"))


def fake_extractor(path, hints=None, limits=None):
    """A quick stand-in for the real extractor, for tests of the stage's own bookkeeping."""
    text = path.read_bytes()[-40:].hex()
    return {"pages": 1, "levels": [{"rank": 1, "label": "Universal", "description": None}],
            "indicators": [{"seq": 0, "page": 1, "bbox": [1.0, 2.0, 3.0, 4.0], "level_label": "Universal",
                            "level_rank": 1, "area": "", "domain": "", "text": text}], "warnings": []}


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    return DEV_CORPUS


@pytest.fixture
def raw_folder(tmp_path):
    """Factory: an input folder in tmp with copies of dev PDFs and any extra files given as bytes."""

    def make(dev_names=(), extra: dict[str, bytes] | None = None, name: str = "raw") -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        for pdf in dev_names:
            shutil.copy(DEV_CORPUS / pdf, folder / pdf)
        for file_name, data in (extra or {}).items():
            (folder / file_name).write_bytes(data)
        return folder

    return make


@contextlib.contextmanager
def folder_held_elsewhere(out: Path):
    """Another process holds OUT's folder lock for as long as the block runs."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pipeline.runner_files import folder_lock\n"
                               "with folder_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(60)",
                               str(out)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


# The command line as a user runs it (a subprocess), for the reliability suites.
SEED_LEVELS = ["Level 1 - Universal", "Level 2 - Early help", "Level 3 - Targeted", "Level 4 - Specialist"]


def threshold(*args: str, **kwargs) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=600, **kwargs)


def run(raw: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return threshold("run", "--raw-docs", str(raw), "--out", str(out), "--no-progress", *more)


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Test tiers: these modules run whole documents, the dev corpus or published releases through the stages (each
# takes seconds to minutes); `make test-quick` (pytest -m "not slow") runs the rest, the unit-level tier, in well
# under a minute. `make test` runs both.
SLOW_MODULES = {
    "test_cli_extract", "test_cli_relative_paths", "test_cli_show", "test_compare_findings",
    "test_compare_judged_pairs", "test_editions", "test_extract_formats", "test_extract_inspect",
    "test_extract_other_writers", "test_extract_printed", "test_extract_scores", "test_lookup",
    "test_lookup_practitioner", "test_normalise_dev_corpus", "test_notebooks", "test_publish_atomic",
    "test_publish_e2e", "test_publish_formats", "test_publish_gate", "test_publish_outputs", "test_publish_show",
    "test_publish_sqlite", "test_reliability_bad_inputs", "test_reliability_hostile", "test_reliability_interrupts",
    "test_reliability_limits", "test_reliability_out", "test_reliability_round2", "test_reliability_run",
    "test_reliability_yaml", "test_report_browser", "test_loader",
}


# and any test elsewhere that reads the extracted dev corpus (extract_support extracts all of it once per session)
CORPUS_READERS = re.compile(r"(?<![\w.])(row_with|rows|extracted_corpus)\(")


def pytest_collection_modifyitems(config, items):
    import inspect

    for item in items:
        source = inspect.getsource(item.function) if hasattr(item, "function") else ""
        if item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES or CORPUS_READERS.search(source):
            item.add_marker(pytest.mark.slow)

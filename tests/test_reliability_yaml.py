"""Every YAML file the project reads goes through one bounded loader (pipeline/yaml_files.py): hostile files are
refused naming the file (exit 2), never allowed to exhaust memory, the stack or time."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.compare.io import load_settings
from pipeline.errors import InputFileError
from pipeline.manifest import ManifestError, load_manifest
from pipeline.normalise.corrections import load_corrections
from pipeline.vocab.crosswalk_files import load_yaml as load_data_file
from interim_from_truth import write_interim
from pipeline.publish.inputs import load_themes
from pipeline.schema import load_dataset, load_specs

TRUTH = ROOT / "tests" / "data" / "corpus" / "dev" / "worcestershire__list__v1.truth.yaml"

# "billion laughs": a dozen lines whose last value expands to 9**9 strings
LAUGHS = ("corrections:\n  - match: {indicator_id: x}\n    drop: true\n    note: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n")
_LEVELS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"{b}: &{b} [{','.join(['*' + a] * 9)}]" for a, b in zip("abcdefg", "bcdefgh")]
LAUGHS = "\n".join(_LEVELS) + "\n" + LAUGHS
DEEP = "documents: " + "[" * 100_000 + "]" * 100_000 + "\n"


def _limited(megabytes: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit


def threshold(*args: str) -> subprocess.CompletedProcess:
    """The CLI under a 2 GiB address-space limit, so a loader without bounds fails instead of eating the machine."""
    script = Path(sys.executable).with_name("threshold")
    return subprocess.run([str(script), *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          preexec_fn=_limited(2048))


def test_billion_laughs_in_corrections_is_refused_naming_the_file(tmp_path):
    out, raw = tmp_path / "out", tmp_path / "raw"
    raw.mkdir()
    write_interim([TRUTH], out)
    (raw / "corrections.yaml").write_text(LAUGHS, encoding="utf-8")
    start = time.monotonic()
    result = threshold("normalise", "--raw-docs", str(raw), "--out", str(out))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"{raw / 'corrections.yaml'}: " in result.stderr and "aliases are expanded" in result.stderr
    assert "Traceback" not in result.stderr and time.monotonic() - start < 60


def test_billion_laughs_in_the_manifest_is_refused_naming_the_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "manifest.yaml").write_text(LAUGHS.replace("corrections:", "documents:"), encoding="utf-8")
    result = threshold("extract", "--raw-docs", str(raw), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.returncode == 2 and f"{raw / 'manifest.yaml'}: " in result.stderr, result.stderr[-2000:]


def _readers(tmp_path: Path):
    """Each reader of a YAML file, called on `path` (a file in tmp_path)."""
    return {
        "manifest": lambda path: load_manifest(path.parent),
        "corrections": load_corrections,
        "data file": load_data_file,
        "compare settings": load_settings,
        "table specification": load_specs,
        "dataset metadata": load_dataset,
        "theme vocabulary": lambda path: load_themes(tmp_path / "no-out", path),
    }


@pytest.mark.parametrize("reader", ["manifest", "corrections", "data file", "compare settings",
                                    "table specification", "dataset metadata", "theme vocabulary"])
@pytest.mark.parametrize("text, reason", [
    (LAUGHS, "aliases are expanded"),
    (DEEP, "nested more than"),
    ("a: &x [*x]\n", "alias refers to the value that contains it"),
    ("documents: []\ndocuments: []\n", "key 'documents' is given twice"),
    ("x: '" + "y" * (1 << 20) + "'\n", "the limit is 1 MB"),
])
def test_every_reader_uses_the_bounded_loader(tmp_path, reader, text, reason):
    name = "manifest.yaml" if reader == "manifest" else "corrections.yaml" if reader == "corrections" else "data.yaml"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(InputFileError, match=reason) as caught:
        _readers(tmp_path)[reader](path)
    assert str(path) in str(caught.value) and time.monotonic() - start < 10


def test_a_second_documents_list_is_refused_not_silently_dropped(tmp_path):
    (tmp_path / "manifest.yaml").write_text("documents:\n  - file: a.pdf\n    framework: a\n"
                                            "documents:\n  - file: b.pdf\n    framework: b\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.yaml: .*key 'documents' is given twice .*line 4"):
        load_manifest(tmp_path)


def test_a_28_mb_manifest_is_refused_at_once(tmp_path):
    entry = "  - file: doc{n}.pdf\n    framework: council-{n}\n    title: " + "x" * 200 + "\n"
    with open(tmp_path / "manifest.yaml", "w", encoding="utf-8") as handle:
        handle.write("documents:\n")
        for n in range(28 * 1024 * 1024 // len(entry)):
            handle.write(entry.format(n=n))
    start = time.monotonic()
    with pytest.raises(ManifestError, match=r"manifest\.yaml: 28\.\d MB, the limit is 1 MB"):
        load_manifest(tmp_path)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("name", ["manifest.yaml", "corrections.yaml"])
def test_yaml_links_out_of_the_input_folder_are_refused_without_quoting_the_target(tmp_path, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:SECRET-HASH:19000:0:99999:7:::\n", encoding="utf-8")  # not YAML a reader accepts
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).symlink_to(secret)
    reader = (lambda: load_manifest(raw)) if name == "manifest.yaml" else (lambda: load_corrections(raw / name))
    with pytest.raises(InputFileError, match="outside the input folder") as caught:
        reader()
    assert "SECRET" not in str(caught.value)


def test_yaml_errors_name_the_line_but_do_not_quote_the_file(tmp_path):
    (tmp_path / "manifest.yaml").write_text("documents:\n  - file: a.pdf\n    framework: [SECRET-VALUE\n",
                                            encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.yaml: not valid YAML: .*\(line \d+, column \d+\)") as caught:
        load_manifest(tmp_path)
    assert "SECRET" not in str(caught.value) and "\n" not in str(caught.value)


def test_the_project_data_files_load_within_the_bounds():
    from pipeline.yaml_files import load_yaml

    for path in sorted((ROOT / "pipeline").rglob("*.yaml")):
        assert load_yaml(path) is not None, path

"""Interrupted runs, full disks, stale and half-written files: nothing is lost or left half-written, and the
next run recovers on its own."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DEV_CORPUS, GOOD_PDFS, ROOT, fake_extractor, folder_held_elsewhere
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.extract
import pipeline.extract.stage as stage
from pipeline.extract.stage import run_extract
from pipeline.runner_files import TMP_MARK, FolderBusy, atomic_write_bytes, folder_lock


def tmp_leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if TMP_MARK in p.name]


def output_files(out: Path) -> dict[str, bytes]:
    """Every deterministic file a run writes (run-record.json holds times; the cache and lock are private)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.parts and p.name != "run-record.json"}


# --- atomic writes -------------------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(old=st.binary(max_size=2000), new=st.binary(max_size=2000), failing=st.sampled_from(["fsync", "replace", ""]))
def test_atomic_write_leaves_old_or_new_never_half(tmp_path_factory, old, new, failing):
    folder = tmp_path_factory.mktemp("atomic")
    target = folder / "table.csv"
    target.write_bytes(old)
    real = getattr(os, failing) if failing else None

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        if failing:
            setattr(os, failing, disk_full)
        atomic_write_bytes(target, new)
    except OSError:
        assert failing and target.read_bytes() == old
    else:
        assert not failing and target.read_bytes() == new
    finally:
        if failing:
            setattr(os, failing, real)
    assert [p.name for p in folder.iterdir()] == ["table.csv"]


def test_write_failure_half_way_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "run.json"
    target.write_text("old")
    real_fdopen = os.fdopen

    def half_writing_fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)

        class Half:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()

            def write(self, data):
                handle.write(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")

        return Half()

    monkeypatch.setattr(os, "fdopen", half_writing_fdopen)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"new content " * 100)
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


# --- cache and stale files -----------------------------------------------------------------------------------

def test_half_written_cache_and_tmp_leftovers_are_recovered(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    folder, out = raw_folder(GOOD_PDFS), tmp_path / "out"
    first = run_extract(folder, out, progress=False)
    clean = output_files(out)
    cache_files = sorted((out / stage.CACHE_DIR).glob("*.json"))
    assert first["ok"] == 2 and len(cache_files) == 2
    cache_files[0].write_text(cache_files[0].read_text()[:50])  # a cache entry cut short
    (out / "interim" / f".{GOOD_PDFS[0]}{TMP_MARK}x").write_text("{")  # what a killed run leaves
    (out / stage.CACHE_DIR / f".x.json{TMP_MARK}y").write_text("{")
    second = run_extract(folder, out, progress=False)
    assert (second["ok"], second["cached"]) == (2, 1)
    assert json.loads(cache_files[0].read_text())["indicators"]  # rewritten whole
    assert output_files(out) == clean and tmp_leftovers(out) == []


def test_cache_never_serves_a_changed_file_or_changed_code(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    folder, out = raw_folder(GOOD_PDFS), tmp_path / "out"
    run_extract(folder, out, progress=False)
    assert run_extract(folder, out, progress=False)["cached"] == 2
    with open(folder / GOOD_PDFS[0], "ab") as handle:
        handle.write(b"\n% edited\n")
    assert run_extract(folder, out, progress=False)["cached"] == 1
    record = json.loads((out / "interim" / GOOD_PDFS[0].replace(".pdf", ".json")).read_text())
    assert record["indicators"][0]["text"] == fake_extractor(folder / GOOD_PDFS[0])["indicators"][0]["text"]
    monkeypatch.setattr(stage, "code_version", lambda overrides=None: "f" * 64)
    assert run_extract(folder, out, progress=False)["cached"] == 0


def test_stale_interim_files_are_removed(raw_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.extract, "extract_document", fake_extractor)
    folder, out = raw_folder(GOOD_PDFS), tmp_path / "out"
    run_extract(folder, out, progress=False)
    (folder / GOOD_PDFS[0]).unlink()  # document removed
    (folder / GOOD_PDFS[1]).write_bytes(b"%PDF-1.4\ngarbage\n%%EOF\n")  # document replaced by a broken one
    summary = run_extract(folder, out, progress=False)
    assert summary["documents"] == 1 and summary["failed"] == 1
    assert sorted(p.name for p in (out / "interim").glob("*.json")) == ["run.json"]
    rows = json.loads((out / "interim" / "run.json").read_text())["documents"]
    assert [(r["document"], r["status"], r["reason"]) for r in rows] == [(GOOD_PDFS[1], "failed", "corrupt")]


def test_a_second_concurrent_run_is_refused(raw_folder, tmp_path):
    out = tmp_path / "out"
    with folder_held_elsewhere(out):
        with pytest.raises(FolderBusy, match="another run"):
            run_extract(raw_folder(GOOD_PDFS[:1]), out, progress=False)
    with folder_lock(out):  # a killed holder leaves nothing behind
        pass


# --- real runs: interrupted, then recovered; deterministic -----------------------------------------------------

# Ctrl-C as in a terminal: a suite started in the background inherits SIGINT ignored, and so would this run
EXTRACT = ("import signal, sys\nfrom pathlib import Path\nfrom pipeline.extract.stage import run_extract\n"
           "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
           "run_extract(Path(sys.argv[1]), Path(sys.argv[2]), jobs=1, progress=False)")
SOME_PDFS = (*GOOD_PDFS, "milton-keynes__list__v1.pdf", "worcestershire__list__v1.pdf")


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """The reference: one uninterrupted run on a few real dev PDFs."""
    folder, out = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("out")
    for name in SOME_PDFS:
        (folder / name).write_bytes((DEV_CORPUS / name).read_bytes())
    summary = run_extract(folder, out, progress=False)
    assert summary["ok"] == len(SOME_PDFS), summary["failures"]
    return folder, out


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_interrupted_extraction_recovers(clean_run, tmp_path, signum):
    folder, reference = clean_run
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", EXTRACT, str(folder), str(out)], cwd=ROOT,
                            stderr=subprocess.DEVNULL)
    while not list((out / stage.CACHE_DIR).glob("*.json")) and proc.poll() is None:  # a document is cached
        time.sleep(0.05)
    proc.send_signal(signum)
    assert proc.wait(timeout=30) != 0  # stopped before it finished
    assert not (out / "interim" / "run.json").exists()
    summary = run_extract(folder, out, progress=False)
    assert summary["ok"] == len(SOME_PDFS) and summary["cached"] >= 1
    assert output_files(out) == output_files(reference) and tmp_leftovers(out) == []


def test_runs_are_deterministic_with_and_without_cache(clean_run, tmp_path):
    folder, reference = clean_run
    cached = run_extract(folder, reference, progress=False)
    assert cached["cached"] == len(SOME_PDFS)
    fresh_out = tmp_path / "fresh"
    run_extract(folder, fresh_out, jobs=2, use_cache=False, progress=False)
    assert output_files(fresh_out) == output_files(reference)
    assert not (fresh_out / stage.CACHE_DIR).exists() or not list((fresh_out / stage.CACHE_DIR).glob("*.json"))


HOLD_AND_FORK = """
import ctypes, os, sys, time
from pipeline.runner import run_isolated
from pipeline.runner_files import folder_lock

def outlive_parent():
    ctypes.CDLL(None).prctl(1, 0)  # undo "die with the parent", to see what a surviving worker holds
    print(os.getpid(), flush=True)
    time.sleep(30)

with folder_lock(sys.argv[1]):
    run_isolated([("w", ())], outlive_parent, timeout_s=60)
"""


def test_a_worker_that_outlives_a_killed_run_does_not_hold_the_folder(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_AND_FORK, str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    worker = int(proc.stdout.readline())
    try:
        proc.kill()
        proc.wait()
        os.kill(worker, 0)  # the worker is still alive ...
        with folder_lock(out):  # ... and the folder is free
            pass
    finally:
        os.kill(worker, signal.SIGKILL)


def test_make_clean_during_a_run_does_not_free_the_folder(tmp_path):
    out = tmp_path / "out"
    with folder_held_elsewhere(out):
        for folder in ("interim", ".cache"):  # what `make clean` removes from OUT
            shutil.rmtree(out / folder, ignore_errors=True)
        assert "$(OUT)/.lock" not in (ROOT / "Makefile").read_text()
        with pytest.raises(FolderBusy, match="another run"):
            with folder_lock(out):
                pass


CTRL_C_DURING_FORK = """
import os, signal, sys, time
from pipeline.runner import run_isolated

signal.signal(signal.SIGINT, signal.default_int_handler)
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))  # Ctrl-C as a worker forks
run_isolated([(k, (0.2,)) for k in range(3)], time.sleep, jobs=1, timeout_s=30)
print("finished")
"""


def test_ctrl_c_during_a_fork_stops_the_run():
    """A Ctrl-C that lands while a worker is forked runs in Python's at-fork callbacks, where an exception is
    ignored: the runner records it and raises it at its next turn, so the run stops instead of going on."""
    proc = subprocess.run([sys.executable, "-c", CTRL_C_DURING_FORK], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert "finished" not in proc.stdout
    assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr

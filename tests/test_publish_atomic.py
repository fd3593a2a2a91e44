"""Publishing is atomic: a SIGKILL at any moment leaves a complete, valid release at the top of OUT (the
previous one, or the new one once the switch happened), and the next run cleans up by itself."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from pipeline.publish import run_publish
from pipeline.publish.release import KILL_ENV, Releases
from test_publish_support import (PYTHON, ROOT, changed_base, clone, data_snapshot, frictionless_valid,
                                  published_base, reword, snapshot)


def _python(code: str, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **env_extra, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([str(PYTHON), "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _state(out) -> str:
    """Which complete release the top of OUT shows: 'old', 'new', or a description of the damage."""
    problems = frictionless_valid(out)
    return "invalid: " + "; ".join(problems) if problems else "valid"


@pytest.mark.parametrize("kill_at", ["renamed", "linked", "swapped"])
def test_sigkill_during_the_switch_leaves_a_complete_release(tmp_path_factory, kill_at):
    old_base, new_base = published_base(tmp_path_factory), changed_base(tmp_path_factory)
    work = clone(old_base, tmp_path_factory.mktemp("kill") / kill_at)
    out = work / "out"
    old, new = snapshot(out), snapshot(new_base / "out")
    staging = out / ".releases" / ".staging-test"
    shutil.copytree(new_base / "out" / ".current", staging)  # a validated release, ready to switch to

    proc = _python(f"from pipeline.publish.release import Releases; Releases({str(out)!r}).commit("
                   f"__import__('pathlib').Path({str(staging)!r}))", {KILL_ENV: kill_at})
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    seen = snapshot(out)
    assert seen == (new if kill_at == "swapped" else old)  # byte for byte, one release or the other
    assert _state(out) == "valid"
    notes = Releases(out).recover()
    assert snapshot(out) == seen and _state(out) == "valid"
    if kill_at != "swapped":  # the never-switched release is removed, the current one kept
        assert any("removed old release r000002" in n for n in notes)
        assert [p.name for p in Releases(out).releases()] == ["r000001"]
    assert not [p for p in out.iterdir() if p.is_symlink() and not p.exists()]


def test_sigkill_at_a_random_moment_of_a_real_publish(tmp_path_factory):
    old_base, new_base = published_base(tmp_path_factory), changed_base(tmp_path_factory)
    work = clone(old_base, tmp_path_factory.mktemp("kill") / "random")
    out = work / "out"
    reword(out)  # inputs now give the changed release
    old, new = data_snapshot(out), data_snapshot(new_base / "out")
    seed = random.randrange(1 << 30)
    delay = random.Random(seed).uniform(0.3, 6.0)
    proc = _python(f"from pipeline.publish import run_publish; run_publish({str(work / 'raw_docs')!r}, "
                   f"{str(out)!r})", {})
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=120)
    after_kill = data_snapshot(out)
    assert after_kill in (old, new), f"mixed release after a kill at {delay:.2f}s (seed {seed})"
    assert _state(out) == "valid", f"seed {seed}"

    summary = run_publish(work / "raw_docs", out)  # the next run recovers with no manual step
    assert data_snapshot(out) == new
    assert not list((out / ".releases").glob(".staging-*"))
    assert len(Releases(out).releases()) <= 2 and summary["version"] == "1.2.0"

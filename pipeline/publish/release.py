"""Atomic releases of the published files.

Layout under OUT:
    .releases/r000007/        one complete release (every published file), never modified once in place
    .releases/.staging-<pid>/ a release being written and validated
    .current -> .releases/r000007            the one switch: a relative symlink, replaced atomically
    indicators.csv -> .current/indicators.csv   fixed links at the top of OUT, one per published name

Publishing writes and validates a whole release in a staging folder, syncs it to disk, renames it into
.releases/, makes sure every top-level link exists, then swaps .current with one rename(2). Readers at the top of
OUT therefore see the previous release or the new one, complete, at every instant; a SIGKILL at any point leaves
the previous release current and valid. The next run removes what an interrupted run left (staging folders,
releases that never became current, links to names the current release lacks) under an exclusive lock, so no
manual clean-up is ever needed. The current release and the one before it are kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
from pathlib import Path

from pipeline.runner_files import OutFolderError, folder_lock

RELEASES = ".releases"
CURRENT = ".current"
STAGING_PREFIX = ".staging-"
KILL_ENV = "PIPELINE_PUBLISH_KILL_AT"  # fault injection for the reliability tests: SIGKILL self at this step
_RELEASE = re.compile(r"^r(\d{6})$")
RESERVED = {"interim", "normalised", "compare", RELEASES, CURRENT}


def step(name: str) -> None:
    """A named point of the publishing sequence (where the reliability tests can kill the process)."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path, skip: tuple[str, ...] = ()) -> None:
    """Flush every file and folder under root to disk (folders named in `skip` are left to the page cache)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


class Releases:
    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.root = self.out / RELEASES

    # --------------------------------------------------------------------------------------- state
    def current(self) -> Path | None:
        """The current release folder, or None before the first publish."""
        link = self.out / CURRENT
        if not link.is_symlink():
            return None
        target = self.out / os.readlink(link)
        return target if target.is_dir() else None

    def releases(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if _RELEASE.match(p.name) and p.is_dir())

    def _next_name(self) -> str:
        numbers = [int(_RELEASE.match(p.name).group(1)) for p in self.releases()]
        return f"r{max(numbers, default=0) + 1:06d}"

    # --------------------------------------------------------------------------------------- locking
    def lock(self):
        """Exclusive hold on OUT while publishing: the pipeline's one folder lock (it dies with its process)."""
        return folder_lock(self.out)

    # --------------------------------------------------------------------------------------- recovery
    def recover(self) -> list[str]:
        """Remove what an interrupted publish left behind; returns what was done (call under the lock)."""
        notes = []
        self.root.mkdir(parents=True, exist_ok=True)
        for path in sorted(self.root.glob(STAGING_PREFIX + "*")):
            shutil.rmtree(path, ignore_errors=True)
            notes.append(f"removed unfinished staging folder {path.name}")
        for leftover in [self.out / (CURRENT + ".new"), *self.out.glob(".*.link-new")]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
        notes += self._drop_dangling_links()
        notes += self.collect_garbage()
        return notes

    def _drop_dangling_links(self) -> list[str]:
        notes = []
        for entry in sorted(self.out.iterdir()):
            if entry.is_symlink() and os.readlink(entry).startswith(CURRENT + "/") and not entry.exists():
                os.unlink(entry)
                notes.append(f"removed link {entry.name} (not in the current release)")
        return notes

    def collect_garbage(self) -> list[str]:
        """Keep the current release and the newest one before it; remove the rest (including releases that
        were renamed into place but never became current)."""
        current = self.current()
        keep = {current} if current else set()
        if current is not None:
            older = [p for p in self.releases() if p.name < current.name]
            keep |= set(older[-1:])
        notes = []
        for path in self.releases():
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)
                notes.append(f"removed old release {path.name}")
        return notes

    # --------------------------------------------------------------------------------------- publishing
    def new_staging(self) -> Path:
        path = self.root / f"{STAGING_PREFIX}{os.getpid()}"
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def commit(self, staging: Path) -> Path:
        """Make the validated staging folder the current release, atomically."""
        names = sorted(p.name for p in staging.iterdir())
        clash = RESERVED.intersection(names)
        if clash:
            raise ValueError(f"a release cannot contain {', '.join(sorted(clash))} (names owned by other stages)")
        for name in names:
            self._check_free(name)
        fsync_tree(staging, skip=("data_docs",))  # Data Docs are rebuilt by every publish
        release = self.root / self._next_name()
        os.rename(staging, release)
        fsync_dir(self.root)
        step("renamed")
        for name in names:
            self._ensure_link(name)
        fsync_dir(self.out)
        step("linked")
        tmp = self.out / (CURRENT + ".new")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(f"{RELEASES}/{release.name}", tmp)
        os.replace(tmp, self.out / CURRENT)  # the switch
        fsync_dir(self.out)
        step("swapped")
        self._drop_dangling_links()
        self.collect_garbage()
        return release

    def _check_free(self, name: str) -> None:
        """A published name must be free or this pipeline's link: another file there is never replaced."""
        path = self.out / name
        if os.path.lexists(path) and not (path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}"):
            raise OutFolderError(f"{path}: not a file this pipeline published; move it away to publish here "
                                 "(nothing was published)")

    def _ensure_link(self, name: str) -> None:
        """OUT/<name> -> .current/<name> (the name is free or already that link, see _check_free)."""
        path, target = self.out / name, f"{CURRENT}/{name}"
        if path.is_symlink() and os.readlink(path) == target:
            return
        tmp = self.out / f".{name}.link-new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(target, tmp)
        os.replace(tmp, path)

"""Safe file writes for every stage: atomic replacement, deterministic JSON, one run per output folder.

A file is written to a temporary name in the same folder, flushed to disk and renamed over the target, so a
reader (or the next run after a crash, Ctrl-C, SIGKILL or a full disk) sees the old file or the new one, never
half of one. Leftover temporary files are removed by `remove_stale_tmp`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

TMP_MARK = ".tmp-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{TMP_MARK}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dump_json(obj: Any) -> str:
    """Deterministic JSON text: UTF-8 characters kept, two-space indent, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, dump_json(obj))


def remove_stale_tmp(folder: Path) -> int:
    """Delete temporary files an interrupted run left in `folder`; returns how many."""
    removed = 0
    for tmp in Path(folder).glob(f".*{TMP_MARK}*"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            removed += 1
    return removed


class FolderBusy(RuntimeError):
    """Another run holds the output folder."""


class OutFolderError(RuntimeError):
    """The output folder cannot be used (not ours, not writable); nothing was written to it."""


# What a folder this pipeline writes holds (today or in earlier versions): a non-empty OUT with none of these is
# someone else's folder, and is refused rather than written into.
LOCK_FILE = ".lock"
PROJECT_TRACES = (LOCK_FILE, ".cache", ".current", ".releases", "interim", "normalised", "compare")


def check_out_folder(out: Path) -> None:
    """Refuse a non-empty OUT that is not an output folder of this pipeline (its files would be at risk); a folder
    that holds only a README (as the repository's extracted/ does) is free to use."""
    others = out.is_dir() and any(not p.name.lower().startswith("readme") for p in out.iterdir())
    if others and not any(os.path.lexists(out / name) for name in PROJECT_TRACES):
        raise OutFolderError(f"{out}: the folder is not empty and is not an output folder of this pipeline; "
                             "choose a new or empty folder (nothing was written)")


_held: dict[Path, int] = {}  # folder -> how many nested folder_lock calls hold it


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold OUT/.lock while a stage writes (re-entrant within one process); a second concurrent run gets
    FolderBusy. A POSIX record lock: it dies with its process and forked workers do not inherit it, so a killed
    run never blocks the next one. The lock file sits at the top of OUT, where `make clean` (interim, .cache)
    cannot delete it under a running stage."""
    out = Path(out)
    key = out.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    check_out_folder(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(out / LOCK_FILE, "a")
    except OSError as exc:  # OUT is a file, lies under a file, or cannot be written
        raise OutFolderError(f"{out}: cannot write the output folder here ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise FolderBusy(f"{out}: another run is writing to this folder") from None
            raise
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        handle.close()

"""Run one function per item in its own worker process, with a wall-clock and a memory limit each.

Each item gets a forked child (cheap on Linux: the parent has already imported the heavy libraries). The child
limits its address space with setrlimit, so a pathological document raises MemoryError there instead of
exhausting the machine; a child that exceeds its time is killed. A crash, a kill or a limit in one child never
affects the others. Ctrl-C or SIGTERM in the parent kills the children before the parent exits.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import resource
import signal
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Hashable, Iterable


POLL_S = 0.2
MAX_SECONDS = 1e9  # limits beyond these are refused (setrlimit takes 64-bit values)
MAX_MEMORY_MB = 1 << 30


@dataclass
class Outcome:
    """What became of one item: status "done" (value is the function's result), "error" (value is the
    exception text), "timeout", "memory" or "crashed" (value says how)."""

    status: str
    value: Any
    seconds: float


def _address_space() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel kill this worker when the parent dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _lower_limit(which: int, value: int, slack: int = 0) -> None:
    """Set a resource limit, never above what this process may already use (a run started under a ulimit)."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
        slack = min(slack, hard - value)
    resource.setrlimit(which, (value, value + slack))


def _child(conn, parent: int, func: Callable, args: tuple, memory_mb: int | None, cpu_s: float | None) -> None:
    _die_with_parent(parent)
    faulthandler.disable()  # a worker killed by a signal is reported by the parent, not by a stack dump
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb:
        _lower_limit(resource.RLIMIT_AS, _address_space() + memory_mb * 1024 * 1024)
    if cpu_s:  # a second safety net: a runaway child stops even if nobody watches it
        _lower_limit(resource.RLIMIT_CPU, int(cpu_s) + 1, slack=5)
    try:
        result = ("done", func(*args))
    except MemoryError:
        result = ("memory", "ran out of memory")
    except BaseException as exc:  # report, never raise: the parent decides
        result = ("error", "".join(traceback.format_exception_only(type(exc), exc)).strip()[:500])
    try:
        conn.send(result)
    except BaseException:  # the result cannot be sent back (too large for the memory left): say so, quietly
        with contextlib.suppress(BaseException):
            conn.send(("memory", "ran out of memory sending the result back"))
    finally:
        conn.close()
    os._exit(0)  # no stack dump on the way out: whatever went wrong has been sent


def _stop(proc) -> None:
    if proc.is_alive():
        proc.kill()
    proc.join()


def run_isolated(
    items: Iterable[tuple[Hashable, tuple]],
    func: Callable,
    *,
    jobs: int = 2,
    timeout_s: float | None = 120.0,
    memory_mb: int | None = 2048,
    on_done: Callable[[Hashable, Outcome], None] | None = None,
    on_tick: Callable[[], None] | None = None,
) -> dict[Hashable, Outcome]:
    """Call func(*args) for each (key, args) in worker processes, at most `jobs` at a time."""
    context = multiprocessing.get_context("fork")
    pending = list(items)
    pending.reverse()
    active: dict[Any, tuple] = {}  # connection -> (key, process, start)
    results: dict[Hashable, Outcome] = {}
    jobs = max(1, jobs or os.cpu_count() or 1)
    if timeout_s is not None and not 0 < timeout_s < MAX_SECONDS:  # inf, nan, 1e19: setrlimit would overflow
        raise ValueError(f"timeout_s must be a number of seconds below {MAX_SECONDS}, not {timeout_s!r}")
    if memory_mb is not None and not 0 < memory_mb < MAX_MEMORY_MB:
        raise ValueError(f"memory_mb must be a number of MiB below {MAX_MEMORY_MB}, not {memory_mb!r}")
    cpu_s = timeout_s * 2 if timeout_s else None

    def finish(conn, status: str, value: Any) -> None:
        key, proc, start = active.pop(conn)
        conn.close()
        _stop(proc)
        results[key] = Outcome(status, value, time.monotonic() - start)
        if on_done:
            on_done(key, results[key])

    caught: list[int] = []
    previous = _defer_signals(caught)
    try:
        while pending or active:
            while pending and len(active) < jobs:
                key, args = pending.pop()
                receive, send = context.Pipe(duplex=False)
                proc = context.Process(target=_child, args=(send, os.getpid(), func, args, memory_mb, cpu_s),
                                       daemon=True)
                proc.start()
                send.close()
                active[receive] = (key, proc, time.monotonic())
                _raise_caught(caught)
            for conn in wait(list(active), timeout=POLL_S):
                try:
                    status, value = conn.recv()
                except (EOFError, OSError):
                    _, proc, _ = active[conn]
                    proc.join(1)
                    status, value = _exit_outcome(proc.exitcode, memory_mb)
                finish(conn, status, value)
            now = time.monotonic()
            for conn, (_, _, start) in list(active.items()):
                if timeout_s and now - start > timeout_s:
                    finish(conn, "timeout", f"no result after {timeout_s:g} s")
            if on_tick:
                on_tick()
            _raise_caught(caught)
        _raise_caught(caught)  # one that came with the last result
    finally:
        for conn, (_, proc, _) in list(active.items()):
            _stop(proc)
            conn.close()
        for signum, handler in (previous or {}).items():
            signal.signal(signum, handler)
    return results


def _exit_outcome(code: int | None, memory_mb: int | None = None) -> tuple[str, str]:
    """Why a worker ended without sending a result. A C library (pdfium) that cannot allocate under the memory
    limit aborts the process: SIGABRT with a memory limit set is reported as running out of memory."""
    if code == -signal.SIGXCPU:
        return "timeout", "worker used up its CPU-time limit"
    if code == -signal.SIGABRT and memory_mb:
        return "memory", f"ran out of memory (the PDF library aborted at the {memory_mb} MiB limit)"
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        hint = " (the system may have run out of memory)" if code == -signal.SIGKILL else ""
        return "crashed", f"worker killed by {name}{hint}"
    return "crashed", f"worker exited with status {code} without a result"


@contextlib.contextmanager
def memory_budget(memory_mb: int | None):
    """Let this process add at most memory_mb MiB of address space while the block runs (a soft limit, restored
    after): a stage that runs away in the main process raises MemoryError instead of exhausting the machine."""
    if not memory_mb:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class StageTimeout(Exception):
    """A stage ran past its time budget."""


@contextlib.contextmanager
def time_budget(seconds: float | None):
    """Let the block run at most `seconds` of wall-clock time in this process (a real-time alarm, restored after):
    a stage that runs away in the main process raises StageTimeout instead of running for ever."""
    if not seconds:
        yield
        return

    def expired(signum, frame):
        raise StageTimeout(f"ran longer than {seconds:g} s")

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:  # not the main thread: no alarm here
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _defer_signals(caught: list[int]) -> dict[int, Any] | None:
    """While workers run, Ctrl-C (when Python's default handler has it) and SIGTERM only record themselves in
    `caught`; the worker loop raises them (`_raise_caught`) at its next turn, at most POLL_S later. Raised
    straight from the signal they could be lost: one arriving during a fork runs in the fork's at-fork callbacks
    (logging's lock release), where Python ignores exceptions, and the run would go on. Returns the previous
    handlers (None when signals cannot be set here: not the main thread)."""
    def record(signum, frame):
        caught.append(signum)

    previous: dict[int, Any] = {}
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, record)
        previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, record)
    except ValueError:  # not the main thread: leave signals alone
        return None
    return previous


def _raise_caught(caught: list[int]) -> None:
    """Raise what a deferred signal meant: SystemExit for SIGTERM (so the finally-block kills the workers),
    KeyboardInterrupt for Ctrl-C."""
    if signal.SIGTERM in caught:
        raise SystemExit(128 + signal.SIGTERM)
    if caught:
        raise KeyboardInterrupt

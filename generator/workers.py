"""Use every core for work that splits by entry: forked processes, results back by pipe.

Rendering one entry's page, feeds, JSON and card depends on that entry and
on the derived report, which a forked child already has (copy-on-write, no
pickling of the model). Each child writes its entries' files itself and
sends back only a small summary. Threads would not help: the work is Python
holding the GIL.

Forking is only safe in a process with a single thread, so anything else
(mkdocs' dev server has several) runs the work here, in order, or, for work
that is pure and worth a process start, in spawned processes (:func:`map_spawned`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
import pickle
import signal
import tempfile
import threading
import traceback
from typing import Callable, Generic, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class WorkerFailed(RuntimeError):
    """A child process raised; the message carries its traceback."""

    def __init__(self, child_traceback: str):
        super().__init__(child_traceback.strip().splitlines()[-1] if child_traceback.strip() else "a worker process failed")
        self.child_traceback = child_traceback


def relax_gc() -> None:
    """Collect young objects every 50,000 allocations instead of 700.

    A build makes millions of small long-lived objects (the model of every
    entry); with Python's defaults the collector kept re-scanning them, which
    was a third of loading 10,000 files. Nothing here relies on prompt
    collection of cycles, and peak memory is unchanged within noise.
    """
    gc.set_threshold(50_000, 10, 10)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def map_chunks(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``work`` on ``jobs`` interleaved slices of ``items`` (one here, the rest in
    forked children); their results in slice order. Raises WorkerFailed."""
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1 or not can_fork():
        return [work(items)]
    chunks = [items[index::jobs] for index in range(jobs)]  # interleaved: old and new entries differ in size
    gc.freeze()  # objects made before the fork stay out of the children's collections: fewer pages copied
    children: list[Forked[Result]] = []
    try:
        for chunk in chunks[1:]:
            children.append(Forked(lambda chunk=chunk: work(chunk)))
        results = [work(chunks[0])]
    finally:  # every child waited for, even when this process's own part failed
        outcomes = [child.ended() for child in children]
        gc.unfreeze()
    return results + [_result(outcome) for outcome in outcomes]


def _report(work: Callable[[], object], write_end: int, failure_fd: int) -> None:
    """In a forked child: run ``work``, send its result (or its failure) down the pipe, and
    leave without running the parent's cleanup."""
    try:
        with os.fdopen(write_end, "wb") as pipe:
            try:
                outcome = (True, work())
            except BaseException as exc:
                # An OSError (a full disk, a permission) is raised again in the parent as itself.
                same = exc if isinstance(exc, OSError) else None
                outcome = (False, (same, traceback.format_exc()))
            # Pickled into the pipe as a stream, which the parent unpickles as it comes: a load's
            # result (~18 MB at 10,000 entries) was pickled whole first, 0.2 s the parent waited.
            try:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                # What is in the pipe is cut short; the cause goes to the file the parent reads
                # then (never to the editor's terminal as a raw traceback).
                os.write(failure_fd, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        os._exit(0)


class Forked(Generic[Result]):
    """``work()`` run by a forked child from now on, while this process goes on
    (each of :func:`map_chunks`' children).

    The child starts with a copy of everything this process holds (the derived
    report), at no cost, and sends back only what ``work`` returns. Only where
    :func:`can_fork`.
    """

    def __init__(self, work: Callable[[], Result]):
        # Where the child writes why its result could not be sent, read only then: an unnamed
        # file both processes hold, gone with them.
        self._failure = tempfile.TemporaryFile()
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except BaseException:
            os.close(read_end)
            os.close(write_end)
            self._failure.close()
            raise
        if pid == 0:
            os.close(read_end)
            gc.freeze()  # the child's collections never visit (and copy) the pages of what it was given
            _report(work, write_end, self._failure.fileno())
        os.close(write_end)
        self._child: tuple[int, int] | None = (pid, read_end)

    def ended(self) -> tuple[bool, object]:
        """Wait for the child; what it sent, not yet raised (see :func:`_result`)."""
        assert self._child is not None, "the child's end was already waited for"
        (pid, read_end), self._child = self._child, None
        try:
            # Read before waiting (a full pipe would block the child forever), and as a stream:
            # a load's result is ~20 MB at 10,000 entries, never held twice.
            with os.fdopen(read_end, "rb") as pipe:
                try:
                    outcome, problem = pickle.load(pipe), None
                except Exception as exc:  # EOFError, UnpicklingError...: cut short or never sent
                    outcome, problem = None, exc
            status = os.waitpid(pid, 0)[1]
            return outcome if problem is None else (False, (None, self._why_no_result(status, problem)))
        finally:
            self._failure.close()

    def _why_no_result(self, status: int, problem: Exception) -> str:
        self._failure.seek(0)
        cause = self._failure.read().decode("utf-8", "replace")
        if cause:
            return f"the worker process could not send its result:\n{cause}"
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            why = " (the system may have run out of memory)" if number == signal.SIGKILL else ""
            return f"the worker process was killed by {signal.Signals(number).name}{why} before it sent its result"
        if isinstance(problem, EOFError):
            return "the worker process ended without a result"
        return f"the worker process's result could not be read: {problem!r}"


def _result(outcome: tuple[bool, object]):
    """A child's result, or its failure raised here."""
    ok, value = outcome
    if not ok:
        same, child_traceback = value  # type: ignore[misc]
        if same is not None:
            raise same from WorkerFailed(child_traceback)
        raise WorkerFailed(child_traceback)
    return value


def map_anywhere(work: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``work`` (a module-level function: it may be pickled) on each item, on ``jobs``
    processes: forked when this process may fork, else freshly started ("spawn",
    safe beside the dev server's threads). Results in the items' order."""
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1:
        return [work(item) for item in items]
    if can_fork():
        parts = map_chunks(lambda chunk: [work(item) for item in chunk], items, jobs)
        ordered: list[Result] = [None] * len(items)  # type: ignore[list-item]
        for start, part in enumerate(parts):  # slices were dealt round-robin
            ordered[start::jobs] = part
        return ordered
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(work, items, chunksize=max(1, len(items) // (4 * jobs))))

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
import threading
import traceback
from typing import Callable, Sequence, TypeVar

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
    children: list[tuple[int, int]] = []
    try:
        for chunk in chunks[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: do the work, report, and leave without running the parent's cleanup
                os.close(read_end)
                try:
                    payload = pickle.dumps((True, work(chunk)))
                except BaseException as exc:
                    # An OSError (a full disk, a permission) is raised again in the parent as itself.
                    same = exc if isinstance(exc, OSError) else None
                    payload = pickle.dumps((False, (same, traceback.format_exc())))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                os._exit(0)
            os.close(write_end)
            children.append((pid, read_end))
        results = [work(chunks[0])]
    finally:
        outcomes = []
        for pid, read_end in children:
            # Read before waiting (a full pipe would block the child forever), and as a stream:
            # a load's result is ~20 MB at 10,000 entries, never held twice.
            with os.fdopen(read_end, "rb") as pipe:
                try:
                    outcome = pickle.load(pipe)
                except EOFError:
                    outcome = (False, (None, "the worker process ended without a result"))
                except Exception as exc:  # cut short: the child was killed while writing
                    outcome = (False, (None, f"the worker process's result could not be read: {exc!r}"))
            os.waitpid(pid, 0)
            outcomes.append(outcome)
        gc.unfreeze()
    for ok, value in outcomes:
        if not ok:
            same, child_traceback = value
            if same is not None:
                raise same from WorkerFailed(child_traceback)
            raise WorkerFailed(child_traceback)
        results.append(value)
    return results


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

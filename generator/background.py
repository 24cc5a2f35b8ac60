"""Worker processes that work while the build goes on (charts; feedback and consolidated workbooks).

A build starts its workers first, so that their imports (matplotlib,
openpyxl) overlap the reading of the workbooks; work is handed to them as
soon as its data exists and collected where its result is needed. Workers
are spawned (no state shared with the build, no fork of a process with
threads) and die with the build, even when it is killed with ``kill -9``.

Without a worker (tests, a machine that cannot start processes) callers do
the work in process: the outputs are the same bytes either way.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Any, Callable, Iterator, Optional


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """While a worker starts, the script that started the build is not named to it.

    A spawned process normally runs the parent's main script again (as
    ``__mp_main__``) to find the functions it is sent; ours are all in this
    package, so a script that calls :func:`.pipeline.build` without an
    ``if __name__ == "__main__"`` guard does not start a second build in
    every worker."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield  # run as a module (python -m ...): multiprocessing does not run it again anyway
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _start(initializer: Optional[Callable[[], Any]]) -> None:
    """A worker's start: it dies with the build, then runs ``initializer`` (its imports) without
    cyclic garbage collection (imports make many objects and next to no garbage: collections
    while they run cost ~10% of matplotlib's import); what they made is then frozen, so that the
    collections while the worker works do not go through the libraries' objects again."""
    import gc

    gc.disable()
    try:
        from .pdf import _die_with_parent

        _die_with_parent()
        if initializer is not None:
            initializer()
    finally:
        gc.freeze()
        gc.enable()


def spawn_worker(initializer: Optional[Callable[[], Any]] = None):
    """One spawned worker process (a ``ProcessPoolExecutor``) started now, or ``None`` if none can start.

    ``initializer`` (a module-level function) runs in the worker at start:
    the place for its slow imports."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start, initargs=(initializer,))
        with _main_script_hidden():
            executor.submit(int)  # start the process now, not at the first job
    except (OSError, ImportError, RuntimeError):
        return None
    return executor


def stop(executor, failed: bool = False) -> None:
    """Shut a worker down: after its jobs when the build went well, at once (its process ended,
    its unfinished work thrown away) when the build is failing or interrupted."""
    if not failed:
        executor.shutdown(wait=True, cancel_futures=True)
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:  # gone before the caller removes what it was writing into
        process.join(5)
    executor.shutdown(wait=False, cancel_futures=True)


def warm_up_writers() -> None:
    """Start of the writing worker: a lower scheduling priority (its workbooks are needed only at
    the end, the charts and the document are needed first), then the consolidated workbook's
    writer imported before the first job arrives. openpyxl is imported by the first feedback
    workbook written (:func:`.feedback.feedback_bytes`, without numpy: :func:`numpy_hidden`): a
    build whose feedback workbooks all come from the cache, or that has none, does without it."""
    import os

    try:
        os.nice(10)
    except OSError:
        pass
    import xlsxwriter  # noqa: F401  (the consolidated workbook)


@contextlib.contextmanager
def numpy_hidden() -> Iterator[None]:
    """numpy cannot be imported inside the block (if it is not imported already).

    openpyxl imports numpy, when installed, only to take numpy's number
    types as cell values: more than half of openpyxl's import (0,26 -> 0,11 s
    CPU here). The feedback workbooks hold none (their values are read by
    openpyxl itself or made by this package), so :mod:`.feedback` imports
    openpyxl inside this block; the bytes it writes are the same. numpy stays
    importable after the block."""
    if "numpy" in sys.modules:
        yield
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # the import system's "not importable"
    try:
        yield
    finally:
        del sys.modules["numpy"]


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (as before when the block ends).

    For work that makes many objects that stay alive until it ends, such as
    loading and writing one feedback workbook with openpyxl: the collections
    its allocations would trigger find next to nothing. Its reference cycles
    are collected after it, as the collector runs again."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def timed(fn: Callable[..., Any], *args: Any) -> float:
    """Run ``fn(*args)`` (in the worker) and return how long it took; the memory it used is given
    back to the system afterwards (:func:`release_memory`)."""
    import time

    started = time.perf_counter()
    fn(*args)
    seconds = time.perf_counter() - started
    release_memory()
    return seconds


def release_memory() -> None:
    """Hand freed memory back to the system (glibc keeps freed heap pages otherwise): a worker
    that wrote a large workbook does not hold its size while the document is still being made."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass

"""The document's charts drawn in a separate process while the build goes on.

Drawing the charts costs about a second and a half that does not depend on
the program's size (importing matplotlib, laying out five figures). A build
starts :class:`ChartPool` first: one worker process imports matplotlib at
once, while the main process reads and validates the workbooks. When the
document context asks for a chart, the request goes to the worker and a
:class:`LazyPNG` comes back at once; the .docx renderer reads its bytes only
when it places the picture, so the drawing overlaps the rest of the context
and the rendering. The PNG bytes are the ones :mod:`.charts` draws in
process (same code, same fonts), so the document stays byte-identical.

Without an active pool (tests, ``render_docx`` called on its own) the
functions below draw in process, as :mod:`.charts` does.
"""
from __future__ import annotations

import contextlib
import io
from typing import Any, Iterator, Optional, Sequence

from .charts import top_n  # noqa: F401  (re-exported: the document uses it with the drawing functions)

_POOL: Optional["ChartPool"] = None


def _warm_up() -> None:
    """Worker start: die with the build (even a kill -9 of it), then import matplotlib and find the
    font before the first request arrives."""
    from . import charts
    from .pdf import _die_with_parent

    _die_with_parent()

    charts.font_family()


def _draw(name: str, args: tuple, kwargs: dict) -> bytes:
    from . import charts

    return getattr(charts, name)(*args, **kwargs)


class LazyPNG(io.RawIOBase):
    """A PNG being drawn in the worker: a readable, seekable stream that waits for it on first use."""

    def __init__(self, future: Any):
        super().__init__()
        self._future = future
        self._buf: Optional[io.BytesIO] = None

    def _data(self) -> io.BytesIO:
        if self._buf is None:
            self._buf = io.BytesIO(self._future.result())
        return self._buf

    def getvalue(self) -> bytes:
        return self._data().getvalue()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data().read(size)

    def readinto(self, b) -> int:
        return self._data().readinto(b)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._data().seek(offset, whence)

    def tell(self) -> int:
        return self._data().tell()


class ChartPool:
    """One worker process (spawned: no state shared with the build) that draws charts."""

    def __init__(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm_up)
        self._executor.submit(int)  # start the worker now, not at the first chart

    def submit(self, name: str, args: tuple, kwargs: dict) -> LazyPNG:
        return LazyPNG(self._executor.submit(_draw, name, args, kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def drawing_in_background(enabled: bool = True) -> Iterator[Optional[ChartPool]]:
    """Charts requested inside this block are drawn by a worker process (closed on every exit path)."""
    global _POOL
    if not enabled:
        yield None
        return
    try:
        pool: Optional[ChartPool] = ChartPool()
    except (OSError, ImportError, RuntimeError):  # no process can be started: draw in process
        pool = None
    previous, _POOL = _POOL, pool
    try:
        yield pool
    finally:
        _POOL = previous
        if pool is not None:
            pool.close()


def _dispatch(name: str, args: tuple, kwargs: dict):
    if _POOL is not None:
        return _POOL.submit(name, args, kwargs)
    return _draw(name, args, kwargs)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], **kwargs) -> Any:
    """:func:`.charts.horizontal_bars`, drawn by the pool when one is active (then a :class:`LazyPNG`)."""
    return _dispatch("horizontal_bars", (list(labels), list(values)), kwargs)


def vertical_bars(labels: Sequence[str], values: Sequence[float], **kwargs) -> Any:
    """:func:`.charts.vertical_bars`, drawn by the pool when one is active (then a :class:`LazyPNG`)."""
    return _dispatch("vertical_bars", (list(labels), list(values)), kwargs)

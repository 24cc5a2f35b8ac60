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
from typing import Any, Callable, Iterator, Optional, Sequence

from .charts import top_n  # noqa: F401  (re-exported: the document uses it with the drawing functions)

_POOL: Optional["ChartPool"] = None


def _warm_up() -> None:
    """Worker start: import matplotlib and find the font (part of every chart's cache key) before
    the first request arrives. The figure's modules are imported by the first chart not in the
    cache: a rebuild whose charts are all cached does without them (~0,15 s CPU)."""
    from . import charts

    charts.font_stamp()


def _draw(name: str, args: tuple, kwargs: dict) -> bytes:
    """A chart's PNG, from the cache (:func:`.cache.cached_bytes`) when the same chart was drawn
    before with the same code, font and libraries."""
    from . import charts
    from .cache import cached_bytes

    material = (repr((name, args, sorted(kwargs.items()))).encode(), charts.font_stamp())
    return cached_bytes("grafik", material, lambda: getattr(charts, name)(*args, **kwargs),
                        libraries=("matplotlib", "pillow"))


def _draw_timed(name: str, args: tuple, kwargs: dict) -> tuple[bytes, float]:
    """A chart drawn by the worker, with its drawing time (shown in the build summary)."""
    import time

    started = time.perf_counter()
    png = _draw(name, args, kwargs)
    return png, time.perf_counter() - started


class LazyPNG(io.RawIOBase):
    """A PNG being drawn in the worker: a readable, seekable stream that waits for it on first use.

    ``on_read`` is called once its bytes have arrived (the pool ends its worker when the last
    chart asked for has been read)."""

    def __init__(self, future: Any, on_read: Optional[Callable[[], Any]] = None):
        super().__init__()
        self._future = future
        self._on_read = on_read
        self._buf: Optional[io.BytesIO] = None

    def _data(self) -> io.BytesIO:
        if self._buf is None:
            self._buf = io.BytesIO(self._future.result()[0])
            if self._on_read is not None:
                self._on_read()
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
    """One worker process (:func:`.background.spawn_worker`) that draws charts.

    A chart asked for twice with the same data is drawn once: the build asks
    for the charts as soon as the program is validated (:func:`prefetch`),
    and the document's context asks again, later, for the same ones."""

    def __init__(self) -> None:
        from .background import spawn_worker

        executor = spawn_worker(_warm_up)
        if executor is None:
            raise RuntimeError("no worker process")
        self._executor = executor
        self._futures: dict[str, Any] = {}
        self._retired = False

    def submit(self, name: str, args: tuple, kwargs: dict) -> Any:
        key = repr((name, args, sorted(kwargs.items())))
        future = self._futures.get(key)
        if future is None:
            if self._retired:  # a chart nobody asked for ahead: drawn in process
                return _draw(name, args, kwargs)
            future = self._futures[key] = self._executor.submit(_draw_timed, name, args, kwargs)
        return LazyPNG(future, self.retire_if_done)

    def retire_if_done(self) -> bool:
        """End the worker now if every chart asked for is drawn (their PNGs stay here): its memory
        (matplotlib, about 100 MB) is not held while the document is made. Also called when the
        document has read a chart: once the last one is in, the worker ends (its interpreter's
        shutdown, ~40 ms, overlaps the rest of the build instead of waiting for its end)."""
        if not self._retired and self._futures and all(f.done() for f in self._futures.values()):
            self._executor.shutdown(wait=False)
            self._retired = True
        return self._retired

    def seconds(self) -> float:
        """Drawing time of the charts drawn so far (in the worker, beside the build)."""
        return sum(f.result()[1] for f in self._futures.values() if f.done() and not f.exception())

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
    except RuntimeError:  # no process can be started: draw in process
        pool = None
    previous, _POOL = _POOL, pool
    try:
        yield pool
    finally:
        _POOL = previous
        if pool is not None:
            pool.close()


def prefetch(request: Callable[[], Any]) -> None:
    """Run ``request`` (which asks for charts) now if a pool is active, so that they are drawn while
    the build goes on; without a pool there is nothing to gain and nothing is drawn."""
    if _POOL is not None:
        request()


def retire_if_done() -> None:
    """:meth:`ChartPool.retire_if_done` of the active pool, if any."""
    if _POOL is not None:
        _POOL.retire_if_done()


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

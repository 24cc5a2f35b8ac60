"""Charts drawn in the build's chart process are the charts drawn in process, byte for byte."""
from __future__ import annotations

import io
import time

import pytest

from generator import chartpool, charts


def test_pool_draws_the_same_png_and_hands_it_over_lazily(monkeypatch):
    monkeypatch.setenv("PP_NO_CACHE", "1")  # drawn by the worker, not taken from the cache
    labels, values = ["Altyapı", "Çevre", "Kültür"], [1_952_400_000, 5_000_000, 250_000]
    direct = charts.horizontal_bars(labels, values)
    with chartpool.drawing_in_background() as pool:
        assert pool is not None
        lazy = chartpool.horizontal_bars(labels, values)
        shares = chartpool.vertical_bars(["Lisans", "Önlisans"], [0.6, 0.4], kind="share")
        assert isinstance(lazy, chartpool.LazyPNG)
        lazy.seek(0)
        assert lazy.read() == direct
        assert shares.getvalue() == charts.vertical_bars(["Lisans", "Önlisans"], [0.6, 0.4], kind="share")
    assert chartpool._POOL is None  # closed on leaving the block
    assert chartpool.horizontal_bars(labels, values) == direct  # no pool: drawn in process


def test_lazy_png_is_accepted_where_the_document_embeds_pictures():
    from docx import Document
    from docx.shared import Cm

    png = charts.vertical_bars(["a", "b"], [1, 2])
    with chartpool.drawing_in_background():
        lazy = chartpool.vertical_bars(["a", "b"], [1, 2])
        doc = Document()
        doc.add_picture(lazy, width=Cm(5))
    out = io.BytesIO()
    doc.save(out)
    assert png in b"".join(p.blob for p in doc.part.package.parts if p.partname.endswith(".png"))


def test_a_chart_asked_for_twice_is_drawn_once():
    labels, values = ["Altyapı", "Çevre"], [3_000_000, 1_000_000]
    with chartpool.drawing_in_background() as pool:
        assert pool is not None
        chartpool.prefetch(lambda: chartpool.horizontal_bars(labels, values))
        again = chartpool.horizontal_bars(labels, values)
        other = chartpool.horizontal_bars(labels, values, kind="count")
        assert again.getvalue() == charts.horizontal_bars(labels, values)
        other.getvalue()
        assert len(pool._futures) == 2
        assert pool.seconds() > 0
    drawn = []
    chartpool.prefetch(lambda: drawn.append(1))  # no pool: nothing is asked for ahead
    assert drawn == []


def test_pixels_go_to_the_palette_without_a_png_round_trip():
    """charts._png hands matplotlib's raw pixels to Pillow; a full-colour PNG decoded again gives the
    same palette PNG (the bytes the document embedded before)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(charts.WIDTH_IN, 2.0), dpi=charts.DPI)
    ax = fig.add_subplot(1, 1, 1)
    ax.barh([0, 1], [3, 1], color=[charts.BLUE, charts.NAVY])
    ax.text(1, 0, "Bütçe %27,93", fontsize=7.5)
    FigureCanvasAgg(fig)
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=charts.DPI, metadata={"Software": None}, facecolor="white")
    full.seek(0)
    img = Image.open(full).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                                                   dither=Image.Dither.NONE)
    expected = io.BytesIO()
    img.save(expected, format="PNG", optimize=True, dpi=(charts.DPI, charts.DPI))
    assert charts._png(fig) == expected.getvalue()


def test_a_chart_drawn_before_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    labels, values = ["Eğitim", "Sağlık"], [12, 7]
    first = chartpool._draw("horizontal_bars", (labels, values), {"kind": "count"})
    assert first == charts.horizontal_bars(labels, values, kind="count")

    def fail(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(charts, "horizontal_bars", fail)
    assert chartpool._draw("horizontal_bars", (labels, values), {"kind": "count"}) == first
    with pytest.raises(AssertionError, match="drawn again"):  # other data: drawn
        chartpool._draw("horizontal_bars", (labels, [12, 8]), {"kind": "count"})


def test_the_worker_ends_once_every_chart_is_drawn():
    labels, values = ["Altyapı", "Çevre"], [3_000_000, 1_000_000]
    with chartpool.drawing_in_background() as pool:
        assert pool is not None
        assert not pool.retire_if_done()  # nothing asked for yet
        first = chartpool.horizontal_bars(labels, values)
        first.getvalue()
        assert pool.retire_if_done()
        assert first.getvalue() == charts.horizontal_bars(labels, values)  # kept after the worker ended
        assert chartpool.horizontal_bars(labels, values).getvalue() == first.getvalue()
        late = chartpool.vertical_bars(["a"], [1])  # not asked for ahead: drawn in process
        assert late == charts.vertical_bars(["a"], [1])


def test_personnel_charts_are_asked_for_before_the_departments_are_read(monkeypatch, tmp_path):
    from pathlib import Path

    from generator import pipeline, submissions
    from generator.context import personnel_charts
    from generator.progress import NullReporter

    events = []
    real = submissions.read_submissions

    def reading(*args, **kwargs):
        events.append("birimler")
        return real(*args, **kwargs)

    monkeypatch.setattr(submissions, "read_submissions", reading)
    cfg = pipeline.BuildConfig(Path(__file__).resolve().parent.parent / "workbooks" / "2024")
    inst, _, _ = pipeline.read_year(cfg, NullReporter(), tmp_path,
                                    on_institution=lambda i: events.append(len(personnel_charts(i))))
    assert inst is not None
    assert events == [2, "birimler"]  # both personnel charts of the sample, before any department


def test_the_worker_ends_when_the_last_chart_asked_for_has_been_read():
    """The document reads the charts while it is made: once it has the last one, the worker ends
    then (its shutdown overlaps the rest of the build), not when the build closes the pool."""
    with chartpool.drawing_in_background() as pool:
        assert pool is not None
        first = chartpool.horizontal_bars(["Altyapı", "Çevre"], [3_000_000, 1_000_000])
        second = chartpool.vertical_bars(["Lisans", "Önlisans"], [0.6, 0.4], kind="share")
        processes = list(pool._executor._processes.values())
        assert processes and not pool._retired
        first.getvalue()
        second.getvalue()
        assert pool._retired
        # the executor's own thread joins (reaps) the worker too: a join here can come back before
        # that thread has set the exit code, so the code is waited for, not read once
        deadline = time.monotonic() + 10
        while any(p.exitcode is None for p in processes) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [p.exitcode for p in processes] == [0] * len(processes)  # ended before the block is left

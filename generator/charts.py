"""Charts of the program document (matplotlib, PNG).

Every chart is drawn on its own :class:`~matplotlib.figure.Figure` with the
Agg canvas (no pyplot state, no GUI backend). The bytes are deterministic:
fixed size and dpi, a fixed font, and no metadata (no "Software" entry, no
timestamp), so the same data always gives the same PNG and the .docx that
embeds it stays byte-identical. Numbers on axes and bars are in Turkish
format (1.952,4 — %27,93).
"""
from __future__ import annotations

import io
import textwrap
from functools import lru_cache
from typing import Optional, Sequence

from .turkish import number, percent

DPI = 300  # print resolution
WIDTH_IN = 6.3  # 16 cm: the text width of the document
NAVY = "#1F3864"
BLUE = "#2E74B5"
GREY = "#7F7F7F"
PALETTE = ["#1F3864", "#2E74B5", "#5B9BD5", "#9DC3E6", "#A5A5A5", "#FFC000", "#70AD47", "#ED7D31", "#264478"]


@lru_cache(maxsize=1)
def font_family() -> str:
    """Liberation Sans (metrics of Arial, the document font) if installed, else matplotlib's DejaVu Sans."""
    from matplotlib import font_manager

    try:
        font_manager.findfont(font_manager.FontProperties(family="Liberation Sans"), fallback_to_default=False)
        return "Liberation Sans"
    except ValueError:
        return "DejaVu Sans"


@lru_cache(maxsize=1)
def font_stamp() -> bytes:
    """The font file the charts are drawn with (path, size, time): part of a cached chart's key."""
    import os

    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=font_family()))
    try:
        st = os.stat(path)
        return f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()
    except OSError:
        return path.encode()


def money_scale(values: Sequence[float]) -> tuple[float, str]:
    """Divisor and unit for amounts in TL: 1.952.400.000 → (1e6, "milyon TL")."""
    top = max((abs(v) for v in values), default=0)
    for div, unit in ((1e9, "milyar TL"), (1e6, "milyon TL"), (1e3, "bin TL")):
        if top >= div:
            return div, unit
    return 1.0, "TL"


def scaled(value: float, div: float) -> str:
    """An amount in the chosen unit, Turkish format, at most one decimal: 1.952,4."""
    v = value / div
    return number(round(v, 1) if div > 1 else round(v))


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def _png(fig) -> bytes:
    """PNG at print resolution of a figure made by :func:`_figure`, reduced to a 64-colour palette (flat
    colours and their anti-aliasing: no visible change, a third of the size).

    The canvas's raw RGBA pixels go straight to Pillow: the same pixels a
    full-colour PNG would carry, without encoding and decoding it first
    (a third of the drawing time)."""
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with matplotlib; keep the full-colour PNG if it is missing
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
        return buf.getvalue()
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI, facecolor="white")
    size = fig.canvas.get_width_height(physical=True)
    img = Image.frombuffer("RGBA", size, raw.getvalue(), "raw", "RGBA", 0, 1).convert("RGB")
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True, dpi=(DPI, DPI))
    return out.getvalue()


def _figure(width: float, height: float):
    """A figure on its own Agg canvas from the start: the layout (``tight_layout``) and the drawing
    use the same renderer, so each text is measured once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _style() -> dict:
    return {
        "font.family": [font_family()],
        "font.size": 8.5,
        "axes.edgecolor": "#BFBFBF",
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": "#404040",
        "ytick.color": "#404040",
        "svg.hashsalt": "performans-programi",
        "path.simplify": True,
    }


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, kind: str = "money",
                    label_width: int = 38, colors: Optional[Sequence[str]] = None,
                    rest_last: bool = False) -> bytes:
    """Horizontal bar chart, first label on top.

    ``kind`` is "money" (amounts in TL, scaled to bin/milyon/milyar TL),
    "count" (plain numbers) or "share" (ratios 0–1 shown as %27,93).
    ``rest_last``: the last bar sums the remaining items ("Diğer birimler");
    it is grey, and when it is longer than the others it is cut at the scale
    of the others (with a break mark; its label gives the full amount), so
    that it does not dwarf them.
    """
    from matplotlib import rc_context
    from matplotlib.ticker import MaxNLocator

    n = max(len(values), 1)
    height = 0.9 + 0.36 * n + 0.12 * sum(max(0, len(textwrap.wrap(l, label_width)) - 1) for l in labels)
    with rc_context(_style()):
        fig = _figure(WIDTH_IN, height)
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(len(values)))[::-1]
        bar_colors = list(colors) if colors else [BLUE] * len(values)
        drawn = list(values)
        top = max(values, default=0) or 1
        cut = False
        if rest_last and len(values) > 1:
            bar_colors[-1] = "#A5A5A5"
            head = max(values[:-1]) or 1
            if values[-1] > head:
                top, cut = head, True
                drawn[-1] = head * 1.12
        ax.barh(ys, drawn, color=bar_colors, height=0.62, zorder=2)
        ax.set_yticks(ys, [_wrap(l, label_width) for l in labels])
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#E7E6E6", linewidth=0.6, zorder=0)
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        texts = _value_axis(ax.xaxis, kind, values)
        if cut:  # a white double slash across the cut bar
            x0, y0 = drawn[-1] * 0.9, ys[-1]
            for dx in (0.0, top * 0.025):
                ax.plot([x0 + dx - top * 0.012, x0 + dx + top * 0.012], [y0 - 0.42, y0 + 0.42],
                        color="white", linewidth=2.2, zorder=3, solid_capstyle="butt")
        for y, d, t in zip(ys, drawn, texts):
            ax.text(d + top * 0.01, y, t, va="center", ha="left", fontsize=7.5, color="#262626")
        fig.tight_layout(pad=0.4)
        return _png(fig)


def _value_axis(axis, kind: str, values: Sequence[float]) -> list[str]:
    """Turkish tick labels on the value axis; returns the bar labels.

    ``kind``: "money" (scaled to bin / milyon / milyar TL, unit as axis label),
    "share" (ratios as %), anything else a plain count."""
    from matplotlib.ticker import FuncFormatter

    if kind == "money":
        div, unit = money_scale(values)
        axis.set_major_formatter(FuncFormatter(lambda v, _: scaled(v, div)))
        axis.set_label_text(unit, color=GREY)
        return [scaled(v, div) for v in values]
    if kind == "share":
        axis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, 0)))
        return [percent(v) for v in values]
    axis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
    return [number(v) for v in values]


def vertical_bars(labels: Sequence[str], values: Sequence[float], *, kind: str = "count",
                  label_width: int = 12) -> bytes:
    """Vertical bar chart (few categories, e.g. education levels)."""
    from matplotlib import rc_context
    from matplotlib.ticker import MaxNLocator

    with rc_context(_style()):
        fig = _figure(WIDTH_IN, 2.9)
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(values)))
        ax.bar(xs, values, color=[PALETTE[i % len(PALETTE)] for i in xs], width=0.62, zorder=2)
        ax.set_xticks(xs, [_wrap(l, label_width) for l in labels])
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="y", color="#E7E6E6", linewidth=0.6, zorder=0)
        top = max(values, default=0) or 1
        ax.set_ylim(0, top * 1.18)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        texts = _value_axis(ax.yaxis, kind, values)
        for x, v, t in zip(xs, values, texts):
            ax.text(x, v + top * 0.015, t, ha="center", va="bottom", fontsize=7.5, color="#262626")
        fig.tight_layout(pad=0.4)
        return _png(fig)


def top_n(items: Sequence[tuple[str, float]], n: int, other_label: str) -> list[tuple[str, float]]:
    """The ``n`` largest items (ties in the given order) and one "others" item for the rest."""
    ranked = sorted(enumerate(items), key=lambda p: (-p[1][1], p[0]))
    head = [item for _, item in ranked[:n]]
    rest = [item for _, item in ranked[n:]]
    if rest:
        head.append((other_label.format(count=len(rest)), sum(v for _, v in rest)))
    return head


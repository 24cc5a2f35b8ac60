"""Charts drawn in the build's chart process are the charts drawn in process, byte for byte."""
from __future__ import annotations

import io

from generator import chartpool, charts


def test_pool_draws_the_same_png_and_hands_it_over_lazily():
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

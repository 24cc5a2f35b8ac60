"""The program's own narrative: where each text block goes and its simple markup.

The coordinator keeps the year's prose in kurum.xlsx (sheet *Metinler*): one
row per paragraph, bullet or run-in heading, keyed by the section of the
document that shows it (:data:`SECTIONS`). The document renders the blocks of
a section in sheet order; a section without blocks shows the template's
default text (which may be edited in Word).

Markup inside a block: ``**kalın**`` and ``*italik*``; a line break inside a
cell stays a line break.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH = "paragraf"
BULLET = "madde"
SUBHEADING = "ara_baslik"
KIND_LABELS = {PARAGRAPH: "Paragraf", BULLET: "Madde", SUBHEADING: "Ara Başlık"}
KINDS = {v: k for k, v in KIND_LABELS.items()}

# section key -> where the document shows it (Turkish, shown beside the sheet)
SECTIONS: dict[str, str] = {
    "gorevler": "1-A Görev, Yetki ve Sorumluluklar: görev listesinden önce",
    "gorevler_sonu": "1-A Görev, Yetki ve Sorumluluklar: görev listesinden sonra",
    "mevzuat": "1-A Faaliyetleri Düzenleyen Kanun ve Düzenlemeler: tablodan önce",
    "teskilat": "1-B Teşkilat Yapısı",
    "fiziksel": "1-C Fiziksel Kaynaklar: tablolardan önce",
    **{f"tablo{n}_once": f"1-C/1-D Tablo {n}: tablodan önce" for n in range(1, 10)},
    **{f"tablo{n}_sonra": f"1-C/1-D Tablo {n}: tablodan sonra (notlar)" for n in range(1, 10)},
    "insan": "1-D İnsan Kaynakları: tablolardan önce",
    "diger_hususlar": "1-E Diğer Hususlar",
    "temel_politika": "2-A Temel Politika ve Öncelikler: politika tablosundan önce",
    "amac_hedefler": "2-B Amaç ve Hedefler: misyondan önce",
    "performans_hedefleri": "2-B Performans Hedefleri",
    "performans_gostergeleri": "2-B Performans Göstergeleri",
    "veri_kaynaklari": "2-B Performans Verilerinin Kaynakları ve Güvenilirliği",
    "hedef_birimleri": "2-B Stratejik Hedefler ve İlişkili Birimleri: birim kodlarından önce",
    "faaliyetler": "2-C Performans Hedef ve Göstergeleri ile Faaliyetler: giriş",
    "idare_performans": "2-C İdare Performans Tablosu: tablodan önce",
    "kaynak_ihtiyaci": "2-D İdarenin Toplam Kaynak İhtiyacı: giriş",
    "toplam_kaynak": "2-D Toplam Kaynak İhtiyacı Tablosu: tablodan önce",
    "ekler": "3 Ekler: giriş",
}

_INLINE = re.compile(r"\*\*(.+?)\*\*|(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])", re.S)


@dataclass(frozen=True)
class Span:
    """A piece of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


def spans(text: str) -> list[Span]:
    """``text`` split at ``**bold**`` and ``*italic*`` marks (marks removed).

    A bold span may hold italic marks (``**a *b* c**``). Unpaired asterisks
    are kept as typed.
    """
    out: list[Span] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(Span(text[pos:m.start()]))
        if m.group(1) is not None:
            out.extend(Span(s.text, True, s.italic) for s in spans(m.group(1)))
        else:
            out.append(Span(m.group(2), False, True))
        pos = m.end()
    if pos < len(text):
        out.append(Span(text[pos:]))
    return [s for s in out if s.text]


def plain(text: str) -> str:
    """The text without its emphasis marks."""
    return "".join(s.text for s in spans(text))


def kind_of(label: object) -> str:
    """The block kind of a *Tür* cell ("Madde" → "madde"); blank means paragraph."""
    text = str(label or "").strip()
    if not text:
        return PARAGRAPH
    if text in KINDS:
        return KINDS[text]
    if text in KIND_LABELS:
        return text
    from .turkish import lower

    low = lower(text)
    return next((k for k, v in KIND_LABELS.items() if lower(v) == low), "")

"""How much of the published narrative a rendered .docx reproduces word for word.

The seed is the text export of the published program. Its *narrative
paragraphs* are the longer lines (at least :data:`MIN_CHARS` characters)
before the first performance-target table that are neither table rows (no
tab) nor lines of the plan tree (strategic area, aim and target titles come
from the plan tables, not from prose). List markers ("- ", "16. ") are not
part of a paragraph; ``**`` marks emphasis, so the text between marks is
compared piece by piece. A paragraph counts as reproduced when every piece
is found inside one paragraph of the document (whitespace normalised).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

MIN_CHARS = 80
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLAN_LINE = re.compile(r"^(Stratejik Alan \d|A\d+\b|H\d+\.\d+\b|PG\d)")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("<i>", "").replace("</i>", "")).strip()


def seed_paragraphs(seed: Path) -> list[str]:
    out = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        if "PERFORMANS HEDEFİ TABLOSU" in line:
            break
        if "\t" in line:
            continue
        text = re.sub(r"^(-|\d+\.)\s+", "", _norm(line))
        text = re.sub(r"\s\S+[^\W\d_]-$", "", text)  # a word hyphenated at a page break is compared up to it
        if len(text) >= MIN_CHARS and not _PLAN_LINE.match(text):
            out.append(text)
    return out


def document_paragraphs(docx_bytes: bytes) -> list[str]:
    """The text of every paragraph of the body (line breaks as spaces)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
            parts.append(el.text or "" if el.tag == f"{_W}t" else " ")
        out.append(_norm("".join(parts)))
    return out


def coverage(paragraphs: list[str], docx_bytes: bytes) -> tuple[list[str], list[str]]:
    """(reproduced, missing) seed paragraphs."""
    doc = "\n".join(document_paragraphs(docx_bytes))
    found, missing = [], []
    for para in paragraphs:
        pieces = [_norm(p) for p in para.split("**") if _norm(p)]
        (found if all(p in doc for p in pieces) else missing).append(para)
    return found, missing

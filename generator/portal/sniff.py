"""Is an uploaded file really an .xlsx workbook? Checked before anything parses it.

A real workbook is a zip archive whose ``[Content_Types].xml`` declares the
SpreadsheetML main part; macro-enabled (.xlsm), legacy (.xls) and other zip
files are refused, as are archives that would unpack to far more than they
weigh (zip bombs).
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Optional

from defusedxml import ElementTree

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 200  # unpacked / packed, per member of some size


def sniff_xlsx(path: Path) -> Optional[str]:
    """None when ``path`` looks like a real .xlsx, else a Turkish reason."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head != b"PK\x03\x04":
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return "dosya eski Excel (.xls) biçiminde ya da parola korumalı; .xlsx olarak kaydedin"
        return "dosya bir Excel çalışma kitabı (.xlsx) değil"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                return "dosyanın içinde olağandışı sayıda parça var"
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    return "dosya olağandışı biçimde sıkıştırılmış (açıldığında çok büyüyor)"
            if total > MAX_UNPACKED:
                return "dosya açıldığında çok büyük"
            try:
                types = zf.read("[Content_Types].xml")
            except KeyError:
                return "dosya bir Excel çalışma kitabı (.xlsx) değil (içerik türleri yok)"
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return "dosya bozuk ya da bir Excel çalışma kitabı (.xlsx) değil"
    try:
        root = ElementTree.fromstring(types)
    except Exception:  # defusedxml raises several kinds for hostile or broken XML
        return "dosyanın içerik türleri okunamadı"
    content_types = {el.get("ContentType", "") for el in root.iter() if el.tag.endswith("Override")}
    if XLSX_MAIN not in content_types:
        if any("macroEnabled" in t for t in content_types):
            return "makro içeren çalışma kitapları (.xlsm) kabul edilmez; .xlsx olarak kaydedin"
        return "dosya bir Excel çalışma kitabı (.xlsx) değil"
    return None

"""Feedback workbooks: ``out/<year>_geri_bildirim/<code>.xlsx``, one per department with findings.

Each is a copy of the department's own workbook (the file the build used;
for an .ods or .xls its converted copy) with

* a first sheet "Geri Bildirim" listing every finding of the department in
  Turkish (severity, rule, sheet, cell with a link to it, message, whether
  it was accepted and why),
* every finding as a comment on its cell, and the cell highlighted (red for
  an error, yellow for a warning, green for an accepted finding).

The copy is loaded and changed with openpyxl and written atomically; the
input is never modified. The bytes are deterministic: the workbook keeps
the department's own document properties and the zip entries get fixed
timestamps.
"""
from __future__ import annotations

import functools
import io
import re
import time
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .atomic import write_bytes
from .findings import Finding
from .model import Program, Submission

SHEET = "Geri Bildirim"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FILLS = {"hata": "FFC7CE", "uyarı": "FFEB9C", "kabul": "E2EFDA"}
SEVERITY_LABEL = {"hata": "Hata", "uyarı": "Uyarı"}
AUTHOR = "Strateji Geliştirme"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def feedback_name(sub: Submission) -> str:
    """<code>.xlsx, or the file's own stem when the workbook has no department code."""
    base = sub.department or Path(sub.file).stem
    return _UNSAFE.sub("-", base).strip(" .") + ".xlsx"


def department_findings(sub: Submission, findings: list[Finding]) -> list[Finding]:
    """Findings of the department and of its file, in report order."""
    return [f for f in findings if (sub.department and f.department == sub.department) or f.file == sub.file]


def write_feedback(program: Program, findings: list[Finding], readable: dict[str, Path], outdir: Path) -> Path:
    """Write a feedback workbook for every department workbook used that has findings
    (a clean one has nothing to send back; its status says "tamam"); returns the folder.

    ``readable`` maps a submission's file name to the .xlsx that was read.
    Workbooks this function wrote earlier for departments that no longer
    have a file are removed, so the folder always matches the build.
    """
    return start_feedback(program, findings, readable, outdir).finish()


@dataclass(frozen=True)
class _Sender:
    """What a feedback workbook needs of its submission (small enough to send to a worker)."""

    file: str
    department: str
    department_name: str


class Pending:
    """Feedback workbooks being written (by a worker process, or already in process)."""

    def __init__(self, outdir: Path, names: set[str], futures: list[Future]):
        self.outdir = outdir
        self._names = names
        self._futures = futures
        self.seconds = 0.0  # the writing time itself (in the worker when there is one)

    def finish(self) -> Path:
        """Wait for every workbook (a worker's error is raised here), then remove stale ones."""
        for fut in self._futures:
            self.seconds += fut.result()
        self._futures = []
        for old in self.outdir.glob("*.xlsx"):
            if old.name not in self._names:
                old.unlink()
        return self.outdir


def start_feedback(program: Program, findings: list[Finding], readable: dict[str, Path], outdir: Path,
                   worker=None) -> Pending:
    """:func:`write_feedback` handed to ``worker`` (the build's :func:`.background.spawn_worker`) when
    given: the workbooks are written while the build goes on; :meth:`Pending.finish` waits for them."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[str, str, _Sender, list[Finding]]] = []
    written: set[str] = set()
    for sub in program.submissions:
        src = readable.get(sub.file)
        mine = department_findings(sub, findings)
        if src is None or not mine:  # nothing to send back (its status says "tamam")
            continue
        name = feedback_name(sub)
        if name in written:  # two workbooks without a code and the same stem
            name = _UNSAFE.sub("-", Path(sub.file).name) + ".xlsx"
        jobs.append((str(outdir / name), str(src), _Sender(sub.file, sub.department, sub.department_name), mine))
        written.add(name)
    futures: list[Future] = []
    if worker is None:
        done: Future = Future()
        done.set_result(_write_batch(jobs))
        futures.append(done)
    else:
        for i in range(0, len(jobs), BATCH):
            futures.append(worker.submit(_write_batch, jobs[i:i + BATCH]))
    return Pending(outdir, written, futures)


BATCH = 16  # workbooks per message to the worker


def _write_batch(jobs: list[tuple[str, str, _Sender, list[Finding]]]) -> float:
    from .background import cyclic_gc_paused

    started = time.perf_counter()
    for dest, src, sender, mine in jobs:
        with cyclic_gc_paused():  # the workbook's reference cycles are collected after it
            data = _cached_feedback(Path(src), sender, mine)
        write_bytes(Path(dest), data)
    return time.perf_counter() - started


def _cached_feedback(src: Path, sender: _Sender, findings: list[Finding]) -> bytes:
    """:func:`feedback_bytes`, kept in the cache (:func:`.cache.cached_bytes`) under the workbook's
    bytes and its findings: a department whose file and findings did not change since the last
    build gets the same workbook without writing it again."""
    import json

    from .cache import cached_bytes

    material = (src.read_bytes(), json.dumps([sender.file, sender.department, sender.department_name]).encode(),
                json.dumps([f.to_dict() for f in findings], ensure_ascii=False, sort_keys=True, default=str).encode())
    return cached_bytes("geri_bildirim", material, lambda: feedback_bytes(src, sender, findings),
                        libraries=("openpyxl",))


def _openpyxl():
    """openpyxl, imported without numpy if it is not imported yet (:func:`.background.numpy_hidden`)."""
    from .background import numpy_hidden

    with numpy_hidden():
        import openpyxl
        import openpyxl.comments  # noqa: F401
    return openpyxl


def _where(f: Finding) -> str:
    return " › ".join(p for p in (f.sheet, f.cell) if p)


def _comment_text(f: Finding) -> str:
    head = f"{f.code} ({SEVERITY_LABEL.get(f.severity, f.severity)})"
    text = f"{head}: {f.message}"
    if f.accepted:
        text += f"\nKabul edildi: {f.accepted.get('gerekce', '')}"
    return text


def feedback_bytes(src: Path, sub: Union[Submission, _Sender], findings: list[Finding]) -> bytes:
    """The feedback workbook of ``sub`` (read from ``src``) as bytes."""
    openpyxl = _openpyxl()
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = openpyxl.load_workbook(src)
    on_cells: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.file == sub.file and f.sheet in wb.sheetnames and f.cell:
            on_cells.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, ref), items in on_cells.items():
        cell = wb[sheet][ref]
        text = "\n\n".join(_comment_text(f) for f in items)
        if cell.comment is not None and cell.comment.text:
            text = cell.comment.text.rstrip() + "\n\n" + text
        comment = Comment(text, AUTHOR)
        comment.width = 360
        comment.height = min(60 + 45 * len(items), 400)
        cell.comment = comment
        kind = "hata" if any(f.is_error and f.is_open for f in items) else \
            "uyarı" if any(f.is_open for f in items) else "kabul"
        cell.fill = PatternFill("solid", fgColor=FILLS[kind])

    ws = wb.create_sheet(SHEET, 0)
    wrap = Alignment(wrap_text=True, vertical="top")
    errors = sum(f.is_error and f.is_open for f in findings)
    warnings = sum(not f.is_error and f.is_open for f in findings)
    accepted = sum(not f.is_open for f in findings)
    ws["A1"] = f"{sub.department} {sub.department_name} — doğrulama geri bildirimi".strip()
    ws["A1"].font = Font(name="Calibri", size=14, bold=True, color="1F3864")
    ws["A2"] = f"Dosya: {sub.file}"
    ws["A3"] = (f"{errors} hata, {warnings} uyarı, {accepted} kabul edilen bulgu. Hatalar düzeltilmeden program "
                "kesinleşmez. Bulgular ilgili hücrelere not olarak da eklendi (kırmızı: hata, sarı: uyarı, "
                "yeşil: kabul edildi); düzelttikten sonra kendi dosyanızı yeniden gönderin.")
    headers = (("Sıra", 6), ("Önem", 8), ("Kural", 9), ("Dosya", 24), ("Sayfa › Hücre", 18), ("Hedef", 8),
               ("Faaliyet", 9), ("Bulgu", 70), ("Kabul", 32))
    header_row = 5
    for c, (h, width) in enumerate(headers, start=1):
        cell = ws.cell(header_row, c, h)
        cell.font = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        ws.column_dimensions[get_column_letter(c)].width = width
    for i, f in enumerate(findings, start=1):
        r = header_row + i
        accepted_text = ""
        if f.accepted:
            extra = ", ".join(x for x in (f.accepted.get("kabul_eden", ""), f.accepted.get("tarih", "")) if x)
            accepted_text = f"Kabul edildi: {f.accepted.get('gerekce', '')}" + (f" ({extra})" if extra else "")
        values = (i, SEVERITY_LABEL.get(f.severity, f.severity), f.code, f.file, _where(f), f.target, f.activity,
                  f.message, accepted_text)
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c)
            cell.value = v if isinstance(v, int) else str(v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # a message is text, never a formula
            cell.alignment = wrap
        ws.cell(r, 2).font = Font(name="Calibri", size=10, bold=True,
                                  color="C00000" if f.is_error and f.is_open else
                                  "9C5700" if f.is_open else "375623")
        if (f.sheet, f.cell) in on_cells and f.file == sub.file:
            link = ws.cell(r, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}",
                                       tooltip=f"{f.sheet} › {f.cell}")
            link.font = Font(name="Calibri", size=10, color="0563C1", underline="single")
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    # the notes at the top span the table; printing: A4 landscape, one page wide, header row repeated
    for row in (1, 2, 3):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    ws["A3"].alignment = wrap
    ws.row_dimensions[3].height = 30
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    return workbook_bytes(wb)


def workbook_bytes(wb) -> bytes:
    """The workbook as deterministic bytes, keeping its document properties.

    ``Workbook.save`` stamps the current time as the save time; the writer
    used here keeps the department's own one, and the zip entries get fixed
    timestamps. openpyxl's writer hands its parts to :class:`_Parts`, which
    zips them once at the end (no temporary file per worksheet, no second
    compression pass)."""
    parts = _Parts()
    _writer_class()(wb, parts).save()
    return parts.zipped()


class _Parts:
    """The archive openpyxl's ``ExcelWriter`` writes into: its parts kept by name, in the order
    written (a part written twice keeps its place and its last content, as a zip's reader sees it),
    then zipped with fixed timestamps (:meth:`zipped`)."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._data: dict[str, bytes] = {}

    def writestr(self, name: Union[str, zipfile.ZipInfo], data: Union[str, bytes], *args, **kwargs) -> None:
        name = name.filename if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name).filename
        self._names.append(name)
        self._data[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def write(self, filename: str, arcname: str, *args, **kwargs) -> None:
        self.writestr(arcname, Path(filename).read_bytes())

    def namelist(self) -> list[str]:
        return list(self._names)

    def close(self) -> None:
        pass

    def zipped(self) -> bytes:
        """The parts as a zip: every entry with the same fixed date, attributes and compression."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in self._names:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                dst.writestr(info, self._data[name], compresslevel=6)
        return out.getvalue()


@functools.lru_cache(maxsize=1)
def _writer_class():
    """openpyxl's ``ExcelWriter`` whose worksheets are serialised in memory instead of through a
    temporary file each (the same XML: openpyxl's own ``WorksheetWriter``, given a buffer)."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class Writer(ExcelWriter):
        def write_worksheet(self, ws) -> None:
            if self.workbook.write_only:  # not a workbook this module loads; openpyxl's own way
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    return Writer


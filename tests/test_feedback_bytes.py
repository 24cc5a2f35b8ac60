"""The feedback workbook's bytes (generator/feedback.py): openpyxl's parts zipped once, in memory,
give exactly the archive openpyxl's own writer would give after re-zipping it with fixed dates."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter

from generator import feedback
from generator.findings import Finding
from generator.model import Submission


def _two_pass(wb) -> bytes:
    """The earlier way: openpyxl's writer into a zip (a temporary file per worksheet), then every
    entry read back and written again with the fixed date."""
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=feedback.ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def _department_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Faaliyetler"
    for r in range(1, 40):
        ws.append([f"H{r}", f"Faaliyet {r} — çalışma", r * 1_000, r / 7, "=C{0}*2".format(r)])
    ws.merge_cells("A41:C41")
    other = wb.create_sheet("Göstergeler")
    other["B2"] = "Gösterge"
    other["B3"] = 12.5
    wb.save(path)
    return path


def test_one_pass_gives_the_bytes_of_two_passes(tmp_path):
    src = _department_workbook(tmp_path / "birim.xlsx")
    sub = Submission(file="birim.xlsx", department="D1-FDB", department_name="Fen İşleri Dairesi Başkanlığı")
    findings = [Finding("TOP-02", "hata", "Toplam tutmuyor", file="birim.xlsx", sheet="Faaliyetler", cell="C3",
                        department="D1-FDB"),
                Finding("GST-01", "uyarı", "Gösterge eksik", file="birim.xlsx", sheet="Göstergeler", cell="B3",
                        department="D1-FDB")]
    data = feedback.feedback_bytes(src, sub, findings)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(n.startswith("xl/comments") for n in names)  # the notes on the cells are written too

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == feedback.SHEET
    assert feedback.workbook_bytes(wb) == _two_pass(openpyxl.load_workbook(io.BytesIO(data)))


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_part_written_twice_keeps_its_place_and_last_content():
    parts = feedback._Parts()
    parts.writestr("a.xml", "<a/>")
    parts.writestr(zipfile.ZipInfo("b.xml"), b"<b/>")
    parts.writestr("a.xml", b"<a2/>")
    assert parts.namelist() == ["a.xml", "b.xml", "a.xml"]
    z = zipfile.ZipFile(io.BytesIO(parts.zipped()))
    assert [i.filename for i in z.infolist()] == ["a.xml", "b.xml", "a.xml"]
    assert {i.date_time for i in z.infolist()} == {feedback.ZIP_DATE}
    assert [z.read(i) for i in z.infolist()] == [b"<a2/>", b"<b/>", b"<a2/>"]  # as a reader of the two passes saw it

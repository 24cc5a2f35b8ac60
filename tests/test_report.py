"""Validation reports: JSON and Excel."""
from __future__ import annotations

import json
import zipfile

import openpyxl

from generator.catalogue import catalogue, finding
from generator.findings import Finding, sort_findings
from generator.merge import merge
from generator.model import Loc
from generator.report import report_data, sheet_name, write_reports
from generator.validate import validate
from tests.factory import check_year, small_institution, small_submissions, write_year

RULES = catalogue()


def factory_findings():
    inst = small_institution()
    program, f = merge(inst, small_submissions(inst))
    return program, sort_findings(f + validate(program))


def test_json_report(tmp_path):
    program, findings = factory_findings()
    paths = write_reports(program, findings, tmp_path)
    assert paths == {"json": tmp_path / "2024_dogrulama.json", "rapor": tmp_path / "2024_dogrulama.xlsx"}
    text = paths["json"].read_text("utf-8")
    assert "Dairesi Başkanlığı" in text  # ensure_ascii=False
    data = json.loads(text)
    assert (data["yil"], data["kurum"]) == (2024, "Örnek Büyükşehir Belediyesi")
    codes = [f.code for f in findings]
    assert data["ozet"]["hata"] == sum(f.is_error for f in findings) == 4
    assert data["ozet"]["uyari"] == len(findings) - 4
    assert data["ozet"]["kurallar"] == {c: codes.count(c) for c in sorted(set(codes))}
    assert [r["code"] for r in data["kurallar"]] == sorted(set(codes))
    assert data["kurallar"][0] == {"code": "BRL-01", "severity": "hata", "message": RULES["BRL-01"].message,
                                   "description": RULES["BRL-01"].description}
    first = data["bulgular"][0]
    assert list(first) == ["code", "severity", "message", "file", "sheet", "cell", "department", "target",
                           "activity", "details", "values"]
    assert [b["code"] for b in data["bulgular"]] == codes  # sorted: errors first
    top = next(b for b in data["bulgular"] if b["code"] == "TOP-02")
    assert (top["department"], top["target"], top["activity"]) == ("D1-FDB", "H1.2", "F1")
    assert top["values"]["typed"] == 70_000 and top["details"]["computed"] == "60.000"
    assert "typed_value" not in top["details"]  # raw numbers apart from the displayed text


def test_reports_are_deterministic(tmp_path):
    program, findings = factory_findings()
    a = write_reports(program, findings, tmp_path / "a")
    b = write_reports(program, list(reversed(findings)), tmp_path / "b")
    assert a["json"].read_bytes() == b["json"].read_bytes()
    assert a["rapor"].read_bytes() == b["rapor"].read_bytes()


def test_excel_report_sheets(tmp_path):
    program, findings = factory_findings()
    path = write_reports(program, findings, tmp_path)["rapor"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Özet", "Bulgular", "Kurallar", "Kurum", "D1-FDB", "D2-ÇDB", "D3-İDB"]
    ws = wb["Bulgular"]
    assert [c.value for c in ws[3]] == ["Önem", "Kural", "Birim", "Dosya", "Sayfa", "Hücre", "Hedef", "Faaliyet",
                                        "Mesaj", "Kabul"]
    assert ws.auto_filter.ref == f"A3:J{3 + len(findings)}"
    rows = [[c.value or "" for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[1] for r in rows] == [f.code for f in findings]
    assert rows[0][0] == "Hata" and rows[-1][0] == "Uyarı"
    kur = wb["Kurallar"]
    assert [r[0].value for r in kur.iter_rows(min_row=4)] == sorted(RULES)
    ozet = wb["Özet"]
    values = [[c.value for c in r] for r in ozet.iter_rows()]
    assert ["Hata", 4] == values[2][:2]
    assert ["D2-ÇDB", "Çevre Koruma ve Kontrol Dairesi Başkanlığı", 1, 1, 2] in values
    d2 = wb["D2-ÇDB"]
    assert [r[1].value for r in d2.iter_rows(min_row=4)] == ["BRM-03", "BRM-02"]


def test_cells_link_to_the_source_workbooks(tmp_path):
    inst = small_institution()
    folder = write_year(tmp_path / "workbooks" / "2024", inst, small_submissions(inst))
    program, findings = check_year(folder)
    out = tmp_path / "out"
    path = write_reports(program, findings, out, workbooks=folder)["rapor"]
    ws = openpyxl.load_workbook(path)["Bulgular"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "TOP-02")
    cell = row[5]
    assert cell.value == "S6"
    assert cell.hyperlink.target.replace("\\", "/") == "../workbooks/2024/birimler/2024_D1-FDB.xlsx"
    assert cell.hyperlink.location == "'Faaliyetler'!S6"
    kurum = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "BRM-06")[5]
    assert kurum.hyperlink.target.replace("\\", "/") == "../workbooks/2024/kurum.xlsx"
    # without the workbooks folder the cell is plain text
    plain = write_reports(program, findings, tmp_path / "plain")["rapor"]
    row = next(r for r in openpyxl.load_workbook(plain)["Bulgular"].iter_rows(min_row=4) if r[1].value == "TOP-02")
    assert row[5].value == "S6" and row[5].hyperlink is None


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    program, _ = factory_findings()
    loc = Loc("=HYPERLINK(\"x\").xlsx", "+Sayfa", "A1")
    f = finding("KOD-02", loc, target="=1+1", department="@D1", activity="-F1")
    f.message = "=SUM(A1:A9)"
    path = write_reports(program, [f], tmp_path)["rapor"]
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml
    ws = openpyxl.load_workbook(path)["Bulgular"]
    assert [c.value for c in ws[4]][1:] == ["KOD-02", "@D1", "=HYPERLINK(\"x\").xlsx", "+Sayfa", "A1", "=1+1", "-F1",
                                            "=SUM(A1:A9)", None]


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    names = [sheet_name(n, used) for n in ("D1/FDB:*?", "d1-fdb", "D1-FDB", "'Kurum'", "X" * 40, "X" * 40)]
    assert names == ["D1-FDB---", "d1-fdb", "D1-FDB (2)", "Kurum", "X" * 31, "X" * 27 + " (2)"]
    assert all(len(n) <= 31 for n in names)


def test_department_sheet_for_an_unknown_code(tmp_path):
    program, _ = factory_findings()
    f = Finding("KOD-01", "hata", "m", file="a.xlsx", department="D9/X[1]")
    wb = openpyxl.load_workbook(write_reports(program, [f], tmp_path)["rapor"])
    assert wb.sheetnames == ["Özet", "Bulgular", "Kurallar", "D9-X-1-"]


def test_report_data_without_findings():
    program, _ = factory_findings()
    data = report_data(program, [])
    assert data["ozet"] == {"hata": 0, "uyari": 0, "kabul_edilen": 0, "kurallar": {}, "teslim": {}}
    assert data["bulgular"] == [] and data["teslim"] == []

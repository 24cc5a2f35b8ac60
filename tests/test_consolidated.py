"""The consolidated workbook (out/<year>_birlesik.xlsx) and the synthetic programs."""
from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from generator import consolidated
from generator.catalogue import finding
from generator.consolidated import write_consolidated
from generator.findings import sort_findings
from generator.model import Activity, Department, Loc
from generator.reader import read_department, read_institution
from generator.synthetic import SAMPLE_SIZE, assemble, synthetic_program, write_synthetic_workbooks
from tests.factory import small_institution, small_submissions

SHEETS = ["Özet", "Hedefler", "Göstergeler", "Faaliyetler", "Birim Toplamları", "Alan Özeti", "Birim Özeti",
          "Ekonomik Kod Özeti", "Bulgular"]
TRICKY = ["=HYPERLINK(\"http://x.example\",\"tıkla\")", "-5 adet", "+90 266", "@x", "=1+1"]


def _program(inst=None, subs=None):
    inst = inst or small_institution()
    subs = subs if subs is not None else small_submissions(inst)
    for s in subs:  # the files the activities would have come from
        s.file = s.file or f"2024_{s.department}.xlsx"
    return assemble(inst, subs)


def _table(ws, name):
    """Rows of an Excel table as dicts keyed by header (total row excluded)."""
    t = ws.tables[name]
    rows = list(ws[t.ref])
    headers = [c.value for c in rows[0]]
    body = rows[1:-1] if t.totalsRowCount else rows[1:]
    return headers, [dict(zip(headers, (c.value for c in r))) for r in body]


def _cells(ws, name):
    t = ws.tables[name]
    rows = list(ws[t.ref])
    headers = [c.value for c in rows[0]]
    body = rows[1:-1] if t.totalsRowCount else rows[1:]
    return [dict(zip(headers, r)) for r in body]


@pytest.fixture
def book(tmp_path):
    program = _program()
    f = [finding("TIP-01", Loc("2024_D1-FDB.xlsx", "Faaliyetler", "E5"), department="D1-FDB", target="H1.1",
                 activity="F1", column="01 Personel Giderleri", value="çok"),
         finding("BRM-02", Loc("2024_D2-ÇDB.xlsx", "Birim", "B13"), department="D2-ÇDB",
                 total="90.000", ceiling="100.000", diff="10.000")]
    path = write_consolidated(program, sort_findings(f), tmp_path / "out" / "2024_birlesik.xlsx")
    return program, path


def test_sheets_and_tables(book):
    _, path = book
    assert path.name == "2024_birlesik.xlsx" and path.exists()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    expected = {"Hedefler": "tHedefler", "Göstergeler": "tGostergeler", "Faaliyetler": "tFaaliyetler",
                "Birim Toplamları": "tBirimToplamlari", "Alan Özeti": "tAlanOzeti", "Birim Özeti": "tBirimOzeti",
                "Ekonomik Kod Özeti": "tEkonomikKodOzeti", "Bulgular": "tBulgular"}
    for sheet, table in expected.items():
        assert list(wb[sheet].tables) == [table], sheet
        headers, _ = _table(wb[sheet], table)
        assert all(h and not re.match(r"Column\d+", h) for h in headers)
        assert len(set(headers)) == len(headers)
    # no leftover temporary files beside the output
    assert [p.name for p in path.parent.iterdir()] == ["2024_birlesik.xlsx"]


def test_activities_show_computed_and_typed_totals(book):
    program, path = book
    ws = openpyxl.load_workbook(path)["Faaliyetler"]
    headers, rows = _table(ws, "tFaaliyetler")
    assert headers[:10] == ["Alan No", "Stratejik Alan", "Amaç Kodu", "Hedef Kodu", "Performans Hedefi",
                            "Faaliyet Kodu", "Faaliyet Adı", "Açıklama", "Sorumlu Birim Kodu", "Sorumlu Birim"]
    assert "03 Mal ve Hizmet Alım Giderleri" in headers and "09 Yedek Ödenekler" in headers
    assert len(rows) == len(program.activities) == 4
    # plan order of targets: H1.1 (F1, F2), H1.2, H2.1
    assert [(r["Hedef Kodu"], r["Faaliyet Kodu"]) for r in rows] == [
        ("H1.1", "F1"), ("H1.1", "F2"), ("H1.2", "F1"), ("H2.1", "F1")]
    bridge = rows[2]
    assert bridge["Faaliyet Adı"] == "Köprü onarımı"
    assert bridge["Sorumlu Birim"] == "Fen İşleri Dairesi Başkanlığı"
    assert (bridge["06 Sermaye Giderleri"], bridge["Bütçe (TL)"], bridge["Bütçe Dışı (TL)"], bridge["Toplam (TL)"]) \
        == (50_000, 50_000, 10_000, 60_000)
    assert bridge["Yazılı Toplam (TL)"] == 70_000  # typed over the formula: kept beside the computed 60.000
    assert bridge["Yazılı Bütçe (TL)"] is None
    # bütçe dışı kaynak by kind, before their sum
    kinds = ["Bütçe Dışı: Döner Sermaye (TL)", "Bütçe Dışı: Diğer Yurt İçi (TL)", "Bütçe Dışı: Yurt Dışı (TL)"]
    assert headers[headers.index("Bütçe (TL)") + 1:headers.index("Bütçe Dışı (TL)")] == kinds
    assert [bridge[k] for k in kinds] == [10_000, 0, 0]
    assert bridge["Yazılı Bütçe Dışı (TL)"] is None
    assert rows[0]["Alan No"] == 1 and rows[0]["Stratejik Alan"] == "Altyapı ve Ulaşım"
    assert rows[3]["Amaç Kodu"] == "A2"
    # money cells carry the TL format
    cells = _cells(ws, "tFaaliyetler")
    assert cells[0]["Toplam (TL)"].number_format == "#,##0"
    assert cells[0]["03 Mal ve Hizmet Alım Giderleri"].number_format == "#,##0"
    # typed totals that differ are highlighted by a conditional format on their column
    typed_col = openpyxl.utils.get_column_letter(headers.index("Yazılı Toplam (TL)") + 1)
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(r.startswith(typed_col) for r in ranges)


def test_table_totals_agree_with_the_activities(book):
    program, path = book
    wb = openpyxl.load_workbook(path, data_only=True)  # cached values of the total rows
    grand = sum(a.total for a in program.activities)
    assert grand == 661_002
    for sheet, table, col in [("Hedefler", "tHedefler", "Toplam (TL)"),
                              ("Faaliyetler", "tFaaliyetler", "Toplam (TL)"),
                              ("Alan Özeti", "tAlanOzeti", "Toplam (TL)"),
                              ("Birim Özeti", "tBirimOzeti", "Toplam (TL)")]:
        ws = wb[sheet]
        headers, rows = _table(ws, table)
        assert sum(r[col] or 0 for r in rows) == grand, sheet
        total_row = list(ws[ws.tables[table].ref])[-1]
        assert total_row[0].value == "Toplam"
        assert total_row[headers.index(col)].value == grand, sheet
    _, econ = _table(wb["Ekonomik Kod Özeti"], "tEkonomikKodOzeti")
    assert sum(r["Tutar (TL)"] for r in econ) == sum(a.budget for a in program.activities) == 651_002
    assert {r["Ekonomik Kod"]: r["Tutar (TL)"] for r in econ}["06"] == 350_000
    assert abs(sum(r["Pay"] for r in econ) - 1) < 1e-9


def test_targets_and_indicators(book):
    _, path = book
    wb = openpyxl.load_workbook(path)
    _, targets = _table(wb["Hedefler"], "tHedefler")
    h21 = next(r for r in targets if r["Hedef Kodu"] == "H2.1")
    assert h21["Sorumlu Birim Kodları"] == "D2-ÇDB"
    assert h21["Sorumlu Birimler"] == "Çevre Koruma ve Kontrol Dairesi Başkanlığı"
    assert h21["İş Birliği Yapılacak Birim Kodları"] == "D1-FDB; D3-İDB"
    assert (h21["Gösterge Sayısı"], h21["Faaliyet Sayısı"], h21["Bütçe (TL)"], h21["Toplam (TL)"]) == \
        (1, 1, 101_002, 101_002)
    assert h21["Amaç"] == "Çevreyi korumak." and h21["Alan No"] == 2
    headers, inds = _table(wb["Göstergeler"], "tGostergeler")
    assert "2024 Hedef Değeri" in headers
    assert [(r["Gösterge Kodu"], r["2024 Hedef Değeri"], r["Birim Kodu"]) for r in inds] == [
        ("PG1.1.1", 38, "D1-FDB"), ("PG1.2.1", 2.5, "D1-FDB"), ("PG2.1.1", 40, "D2-ÇDB")]


def test_unit_totals_against_ceiling(book):
    _, path = book
    wb = openpyxl.load_workbook(path)
    _, units = _table(wb["Birim Toplamları"], "tBirimToplamlari")
    by_code = {r["Birim Kodu"]: r for r in units}
    assert list(by_code) == ["D1-FDB", "D2-ÇDB", "D3-İDB"]
    fdb = by_code["D1-FDB"]
    assert (fdb["Faaliyet Sayısı"], fdb["Hedeflere Yönelik Faaliyet Maliyeti (TL)"], fdb["Personel Gideri (TL)"],
            fdb["Genel Yönetim Gideri (TL)"], fdb["Birim Toplam Kaynak İhtiyacı (TL)"], fdb["Bütçe Tavanı (TL)"],
            fdb["Tavana Göre Kalan (TL)"]) == (2, 560_000, 20_000, 5_000, 585_000, 600_000, 15_000)
    assert by_code["D2-ÇDB"]["Yazılı Faaliyet Sayısı"] == 5  # typed over COUNTA, kept for comparison
    assert by_code["D3-İDB"]["Çalışma Kitabı Geldi"] == "Hayır"
    assert by_code["D3-İDB"]["Birim Toplam Kaynak İhtiyacı (TL)"] == 0


def test_findings_sheet(book):
    _, path = book
    ws = openpyxl.load_workbook(path)["Bulgular"]
    _, rows = _table(ws, "tBulgular")
    assert [(r["Önem"], r["Kural"], r["Dosya"], r["Sayfa"], r["Hücre"]) for r in rows] == [
        ("Hata", "TIP-01", "2024_D1-FDB.xlsx", "Faaliyetler", "E5"),
        ("Uyarı", "BRM-02", "2024_D2-ÇDB.xlsx", "Birim", "B13"),
    ]
    assert rows[0]["Mesaj"] == "\"01 Personel Giderleri\" sayı olmalı; yazılan değer: \"çok\"."
    assert ws["A2"].value == "1 hata, 1 uyarı."
    summary = openpyxl.load_workbook(path)["Özet"]
    labels = {r[0].value: r[1].value for r in summary.iter_rows(min_row=4) if r[0].value}
    assert labels["Hata Sayısı"] == 1 and labels["Uyarı Sayısı"] == 1
    assert labels["Faaliyet Sayısı"] == 4 and labels["Program Yılı"] == 2024


def test_charts_are_native_excel_charts(book):
    _, path = book
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
        kinds = {re.search(r"<c:(barChart|pieChart)>", z.read(n).decode()).group(1) for n in charts}
        xml = {n: z.read(n).decode() for n in charts}
    assert len(charts) == 3
    assert kinds == {"barChart", "pieChart"}  # column and bar charts are both c:barChart
    directions = sorted(re.search(r'<c:barDir val="(\w+)"', x).group(1) for x in xml.values() if "barDir" in x)
    assert directions == ["bar", "col"]
    assert any("'Ekonomik Kod Özeti'!$D$5:$D$13" in x for x in xml.values())


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    inst = small_institution()
    subs = small_submissions(inst)
    inst.departments.append(Department("D4-XDB", "+90 Birimi", [], None, 3))
    for i, text in enumerate(TRICKY):
        subs[0].activities.append(Activity("H1.2", f"F{i + 2}", text, "D1-FDB", explanation=text, amounts={"03": 1}))
    subs[0].activities.append(Activity("H1.2", "F9", "Normal", "D4-XDB", amounts={"03": 1}))
    program = _program(inst, subs)
    path = write_consolidated(program, [], tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Faaliyetler"]
    cells = _cells(ws, "tFaaliyetler")
    names = {c["Faaliyet Adı"].value: c for c in cells}
    for text in TRICKY:
        assert text in names, text
        row = names[text]
        assert row["Faaliyet Adı"].data_type == "s" and row["Açıklama"].data_type == "s"
        assert row["Açıklama"].value == text
    unit = next(c for c in cells if c["Sorumlu Birim Kodu"].value == "D4-XDB")
    assert unit["Sorumlu Birim"].value == "+90 Birimi" and unit["Sorumlu Birim"].data_type == "s"
    # no cell of the workbook holds a formula except the tables' total rows
    for sheet in wb:
        totals = {c.coordinate for t in sheet.tables.values() if t.totalsRowCount
                  for c in list(sheet[t.ref])[-1]}
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert c.coordinate in totals, (sheet.title, c.coordinate, c.value)
                    assert str(c.value).startswith("=SUBTOTAL(109,")


def test_units_with_equal_totals_in_turkish_order(tmp_path):
    inst = small_institution()
    for i, name in enumerate(["Zabıta Dairesi", "Işıklandırma Dairesi", "İmar Dairesi", "Cami Hizmetleri",
                              "Çevre Dairesi", "Şehir Planlama", "Sağlık Dairesi"]):
        inst.departments.append(Department(f"D{i + 10}-X{i}", name, [], None, i + 10))
    program = _program(inst)
    path = write_consolidated(program, [], tmp_path / "b.xlsx")
    _, rows = _table(openpyxl.load_workbook(path)["Birim Özeti"], "tBirimOzeti")
    totals = [r["Toplam (TL)"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    zero = [r["Birim Adı"] for r in rows if r["Toplam (TL)"] == 0]
    assert zero == ["Cami Hizmetleri", "Çevre Dairesi", "Işıklandırma Dairesi", "İmar Dairesi",
                    "İtfaiye Dairesi Başkanlığı", "Sağlık Dairesi", "Şehir Planlama", "Zabıta Dairesi"]


def test_same_program_same_bytes(tmp_path):
    a = write_consolidated(_program(), [], tmp_path / "a.xlsx").read_bytes()
    b = write_consolidated(_program(), [], tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_the_build_worker_writes_the_same_bytes(tmp_path):
    """The build prepares the rows and lets its background worker write them (:mod:`generator.background`)."""
    from generator.background import spawn_worker, stop, timed, warm_up_writers

    program = _program()
    expected = write_consolidated(program, [], tmp_path / "a.xlsx").read_bytes()
    worker = spawn_worker(warm_up_writers)
    assert worker is not None
    try:
        seconds = worker.submit(timed, consolidated.write_book, consolidated.prepare(program, []),
                                tmp_path / "b.xlsx").result()
    finally:
        stop(worker)
    assert seconds > 0
    assert (tmp_path / "b.xlsx").read_bytes() == expected


def test_the_writing_worker_yields_to_the_document_and_the_charts():
    import os

    from generator.background import spawn_worker, stop, warm_up_writers

    worker = spawn_worker(warm_up_writers)
    assert worker is not None
    try:
        assert worker.submit(os.nice, 0).result() >= min(os.nice(0) + 10, 19)
    finally:
        stop(worker)


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_consolidated(_program(), [], tmp_path / "b.xlsx")
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(consolidated, "_write_summary", broken)
    with pytest.raises(RuntimeError):
        write_consolidated(_program(), [], path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["b.xlsx"]


def test_empty_program_still_writes_a_workbook(tmp_path):
    inst = small_institution()
    path = write_consolidated(_program(inst, []), [], tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    _, rows = _table(wb["Faaliyetler"], "tFaaliyetler")
    assert all(v is None for r in rows for v in r.values())
    _, units = _table(wb["Birim Toplamları"], "tBirimToplamlari")
    assert [r["Çalışma Kitabı Geldi"] for r in units] == ["Hayır"] * 3


# --- synthetic programs ----------------------------------------------------

def test_synthetic_program_has_the_sample_size():
    inst, subs = synthetic_program(1)
    assert (len(inst.areas), len(inst.aims), len(inst.targets), len(inst.indicator_defs), len(inst.departments)) \
        == (7, 12, 55, 218, 34)
    assert sum(len(s.activities) for s in subs) == SAMPLE_SIZE["activities"]
    assert sum(len(s.indicators) for s in subs) == SAMPLE_SIZE["indicators"]
    # activity codes are unique within a target, every target has activities, units plan their ceiling
    keys = [a.key for s in subs for a in s.activities]
    assert len(keys) == len(set(keys))
    assert {t for t, _ in keys} == {t.code for t in inst.targets}
    for s in subs:
        dept = inst.department(s.department)
        assert sum(a.total for a in s.activities) + s.unit_costs.personnel + s.unit_costs.general_admin \
            == dept.ceiling
        for a in s.activities:
            assert a.unit_code == s.department and s.department in inst.target(a.target_code).responsibility


def test_synthetic_program_scales_units_and_activities():
    inst, subs = synthetic_program(3)
    assert len(inst.departments) == len(subs) == 3 * 34
    assert sum(len(s.activities) for s in subs) == 3 * 328
    assert len(inst.targets) == 55 and len({d.code for d in inst.departments}) == 102
    # each target keeps exactly one responsible unit, so each indicator one value
    assert all(list(t.responsibility.values()).count("S") == 1 for t in inst.targets)
    assert synthetic_program(3) == (inst, subs)  # deterministic


def test_synthetic_workbooks_read_back_without_findings(tmp_path):
    folder = write_synthetic_workbooks(tmp_path / "2024", 1)
    inst, findings = read_institution(folder / "kurum.xlsx")
    assert findings == []
    files = sorted((folder / "birimler").glob("*.xlsx"))
    assert len(files) == 34
    expected_inst, expected_subs = synthetic_program(1)
    assert [d.ceiling for d in inst.departments] == [d.ceiling for d in expected_inst.departments]
    total = 0
    for path in files:
        sub, f = read_department(path)
        assert f == [], (path.name, [x.message for x in f])
        total += len(sub.activities)
    assert total == 328


def test_consolidated_of_a_synthetic_program(tmp_path):
    inst, subs = synthetic_program(2)
    program = _program(inst, subs)
    path = write_consolidated(program, [], tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    _, units = _table(wb["Birim Toplamları"], "tBirimToplamlari")
    assert len(units) == 68
    assert sum(r["Birim Toplam Kaynak İhtiyacı (TL)"] for r in units) == inst.profile.total_budget
    assert all(r["Tavana Göre Kalan (TL)"] == 0 for r in units)
    _, acts = _table(wb["Faaliyetler"], "tFaaliyetler")
    assert len(acts) == 656


def test_synthetic_program_is_clean_for_merge_and_validation():
    merge = pytest.importorskip("generator.merge").merge
    validate = pytest.importorskip("generator.validate").validate
    inst, subs = synthetic_program(2)
    for s in subs:
        s.file = f"2024_{s.department}.xlsx"
    program, findings = merge(inst, subs)
    findings += validate(program)
    assert [(f.code, f.message) for f in findings] == []
    assert len(program.activities) == 2 * 328


def test_codes_outside_the_plan_are_listed_not_lost(tmp_path):
    inst = small_institution()
    subs = small_submissions(inst)
    subs[1].activities.append(Activity("H9.9", "F1", "Planda olmayan hedef", "D2-ÇDB", amounts={"03": 7}))
    stranger = small_submissions(inst)[0]
    stranger.department, stranger.department_name = "D9-YOK", "Yeni Kurulan Dairesi Başkanlığı"
    stranger.indicators = []
    stranger.activities = [Activity("H1.2", "F7", "Yeni birimin faaliyeti", "D9-YOK", amounts={"06": 5})]
    program = _program(inst, [*subs, stranger])
    wb = openpyxl.load_workbook(write_consolidated(program, [], tmp_path / "b.xlsx"))
    _, targets = _table(wb["Hedefler"], "tHedefler")
    assert targets[-1]["Hedef Kodu"] == "H9.9"
    assert targets[-1]["Performans Hedefi"] == consolidated.NOT_IN_PLAN and targets[-1]["Toplam (TL)"] == 7
    _, units = _table(wb["Birim Toplamları"], "tBirimToplamlari")
    assert units[-1]["Birim Kodu"] == "D9-YOK"
    assert units[-1]["Birim Adı"] == "Yeni Kurulan Dairesi Başkanlığı"
    assert units[-1]["Bütçe Tavanı (TL)"] is None and units[-1]["Tavana Göre Kalan (TL)"] is None
    _, areas = _table(wb["Alan Özeti"], "tAlanOzeti")
    assert sum(r["Toplam (TL)"] for r in areas) == sum(a.total for a in program.activities)

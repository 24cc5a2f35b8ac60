"""Merging department workbooks: missing and repeated files, headers,
unknown codes, the same activity or indicator in two workbooks."""
from __future__ import annotations

import shutil

from generator import TEMPLATE_VERSION
from generator.merge import merge
from generator.model import Activity, Indicator, Submission, UnitCosts
from generator.validate import validate
from tests.factory import (
    check_year,
    clean_institution,
    clean_submissions,
    dept_path,
    edit_cells,
    write_year,
)

FDB, CDB, IDB = "D1-FDB", "D2-ÇDB", "D3-İDB"


def one(findings, code):
    got = [f for f in findings if f.code == code]
    assert len(got) == 1, [(f.code, f.where(), f.message) for f in findings]
    return got[0]


def codes(findings):
    return sorted(f.code for f in findings if f.is_error)


def year(tmp_path, inst=None, subs=None):
    inst = inst or clean_institution()
    write_year(tmp_path, inst, subs if subs is not None else clean_submissions(inst))
    return tmp_path


def test_merged_program(tmp_path):
    program, findings = check_year(year(tmp_path))
    assert [f for f in findings if f.is_error] == []
    assert [s.department for s in program.submissions] == [FDB, CDB, IDB]
    assert [(a.target_code, a.code, a.unit_code) for a in program.activities] == [
        ("H1.1", "F1", FDB), ("H1.1", "F2", CDB), ("H1.2", "F1", FDB), ("H2.1", "F1", CDB)]
    assert [i.code for i in program.indicators] == ["PG1.1.1", "PG1.2.1", "PG2.1.1"]
    assert list(program.unit_costs) == [FDB, CDB, IDB]
    assert program.unit_costs[IDB].personnel == 60_000


def test_activities_sorted_by_code_numbers():
    inst = clean_institution()
    sub = Submission(file="a.xlsx", department=FDB, year=2024, template_version=TEMPLATE_VERSION)
    sub.activities = [Activity(t, c, f"{t} {c}", FDB) for t, c in
                      [("H1.10", "F1"), ("H1.2", "F10"), ("H1.2", "F2"), ("H10.1", "F1"), ("H2.1", "F1")]]
    program, _ = merge(inst, [sub], partial=True)
    assert [(a.target_code, a.code) for a in program.activities] == [
        ("H1.2", "F2"), ("H1.2", "F10"), ("H1.10", "F1"), ("H2.1", "F1"), ("H10.1", "F1")]


def test_missing_department(tmp_path):
    inst = clean_institution()
    program, findings = check_year(year(tmp_path, inst, clean_submissions(inst)[:2]))
    f = one(findings, "BRL-01")
    assert (f.file, f.sheet, f.cell, f.department) == ("kurum.xlsx", "Birimler", "A6", IDB)
    assert f.message == "D3-İDB (İtfaiye Dairesi Başkanlığı) birimine ait çalışma kitabı yok."


def test_missing_department_not_reported_when_checking_one_file():
    inst = clean_institution()
    _, findings = merge(inst, clean_submissions(inst)[:1], partial=True)
    assert findings == []


def test_second_file_of_a_department(tmp_path):
    folder = year(tmp_path)
    shutil.copy(dept_path(folder, FDB), folder / "birimler" / "2024_D1-FDB_kopya.xlsx")
    program, findings = check_year(folder)
    f = one(findings, "BRL-02")
    assert (f.file, f.sheet, f.cell, f.department) == ("2024_D1-FDB_kopya.xlsx", "Birim", "B4", FDB)
    # a copy has the same save time: the first by file name is used
    assert f.message == ("D1-FDB birimi için iki çalışma kitabı var: \"2024_D1-FDB.xlsx\" (kaydedilme "
                         "01.01.2023 03:00) kullanıldı, \"2024_D1-FDB_kopya.xlsx\" (kaydedilme 01.01.2023 03:00, "
                         "2 faaliyet) yok sayıldı.")
    assert not f.is_error and codes(findings) == []  # the choice is made; removing the copy is advised
    assert sum(a.unit_code == FDB for a in program.activities) == 2


def test_wrong_year_and_template_version(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, CDB), {("Birim", "B6"): 2023, ("Birim", "B7"): "PP-ŞABLON-0"})
    _, findings = check_year(folder)
    f = one(findings, "BRL-03")
    assert (f.file, f.sheet, f.cell, f.department) == ("2024_D2-ÇDB.xlsx", "Birim", "B6", CDB)
    assert f.message == "Program yılı 2023 yazılmış; kurum.xlsx'teki program yılı 2024."
    f = one(findings, "BRL-04")
    assert (f.cell, f.department) == ("B7", CDB)
    assert f.message == f"Şablon sürümü \"PP-ŞABLON-0\"; geçerli sürüm \"{TEMPLATE_VERSION}\"."


def test_department_name_differs(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, FDB), {("Birim", "B5"): "Fen İşleri Müdürlüğü"})
    edit_cells(dept_path(folder, CDB), {("Birim", "B5"): "ÇEVRE KORUMA VE KONTROL DAİRESİ BAŞKANLIĞI"})
    _, findings = check_year(folder)
    f = one(findings, "BRL-05")  # upper case of the same name is the same name
    assert (f.file, f.cell, f.department, f.severity) == ("2024_D1-FDB.xlsx", "B5", FDB, "uyarı")


def test_department_alias_is_accepted(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, FDB), {("Birim", "B5"): "Fen İşleri Dai. Bşk."})
    _, findings = check_year(folder)
    assert [f for f in findings if f.code == "BRL-05"] == []


def test_unknown_department_code_keeps_the_activities(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, IDB), {("Birim", "B4"): "D9-XYZ", ("Faaliyetler", "A5"): "H2.1",
                                        ("Faaliyetler", "B5"): "F2", ("Faaliyetler", "C5"): "Tatbikat",
                                        ("Faaliyetler", "G5"): 7})
    program, findings = check_year(folder)
    f = one(findings, "KOD-01")
    assert (f.file, f.sheet, f.cell, f.department) == ("2024_D3-İDB.xlsx", "Birim", "B4", "D9-XYZ")
    assert one(findings, "BRL-01").department == IDB  # the real D3-İDB has no workbook now
    assert [(a.key, a.unit_code) for a in program.activities if a.unit_code == "D9-XYZ"] == [(("H2.1", "F2"), "D9-XYZ")]


def test_unknown_target_code(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, FDB), {("Faaliyetler", "A5"): "H9.9"})
    program, findings = check_year(folder)
    f = one(findings, "KOD-02")
    assert (f.file, f.sheet, f.cell, f.department, f.target, f.activity) == (
        "2024_D1-FDB.xlsx", "Faaliyetler", "A5", FDB, "H9.9", "F1")
    assert ("H9.9", "F1") in [a.key for a in program.activities]


def test_unknown_indicator_code_and_wrong_target(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, FDB), {("Göstergeler", "B4"): "PG1.1.9", ("Göstergeler", "A5"): "H1.1"})
    _, findings = check_year(folder)
    f = one(findings, "KOD-03")
    assert (f.sheet, f.cell, f.department, f.target) == ("Göstergeler", "B4", FDB, "H1.1")
    assert f.message == "Gösterge kodu PG1.1.9 stratejik planda (kurum.xlsx Göstergeler) tanımlı değil."
    f = one(findings, "KOD-04")  # PG1.2.1 written under H1.1
    assert (f.sheet, f.cell, f.target) == ("Göstergeler", "A5", "H1.1")
    assert f.message == "PG1.2.1 göstergesi planda H1.2 hedefine ait; burada H1.1 yazılmış."
    assert one(findings, "GST-04").details["indicator"] == "PG1.1.1"  # nobody gave PG1.1.1 now


def test_unit_of_measure_not_in_the_list(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, FDB), {("Göstergeler", "D4"): "metre"})
    _, findings = check_year(folder)
    f = one(findings, "KOD-05")
    assert (f.sheet, f.cell, f.department, f.target, f.severity) == ("Göstergeler", "D4", FDB, "H1.1", "uyarı")
    assert one(findings, "GST-03").cell == "D4"


def test_same_activity_in_two_workbooks_is_taken_once(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].activities.append(Activity("H1.2", "F1", "Köprü onarımı", CDB, "", {"06": 50_000},
                                       off_amounts={"doner": 10_000}))
    program, findings = check_year(year(tmp_path, inst, subs))
    f = one(findings, "TEK-02")
    assert (f.file, f.sheet, f.cell, f.department, f.target, f.activity) == (
        "2024_D2-ÇDB.xlsx", "Faaliyetler", "B7", CDB, "H1.2", "F1")
    assert f.message == ("H1.2 F1 faaliyeti \"2024_D1-FDB.xlsx\" dosyasında da aynen var; "
                         "bu kayıt (60.000 TL) yok sayıldı.")
    assert [a.unit_code for a in program.activities if a.key == ("H1.2", "F1")] == [FDB]


def test_same_code_for_different_activities_in_two_workbooks(tmp_path):
    # each unit numbers its own activities inside a target: D2-ÇDB's F1 and F2 in H1.1 meet D1-FDB's F1;
    # no error for either file, the document numbers the target afresh (S unit first) and the unit whose
    # numbers changed is told so (#15: the duplicate error used to land on the innocent file)
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].activities.append(Activity("H1.1", "F1", "Yol kenarı temizliği", CDB, "", {"03": 5}))
    program, findings = check_year(year(tmp_path, inst, subs))
    assert not [f for f in findings if f.code.startswith("TEK")]
    f = one(findings, "KOD-08")
    assert (f.file, f.cell, f.department, f.target, f.activity) == ("2024_D2-ÇDB.xlsx", "B7", CDB, "H1.1", "F1")
    assert f.message == ("H1.1 hedefinde D1-FDB birimi de aynı faaliyet kodlarını (F1) kullanmış; bu birimin "
                         "faaliyetleri belgede yeniden numaralandı: F1 → F2, F2 → F3.")
    h11 = [(a.unit_code, a.code, a.number) for a in program.activities if a.target_code == "H1.1"]
    assert h11 == [(FDB, "F1", "F1"), (CDB, "F1", "F2"), (CDB, "F2", "F3")]


def test_renumbered_codes_reach_the_document(tmp_path):
    from generator.document import build_context

    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].activities.append(Activity("H1.1", "F1", "Yol kenarı temizliği", CDB, "", {"03": 5}))
    program, _ = check_year(year(tmp_path, inst, subs))
    text = repr(build_context(program))
    assert "kod='F3'" in text or "'kod': 'F3'" in text


def test_responsible_unit_record_wins_over_file_order():
    inst = clean_institution()
    a = Submission(file="a.xlsx", department=CDB, year=2024, template_version=TEMPLATE_VERSION)
    b = Submission(file="b.xlsx", department=FDB, year=2024, template_version=TEMPLATE_VERSION)
    a.activities = [Activity("H1.2", "F1", "Köprü onarımı", CDB, "", {"06": 1})]
    b.activities = [Activity("H1.2", "F1", "Köprü onarımı", FDB, "", {"06": 1})]
    program, findings = merge(inst, [a, b], partial=True)
    assert [x.unit_code for x in program.activities] == [FDB]  # D1-FDB is S for H1.2
    assert one(findings, "TEK-02").department == CDB


def test_indicator_in_two_workbooks(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].indicators.append(Indicator("PG1.1.1", "H1.1", "Yapılan yol uzunluğu", "km", 40, CDB))
    program, findings = check_year(year(tmp_path, inst, subs))
    f = one(findings, "TEK-04")
    assert (f.file, f.sheet, f.cell, f.department, f.target) == ("2024_D2-ÇDB.xlsx", "Göstergeler", "B5", CDB, "H1.1")
    assert f.message == ("PG1.1.1 göstergesi ikinci kez girilmiş (ilk: 2024_D1-FDB.xlsx › Göstergeler › B4); "
                         "bu satır yok sayıldı.")
    assert [(i.code, i.value) for i in program.indicators if i.code == "PG1.1.1"] == [("PG1.1.1", 38)]


def test_indicator_row_with_a_value_wins_over_a_blank_one(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].indicators.append(Indicator("PG1.1.1", "H1.1", "Yapılan yol uzunluğu", "km", 40, CDB))
    folder = year(tmp_path, inst, subs)
    edit_cells(dept_path(folder, FDB), {("Göstergeler", "E4"): None})
    program, findings = check_year(folder)
    assert [(i.department, i.value) for i in program.indicators if i.code == "PG1.1.1"] == [(CDB, 40)]
    f = one(findings, "TEK-04")
    assert (f.file, f.cell) == ("2024_D1-FDB.xlsx", "B4")
    assert one(findings, "ZRN-01").cell == "E4"
    assert [x for x in findings if x.code == "GST-04"] == []


def test_indicator_repeated_in_one_workbook_is_reported_once():
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].indicators[0].row = 4
    subs[0].indicators.append(Indicator("PG1.1.1", "H1.1", "Yapılan yol uzunluğu", "km", 39, FDB, row=9))
    program, findings = merge(inst, subs)
    f = one(findings + validate(program), "TEK-04")
    assert (f.department, f.target, f.details["first"]) == (FDB, "H1.1", "4. satır")
    assert [i.value for i in program.indicators if i.code == "PG1.1.1"] == [38]


def test_unread_department_code_does_not_lose_the_workbook(tmp_path):
    folder = year(tmp_path)
    edit_cells(dept_path(folder, IDB), {("Birim", "B4"): None})
    program, findings = check_year(folder)
    assert sorted((f.code, f.file, f.cell) for f in findings if f.is_error) == [
        ("BRL-01", "kurum.xlsx", "A6"), ("BRM-06", "kurum.xlsx", "B11"), ("ZRN-01", "2024_D3-İDB.xlsx", "B4")]
    assert "2024_D3-İDB.xlsx" in [s.file for s in program.submissions]
    # its unit costs cannot be attributed to a unit, so the institution total misses them
    assert "" not in program.unit_costs


def test_unit_costs_keyed_by_department():
    inst = clean_institution()
    sub = Submission(file="x.xlsx", department=CDB, year=2024, template_version=TEMPLATE_VERSION,
                     unit_costs=UnitCosts(CDB, personnel=3))
    program, _ = merge(inst, [sub], partial=True)
    assert program.unit_costs == {CDB: sub.unit_costs}

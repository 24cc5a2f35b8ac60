"""Validation rules: each rule is triggered by a small program written to
workbooks, read back, merged and validated; the finding must point to the cell."""
from __future__ import annotations

import openpyxl
import pytest

from generator.catalogue import catalogue
from generator.findings import ERROR, WARNING
from generator.merge import merge
from generator.model import (
    Activity,
    Indicator,
    IndicatorDef,
    InfoTable,
    Loc,
    Narrative,
    Submission,
    Target,
)
from generator.validate import validate, validate_submission
from tests.factory import (
    check_year,
    clean_institution,
    clean_submissions,
    dept_path,
    edit_cells,
    small_institution,
    small_submissions,
    write_year,
)

RULES = catalogue()

FDB, CDB, IDB = "D1-FDB", "D2-ÇDB", "D3-İDB"


def run(tmp_path, inst=None, subs=None, edits=None, kurum_edits=None):
    inst = inst or clean_institution()
    subs = subs if subs is not None else clean_submissions(inst)
    write_year(tmp_path, inst, subs)
    for code, cells in (edits or {}).items():
        edit_cells(dept_path(tmp_path, code), cells)
    if kurum_edits:
        edit_cells(tmp_path / "kurum.xlsx", kurum_edits)
    return check_year(tmp_path)


def hits(findings, code):
    return [f for f in findings if f.code == code]


def one(findings, code):
    got = hits(findings, code)
    assert len(got) == 1, [(f.code, f.where(), f.message) for f in findings]
    return got[0]


def where(f):
    return (f.file, f.sheet, f.cell, f.department, f.target, f.activity)


def errors(findings):
    return [(f.code, f.where(), f.message) for f in findings if f.severity == ERROR]


# --- the clean program ---------------------------------------------------------

def test_clean_program_has_no_errors(tmp_path):
    program, findings = run(tmp_path)
    assert errors(findings) == []
    # the only finding: a unit leaving more than 10 % of its ceiling unused (D1-FDB's budget need,
    # 575.000 TL without its 10.000 TL off-budget, is within 10 % of its 600.000 TL ceiling)
    assert [(f.code, f.department, f.details["diff"]) for f in findings] == [
        ("BRM-02", CDB, "198.997"),
    ]
    assert len(program.activities) == 4 and len(program.submissions) == 3


def test_clean_program_in_code_has_no_errors():
    inst = clean_institution()
    program, f = merge(inst, clean_submissions(inst))
    assert errors(f + validate(program)) == []


def test_factory_program_has_exactly_its_deliberate_errors(tmp_path):
    inst = small_institution()
    program, findings = run(tmp_path, inst, small_submissions(inst))
    got = sorted((f.code, f.file, f.cell, f.department, f.target, f.activity) for f in findings if f.is_error)
    assert got == sorted([
        ("BRL-01", "kurum.xlsx", "A6", IDB, "", ""),  # no workbook for D3-İDB
        ("BRM-03", "2024_D2-ÇDB.xlsx", "B11", CDB, "", ""),  # activity count 5, two activities
        ("BRM-06", "kurum.xlsx", "B11", "", "", ""),  # 1.000.000 vs 686.003
        ("TOP-02", "2024_D1-FDB.xlsx", "S6", FDB, "H1.2", "F1"),  # 70.000 vs 60.000
    ])
    top = one(findings, "TOP-02")
    assert top.message == "Toplam 70.000 TL yazılmış; Bütçe + Bütçe Dışı = 60.000 TL."
    assert one(findings, "BRM-06").details["computed"] == "686.003"


# --- sums inside a workbook ------------------------------------------------------

def test_typed_budget_differs_from_economic_codes(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities[0].budget_typed = 450_000
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "TOP-01")
    assert where(f) == ("2024_D1-FDB.xlsx", "Faaliyetler", "N5", FDB, "H1.1", "F1")
    assert f.message == "Bütçe 450.000 TL yazılmış; ekonomik kodların toplamı 500.000 TL."
    # Toplam follows the Bütçe shown in the row: one wrong cell, one finding
    assert hits(findings, "TOP-02") == []


def test_cost_table_total_and_both_tables_disagree(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities[0].cost_total_typed = 600_000  # cost table says 600.000
    subs[0].activities[0].total_typed = 500_000  # performance table agrees with the parts
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "TOP-03")
    assert where(f) == ("2024_D1-FDB.xlsx", "Faaliyetler", "T5", FDB, "H1.1", "F1")
    assert f.values["typed"] == 600_000 and f.values["computed"] == 500_000
    f = one(findings, "TOP-04")
    assert where(f) == ("2024_D1-FDB.xlsx", "Faaliyetler", "T5", FDB, "H1.1", "F1")
    assert "500.000" in f.message and "600.000" in f.message
    assert hits(findings, "TOP-02") == []


def test_typed_totals_row(tmp_path):
    _, findings = run(tmp_path, edits={FDB: {("Faaliyetler", "N4"): 123}})
    f = one(findings, "TOP-06")
    assert where(f) == ("2024_D1-FDB.xlsx", "Faaliyetler", "N4", FDB, "", "")
    assert f.message == "Toplam satırında \"Bütçe (TL)\" 123 TL yazılmış; satırların toplamı 550.000 TL."


def test_duplicate_activity_code_in_one_workbook_keeps_both(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities.append(Activity("H1.1", "F1", "Kaldırım yapımı", FDB, "", {"03": 10_000}))
    program, findings = run(tmp_path, inst, subs)
    f = one(findings, "TEK-01")
    assert where(f) == ("2024_D1-FDB.xlsx", "Faaliyetler", "B7", FDB, "H1.1", "F1")
    assert "B5" in f.message
    assert [a.name for a in program.activities if a.key == ("H1.1", "F1")] == [
        "Asfalt yapılması & <bakım>", "Kaldırım yapımı"]


def test_negative_amounts_and_unknown_economic_code_in_code():
    sub = Submission(file="x.xlsx", department=FDB)

    def loc(cell: str) -> Loc:
        return Loc("x.xlsx", "Faaliyetler", cell)

    sub.activities = [Activity("H1.1", "F1", "A", FDB, "", {"03": -5, "10": 7}, off_amounts={"yurt_disi": -1},
                               src={"e03": loc("G5"), "kod": loc("B5"), "butce_disi": loc("O5")})]
    findings = validate_submission(sub)
    assert sorted((f.code, f.cell, f.activity) for f in findings) == [
        ("KOD-06", "B5", "F1"), ("TIP-02", "G5", "F1"), ("TIP-02", "O5", "F1")]
    assert one(findings, "KOD-06").message == "Ekonomik kod \"10\" geçersiz; 01–09 arasında bir kod olmalı."


# --- unit totals -------------------------------------------------------------------

def test_unit_over_ceiling_is_an_error(tmp_path):
    inst = clean_institution()
    inst.departments[0].ceiling = 570_000
    _, findings = run(tmp_path, inst)
    f = one(findings, "BRM-01")
    assert where(f) == ("2024_D1-FDB.xlsx", "Birim", "B13", FDB, "", "")
    assert f.message == ("Birimin bütçe ihtiyacı (bütçe dışı kaynaklar hariç) 575.000 TL; bütçe tavanını "
                         "(570.000 TL) 5.000 TL aşıyor.")
    assert RULES["BRM-01"].severity == ERROR and RULES["BRM-02"].severity == WARNING


@pytest.mark.parametrize("field,cell,code,typed,computed", [
    ("activity_count_typed", "B11", "BRM-03", 3, "2"),
    ("target_cost_typed", "B12", "BRM-04", 500_000, "560.000"),
    ("total_typed", "B13", "BRM-05", 600_000, "585.000"),
])
def test_typed_unit_figures(tmp_path, field, cell, code, typed, computed):
    inst = clean_institution()
    subs = clean_submissions(inst)
    setattr(subs[0].unit_costs, field, typed)
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, code)
    assert where(f) == ("2024_D1-FDB.xlsx", "Birim", cell, FDB, "", "")
    assert f.details["computed"] == computed


def test_unit_total_uses_the_target_cost_shown_in_the_sheet(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].unit_costs.target_cost_typed = 500_000
    subs[0].unit_costs.total_typed = 525_000  # 500.000 + 20.000 + 5.000: consistent with the row
    _, findings = run(tmp_path, inst, subs)
    assert sorted(f.code for f in findings if f.department == FDB) == ["BRM-04"]


def test_institution_total_and_activity_count(tmp_path):
    inst = clean_institution()
    inst.profile.total_budget = 800_000
    inst.profile.activity_count_typed = 9
    _, findings = run(tmp_path, inst)
    f = one(findings, "BRM-06")
    assert (f.file, f.sheet, f.cell) == ("kurum.xlsx", "Kurum", "B11")
    assert f.message == ("Birimlerin toplam kaynak ihtiyacı 786.003 TL; idare toplam bütçesi 800.000 TL "
                         "(fark 13.997 TL).")
    f = one(findings, "BRM-07")
    assert (f.file, f.sheet, f.cell) == ("kurum.xlsx", "Kurum", "B12")
    assert f.values["computed"] == 4


# --- control totals of kurum.xlsx ------------------------------------------------------

def test_control_totals(tmp_path):
    inst = clean_institution()
    inst.control_totals[0].value = 400_000  # H1.1 toplam
    inst.control_totals.append(type(inst.control_totals[0])("H7.7", "toplam", 5))
    _, findings = run(tmp_path, inst)
    f = one(findings, "TOP-05")
    assert (f.file, f.sheet, f.cell, f.target) == ("kurum.xlsx", "Kontrol Toplamları", "D4", "H1.1")
    assert f.message == ("H1.1 hedefinin \"Toplam\" kontrol toplamı 400.000 TL; faaliyetlerden hesaplanan "
                         "500.000 TL.")
    f = one(findings, "KOD-02")
    assert (f.sheet, f.cell, f.target) == ("Kontrol Toplamları", "D5", "H7.7")


def test_control_total_of_an_economic_code(tmp_path):
    inst = clean_institution()
    inst.control_totals[1].value = 250_000  # H1.1 03
    _, findings = run(tmp_path, inst)
    f = one(findings, "TOP-05")
    assert (f.cell, f.target) == ("G4", "H1.1")
    assert "\"03 Mal ve Hizmet Alım Giderleri\"" in f.message and f.values["computed"] == 200_000


# --- responsibility matrix ----------------------------------------------------------------

def test_target_without_responsible_unit(tmp_path):
    inst = clean_institution()
    inst.targets[1].responsibility = {FDB: "i"}  # H1.2
    _, findings = run(tmp_path, inst)
    f = one(findings, "MTR-01")
    assert (f.file, f.sheet, f.cell, f.target) == ("kurum.xlsx", "Sorumluluk Matrisi", "A5", "H1.2")


def test_target_with_two_responsible_units(tmp_path):
    inst = clean_institution()
    inst.targets[2].responsibility = {CDB: "S", FDB: "S", IDB: "i"}  # H2.1
    _, findings = run(tmp_path, inst)
    f = one(findings, "MTR-02")
    assert (f.sheet, f.cell, f.target) == ("Sorumluluk Matrisi", "A6", "H2.1")
    assert f.message == "H2.1 hedefinin birden fazla sorumlu (S) birimi var: D1-FDB, D2-ÇDB."


def test_target_whose_activities_all_come_from_other_units(tmp_path):
    inst = clean_institution()
    inst.targets[1].responsibility = {CDB: "S"}  # H1.2, whose only activity is D1-FDB's
    _, findings = run(tmp_path, inst)
    f = one(findings, "MTR-03")
    assert (f.sheet, f.cell, f.target, f.department) == ("Sorumluluk Matrisi", "A5", "H1.2", FDB)
    assert hits(findings, "MTR-04") == []  # the target-level finding says it once


def test_activity_of_a_unit_outside_the_matrix(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].activities.append(Activity("H1.2", "F2", "Köprü boyası", CDB, "", {"03": 1}))
    inst.profile.total_budget += 1
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "MTR-04")
    assert where(f) == ("2024_D2-ÇDB.xlsx", "Faaliyetler", "A7", CDB, "H1.2", "F2")
    assert f.severity == WARNING
    assert f.message == ("D2-ÇDB birimi H1.2 hedefinde sorumlu (S) ya da iş birliği yapan (i) birim değil "
                         "(1 faaliyet).")


def test_unknown_matrix_row_and_column(tmp_path):
    _, findings = run(tmp_path, kurum_edits={
        ("Sorumluluk Matrisi", "A7"): "H9.9", ("Sorumluluk Matrisi", "B7"): "S",
        ("Sorumluluk Matrisi", "E3"): "D9-XYZ", ("Sorumluluk Matrisi", "E4"): "i",
    })
    f = one(findings, "MTR-05")
    assert (f.sheet, f.cell, f.target) == ("Sorumluluk Matrisi", "A7", "H9.9")
    f = one(findings, "MTR-06")
    assert (f.sheet, f.cell, f.department) == ("Sorumluluk Matrisi", "E3", "D9-XYZ")


def test_target_without_activities_and_indicators(tmp_path):
    inst = clean_institution()
    inst.targets.append(Target("H2.2", "A2", "Gürültüyü azaltmak.", {CDB: "S"}))
    _, findings = run(tmp_path, inst)
    f = one(findings, "MTR-07")
    assert (f.sheet, f.cell, f.target, f.department, f.severity) == ("Hedefler", "A7", "H2.2", CDB, WARNING)
    f = one(findings, "GST-02")
    assert (f.sheet, f.cell, f.target, f.severity) == ("Hedefler", "A7", "H2.2", WARNING)


# --- numbering --------------------------------------------------------------------------------

def test_activity_numbering_gap(tmp_path):
    _, findings = run(tmp_path, edits={CDB: {("Faaliyetler", "B6"): "F3"}})  # H1.1: F1 (D1), F3 (D2)
    f = one(findings, "KOD-07")
    assert where(f) == ("2024_D2-ÇDB.xlsx", "Faaliyetler", "B6", CDB, "H1.1", "F3")
    assert f.message == "H1.1 hedefinin faaliyet numaralarında boşluk var: F2 yok."


def test_indicator_numbering_gap(tmp_path):
    inst = clean_institution()
    inst.indicator_defs.insert(1, IndicatorDef("PG1.1.3", "H1.1", "Yapılan kaldırım", "km"))
    subs = clean_submissions(inst)
    subs[0].indicators.insert(1, Indicator("PG1.1.3", "H1.1", "Yapılan kaldırım", "km", 4, FDB))
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "GST-01")
    assert (f.file, f.sheet, f.cell, f.target) == ("kurum.xlsx", "Göstergeler", "A5", "H1.1")
    assert f.message == "H1.1 hedefinin gösterge numaralarında boşluk var: PG1.1.2 yok."


# --- indicators ----------------------------------------------------------------------------------

def test_indicator_unit_differs_from_the_plan(tmp_path):
    _, findings = run(tmp_path, edits={FDB: {("Göstergeler", "D4"): "adet"}})
    f = one(findings, "GST-03")
    assert where(f) == ("2024_D1-FDB.xlsx", "Göstergeler", "D4", FDB, "H1.1", "")
    assert f.message == "PG1.1.1 göstergesinin ölçü birimi \"adet\"; planda \"km\"."
    assert hits(findings, "KOD-05") == []


def test_indicator_not_submitted(tmp_path):
    inst = clean_institution()
    write_year(tmp_path, inst, clean_submissions(inst))
    path = dept_path(tmp_path, CDB)
    wb = openpyxl.load_workbook(path)
    wb["Göstergeler"].delete_rows(4)  # the PG2.1.1 row
    wb.save(path)
    _, findings = check_year(tmp_path)
    f = one(findings, "GST-04")
    assert (f.file, f.sheet, f.cell, f.department, f.target) == ("kurum.xlsx", "Göstergeler", "A6", CDB, "H2.1")
    assert f.message == "PG2.1.1 göstergesinin 2024 hedef değeri girilmemiş."


def test_indicator_without_value_in_code():
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].indicators[0].value = None
    program, _ = merge(inst, subs)
    f = one(validate(program), "GST-04")
    assert (f.department, f.target, f.details["indicator"]) == (FDB, "H1.1", "PG1.1.1")


def test_blank_indicator_cell_is_reported_once(tmp_path):
    _, findings = run(tmp_path, edits={FDB: {("Göstergeler", "E4"): None}})
    assert [(f.code, f.cell) for f in findings if f.is_error] == [("ZRN-01", "E4")]


# --- general-information tables ------------------------------------------------------------------

def test_row_sum_of_an_info_table(tmp_path):
    inst = clean_institution()
    inst.info_tables["t2"].rows[0][3] = 4  # Otomobil: 1 + 2 ≠ 4
    _, findings = run(tmp_path, inst)
    f = one(findings, "GNL-01")
    assert (f.file, f.sheet, f.cell) == ("kurum.xlsx", "Tablo 2", "E4")
    assert f.message == "Tablo 2, \"Otomobil\" satırı: Toplam 4; Resmi, Kiralık toplamı 3."
    f = one(findings, "GNL-02")  # and the total row no longer adds up in that column
    assert (f.sheet, f.cell) == ("Tablo 2", "E6")
    assert f.message == "Tablo 2, toplam satırı: \"Toplam\" 7; satırların toplamı 8."


def test_total_row_of_an_info_table(tmp_path):
    inst = clean_institution()
    inst.info_tables["t2"].rows[2][1] = 6  # Toplam Resmi 6, rows give 5
    _, findings = run(tmp_path, inst)
    assert sorted((f.code, f.cell) for f in findings if f.code.startswith("GNL")) == [
        ("GNL-01", "E6"), ("GNL-02", "C6")]


def test_personnel_totals_of_the_tables_agree(tmp_path):
    inst = clean_institution()
    inst.info_tables["t7"] = InfoTable(
        "t7", "Personelin Yaş Analizi", ["Yaş Aralığı", "Memur", "İşçi", "Süresiz İşçi", "Toplam"],
        rows=[["18 - 30 arası", 2, 0, 3, 5], ["Toplam", 2, 0, 3, 5]], kinds=["data", "total"])
    _, findings = run(tmp_path, inst)
    f = one(findings, "GNL-03")
    assert (f.sheet, f.cell) == ("Tablo 7", "F5")
    assert f.message == "Tablo 7 personel toplamı 5; Tablo 5 toplamı 4."


def test_blank_cells_of_a_total_row_are_not_checked():
    inst = clean_institution()
    t = inst.info_tables["t2"]
    t.rows[2] = ["Toplam", None, None, 7]
    program, _ = merge(inst, clean_submissions(inst))
    assert [f for f in validate(program) if f.code.startswith("GNL")] == []


# --- narrative percentages ------------------------------------------------------------------------

def test_narrative_percentage(tmp_path):
    inst = clean_institution()
    inst.narratives = [Narrative("egitim:Lisans", "personelin %45,50'si lisans", 45.5),
                       Narrative("cinsiyet:Kadın", "%50'si kadın", 50.0)]
    _, findings = run(tmp_path, inst)
    f = one(findings, "ANL-01")
    assert (f.file, f.sheet, f.cell) == ("kurum.xlsx", "Anlatım Oranları", "C4")
    assert f.message == "Metindeki oran %45,50; Tablo 5 verilerinden hesaplanan %50,00."


def test_narrative_rounding_like_the_published_text():
    inst = clean_institution()
    inst.info_tables["t5"].rows = [["Toplam", 4411, 995, 3416, 1232, 1422, 694, 926, 132, 5]]
    inst.info_tables["t5"].kinds = ["total"]
    inst.narratives = [Narrative("cinsiyet:Kadın", "", 22.83), Narrative("egitim:İlköğretim", "", 27.93),
                       Narrative("egitim:Doktora", "", 0.11), Narrative("egitim:Lise", "", 32.27)]
    program, _ = merge(inst, clean_submissions(inst))
    got = [(f.details["key"], f.details["stated"], f.details["computed"]) for f in validate(program)
           if f.code == "ANL-01"]
    assert got == [("cinsiyet:Kadın", "%22,83", "%22,56"), ("egitim:Lise", "%32,27", "%32,24")]


def test_managers_ratio_is_not_compared_with_all_staff():
    inst = clean_institution()
    inst.narratives = [Narrative("yonetici:Kadın", "yöneticilerin %22,83'ü kadın", 22.83),
                       Narrative("cinsiyet:Kadın", "%50'si kadın", 50.0)]
    program, _ = merge(inst, clean_submissions(inst))
    assert [f.code for f in validate(program) if f.code.startswith("ANL")] == []


def test_narrative_that_cannot_be_computed():
    inst = clean_institution()
    inst.narratives = [Narrative("yas:Genç", "", 10.0, src={"oran": Loc("kurum.xlsx", "Anlatım Oranları", "C4")}),
                       Narrative("egitim:Lisansüstü", "", 10.0)]
    program, _ = merge(inst, clean_submissions(inst))
    got = [(f.cell, f.details["reason"]) for f in validate(program) if f.code == "ANL-02"]
    assert got == [("", "Tablo 5: \"Lisansüstü\" sütunu ya da toplamı yok"),
                   ("C4", "anahtar tanınmıyor")]


# --- the catalogue ----------------------------------------------------------------------------------

def test_every_rule_is_complete():
    import re

    prefixes = {"OKU", "ZRN", "TIP", "BRL", "KOD", "TEK", "TOP", "BRM", "MTR", "GNL", "ANL", "GST", "GUV", "YIL",
                "KBL"}
    for code, r in RULES.items():
        assert re.fullmatch(r"[A-Z]{3}-\d{2}", code) and code[:3] in prefixes, code
        assert r.severity in (ERROR, WARNING)
        assert r.message and r.description.endswith("."), code

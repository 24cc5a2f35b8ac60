"""python build.py check FILE.xlsx [--kurum K]: one workbook before it is sent."""
from __future__ import annotations

import pytest

from generator.cli import main
from generator.pipeline import check
from generator.templates import write_department, write_institution
from tests.factory import clean_institution, clean_submissions, edit_cells


@pytest.fixture
def files(tmp_path):
    inst = clean_institution()
    kurum = write_institution(inst, tmp_path / "kurum.xlsx")
    dept = write_department(inst, "D1-FDB", tmp_path / "2024_D1-FDB.xlsx", clean_submissions(inst)[0])
    return kurum, dept


def run(capsys, *args):
    code = main(["check", *map(str, args)])
    out = capsys.readouterr().out
    return code, " ".join(out.split())  # rich wraps long lines


def test_clean_workbook_passes(files, capsys):
    kurum, dept = files
    code, out = run(capsys, dept, "--kurum", kurum)
    assert code == 0, out
    assert "0 hata" in out


@pytest.mark.parametrize("cell,value,rule,text", [
    ("E5", "çok", "TIP-01", "sayı olmalı"),  # a cell the reader rejects
    ("S5", 999, "TOP-02", "Toplam 999 TL yazılmış; Bütçe + Bütçe Dışı = 500.000 TL."),  # typed over a formula
    ("A5", "H9.9", "KOD-02", "Hedef kodu H9.9 stratejik planda"),  # needs kurum.xlsx
])
def test_broken_cell_fails_with_its_location(files, capsys, cell, value, rule, text):
    kurum, dept = files
    edit_cells(dept, {("Faaliyetler", cell): value})
    code, out = run(capsys, dept, "--kurum", kurum)
    assert code == 1
    assert f"{rule} 2024_D1-FDB.xlsx › Faaliyetler › {cell}" in out
    assert text in out


def test_warnings_fail_only_with_strict(files, capsys):
    kurum, dept = files
    edit_cells(dept, {("Göstergeler", "D4"): "adet"})  # unit differs from the plan: a warning
    code, out = run(capsys, dept, "--kurum", kurum)
    assert code == 0 and "GST-03" in out
    code, _ = run(capsys, dept, "--kurum", kurum, "--strict")
    assert code == 1


def test_check_without_kurum_uses_the_workbook_alone(files):
    _, dept = files
    edit_cells(dept, {("Birim", "B12"): 1})  # typed over the target cost formula
    findings = check(dept, None)
    assert [(f.code, f.cell) for f in findings] == [("BRM-04", "B12")]


def test_check_does_not_report_other_units(files):
    kurum, dept = files
    findings = check(dept, kurum)
    # D2-ÇDB and D3-İDB have no workbook here, and the institution totals are not checked;
    # D1-FDB uses its ceiling but for less than 10 % (no BRM-02)
    assert [f.code for f in findings] == []


def test_build_strict_stops_on_errors_after_writing_the_reports(tmp_path, capsys):
    from tests.factory import small_institution, small_submissions, write_year

    inst = small_institution()
    folder = write_year(tmp_path / "2024", inst, small_submissions(inst))  # has deliberate errors
    out = tmp_path / "out"
    code = main(["build", "--workbooks", str(folder), "--out", str(out), "--strict", "--quiet", "--no-pdf"])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 1
    assert "4 hata" in text and "TOP-02 2024_D1-FDB.xlsx › Faaliyetler › S6" in text
    # reports and the departments' feedback, but no document
    assert sorted(p.name for p in out.iterdir()) == ["2024_dogrulama.json", "2024_dogrulama.xlsx",
                                                     "2024_geri_bildirim"]


def test_check_of_one_file_leaves_missing_indicators_to_the_whole_year(files):
    import openpyxl

    kurum, dept = files
    wb = openpyxl.load_workbook(dept)
    wb["Göstergeler"].delete_rows(4)  # PG1.1.1: another unit might give it
    wb.save(dept)
    assert [f.code for f in check(dept, kurum)] == []

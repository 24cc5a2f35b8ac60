"""Bütçe dışı kaynak by kind: the department workbook's three input columns, their live sum,
older workbooks with one Bütçe Dışı column, and the kind columns of the cost table."""
from __future__ import annotations

import openpyxl

from generator import workbook_schema as ws
from generator.document import render_bytes
from generator.merge import merge
from generator.reader import read_department
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
from tests.test_document import open_doc, rows_text, table_after
from tests.test_validate import errors, one, where

S = ws.DEPT_ACTIVITIES
FDB = "D1-FDB"


def _written(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities[0].off_amounts = {"doner": 7_000, "yurt_disi": 3_000}
    write_year(tmp_path, inst, subs)
    return dept_path(tmp_path, FDB), subs[0].activities[0]


def test_kinds_read_back_with_their_cells_and_the_sum_is_a_live_formula(tmp_path):
    path, written = _written(tmp_path)
    sheet = openpyxl.load_workbook(path)[S.name]
    r = S.first_data_row
    assert sheet[f"{S.letter('butce_disi')}{r}"].value == \
        f"={S.letter('bd_doner')}{r}+{S.letter('bd_yurt_ici')}{r}+{S.letter('bd_yurt_disi')}{r}"
    # the totals row sums every kind and the Bütçe Dışı column
    assert sheet[f"{S.letter('bd_yurt_disi')}{S.totals_row}"].value.startswith("=SUM(")
    sub, findings = read_department(path)
    a = next(x for x in sub.activities if x.key == written.key)
    assert a.off_amounts == {"doner": 7_000, "yurt_disi": 3_000}
    assert (a.off_budget, a.off_budget_typed, a.total) == (10_000, None, a.budget + 10_000)
    assert a.src["bd_doner"].cell == f"{S.letter('bd_doner')}{r}"
    assert a.src["bd_yurt_disi"].cell == f"{S.letter('bd_yurt_disi')}{r}"
    assert a.src["bd_doner"].sheet == "Faaliyetler" and a.src["bd_doner"].file == path.name
    assert not errors(findings)


def test_a_number_typed_over_the_sum_is_reported(tmp_path):
    path, _ = _written(tmp_path)
    cell = f"{S.letter('butce_disi')}{S.first_data_row}"
    edit_cells(path, {(S.name, cell): 12_000})
    _, findings = check_year(tmp_path)
    f = one(findings, "TOP-07")
    assert where(f) == (path.name, S.name, cell, FDB, "H1.1", "F1")
    assert "12.000" in f.message and "10.000" in f.message


def test_an_older_workbook_with_one_bütçe_dışı_column_counts_as_diğer_yurt_içi(tmp_path):
    path, written = _written(tmp_path)
    wb = openpyxl.load_workbook(path)
    sheet = wb[S.name]
    r = S.first_data_row
    sheet[f"{S.letter('butce_disi')}{r}"] = 25_000  # the old input column held the amount
    first = S.index("bd_doner") + 1
    sheet.delete_cols(first, 3)  # an older template: no kind columns
    wb.save(path)
    sub, findings = read_department(path)
    a = next(x for x in sub.activities if x.key == written.key)
    assert a.off_amounts == {"yurt_ici": 25_000} and a.off_budget == 25_000 and a.off_budget_typed is None
    assert a.src["bd_yurt_ici"].cell == f"{ws.get_column_letter(first)}{r}"  # the old Bütçe Dışı cell
    assert not [f for f in findings if f.code.startswith("OKU")]
    program, all_findings = check_year(tmp_path)
    assert not [f for f in all_findings if f.code in ("TOP-02", "TOP-03", "TOP-07")]


def _doc(mutate=None):
    inst = small_institution()
    subs = small_submissions(inst)
    if mutate:
        mutate(subs)
    prog, _ = merge(inst, subs)
    return open_doc(render_bytes(prog))


def test_cost_table_shows_the_kinds_only_where_the_target_has_off_budget_sources():
    d = _doc()
    # H1.2: Köprü onarımı has 10.000 TL döner sermaye
    t = rows_text(table_after(d, "H1.2 Köprüleri onarmak.", 1))
    assert t[1][2] == "Ekonomik Kod ve Bütçe Dışı Kaynak 2024 (TL)"
    base = ["03 Mal ve Hizmet Alım Giderleri", "05 Cari Transferler", "06 Sermaye Giderleri"]
    assert t[2][2:] == [*base, "Döner Sermaye", "Diğer Yurt İçi", "Yurt Dışı",
                        "Bütçe Dışı Toplam", "Toplam Kaynak İhtiyacı"]
    row = next(r for r in t if r[0] == "F1 Köprü onarımı")
    assert row[2:] == ["0", "0", "50.000", "10.000", "0", "0", "10.000", "60.000"]
    assert t[-1] == ["Genel Toplam", "0", "0", "50.000", "10.000", "0", "0", "10.000", "60.000"]
    # H1.1 has none: no kind columns
    t11 = rows_text(table_after(d, "H1.1 Yolları yapmak.", 1))
    assert t11[1][2] == "Ekonomik Kod 2024 (TL)"
    assert not any("Bütçe Dışı" in c or "Döner" in c for r in t11 for c in r)


def test_without_any_off_budget_source_no_kind_column_anywhere():
    def no_off(subs):
        for s in subs:
            for a in s.activities:
                a.off_amounts = {}
    d = _doc(no_off)
    t = rows_text(table_after(d, "H1.2 Köprüleri onarmak.", 1))
    assert t[1][2] == "Ekonomik Kod 2024 (TL)"
    assert t[2][2:] == ["03 Mal ve Hizmet Alım Giderleri", "05 Cari Transferler", "06 Sermaye Giderleri",
                        "Toplam Kaynak İhtiyacı"]
    assert t[-1] == ["Genel Toplam", "0", "0", "50.000", "50.000"]

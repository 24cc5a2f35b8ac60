"""Values the reader must not trust: huge and non-finite numbers, numbers as text, control
characters, long text, decomposed Unicode, sheet names in other cases, hidden rows and sheets."""
from __future__ import annotations

import re
import unicodedata
import zipfile

import openpyxl
import pytest

from generator.reader import read_department
from generator.templates import write_department
from tests.factory import edit_cells, small_institution, small_submissions
from tests.test_safety import rewrite, sheet_part


@pytest.fixture
def workbook(tmp_path):
    inst = small_institution()
    return write_department(inst, "D1-FDB", tmp_path / "2024_D1-FDB.xlsx", small_submissions(inst)[0])


def set_raw_value(path, sheet: str, ref: str, raw: bytes):
    """Put ``raw`` as the stored number of a cell (what no spreadsheet program would write)."""
    part = sheet_part(path, sheet)

    def edit(data):
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
        assert pattern.search(data), ref
        return pattern.sub(lambda m: b'<c r="' + ref.encode() + b'"' + re.sub(rb'\st="[^"]*"', b"", m.group(1))
                           + b"><v>" + raw + b"</v></c>", data, count=1)

    rewrite(path, {part: edit})


@pytest.mark.parametrize("raw,text", [
    (b"1" * 400, "400 basamaklı"),
    (b"9" * 5000, "5.000 basamaklı"),
    (b"NaN", "NaN"),
    (b"INF", "sonsuz"),
    (b"-inf", "sonsuz"),
    (b"12abc", "okunamayan"),
])
def test_numbers_no_backend_can_hold_are_findings_at_their_cell(workbook, raw, text):
    set_raw_value(workbook, "Faaliyetler", "E5", raw)
    sub, findings = read_department(workbook)
    assert sub is not None
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("TIP-05", "Faaliyetler", "E5")]
    assert text in findings[0].message
    assert "01" not in sub.activities[0].amounts  # left out, not read as 0 or a garbage number


@pytest.mark.parametrize("raw,text", [
    (b"1E20", "100.000.000.000.000.000.000"),
    (b"1e400", "sonsuz"),
    (b"100000000000000", "100.000.000.000.000"),
])
def test_amounts_have_a_sane_range(workbook, raw, text):
    set_raw_value(workbook, "Faaliyetler", "E5", raw)
    sub, findings = read_department(workbook)
    codes = [(f.code, f.cell) for f in findings]
    assert codes in ([("TIP-06", "E5")], [("TIP-05", "E5")]), codes
    assert text in findings[0].message
    assert "01" not in sub.activities[0].amounts


def test_amount_just_below_the_bound_is_read(workbook):
    set_raw_value(workbook, "Faaliyetler", "E5", b"99999999999999")
    sub, findings = read_department(workbook)
    assert findings == [] and sub.activities[0].amounts["01"] == 99_999_999_999_999


def test_number_typed_as_text_warns_that_the_sheet_total_leaves_it_out(workbook):
    edit_cells(workbook, {("Faaliyetler", "E5"): "1.250.000"})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell) for f in findings] == [("TIP-07", "E5")]
    assert "toplamları" in findings[0].message and "1.250.000" in findings[0].message
    assert sub.activities[0].amounts["01"] == 1_250_000


def test_control_characters_are_cleaned_with_a_warning(workbook):
    part = "xl/sharedStrings.xml"
    name = "Asfalt yapılması &amp; &lt;bakım&gt;".encode()

    def edit(data):
        assert name in data
        return data.replace(name, b"Asfalt_x000B_ yap_x001F_x_x0000_ &#9;tab_x0041_")

    rewrite(workbook, {part: edit})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell) for f in findings] == [("TIP-08", "C5")]
    assert "U+000B" in findings[0].message and "U+001F" in findings[0].message
    assert sub.activities[0].name == "Asfalt yap x \ttab_x0041_"  # only control characters are decoded


def test_text_over_the_excel_cell_limit_is_reported(workbook):
    part = "xl/sharedStrings.xml"
    long = b"a" * 40_000
    rewrite(workbook, {part: lambda d: d.replace("Açıklama satırı".encode(), long)})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell) for f in findings] == [("TIP-09", "D5")]
    assert "40.000 karakter" in findings[0].message
    assert len(sub.activities[0].explanation) == 32_767


def test_decomposed_letters_make_the_same_code(workbook):
    decomposed = unicodedata.normalize("NFD", "D1-FDB İ")
    assert decomposed != "D1-FDB İ"
    edit_cells(workbook, {("Faaliyetler", "C5"): unicodedata.normalize("NFD", "İçme suyu")})
    sub, _ = read_department(workbook)
    assert sub.activities[0].name == "İçme suyu"


def test_sheet_name_in_other_case_is_accepted(workbook):
    def edit(data):
        data = data.replace('name="Göstergeler"'.encode(), 'name="GÖSTERGELER"'.encode())
        return data.replace(b'name="Faaliyetler"', b'name="faaliyetler"')

    rewrite(workbook, {"xl/workbook.xml": edit})
    sub, findings = read_department(workbook)
    assert findings == []
    assert len(sub.indicators) == 2 and len(sub.activities) == 2


def test_data_in_hidden_rows_and_sheets_is_warned(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Faaliyetler"].row_dimensions[6].hidden = True
    wb["Göstergeler"].sheet_state = "hidden"
    wb.save(workbook)
    sub, findings = read_department(workbook)
    got = sorted((f.code, f.sheet, f.cell) for f in findings)
    assert got == [("OKU-11", "Göstergeler", ""), ("OKU-12", "Faaliyetler", "A6")]
    assert len(sub.activities) == 2 and len(sub.indicators) == 2


def test_hidden_empty_rows_are_not_warned(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Faaliyetler"].row_dimensions[40].hidden = True
    wb.save(workbook)
    _, findings = read_department(workbook)
    assert findings == []


def test_zip_package_untouched_by_reading(workbook):
    before = workbook.read_bytes()
    set_raw_value(workbook, "Faaliyetler", "E5", b"NaN")
    changed = workbook.read_bytes()
    read_department(workbook)
    assert workbook.read_bytes() == changed != before
    assert zipfile.ZipFile(workbook).testzip() is None


def test_decomposed_unit_code_in_the_matrix_header_is_the_same_unit(tmp_path):
    from generator.reader import read_institution
    from generator.templates import write_institution
    from tests.factory import clean_institution

    inst = clean_institution()
    path = write_institution(inst, tmp_path / "kurum.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["Sorumluluk Matrisi"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "D3-İDB" for c in row))
    cell = next(c for c in header if c.value == "D3-İDB")
    cell.value = unicodedata.normalize("NFD", "D3-İDB")
    wb.save(path)
    back, findings = read_institution(path)
    assert findings == []
    assert back.target("H2.1").responsibility == inst.target("H2.1").responsibility

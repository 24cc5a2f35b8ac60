"""The calamine backend reads exactly what openpyxl read before (values, formula cells, cached values).

Every workbook is read twice, with :func:`generator.backend.open_fast` and
with the openpyxl backend (``reader._Book``), and the rows compared cell by
cell, formula cells by their cached value. Hand-made packages cover what the
sheet XML scan has to get right (namespace prefixes, inline strings, shared
and array formulas, numbers stored as "5.0") and what it hands to openpyxl
(dates, escaped characters, DTDs, cells without a reference).
"""
from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pytest

from generator.backend import Fallback, FastBook, Formula, open_fast, scan_sheet
from generator.reader import _Book, _is_formula, read_department, read_institution

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "2024"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _norm(book, sheet: str) -> list[tuple]:
    out = []
    for r0, row in enumerate(book.rows(sheet)):
        line = []
        for c0, v in enumerate(row):
            if v == "":
                v = None
            if _is_formula(v):
                v = ("formula", book.cached(sheet, r0 + 1, c0))
            elif v is not None:
                v = (type(v).__name__, v)
            line.append(v)
        while line and line[-1] is None:
            line.pop()
        out.append(tuple(line))
    while out and not out[-1]:
        out.pop()
    return out


def _both(path: Path) -> tuple[FastBook | None, _Book]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return open_fast(path, lambda: _Book(path)), _Book(path)


def _assert_same(path: Path) -> FastBook | None:
    fast, slow = _both(path)
    try:
        if fast is None:
            return None
        assert fast.sheetnames == slow.sheetnames
        for sheet in slow.sheetnames:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert _norm(fast, sheet) == _norm(slow, sheet), f"{path.name} › {sheet}"
        return fast
    finally:
        slow.close()
        if fast is not None:
            fast.close()


@pytest.mark.parametrize("name", ["kurum.xlsx", "birimler/2024_D7-FDB.xlsx", "birimler/2024_D11-GSB.xlsx",
                                  "birimler/2024_D1-BHM.xlsx"])
def test_sample_workbooks_read_the_same_on_both_backends(name):
    fast = _assert_same(SAMPLE / name)
    assert fast is not None and not fast._slow, "the sample is read by calamine, no sheet falls back"


def test_sample_typed_totals_are_found_by_the_scan():
    fast, slow = _both(SAMPLE / "birimler" / "2024_D11-GSB.xlsx")
    rows = fast.rows("Faaliyetler")
    formulas = sum(isinstance(v, Formula) for row in rows for v in row)
    typed = [(r, c) for r, row in enumerate(slow.rows("Faaliyetler"), 1) for c, v in enumerate(row)
             if isinstance(v, (int, float)) and c >= 13]
    assert formulas > 0
    for r, c in typed:  # a number typed over a formula column is a number on both sides
        assert rows[r - 1][c] == slow.rows("Faaliyetler")[r - 1][c]
    fast.close()
    slow.close()


# ---------------------------------------------------------------------------
# hand-made packages
# ---------------------------------------------------------------------------

def _package(tmp_path: Path, sheet_xml: str, shared: list[str] | None = None, styles: str | None = None,
             name: str = "t.xlsx") -> Path:
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if shared is not None else "")
            + ('<Override PartName="/xl/styles.xml" ContentType="application/'
               'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' if styles is not None else "")
            + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheets><sheet name="Faaliyetler" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else "")
            + (f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>' if styles is not None else "")
            + "</Relationships>"),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
                                         + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>")
    if styles is not None:
        parts["xl/styles.xml"] = styles
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for n, text in parts.items():
            z.writestr(n, text)
    return path


def _sheet(cells: str, prefix: str = "", dimension: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>{dim}<{p}sheetData>{cells}' \
           f"</{p}sheetData></{p}worksheet>"


FORMULA_CELLS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c><c r="C1"><v>5.0</v></c>'
    '<c r="D1"><v>12345678901234567891</v></c><c r="E1" t="inlineStr"><is><t>satır içi</t></is></c>'
    '<c r="F1" t="b"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><f>B1*2</f><v>10</v></c><c r="B2"><f t="shared" ref="B2:B4" si="0">C1+1</f><v>6</v></c>'
    '<c r="C2"><f>1/3</f><v>0.33333333333333331</v></c><c r="D2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    '<c r="E2"><f>SUM(A1:A1)</f></c></row>'
    '<row r="3"><c r="B3"><f t="shared" si="0"/><v>7</v></c><c r="C3" t="s"><v>1</v></c>'
    '<c r="D3"><f t="array" ref="D3">SUM(B1:C1)</f><v>10</v></c><c r="E3"><v>-4</v></c></row>'
    '<row r="5"><c r="B5"><v>1E3</v></c><c r="C5"><v>2.5</v></c></row>'
)


def test_formulas_inline_strings_and_number_types(tmp_path):
    path = _package(tmp_path, _sheet(FORMULA_CELLS), shared=["Hedef Kodu", "=yazı"])
    fast = _assert_same(path)
    assert fast is not None and not fast._slow
    fast, slow = _both(path)
    rows = fast.rows("Faaliyetler")
    assert rows[0][1] == 5 and type(rows[0][1]) is int
    assert rows[0][2] == 5.0 and type(rows[0][2]) is float
    assert rows[0][3] == 12345678901234567891
    assert rows[0][4] == "satır içi"
    assert isinstance(rows[2][1], Formula) and rows[2][1].cached == 7  # shared formula's dependent
    assert isinstance(rows[1][4], Formula) and rows[1][4].cached is None  # never calculated
    assert rows[2][1].text == slow.rows("Faaliyetler")[2][1] == "=C2+1"  # openpyxl's translated text
    assert rows[2][2] == "=yazı"  # a text starting with "=": the reader treats it as openpyxl did
    fast.close()
    slow.close()


def test_namespace_prefixed_cells(tmp_path):
    cells = FORMULA_CELLS.replace("<", "<x:").replace("<x:/", "</x:")
    path = _package(tmp_path, _sheet(cells, prefix="x"), shared=["Hedef Kodu", "=yazı"])
    fast = _assert_same(path)
    assert fast is not None and not fast._slow
    scan = scan_sheet(_sheet(cells, prefix="x").encode())
    assert scan.formulas == {(2, 0), (2, 1), (2, 2), (2, 3), (2, 4), (3, 1), (3, 3)}


@pytest.mark.parametrize("cells, shared, reason", [
    ('<row r="1"><c r="A1" s="1"><v>45292</v></c></row>', None, "date format"),
    ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ["satır_x000D_sonu"], "escaped character"),
    ('<row r="1"><c><v>1</v></c><c><v>2</v></c></row>', None, "cell without reference"),
    ('<row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c></row>', None, "error value"),
    ('<row r="1"><c r="A1"><v>1</v></c><!-- <c r="B1"><f>X</f></c> --></row>', None, "comment"),
])
def test_unsure_cases_are_read_by_openpyxl_exactly(tmp_path, cells, shared, reason):
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs count="2">'
              '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    path = _package(tmp_path, _sheet(cells), shared=shared, styles=styles)
    fast, slow = _both(path)
    assert fast is None or fast.sheetnames == slow.sheetnames
    if fast is not None:
        assert _norm(fast, "Faaliyetler") == _norm(slow, "Faaliyetler")
        assert "Faaliyetler" in fast._slow, reason
        fast.close()
    slow.close()


def test_doctype_never_reaches_calamine_and_is_refused_as_before(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    sheet = _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>')
    path = _package(tmp_path, sheet.replace('<?xml version="1.0" encoding="UTF-8"?>', bomb))
    with pytest.raises(Fallback):
        scan_sheet(zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"))
    assert open_fast(path, lambda: _Book(path)) is None  # openpyxl opens it, as before
    sub, findings = read_department(path)  # the package guard refuses it before any backend
    assert sub is None and findings and all(f.is_error for f in findings)


def test_doctype_in_a_workbook_part_sends_the_whole_book_to_openpyxl(tmp_path):
    path = _package(tmp_path, _sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b"<workbook", b'<!DOCTYPE w [<!ENTITY x "y">]><workbook')
            dst.writestr(info, body)
    path.write_bytes(data.getvalue())
    assert open_fast(path, lambda: _Book(path)) is None


def test_cells_beyond_a_stale_dimension_are_read_like_openpyxl_without_dimensions(tmp_path):
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>2</v></c></row><row r="3"><c r="B3"><v>3</v></c></row>'
    path = _package(tmp_path, _sheet(cells, dimension="A1:B1"))
    fast = _assert_same(path)
    assert fast is not None and not fast._slow


def test_reader_findings_identical_on_the_sample_for_both_backends(monkeypatch):
    from generator import reader

    def read_all():
        inst, f = read_institution(SAMPLE / "kurum.xlsx")
        found = [x.to_dict() for x in f]
        subs = []
        for p in sorted((SAMPLE / "birimler").glob("*.xlsx"))[:6]:
            sub, f = read_department(p)
            found += [x.to_dict() for x in f]
            subs.append(sub)
        return inst, subs, found

    fast = read_all()

    def no_fast(*args, **kwargs):
        raise RuntimeError("calamine switched off")

    monkeypatch.setattr(reader._FastBook, "__init__", no_fast)
    slow = read_all()
    assert fast == slow

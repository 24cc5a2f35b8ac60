"""The package guard: every unreadable or hostile file gets a Turkish finding, reading stays bounded."""
from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from generator import safety
from generator.reader import read_department, read_institution
from generator.templates import write_department, write_institution
from tests.factory import (
    check_year,
    clean_institution,
    clean_submissions,
    dept_path,
    small_institution,
    small_submissions,
    write_year,
)


@pytest.fixture
def workbook(tmp_path):
    inst = small_institution()
    return write_department(inst, "D1-FDB", tmp_path / "2024_D1-FDB.xlsx", small_submissions(inst)[0])


def rewrite(path, edits: dict, out=None):
    """Copy a zip package with some parts replaced: {name: bytes or callable(old bytes) -> bytes}."""
    out = out or path
    with zipfile.ZipFile(path) as zin:
        parts = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            if name in edits:
                edit = edits[name]
                data = edit(data) if callable(edit) else edit
            zout.writestr(name, data)
    return out


def sheet_part(path, sheet: str) -> str:
    names = safety._sheet_names(zipfile.ZipFile(path))
    return next(part for part, name in names.items() if name == sheet)


def codes(findings):
    return [f.code for f in findings]


def assert_turkish(findings):
    for f in findings:
        for english in ("Please", "could not", "invalid", "Errno", "Permission denied", "Unable", "/tmp/"):
            assert english not in f.message, f.message


# --- what the file is -----------------------------------------------------------

@pytest.mark.parametrize("content,code,text", [
    (b"Hedef;Faaliyet;Tutar\nH1.1;F1;1.000\n", "OKU-07", "CSV"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "OKU-07", "PDF"),
    (b"", "OKU-01", "boş"),
    (b"\x00\x01\x02\x03 binary", "OKU-01", "tanınmıyor"),
])
def test_files_that_are_not_workbooks(tmp_path, content, code, text):
    path = tmp_path / "2024_D1-FDB.xlsx"
    path.write_bytes(content)
    sub, findings = read_department(path)
    assert sub is None
    assert codes(findings) == [code] and text in findings[0].message
    assert findings[0].file == "2024_D1-FDB.xlsx"
    assert_turkish(findings)


def _ole(*stream_names: str) -> bytes:
    """A minimal OLE compound file header followed by directory names (enough for the guard)."""
    body = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") for name in stream_names)
    return safety._OLE_MAGIC + b"\x00" * 504 + body


def test_encrypted_workbook_says_password_protected(tmp_path):
    path = tmp_path / "2024_D1-FDB.xlsx"
    path.write_bytes(_ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    sub, findings = read_department(path)
    assert sub is None and codes(findings) == ["OKU-06"]
    assert "parola korumalı" in findings[0].message


def test_xls_says_what_it_is_and_what_to_do(tmp_path):
    path = tmp_path / "2024_D1-FDB.xls"
    path.write_bytes(_ole("Root Entry", "Workbook", "SummaryInformation"))
    _, findings = read_department(path)
    assert codes(findings) == ["OKU-07"]
    assert ".xls" in findings[0].message and "Farklı Kaydet" in findings[0].message


def test_ods_and_docx_are_named(tmp_path):
    ods = tmp_path / "birim.ods"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    _, findings = read_department(ods)
    assert codes(findings) == ["OKU-07"] and "OpenDocument (.ods)" in findings[0].message
    docx = tmp_path / "belge.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    _, findings = read_department(docx)
    assert codes(findings) == ["OKU-07"] and "Word belgesi" in findings[0].message


def test_missing_file_and_folder(tmp_path):
    _, findings = read_department(tmp_path / "yok.xlsx")
    assert codes(findings) == ["OKU-01"] and "bulunamadı" in findings[0].message
    _, findings = read_department(tmp_path)
    assert codes(findings) == ["OKU-01"] and "klasör" in findings[0].message
    assert findings[0].file == tmp_path.name  # the name, never the absolute path


# --- limits -------------------------------------------------------------------------

def test_zip_bomb_is_refused_quickly_and_in_little_memory(workbook):
    part = sheet_part(workbook, "Faaliyetler")
    row = b'<row r="5"><c r="A5" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(workbook) as zin:
        parts = [(i.filename, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for name, data in parts:
            if name != part:
                zout.writestr(name, data)
                continue
            with zout.open(name, "w", force_zip64=True) as fh:  # about 100 MB of rows
                fh.write(data[: data.index(b"<sheetData>") + len(b"<sheetData>")])
                block = row * 16_000
                for _ in range(100):
                    fh.write(block)
                fh.write(b"</sheetData></worksheet>")
    assert workbook.stat().st_size < 5_000_000
    tracemalloc.start()
    started = time.perf_counter()
    sub, findings = read_department(workbook)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sub is None and codes(findings) == ["OKU-08"]
    assert "Faaliyetler" in findings[0].message or "sheet" in findings[0].message
    # refused from the part sizes before anything is inflated; the time bound only guards against a hang
    # on this shared machine (speed is measured in bench/, not here)
    assert elapsed < 30 and peak < 100 * 1024 * 1024


def test_rows_beyond_the_limit_are_refused_while_streaming(workbook, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ROWS", 1_000)
    part = sheet_part(workbook, "Göstergeler")
    rows = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % r for r in range(10, 2_000))
    rewrite(workbook, {part: lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>")})
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["OKU-08"]
    assert "\"Göstergeler\" sayfası" in findings[0].message and "1.000 satırdan fazla" in findings[0].message


def test_header_that_lies_about_the_size_is_caught(workbook):
    part = sheet_part(workbook, "Faaliyetler")
    data = workbook.read_bytes()
    with zipfile.ZipFile(workbook) as z:
        info = z.getinfo(part)
    # declare a smaller uncompressed size in the central directory: the stream then fails its check
    import struct

    name = part.encode()
    at = data.find(b"PK\x01\x02", 0)
    while at != -1:
        n = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + n] == name:
            data = data[:at + 24] + struct.pack("<I", 10) + data[at + 28:]
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert info.file_size > 10
    workbook.write_bytes(data)
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) in (["OKU-09"], ["OKU-01"])
    assert_turkish(findings)


def test_dimension_of_the_whole_sheet_with_blank_formatted_rows_stays_small(workbook):
    part = sheet_part(workbook, "Faaliyetler")
    # without care every row would be padded to 16.384 cells: 20.000 × 16.384 values, far beyond memory
    rows = b"".join(b'<row r="%d" s="1" customFormat="1" ht="15"/>' % r for r in range(100, 20_000))

    def edit(d):
        import re

        d = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', d)
        return d.replace(b"</sheetData>", rows + b"</sheetData>")

    rewrite(workbook, {part: edit})
    tracemalloc.start()
    sub, findings = read_department(workbook)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sub is not None and len(sub.activities) == 2
    assert peak < 200 * 1024 * 1024


# --- malformed and hostile XML ----------------------------------------------------------

@pytest.mark.parametrize("part,edit,reason", [
    ("xl/sharedStrings.xml", lambda d: d[: len(d) // 2], "Paylaşılan metinler"),
    ("Faaliyetler", lambda d: d.replace(b"</sheetData>", b"<row r=\"99\"><c r=\"A99\"></sheetData>"), "Faaliyetler"),
    ("xl/sharedStrings.xml", lambda d: d.replace(b"<t>", b"<t>&#1;", 1), "geçersiz karakter başvurusu"),
])
def test_malformed_xml_is_a_finding(workbook, part, edit, reason):
    name = part if part.startswith("xl/") else sheet_part(workbook, part)
    rewrite(workbook, {name: edit})
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["OKU-09"]
    assert reason in findings[0].message and "satır" in findings[0].message
    assert_turkish(findings)


XXE = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
PARAM = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]>'


@pytest.mark.parametrize("prolog", [XXE, LAUGHS, PARAM], ids=["xxe", "billion-laughs", "parameter-entity"])
def test_dtd_and_entities_are_refused_as_a_security_finding(workbook, prolog):
    def edit(d):
        body = d[d.index(b"<sst"):]
        return prolog + body.replace(b"<t>", b"<t>&e;&c;", 1) if prolog is not PARAM else prolog + body

    rewrite(workbook, {"xl/sharedStrings.xml": edit})
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["GUV-01"]
    assert findings[0].message.startswith("Güvenlik: Paylaşılan metinler")
    assert_turkish(findings)


# --- Strict Open XML ----------------------------------------------------------------------

def to_strict(path, out):
    def edit(data):
        for strict, transitional in safety.STRICT_NAMESPACES:
            data = data.replace(transitional, strict)
        return data

    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
    return rewrite(path, {n: edit for n in names}, out)


def test_strict_open_xml_reads_like_the_transitional_workbook(workbook, tmp_path):
    (tmp_path / "strict").mkdir()
    strict = to_strict(workbook, tmp_path / "strict" / workbook.name)
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zipfile.ZipFile(strict).read("xl/workbook.xml")
    plain, f1 = read_department(workbook)
    back, f2 = read_department(strict)
    assert codes(f2) == codes(f1) + ["OKU-10"]
    assert back.activities == plain.activities and back.indicators == plain.indicators
    assert back.unit_costs == plain.unit_costs


def test_strict_kurum_reads_too(tmp_path):
    inst = clean_institution()
    path = write_institution(inst, tmp_path / "kurum.xlsx")
    (tmp_path / "s").mkdir()
    strict = to_strict(path, tmp_path / "s" / "kurum.xlsx")
    back, findings = read_institution(strict)
    assert codes(findings) == ["OKU-10"]
    assert [t.code for t in back.targets] == [t.code for t in inst.targets]


# --- the build goes on ----------------------------------------------------------------------

def test_build_goes_on_with_the_other_departments(tmp_path):
    inst = clean_institution()
    folder = write_year(tmp_path / "2024", inst, clean_submissions(inst))
    bad = dept_path(folder, "D2-ÇDB")
    rewrite(bad, {"xl/sharedStrings.xml": lambda d: XXE + d[d.index(b"<sst"):]})
    program, findings = check_year(folder)
    assert {s.department for s in program.submissions} == {"D1-FDB", "D3-İDB"}
    security = [f for f in findings if f.code == "GUV-01"]
    assert len(security) == 1 and security[0].file == bad.name
    assert_turkish(findings)


# --- check on inputs that are not workbooks -------------------------------------------------

@pytest.mark.parametrize("make,text", [
    (lambda p: p.with_suffix(".ods").write_bytes(_ods_bytes()) and p.with_suffix(".ods"), "OpenDocument"),
    (lambda p: p.with_suffix(".csv").write_bytes(b"a;b\n1;2\n") and p.with_suffix(".csv"), "CSV"),
    (lambda p: p.with_suffix(".pdf").write_bytes(b"%PDF-1.4\n") and p.with_suffix(".pdf"), "PDF"),
    (lambda p: p.parent, "klasör"),
    (lambda p: p, "bulunamadı"),
])
def test_check_answers_in_turkish_with_exit_2(tmp_path, capsys, make, text):
    from generator.cli import main

    target = make(tmp_path / "2024_D1-FDB.xlsx")
    code = main(["check", str(target)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 2, out
    assert text in out and "okunamadı" in out
    assert "Traceback" not in out and str(tmp_path) not in out


def _ods_bytes() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice yok")
@pytest.mark.parametrize("fmt,label", [("ods", "OpenDocument (.ods)"), ("xls", "Excel 97-2003 (.xls)")])
def test_check_reads_a_real_ods_or_xls_through_libreoffice(tmp_path, capsys, fmt, label):
    import subprocess

    from generator.cli import main
    from generator.pdf import _clean_env

    inst = clean_institution()
    kurum = write_institution(inst, tmp_path / "kurum.xlsx")
    dept = write_department(inst, "D1-FDB", tmp_path / "x" / "2024_D1-FDB.xlsx", clean_submissions(inst)[0])
    profile = tmp_path / "profil"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(tmp_path), str(dept)], capture_output=True, timeout=180, env=_clean_env())
    converted = tmp_path / f"2024_D1-FDB.{fmt}"
    assert converted.exists()
    code = main(["check", str(converted), "--kurum", str(kurum)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0, out
    assert f"OKU-13 2024_D1-FDB.{fmt}" in out and label in out
    assert "0 hata" in out


# --- the quick pass and the full check ------------------------------------------------------
# The reader runs the guard's quick pass (safety.inspect): parts the calamine path parses are checked
# whole, other parts only up to their root element; whatever is unusual goes to the full check, and the
# openpyxl path always asks for the full check first. These tests hold the two to the same verdicts.

def _verdicts(path):
    quick, full = safety.inspect(path, keep=True), safety.inspect(path, full=True)
    return quick, full


def _same(quick, full):
    assert [f.to_dict() for f in quick.findings] == [f.to_dict() for f in full.findings]
    assert (quick.readable, quick.kind, quick.hidden_sheets, quick.hidden_rows, quick.bad_numbers, quick.data) == \
        (full.readable, full.kind, full.hidden_sheets, full.hidden_rows, full.bad_numbers, full.data)


def test_quick_pass_settles_the_sample_with_the_full_checks_verdict():
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "workbooks" / "2024"
    for path in [sample / "kurum.xlsx", *sorted((sample / "birimler").glob("*.xlsx"))]:
        quick, full = _verdicts(path)
        assert not quick.complete and full.complete, path.name  # the quick pass was enough
        _same(quick, full)
        with zipfile.ZipFile(path) as z:  # the kept parts are the parts, decompressed once
            assert {n: z.read(n) for n in quick.parts} == quick.parts
            assert {n for n in quick.parts if n.startswith("xl/worksheets/sheet")} == \
                set(safety._sheet_names(z))


@pytest.mark.parametrize("part", ["docProps/core.xml", "[Content_Types].xml", "xl/theme/theme1.xml",
                                  "xl/comments1.xml", "xl/worksheets/_rels/sheet6.xml.rels"])
@pytest.mark.parametrize("prolog", [XXE, LAUGHS, PARAM], ids=["xxe", "billion-laughs", "parameter-entity"])
def test_dtd_in_a_part_no_backend_reads_is_refused_too(workbook, part, prolog):
    def edit(d):
        body = d[d.index(b"?>") + 2:] if d.startswith(b"<?xml") else d
        return prolog + body

    rewrite(workbook, {part: edit})
    quick, full = _verdicts(workbook)
    _same(quick, full)
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["GUV-01"] and part in findings[0].message


@pytest.mark.parametrize("make", [
    # a DOCTYPE after a comment longer than what the quick pass looks at
    lambda d: b'<?xml version="1.0"?><!--' + b"x" * (safety.CHUNK + 10) + b"-->" + XXE[21:] + d[d.index(b"<sst"):],
    # UTF-16: the bytes of "<!DOCTYPE" are not there to be seen
    lambda d: (XXE + d[d.index(b"<sst"):]).decode().replace("<?xml version=\"1.0\"?>",
                                                             "<?xml version=\"1.0\" encoding=\"UTF-16\"?>")
    .encode("utf-16"),
    # another encoding named in the declaration
    lambda d: XXE.replace(b'"1.0"', b'"1.0" encoding="ISO-8859-9"') + d[d.index(b"<sst"):],
], ids=["long-comment", "utf-16", "iso-8859-9"])
def test_unusual_prologs_go_to_the_full_check(workbook, make):
    rewrite(workbook, {"xl/sharedStrings.xml": make})
    quick, full = _verdicts(workbook)
    assert quick.complete  # the quick pass was unsure: the full check gave the verdict
    _same(quick, full)
    assert codes(quick.findings) == ["GUV-01"]


def _duplicate_attribute(d):
    return d.replace(b"<a:theme ", b'<a:theme x="1" x="1" ', 1)


def test_a_part_no_backend_reads_cut_short_or_with_content_after_its_root_is_named_as_before(workbook):
    for edit in (lambda d: d[: len(d) // 2], lambda d: d + b"<junk/>"):
        rewrite(workbook, {"xl/theme/theme1.xml": edit}, workbook.parent / "x.xlsx")
        quick, full = _verdicts(workbook.parent / "x.xlsx")
        assert quick.complete and codes(quick.findings) == ["OKU-09"]
        _same(quick, full)


def test_a_malformed_part_no_backend_reads_is_checked_before_openpyxl_reads_the_file(workbook):
    # what the quick pass does not look for (a duplicate attribute) in a part no backend on the calamine
    # path parses: calamine reads the workbook; openpyxl, which parses the theme, gets the full check first
    rewrite(workbook, {"xl/theme/theme1.xml": _duplicate_attribute})
    quick, full = _verdicts(workbook)
    assert quick.readable and not full.readable and codes(full.findings) == ["OKU-09"]
    sub, findings = read_department(workbook)  # calamine reads it: the theme is not parsed
    assert sub is not None and "OKU-09" not in codes(findings)
    # an escaped character in the shared strings sends the workbook to openpyxl, which parses the theme:
    # the full check runs first and refuses the file as it always did
    rewrite(workbook, {"xl/sharedStrings.xml": lambda d: d.replace(b"<t>", b"<t>_x000D_", 1)})
    sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["OKU-09"] and "theme1.xml" in findings[0].message


def test_a_sheet_that_only_openpyxl_reads_brings_the_full_checks_findings_alone(workbook):
    # Faaliyetler goes to openpyxl (as a sheet with a date-formatted cell would), the theme is malformed:
    # the findings of the sheets read before are dropped, the file is refused as the full check says
    from generator import backend

    rewrite(workbook, {"xl/theme/theme1.xml": _duplicate_attribute})
    sub, ok = read_department(workbook)
    assert sub is not None
    real = backend.FastBook.rows

    def rows(self, sheet):
        if sheet == "Faaliyetler":
            self._slow.add(sheet)
        return real(self, sheet)

    import unittest.mock

    with unittest.mock.patch.object(backend.FastBook, "rows", rows):
        sub, findings = read_department(workbook)
    assert sub is None and codes(findings) == ["OKU-09"]
    assert "aynı öznitelik iki kez yazılmış" in findings[0].message


def _wrong_checksum(path, part: str, out=None):
    """The package with the CRC its central directory records for ``part`` changed (the part's bytes
    themselves unchanged)."""
    import struct

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        n = struct.unpack("<H", data[at + 28:at + 30])[0]
        if data[at + 46:at + 46 + n] == info.filename.encode():
            data[at + 16:at + 20] = struct.pack("<I", info.CRC ^ 1)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    (out or path).write_bytes(bytes(data))
    return out or path


def test_a_small_part_whose_checksum_is_wrong_is_named_as_before(workbook):
    _wrong_checksum(workbook, "docProps/app.xml")
    quick, full = _verdicts(workbook)
    _same(quick, full)
    assert codes(quick.findings) == ["OKU-09"] and "app.xml" in quick.findings[0].message


def test_template_parts_seen_before_get_the_same_verdict_and_changed_ones_are_looked_at_again(workbook):
    # the quick pass remembers what it found in the parts a template fixes (styles, theme, relationships),
    # by their compressed bytes: the next workbook of the template gets the same verdict and the same parts
    first = safety.inspect(workbook, keep=True)
    remembered = {key[4] for key in safety._SEEN}
    with zipfile.ZipFile(workbook) as z:
        assert _compressed(z, "xl/theme/theme1.xml") in remembered
        assert _compressed(z, "xl/styles.xml") in remembered
        for name in (*safety._sheet_names(z), "xl/sharedStrings.xml", "docProps/core.xml"):
            assert _compressed(z, name) not in remembered, name  # what a department fills in is not kept
    again = safety.inspect(workbook, keep=True)
    _same(first, again)
    assert again.parts == first.parts and not again.complete
    # the same compressed theme under a wrong checksum, a theme with a DTD: looked at again, refused as before
    bad = _wrong_checksum(workbook, "xl/theme/theme1.xml", workbook.parent / "crc.xlsx")
    quick, full = _verdicts(bad)
    _same(quick, full)
    assert codes(quick.findings) == ["OKU-09"] and "theme1.xml" in quick.findings[0].message
    rewrite(workbook, {"xl/theme/theme1.xml": lambda d: XXE + d[d.index(b"<a:theme"):]}, workbook.parent / "dtd.xlsx")
    quick, full = _verdicts(workbook.parent / "dtd.xlsx")
    _same(quick, full)
    assert codes(quick.findings) == ["GUV-01"]


def _compressed(z: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes as they are stored in the package."""
    import struct

    info = z.getinfo(name)
    with open(str(z.filename), "rb") as fh:
        raw = fh.read()
    n, extra = struct.unpack_from("<HH", raw, info.header_offset + 26)
    start = info.header_offset + 30 + n + extra
    return raw[start:start + info.compress_size]


@pytest.mark.parametrize("edit,reason", [
    (lambda d: d[: d.rindex(b"</sheetData>")], "içerik yok ya da eksik"),  # cut between two elements
    (lambda d: d + b"<row/>", "belge sonunda fazladan içerik"),
    (lambda d: d.replace(b"</sheetData>", b'<row r="99"><c r="A99"></row></sheetData>'), "etiketleri uyuşmuyor"),
])
def test_a_malformed_sheet_is_named_as_before(workbook, edit, reason):
    # sheets are parsed by calamine, not by the guard's quick pass: what calamine rejects, and what the
    # quick pass sees at the end of the part, brings the full check's finding
    rewrite(workbook, {sheet_part(workbook, "Faaliyetler"): edit})
    full = safety.inspect(workbook, full=True)
    assert codes(full.findings) == ["OKU-09"] and reason in full.findings[0].message
    sub, findings = read_department(workbook)
    assert sub is None and [f.to_dict() for f in findings] == [f.to_dict() for f in full.findings]


@pytest.mark.parametrize("prolog,entity", [(XXE, b"&e;"), (LAUGHS, b"&c;")], ids=["xxe", "billion-laughs"])
def test_calamine_itself_never_expands_an_entity(workbook, prolog, entity):
    # the evidence behind the quick pass (and defusedxml's role): calamine's parser does not read DTDs,
    # so an entity declared in one is refused, not expanded; defusedxml stays as openpyxl's second line
    import python_calamine

    def edit(d):
        return prolog + d[d.index(b"<sst"):].replace(b"<t>", b"<t>" + entity, 1)

    rewrite(workbook, {"xl/sharedStrings.xml": edit})
    with pytest.raises(Exception, match="unrecognized entity"):
        book = python_calamine.load_workbook(str(workbook))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()

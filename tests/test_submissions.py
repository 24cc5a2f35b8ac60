"""Collecting a year's submissions: every state, the choice of file, conversion,
feedback workbooks, accepted findings and the draft's notes.

The year is built in code: kurum.xlsx with eight departments and, in
birimler/, workbooks that are renamed, duplicated, sent as .ods, blank, late
with errors, clean, plus files that cannot be used.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from generator import TEMPLATE_VERSION, cli
from generator.convert import ConversionError, to_xlsx
from generator.feedback import workbook_bytes
from generator.model import Acceptance, Department, Submission, UnitCosts
from generator.pdf import find_soffice
from generator.pipeline import BuildConfig, build, status
from generator.reader import saved_at
from generator.submissions import ACCEPTED, BLANK, FAILING, MISSING, OK, WARNED
from generator.templates import write_department, write_institution
from tests.factory import clean_institution, clean_submissions

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice yok")

EXTRA = [  # code, name, ceiling, personnel, general administration
    ("D4-İMR", "İmar ve Şehircilik Dairesi Başkanlığı", 30_000, 20_000, 10_000),
    ("D5-ZBT", "Zabıta Dairesi Başkanlığı", 10_000, 0, 0),
    ("D6-EDB", "Emlak ve İstimlak Dairesi Başkanlığı", 10_000, 0, 0),
    ("D7-KÜL", "Kültür ve Sosyal İşler Dairesi Başkanlığı", 50_000, 20_000, 10_000),  # under its ceiling
    ("D8-DES", "Destek Hizmetleri Dairesi Başkanlığı", 10_000, 15_000, 5_000),  # over its ceiling
]


def institution():
    inst = clean_institution()
    inst.profile.total_budget = None  # the institution total is not what these tests are about
    inst.department("D1-FDB").ceiling = 585_000  # exactly their totals: no BRM-02
    inst.department("D2-ÇDB").ceiling = 101_003
    inst.department("D3-İDB").ceiling = 120_000  # the .ods department is under its ceiling: a warning
    for i, (code, name, ceiling, _, _) in enumerate(EXTRA, start=3):
        inst.departments.append(Department(code, name, [], ceiling, i))
    return inst


def unit_only(inst, code: str, personnel: int, general: int) -> Submission:
    dept = inst.department(code)
    sub = Submission(file="", department=code, department_name=dept.name, year=inst.profile.year,
                     template_version=TEMPLATE_VERSION, prepared_by="Deniz ÖZTÜRK, Şef",
                     phone="0266 111 22 33", email="deniz.ozturk@ornek.bel.tr")
    sub.unit_costs = UnitCosts(code, personnel=personnel, general_admin=general)
    return sub


def write(inst, code: str, path: Path, sub, saved: datetime | None = None) -> Path:
    """A department workbook as the department saved it (its own save time in core.xml)."""
    write_department(inst, code, path, sub)
    if saved is not None:
        wb = openpyxl.load_workbook(path)
        wb.properties.modified = saved
        path.write_bytes(workbook_bytes(wb))  # wb.save would stamp the current time
    return path


def to_ods(xlsx: Path, dest: Path) -> Path:
    """Convert with LibreOffice, as a department using LibreOffice Calc would send it."""
    work = xlsx.parent / "ods-work"
    work.mkdir(exist_ok=True)
    subprocess.run([find_soffice(), f"-env:UserInstallation={(work / 'profil').resolve().as_uri()}", "--headless",
                    "--convert-to", "ods", "--outdir", str(work), str(xlsx)], check=True, capture_output=True,
                   timeout=120)
    shutil.move(work / (xlsx.stem + ".ods"), dest)
    return dest


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """The year folder; the .xlsx sources for the .ods live outside it."""
    root = tmp_path_factory.mktemp("teslim")
    inst = institution()
    folder = root / "2024"
    birimler = folder / "birimler"
    birimler.mkdir(parents=True)
    write_institution(inst, folder / "kurum.xlsx")
    fdb, cdb, idb = clean_submissions(inst)
    # renamed, upper-case extension: identified by the code inside
    write(inst, "D1-FDB", birimler / "Fen işleri son.XLSX", fdb, datetime(2024, 11, 1, 9, 0))
    # two files of one department: the newer by its own save time wins, whatever the names say
    old = clean_submissions(inst)[1]
    old.activities[0].total_typed = 1  # the old file had an error
    write(inst, "D2-ÇDB", birimler / "2024_D2-ÇDB (1).xlsx", old, datetime(2024, 10, 1, 8, 0))
    write(inst, "D2-ÇDB", birimler / "ÇDB düzeltilmiş.xlsx", cdb, datetime(2024, 11, 10, 16, 5))
    # sent as .ods
    src = write(inst, "D3-İDB", root / "itfaiye.xlsx", idb, datetime(2024, 11, 2, 10, 30))
    if find_soffice() is not None:
        to_ods(src, birimler / "İtfaiye.ods")
    # late, with an error: a typed unit total that disagrees (BRM-05)
    imr = unit_only(inst, "D4-İMR", 20_000, 10_000)
    imr.unit_costs.total_typed = 99_999
    write(inst, "D4-İMR", birimler / "İmar son hali.xlsx", imr, datetime(2024, 12, 20, 23, 59))
    # D5-ZBT sends nothing; D6-EDB sends the blank template back
    write(inst, "D6-EDB", birimler / "2024_D6-EDB.xlsx", None, datetime(2024, 11, 5, 12, 0))
    write(inst, "D7-KÜL", birimler / "kultur.xlsm", unit_only(inst, "D7-KÜL", 20_000, 10_000),
          datetime(2024, 11, 3, 14, 0))
    write(inst, "D8-DES", birimler / "2024_D8-DES.xlsx", unit_only(inst, "D8-DES", 15_000, 5_000),
          datetime(2024, 11, 4, 15, 0))
    # files that are not used, each named in a finding
    (birimler / "notlar.txt").write_text("toplantı notları", encoding="utf-8")
    (birimler / "~$İmar son hali.xlsx").write_bytes(b"kilit")
    (birimler / "bozuk.ods").write_bytes(b"bu bir tablo degil")
    return folder


@pytest.fixture(scope="module")
def built(year, tmp_path_factory):
    out = tmp_path_factory.mktemp("cikti")
    before = {p: p.read_bytes() for p in year.rglob("*") if p.is_file()}
    result = build(BuildConfig(workbooks=year, out=out, pdf=False))
    after = {p: p.read_bytes() for p in year.rglob("*") if p.is_file()}
    assert after == before  # inputs untouched, no lock files left beside them
    return result, out


def by_code(result):
    return {s.code: s for s in result.statuses}


@needs_soffice
def test_every_state(built):
    result, _ = built
    states = {code: s.state for code, s in by_code(result).items()}
    # the duplicate is a warning: the newer file is used, the old one should be removed
    assert states == {"D1-FDB": OK, "D2-ÇDB": WARNED, "D3-İDB": WARNED, "D4-İMR": FAILING, "D5-ZBT": MISSING,
                      "D6-EDB": BLANK, "D7-KÜL": WARNED, "D8-DES": FAILING}
    assert list(by_code(result)) == ["D1-FDB", "D2-ÇDB", "D3-İDB", "D4-İMR", "D5-ZBT", "D6-EDB", "D7-KÜL",
                                     "D8-DES"]  # kurum.xlsx order


@needs_soffice
def test_status_details(built):
    s = by_code(built[0])
    imr = s["D4-İMR"]
    assert (imr.file, imr.saved_at, imr.template_version) == ("İmar son hali.xlsx", datetime(2024, 12, 20, 23, 59),
                                                              TEMPLATE_VERSION)
    assert (imr.preparer, imr.phone, imr.email) == ("Deniz ÖZTÜRK, Şef", "0266 111 22 33",
                                                    "deniz.ozturk@ornek.bel.tr")
    assert (imr.errors, imr.warnings, imr.activities, imr.total) == (1, 0, 0, 30_000)
    fdb = s["D1-FDB"]
    assert (fdb.file, fdb.activities, fdb.total) == ("Fen işleri son.XLSX", 2, 585_000)
    assert s["D7-KÜL"].warnings == 1 and s["D7-KÜL"].errors == 0
    assert s["D5-ZBT"].file == "" and s["D5-ZBT"].errors == 1  # BRL-01


@needs_soffice
def test_newer_file_wins_and_both_names_are_reported(built):
    result, _ = built
    cdb = by_code(result)["D2-ÇDB"]
    assert cdb.file == "ÇDB düzeltilmiş.xlsx" and cdb.other_files == ["2024_D2-ÇDB (1).xlsx"]
    [f] = [f for f in result.findings if f.code == "BRL-02"]
    # the workbook stores UTC; the message shows Turkish time (UTC+3)
    assert f.message == ("D2-ÇDB birimi için iki çalışma kitabı var: \"ÇDB düzeltilmiş.xlsx\" (kaydedilme "
                         "10.11.2024 19:05) kullanıldı, \"2024_D2-ÇDB (1).xlsx\" (kaydedilme 01.10.2024 11:00, "
                         "2 faaliyet) yok sayıldı.")
    # the old file's error is not counted: its figures are not in the program
    assert not any(f.code == "TOP-02" for f in result.findings)


@needs_soffice
def test_ods_is_converted_and_read_under_its_own_name(built):
    result, _ = built
    idb = by_code(result)["D3-İDB"]
    assert idb.file == "İtfaiye.ods" and idb.saved_at == datetime(2024, 11, 2, 10, 30)
    assert result.program.unit_costs["D3-İDB"].personnel == 60_000


@needs_soffice
def test_unusable_files_are_named(built):
    result, _ = built
    named = {f.file: (f.code, f.message) for f in result.findings if f.code in ("BRL-07", "BRL-08")}
    assert named["notlar.txt"] == ("BRL-08", "Dosya atlandı: çalışma kitabı değil (.xlsx, .xlsm, .xls ya da .ods "
                                             "beklenir).")
    assert named["~$İmar son hali.xlsx"][0] == "BRL-08" and "kilit dosyası" in named["~$İmar son hali.xlsx"][1]
    assert named["bozuk.ods"][0] == "BRL-07" and "bozuk.ods dönüştürülemedi" in named["bozuk.ods"][1]


@needs_soffice
def test_blank_template_is_one_finding_not_one_per_cell(built):
    result, _ = built
    edb = [f for f in result.findings if f.department == "D6-EDB"]
    assert [f.code for f in edb] == ["BRL-06"]
    assert edb[0].message == ("D6-EDB (Emlak ve İstimlak Dairesi Başkanlığı) birimi çalışma kitabına veri "
                              "girmemiş; gönderilmemiş sayıldı.")
    assert by_code(result)["D6-EDB"].file == "2024_D6-EDB.xlsx"


@needs_soffice
def test_reports_carry_the_status(built):
    result, out = built
    data = json.loads((out / "2024_dogrulama.json").read_text(encoding="utf-8"))
    teslim = {row["birim"]: row for row in data["teslim"]}
    assert teslim["D5-ZBT"]["durum"] == "gelmedi" and teslim["D6-EDB"]["durum"] == "boş şablon"
    assert teslim["D2-ÇDB"]["diger_dosyalar"] == ["2024_D2-ÇDB (1).xlsx"]
    assert teslim["D4-İMR"]["kayit_zamani"] == "2024-12-20T23:59:00Z"
    assert data["ozet"]["teslim"] == {"boş şablon": 1, "gelmedi": 1, "hatalı": 2, "tamam": 1, "uyarılı": 3}
    wb = openpyxl.load_workbook(out / "2024_dogrulama.xlsx", read_only=True)
    assert wb.sheetnames[:2] == ["Özet", "Teslim Durumu"]
    rows = [r for r in wb["Teslim Durumu"].iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[2]) for r in rows] == [(code, s.state) for code, s in by_code(result).items()]
    assert rows[4][13] == "veri gelmedi"


@needs_soffice
def test_feedback_workbooks_have_comments_on_the_right_cells(built, year):
    result, out = built
    folder = out / "2024_geri_bildirim"
    assert sorted(p.name for p in folder.iterdir()) == [
        "D2-ÇDB.xlsx", "D3-İDB.xlsx", "D4-İMR.xlsx", "D7-KÜL.xlsx", "D8-DES.xlsx"]  # those with findings
    wb = openpyxl.load_workbook(folder / "D4-İMR.xlsx")
    assert wb.sheetnames[0] == "Geri Bildirim"
    [brm05] = [f for f in result.findings if f.code == "BRM-05"]
    cell = wb[brm05.sheet][brm05.cell]
    assert (brm05.sheet, brm05.cell) == ("Birim", "B13")
    assert cell.comment is not None and "BRM-05" in cell.comment.text and brm05.message in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    listing = [r for r in wb["Geri Bildirim"].iter_rows(min_row=6, values_only=True)]
    assert [(r[2], r[4], r[7]) for r in listing] == [("BRM-05", "Birim › B13", brm05.message)]
    assert wb["Geri Bildirim"]["E6"].hyperlink.location == "'Birim'!B13"
    # the department's data is still there
    assert wb["Birim"]["B9"].value == 20_000
    # the .ods department gets its data back as .xlsx
    assert openpyxl.load_workbook(folder / "D3-İDB.xlsx")["Birim"]["B9"].value == 60_000


@needs_soffice
def test_feedback_is_deterministic(built, year, tmp_path, monkeypatch):
    monkeypatch.setenv("PP_NO_CACHE", "1")  # written anew, not taken from the cache
    _, out = built
    again = tmp_path / "again"
    build(BuildConfig(workbooks=year, out=again, pdf=False, docx=False, consolidated=False))
    for p in (out / "2024_geri_bildirim").iterdir():
        assert (again / "2024_geri_bildirim" / p.name).read_bytes() == p.read_bytes(), p.name


@needs_soffice
def test_feedback_written_in_process_equals_the_workers(built, year, tmp_path, monkeypatch):
    """The build writes feedback in a worker process; written in process (not from the cache) it is
    the same bytes."""
    from generator.feedback import write_feedback
    from generator.pipeline import collect
    from generator.progress import NullReporter

    monkeypatch.setenv("PP_NO_CACHE", "1")
    _, out = built
    got = collect(BuildConfig(workbooks=year, out=tmp_path / "x", pdf=False), NullReporter(), tmp_path)
    assert got.program is not None
    folder = write_feedback(got.program, got.findings, got.read.readable, tmp_path / "in_process")
    (folder / "eski.xlsx").write_bytes(b"")  # left from an earlier build: removed by the next one
    write_feedback(got.program, got.findings, got.read.readable, folder)
    mine = {p.name: p.read_bytes() for p in folder.iterdir()}
    workers = {p.name: p.read_bytes() for p in (out / "2024_geri_bildirim").iterdir()}
    assert mine == workers and len(mine) == 5


@needs_soffice
def test_unchanged_feedback_comes_from_the_cache(built, year, tmp_path, monkeypatch):
    from dataclasses import replace

    from generator import feedback
    from generator.pipeline import collect
    from generator.progress import NullReporter

    got = collect(BuildConfig(workbooks=year, out=tmp_path / "x", pdf=False), NullReporter(), tmp_path)
    assert got.program is not None
    first = feedback.write_feedback(got.program, got.findings, got.read.readable, tmp_path / "a")
    expected = {p.name: p.read_bytes() for p in first.iterdir()}

    def fail(*args):
        raise AssertionError("written again")

    monkeypatch.setattr(feedback, "feedback_bytes", fail)
    again = feedback.write_feedback(got.program, got.findings, got.read.readable, tmp_path / "b")
    assert {p.name: p.read_bytes() for p in again.iterdir()} == expected
    changed = [replace(f, message=f.message + " (değişti)") if f.code == "BRM-05" else f for f in got.findings]
    with pytest.raises(AssertionError, match="written again"):  # a changed finding: written anew
        feedback.write_feedback(got.program, changed, got.read.readable, tmp_path / "c")


@needs_soffice
def test_draft_shows_missing_departments_and_open_errors(built):
    from docx import Document

    result, out = built
    doc = Document(out / "2024_performans_programi.docx")
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Taslak Notları" in texts
    assert "D5-ZBT Zabıta Dairesi Başkanlığı" in texts and "D6-EDB Emlak ve İstimlak Dairesi Başkanlığı" in texts
    assert any("veri gelmedi" in c for c in cells)
    for f in result.errors:
        assert f.message in cells, f.code


# ---------------------------------------------------------------------------
# console
# ---------------------------------------------------------------------------

@needs_soffice
def test_status_command_lists_every_department(year, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main(["status", "--workbooks", str(year)]) == 0
    out = capsys.readouterr().out
    for code in ("D1-FDB", "D2-ÇDB", "D3-İDB", "D4-İMR", "D5-ZBT", "D6-EDB", "D7-KÜL", "D8-DES"):
        assert code in out
    assert "Teslim durumu (8 birim): 1 gelmedi, 1 boş şablon, 2 hatalı, 3 uyarılı, 1 tamam." in out
    assert "kullanılmadı: 2024_D2-ÇDB (1).xlsx" in out
    assert "Kullanılmayan dosyalar (3):" in out  # named even when the findings list is cut short
    for name in ("bozuk.ods", "notlar.txt", "~$İmar son hali.xlsx"):
        assert f"  {name}: " in out


def test_console_names_every_missing_department(tmp_path, capsys, monkeypatch):
    """Twelve departments missing: more than the findings shown, all named."""
    monkeypatch.setenv("COLUMNS", "200")
    inst = clean_institution()
    inst.profile.total_budget = None
    for i in range(12):
        inst.departments.append(Department(f"D{10 + i}-EK{i}", f"Ek {i + 1}. Dairesi Başkanlığı", [], None, 3 + i))
    folder = tmp_path / "2024"
    write_institution(inst, folder / "kurum.xlsx")
    for sub in clean_submissions(inst):
        write_department(inst, sub.department, folder / "birimler" / f"{sub.department}.xlsx", sub)
    assert cli.main(["build", "--workbooks", str(folder), "--out", str(tmp_path / "out"), "--no-pdf",
                     "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "bulgu daha" in out  # the findings list is cut short ...
    assert "Çalışma kitabı gelmeyen birimler (12):" in out  # ... the missing departments are not
    for i in range(12):
        assert f"D{10 + i}-EK{i} Ek {i + 1}. Dairesi Başkanlığı" in out


# ---------------------------------------------------------------------------
# accepted findings
# ---------------------------------------------------------------------------

def _small_year(tmp_path, acceptances=()):
    """clean_institution with one error: D1-FDB's typed total of H1.2 F1 (TOP-02)."""
    inst = clean_institution()
    inst.department("D1-FDB").ceiling = 585_000  # exactly its total: no BRM-02
    inst.department("D2-ÇDB").ceiling = 101_003
    inst.acceptances = list(acceptances)
    folder = tmp_path / "2024"
    write_institution(inst, folder / "kurum.xlsx")
    subs = clean_submissions(inst)
    subs[0].activities[1].total_typed = 70_000
    for sub in subs:
        write_department(inst, sub.department, folder / "birimler" / f"2024_{sub.department}.xlsx", sub)
    return folder


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_acceptance_turns_the_draft_into_the_final_document(tmp_path):
    draft = build(BuildConfig(workbooks=_small_year(tmp_path / "a"), out=tmp_path / "a" / "out", pdf=False))
    assert [f.code for f in draft.errors] == ["TOP-02"]
    xml = _docx_text(draft.outputs["docx"])
    assert "TASLAK" in xml and "Taslak Notları" in xml

    acc = Acceptance("TOP-02", "Yayımlanan tabloda böyle basıldı; fark bilinçli.", department="D1-FDB",
                     cell="Faaliyetler!S6", accepted_by="Strateji Geliştirme", date="20.11.2023")
    final = build(BuildConfig(workbooks=_small_year(tmp_path / "b", [acc]), out=tmp_path / "b" / "out",
                              pdf=False))
    assert final.errors == []
    [f] = final.accepted
    assert f.code == "TOP-02" and f.accepted["gerekce"] == "Yayımlanan tabloda böyle basıldı; fark bilinçli."
    xml = _docx_text(final.outputs["docx"])
    assert "TASLAK" not in xml and "Taslak Notları" not in xml and "veri gelmedi" not in xml
    assert by_code(final)["D1-FDB"].state == ACCEPTED
    data = json.loads((tmp_path / "b" / "out" / "2024_dogrulama.json").read_text(encoding="utf-8"))
    assert data["ozet"]["hata"] == 0 and data["ozet"]["kabul_edilen"] == 1
    [row] = [b for b in data["bulgular"] if b["code"] == "TOP-02"]
    assert row["accepted"]["kabul_eden"] == "Strateji Geliştirme"
    wb = openpyxl.load_workbook(tmp_path / "b" / "out" / "2024_geri_bildirim" / "D1-FDB.xlsx")
    assert "Kabul edildi: Yayımlanan tabloda" in wb["Faaliyetler"]["S6"].comment.text


def test_acceptance_matching_nothing_is_a_warning(tmp_path):
    acc = Acceptance("MTR-02", "İki sorumlu birim bilinçli.", target="H9.9")
    result = build(BuildConfig(workbooks=_small_year(tmp_path, [acc]), out=tmp_path / "out", pdf=False,
                               docx=False, consolidated=False))
    [f] = [f for f in result.findings if f.code == "KBL-01"]
    assert not f.is_error
    assert f.message == "Kabul kaydı hiçbir bulguya uymuyor: MTR-02 (H9.9)."
    assert (f.file, f.sheet) == ("kurum.xlsx", "Kabul Edilen Bulgular")
    assert [e.code for e in result.errors] == ["TOP-02"]  # still open


# ---------------------------------------------------------------------------
# pieces
# ---------------------------------------------------------------------------

def test_saved_at_reads_the_workbooks_own_time(tmp_path):
    inst = clean_institution()
    path = write(inst, "D1-FDB", tmp_path / "a.xlsx", clean_submissions(inst)[0], datetime(2024, 5, 6, 7, 8, 9))
    assert saved_at(path) == datetime(2024, 5, 6, 7, 8, 9)
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    assert saved_at(tmp_path / "b.xlsx") is None


@needs_soffice
def test_to_xlsx_converts_and_fails_in_turkish(tmp_path):
    inst = clean_institution()
    src = write(inst, "D1-FDB", tmp_path / "a.xlsx", clean_submissions(inst)[0])
    ods = to_ods(src, tmp_path / "a.ods")
    out = to_xlsx(ods, tmp_path / "work")
    assert out.suffix == ".xlsx" and openpyxl.load_workbook(out)["Birim"]["B4"].value == "D1-FDB"
    (tmp_path / "b.ODS").write_bytes(b"PK\x03\x04 kesik bir zip")
    with pytest.raises(ConversionError, match="b.ODS dönüştürülemedi"):
        to_xlsx(tmp_path / "b.ODS", tmp_path / "work")
    with pytest.raises(ConversionError, match="yok.ods dönüştürülemedi: dosya bulunamadı"):
        to_xlsx(tmp_path / "yok.ods", tmp_path / "work")
    assert not list(tmp_path.glob(".~lock*"))  # nothing left beside the sources


def test_status_without_writing_anything(tmp_path):
    folder = _small_year(tmp_path)
    got = status(BuildConfig(workbooks=folder, out=tmp_path / "out"))
    assert [s.state for s in got.statuses] == [FAILING, OK, OK]
    assert not (tmp_path / "out").exists()


def test_a_newer_blank_template_does_not_replace_a_filled_workbook(tmp_path):
    folder = _small_year(tmp_path)
    inst = clean_institution()
    write(inst, "D2-ÇDB", folder / "birimler" / "boş şablon.xlsx", None, datetime(2030, 1, 1))
    got = status(BuildConfig(workbooks=folder))
    cdb = by_code(got)["D2-ÇDB"]
    assert cdb.file == "2024_D2-ÇDB.xlsx" and cdb.other_files == ["boş şablon.xlsx"]
    assert cdb.state == WARNED  # BRL-02 names the unused blank file; nothing is "not submitted"
    assert [f.code for f in got.findings if f.department == "D2-ÇDB"] == ["BRL-02"]


def test_new_year_does_not_carry_last_years_acceptances(tmp_path):
    from generator.model import Program
    from generator.newyear import new_institution

    inst = clean_institution()
    inst.acceptances = [Acceptance("TOP-02", "Geçen yıl bilinçli.", department="D1-FDB")]
    new, _ = new_institution(Program(institution=inst), 2025)
    assert new.acceptances == [] and inst.acceptances  # decided again every year; last year's kept


def test_document_context_marks_missing_departments_only_in_a_draft():
    from generator.document import build_context
    from generator.merge import merge

    inst = clean_institution()
    program, _ = merge(inst, clean_submissions(inst)[1:])  # D1-FDB sent nothing

    def figures(ctx):
        units = {r["kod"]: r["toplam"] for r in ctx["birim_kaynak"]["birimler"]}
        values = {g["kod"]: g["deger"] for a in ctx["alanlar"] for am in a["amaclar"] for h in am["hedefler"]
                  for g in h["gostergeler"]}
        return units, values

    units, values = figures(build_context(program, draft=True, missing={"D1-FDB"}))
    assert units["D1-FDB"] == "veri gelmedi" and units["D2-ÇDB"] == "101.003"
    # D1-FDB is responsible (S) for H1.1 and H1.2: their indicator values are missing, not blank
    assert (values["PG1.1.1"], values["PG1.2.1"], values["PG2.1.1"]) == ("veri gelmedi", "veri gelmedi", "40")
    units, values = figures(build_context(program, draft=False, missing={"D1-FDB"}))
    assert units["D1-FDB"] == "0" and values["PG1.1.1"] == ""  # a final document has no such marks


def test_a_conversion_folder_is_made_only_when_a_workbook_needs_converting(year, tmp_path, monkeypatch):
    from generator import staging

    made: list[Path] = []
    real = staging.private_tempdir

    def recording(prefix):
        folder = real(prefix)
        made.append(Path(folder.name))
        return folder

    monkeypatch.setattr(staging, "private_tempdir", recording)
    plain = tmp_path / "2024"
    shutil.copytree(year, plain, ignore=shutil.ignore_patterns("*.ods"))
    assert status(BuildConfig(workbooks=plain, out=tmp_path / "x", pdf=False)).program is not None
    assert made == []  # nothing to convert: no folder made and removed
    if find_soffice() is None:
        return
    got = status(BuildConfig(workbooks=year, out=tmp_path / "x", pdf=False))
    assert "İtfaiye.ods" in {s.file for s in got.statuses if s.file}
    assert len(made) == 1 and made[0].name.startswith(staging.CONVERT_PREFIX) and not made[0].exists()

"""The yearly cycle: opening 2025 from the committed 2024 sample, the
not-submitted state of untouched templates, the three-year indicator columns,
the plan-period and stale-data rules, and the refusal to overwrite."""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from generator import workbook_schema as ws
from generator.cli import main
from generator.document import build_context
from generator.merge import merge
from generator.model import Activity, Submission, UnitCosts
from generator.newyear import NewYearError, open_new_year
from generator.overwrite import OverwriteRefused
from generator.pipeline import BuildConfig, build, read_all
from generator.progress import NullReporter
from generator.reader import read_department, read_institution
from generator.validate import folder_year, validate
from tests.factory import check_year, clean_institution, clean_submissions, dept_path, edit_cells, write_year

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "2024"
WHEN = dt.datetime(2024, 10, 1, 9, 30, 0)
ARITHMETIC = ("TOP", "BRM", "GNL", "ANL", "TEK", "KOD", "ZRN", "TIP")
FILLED = ("D7-FDB", "D23-YYB")


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """A temporary copy of the sample with 2025 opened from it."""
    root = tmp_path_factory.mktemp("cycle") / "workbooks"
    shutil.copytree(SAMPLE, root / "2024")
    result = open_new_year(2025, root, when=WHEN)
    return root, result


@pytest.fixture(scope="module")
def sample_2024():
    inst, subs, _ = read_all(BuildConfig(SAMPLE), NullReporter())
    program, _ = merge(inst, subs)
    return program


def test_new_year_carries_the_plan(opened, sample_2024):
    root, result = opened
    assert result.source == root / "2024" and result.kurum == root / "2025" / "kurum.xlsx"
    inst, findings = read_institution(result.kurum)
    assert findings == []
    old = sample_2024.institution
    p = inst.profile
    assert p.year == 2025 and p.name == old.profile.name and p.plan_period == "2022-2024"
    assert (len(inst.areas), len(inst.aims), len(inst.targets), len(inst.indicator_defs)) == (7, 12, 55, 218)
    assert [(d.code, d.name, d.unit) for d in inst.indicator_defs] == [
        (d.code, d.name, d.unit) for d in old.indicator_defs]
    assert [(t.code, t.name, t.responsibility) for t in inst.targets] == [
        (t.code, t.name, t.responsibility) for t in old.targets]
    assert [(d.code, d.name, d.aliases) for d in inst.departments] == [
        (d.code, d.name, d.aliases) for d in old.departments]
    assert (len(inst.laws), len(inst.policies), sorted(inst.info_tables)) == (174, 56, [f"t{i}" for i in range(1, 10)])
    assert inst.info_tables["t2"].rows == old.info_tables["t2"].rows
    assert (p.mission, p.vision, p.values, p.duties, p.foreword) == (
        old.profile.mission, old.profile.vision, old.profile.values, old.profile.duties, old.profile.foreword)
    assert inst.units_of_measure == old.units_of_measure


def test_new_year_clears_one_year_data(opened):
    _, result = opened
    inst, _ = read_institution(result.kurum)
    p = inst.profile
    assert (p.date_text, p.total_budget, p.activity_count_typed) == ("", None, None)
    assert inst.control_totals == [] and inst.narratives == []
    assert all(d.ceiling is None for d in inst.departments)
    assert all(d.actual_t2 is None for d in inst.indicator_defs)


def test_last_year_targets_go_into_t_minus_1(opened, sample_2024):
    _, result = opened
    inst, _ = read_institution(result.kurum)
    submitted = {i.code: i.value for i in sample_2024.indicators}
    assert len(submitted) == 218
    assert {d.code: d.estimate_t1 for d in inst.indicator_defs} == submitted
    assert result.estimates == 218
    sheet = openpyxl.load_workbook(result.kurum, read_only=True)[ws.INST_INDICATORS.name]
    header = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    i = header.index("2023 Gerçekleşme")  # the optional target-card columns follow the past years
    assert header[i:i + 2] == ["2023 Gerçekleşme", "2024 Tahmin"]
    first = [c.value for c in next(sheet.iter_rows(min_row=4, max_row=4))]
    assert first[:1] == ["PG1.1.1"] and first[i:i + 2] == [None, 2]


def test_review_items_are_marked(opened):
    _, result = opened
    inst, _ = read_institution(result.kurum)
    assert [(r.topic, r.done) for r in inst.reviews] == [
        ("Önsöz", False), ("Program metinleri", False), ("Genel bilgi tabloları", False),
        ("Göstergelerin önceki yılları", False)]
    sample, _ = read_institution(SAMPLE / "kurum.xlsx")
    assert inst.texts and [t.text for t in inst.texts] == [t.text for t in sample.texts]


def test_every_department_gets_a_template(opened, sample_2024):
    root, result = opened
    files = sorted((root / "2025" / "birimler").glob("*.xlsx"))
    assert len(files) == len(result.templates) == 34
    assert all(f.name.startswith("2025_") for f in files)
    sub, findings = read_department(root / "2025" / "birimler" / "2025_D7-FDB.xlsx")
    assert findings == [] and sub.year == 2025 and sub.is_blank
    last = [a for a in sample_2024.activities if a.unit_code == "D7-FDB"]
    assert [(a.target_code, a.code, a.name) for a in sub.activities] == [
        (a.target_code, a.code, a.name) for a in last]
    assert all(a.amounts == {} and a.off_budget == 0 for a in sub.activities)
    assert [a.previous_total for a in sub.activities] == [a.total for a in last]
    assert result.activities == len(sample_2024.activities)
    fdb = root / "2025" / "birimler" / "2025_D7-FDB.xlsx"
    talimat = [c.value for c in openpyxl.load_workbook(fdb)["Talimatlar"]["A"] if c.value]
    assert any(t.startswith("Geçen yılın faaliyetleri: Faaliyetler sayfasında biriminizin 2024") for t in talimat)
    assert any(t.startswith("Önceki yıllar: Göstergeler sayfasındaki gri \"2023 Gerçekleşme\"") for t in talimat)


def test_template_shows_past_years_read_only_beside_the_input(opened):
    root, _ = opened
    wb = openpyxl.load_workbook(root / "2025" / "birimler" / "2025_D28-AİD.xlsx")  # S of H1.1
    sheet = wb["Göstergeler"]
    header = [c.value for c in sheet[3]]
    assert header[3:] == ["Ölçü Birimi", "2025 Hedef Değeri", "2023 Gerçekleşme", "2024 Tahmin"]
    row = [c for c in sheet[4]]
    assert row[1].value == "PG1.1.1" and row[6].value == 2 and row[4].value is None
    assert row[4].protection.locked is False  # the input cell
    assert row[5].protection.locked and row[6].protection.locked  # the reference cells
    act = openpyxl.load_workbook(root / "2025" / "birimler" / "2025_D29-İDS.xlsx")["Faaliyetler"]  # H1.1 F1
    col = ws.DEPT_ACTIVITIES.index("onceki")
    assert act.cell(3, col + 1).value == "2024 Toplam Kaynak İhtiyacı (TL, bilgi)"
    assert act.cell(5, col + 1).value == 800_000 and act.cell(5, col + 1).protection.locked
    assert act.cell(5, ws.DEPT_ACTIVITIES.index("e03") + 1).value is None


def test_untouched_new_year_reports_every_department_as_not_submitted(opened, tmp_path):
    root, _ = opened
    result = build(BuildConfig(root / "2025", out=tmp_path, pdf=False, docx=False, consolidated=False))
    not_submitted = sorted(f.department for f in result.findings if f.code == "BRL-06")
    assert len(not_submitted) == 34 and len(set(not_submitted)) == 34
    assert [f for f in result.findings if f.code.startswith(ARITHMETIC)] == []
    assert not [f for f in result.findings if f.code == "BRL-01"]
    assert result.program.submissions == [] and result.program.activities == []
    # what is true of the new year: the plan period ended, carried text, unreviewed parts
    codes = {f.code for f in result.findings}
    assert {"YIL-01", "YIL-05", "YIL-06"} <= codes


def _fill(path: Path, personnel: int, amount: int, value: float) -> None:
    """A department fills its template: costs, every indicator, an amount per activity."""
    wb = openpyxl.load_workbook(path)
    wb["Birim"][f"B{ws.DEPT_INFO.row('personel')}"] = personnel
    wb["Birim"][f"B{ws.DEPT_INFO.row('genel_yonetim')}"] = 0
    ind = wb["Göstergeler"]
    value_col = ws.DEPT_INDICATORS.index("deger") + 1
    for r in range(ws.DEPT_INDICATORS.first_data_row, ind.max_row + 1):
        if ind.cell(r, 2).value:
            ind.cell(r, value_col, value)
    act = wb["Faaliyetler"]
    e03 = ws.DEPT_ACTIVITIES.index("e03") + 1
    for r in range(ws.DEPT_ACTIVITIES.first_data_row, act.max_row + 1):
        if act.cell(r, 2).value:
            act.cell(r, e03, amount)
    wb.save(path)


@pytest.fixture(scope="module")
def filled(opened, tmp_path_factory):
    root, _ = opened
    year = tmp_path_factory.mktemp("filled") / "2025"
    shutil.copytree(root / "2025", year)
    for code in FILLED:
        _fill(year / "birimler" / f"2025_{code}.xlsx", 1_000_000, 250_000, 7)
    out = tmp_path_factory.mktemp("out")
    return build(BuildConfig(year, out=out, pdf=False, consolidated=False))


def test_two_filled_departments_give_a_draft_with_three_year_columns(filled):
    result = filled
    assert sorted(s.department for s in result.program.submissions) == sorted(FILLED)
    assert sorted(f.department for f in result.findings if f.code == "BRL-06") == sorted(
        d.code for d in result.program.institution.departments if d.code not in FILLED)
    assert [f for f in result.findings if f.code.startswith(("TOP", "BRM-0", "TEK", "KOD"))
            and f.code not in ("BRM-02",)] == []
    xml = zipfile.ZipFile(result.outputs["docx"]).read("word/document.xml").decode()
    assert "TASLAK" in xml
    assert "2023 Gerçekleşme" in xml and "2024 Tahmin" in xml and "2025 Hedef" in xml
    # PG1.3.1 (Fen İşleri): 2024 target in t-1, the value entered now in t
    ctx = build_context(result.program, draft=True)
    target = next(h for a in ctx["alanlar"] for am in a["amaclar"] for h in am["hedefler"] if h["kod"] == "H1.3")
    pg = target["gostergeler"][0]
    assert (pg["gerceklesme"], pg["deger"]) == ("", "7") and pg["tahmin"] != ""


def test_the_2024_sample_shows_only_its_year(sample_2024):
    ctx = build_context(sample_2024)
    assert ctx["gosterge_onceki_yillar"] is False
    assert (ctx["gosterge_yil_t2"], ctx["gosterge_yil_t1"]) == (2022, 2023)


def test_new_year_refuses_to_overwrite(opened):
    root, result = opened
    before = {p: p.read_bytes() for p in [result.kurum, *result.templates]}
    with pytest.raises(OverwriteRefused) as exc:
        open_new_year(2025, root)
    assert len(exc.value.paths) == 35
    assert {p: p.read_bytes() for p in before} == before
    assert not (root / "2025" / "yedek").exists()


def test_new_year_cli_refuses_and_force_keeps_a_dated_backup(tmp_path, capsys):
    root = tmp_path / "workbooks"
    inst = clean_institution()
    write_year(root / "2024", inst, clean_submissions(inst))
    assert main(["new-year", "2025", "--from", str(root / "2024")]) == 0
    out = capsys.readouterr().out
    assert "2025 program yılı açıldı" in out and "Yapılacaklar" in out and "3 dosya" in out
    kurum = root / "2025" / "kurum.xlsx"
    edited = kurum.read_bytes() + b""
    assert main(["new-year", "2025", "--from", str(root / "2024")]) == 2
    out = capsys.readouterr().out
    assert "zaten var; üzerine yazılmadı" in out and "--force" in out
    assert kurum.read_bytes() == edited
    assert main(["new-year", "2025", "--from", str(root / "2024"), "--force"]) == 0
    backups = sorted((root / "2025" / "yedek").glob("kurum.*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert len(list((root / "2025" / "birimler" / "yedek").glob("*.xlsx"))) == 3
    # the backups are not read as submissions
    _, subs, _ = read_all(BuildConfig(root / "2025"), NullReporter())
    assert len(subs) == 3


def test_templates_only_rewrites_templates_from_the_edited_kurum(tmp_path):
    root = tmp_path / "workbooks"
    inst = clean_institution()
    write_year(root / "2024", inst, clean_submissions(inst))
    open_new_year(2025, root)
    kurum = root / "2025" / "kurum.xlsx"
    wb = openpyxl.load_workbook(kurum)
    wb["Birimler"]["D4"] = 700_000  # the coordinator sets the new ceiling of D1-FDB
    wb.save(kurum)
    kept = kurum.read_bytes()
    with pytest.raises(OverwriteRefused):
        open_new_year(2025, root, templates_only=True)
    result = open_new_year(2025, root, templates_only=True, force=True)
    assert kurum.read_bytes() == kept and len(result.templates) == 3
    sub, _ = read_department(dept_path(root / "2025", "D1-FDB", 2025))
    wb = openpyxl.load_workbook(dept_path(root / "2025", "D1-FDB", 2025))
    assert wb["Birim"][f"B{ws.DEPT_INFO.row('tavan')}"].value == 700_000
    assert [a.key for a in sub.activities] == [("H1.1", "F1"), ("H1.2", "F1")]


def test_new_year_needs_a_later_year_and_a_source(tmp_path):
    root = tmp_path / "workbooks"
    with pytest.raises(NewYearError, match="bulunamadı"):
        open_new_year(2025, root)
    inst = clean_institution()
    write_year(root / "2024", inst, clean_submissions(inst))
    with pytest.raises(NewYearError, match="sonra olmalıdır"):
        open_new_year(2024, root, source=root / "2024")
    assert main(["new-year", "2023", "--from", str(root / "2024")]) == 2


def test_templates_command_refuses_to_overwrite(tmp_path, capsys):
    inst = clean_institution()
    write_year(tmp_path / "2024", inst, clean_submissions(inst))
    kurum = str(tmp_path / "2024" / "kurum.xlsx")
    birimler = tmp_path / "2024" / "birimler"
    filled = {p: p.read_bytes() for p in birimler.glob("*.xlsx")}
    assert main(["templates", "--kurum", kurum, "--out", str(birimler)]) == 2
    assert "üzerine yazılmadı" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in filled} == filled
    assert main(["templates", "--kurum", kurum, "--out", str(birimler), "--force"]) == 0
    assert len(list((birimler / "yedek").glob("*.xlsx"))) == 3
    assert main(["templates", "--blank-kurum", "--year", "2025", "--out", str(tmp_path / "2024")]) == 2
    assert main(["templates", "--year", "2025"]) == 2
    assert "new-year 2025" in capsys.readouterr().out


# --- is_blank and the carried-over rows ---------------------------------------

def test_is_blank():
    sub = Submission(file="a.xlsx", department="D1-FDB")
    assert sub.is_blank
    sub.unit_costs = UnitCosts("D1-FDB", entered=False)
    assert sub.is_blank
    sub.activities = [Activity("H1.1", "F1", "Yol yapımı", "D1-FDB", previous_total=100)]
    assert sub.is_blank  # carried over, nothing typed into it
    sub.activities[0].amounts = {"03": 0}
    assert not sub.is_blank  # an amount typed, even zero
    sub.activities = [Activity("H1.1", "F2", "Yeni faaliyet", "D1-FDB")]
    assert not sub.is_blank  # a new activity with a name
    sub.activities = []
    sub.unit_costs = UnitCosts("D1-FDB", personnel=5)
    assert not sub.is_blank


def test_carried_activity_without_amount_stays_out_with_a_warning(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities.append(Activity("H1.2", "F2", "Geçen yılın faaliyeti", "D1-FDB", previous_total=40_000))
    program, findings = check_year(write_year(tmp_path, inst, subs))
    f = next(f for f in findings if f.code == "YIL-04")
    assert (f.file, f.sheet, f.department, f.target, f.activity) == (
        "2024_D1-FDB.xlsx", "Faaliyetler", "D1-FDB", "H1.2", "F2")
    assert ("H1.2", "F2") not in [a.key for a in program.activities]


# --- plan period, folder year, stale text -------------------------------------

def test_program_year_outside_the_plan_period():
    inst = clean_institution()
    inst.profile.plan_period = "2019-2023"
    program, _ = merge(inst, clean_submissions(inst))
    f = next(f for f in validate(program) if f.code == "YIL-01")
    assert f.message == "Program yılı 2024, stratejik plan döneminin (2019-2023) dışında."
    inst.profile.plan_period = "2022-2026"
    assert not [f for f in validate(merge(inst, clean_submissions(inst))[0]) if f.code.startswith("YIL")]
    inst.profile.plan_period = "yeni plan"
    assert [f.code for f in validate(merge(inst, clean_submissions(inst))[0]) if f.code.startswith("YIL")] == [
        "YIL-02"]


def test_kurum_year_must_match_its_folder(tmp_path):
    inst = clean_institution()
    write_year(tmp_path / "2025", inst, clean_submissions(inst))  # a 2024 kurum.xlsx in 2025/
    result = build(BuildConfig(tmp_path / "2025", out=tmp_path / "out", pdf=False, docx=False,
                               consolidated=False))
    f = next(f for f in result.findings if f.code == "YIL-03")
    assert (f.file, f.sheet, f.cell, f.is_error) == ("kurum.xlsx", "Kurum", "B5", True)
    assert folder_year(inst, "2024") == [] and folder_year(inst, "taslak") == []


def test_foreword_naming_another_program_year(tmp_path):
    inst = clean_institution()
    inst.profile.foreword = ["Değerli hemşehrilerimiz,", "2023 yılı Performans Programımızı sunuyoruz.",
                             "2019'da başladığımız yolculukta 2023 yılında çok iş yaptık.",
                             "2024 yılına ait hedeflerimiz şunlardır."]
    write_year(tmp_path, inst, clean_submissions(inst))
    _, findings = check_year(tmp_path)
    got = [(f.sheet, f.cell, f.details["mentioned"]) for f in findings if f.code == "YIL-05"]
    assert got == [("Önsöz", "A5", 2023)]


def test_department_workbook_of_another_year_is_an_error(tmp_path):
    inst = clean_institution()
    write_year(tmp_path, inst, clean_submissions(inst))
    edit_cells(dept_path(tmp_path, "D1-FDB"), {("Birim", f"B{ws.DEPT_INFO.row('yil')}"): 2023})
    _, findings = check_year(tmp_path)
    f = next(f for f in findings if f.code == "BRL-03")
    assert f.is_error and f.department == "D1-FDB"

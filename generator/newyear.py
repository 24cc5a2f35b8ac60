"""Open a new program year from the last one (``python build.py new-year 2025``).

The strategic plan runs for several years; each year's program starts from
the previous one. :func:`open_new_year` reads last year's folder (kurum.xlsx
and the departments' workbooks) and writes the new year's folder:

* ``kurum.xlsx`` carrying the plan (areas, aims, targets, indicators with
  their units, units of measure, departments and codes, responsibility
  matrix, laws, policies, mission, vision, values, duties, team, general
  information tables, foreword);
* with what belongs to one year only cleared: control totals, stated
  ratios, accepted findings, budget ceilings, the institution total and activity count, the
  preparation date; the indicators' t-2 values (realized) left to fill in;
* last year's indicator targets carried into the t-1 column (estimate);
* a "Gözden Geçirilecekler" sheet listing what was carried and must be
  reviewed (foreword, general-information tables, past-year values), which
  the build reports until each line is marked;
* every department's template in ``birimler/``, pre-filled from the plan,
  showing the past-year indicator values read-only and the unit's activities
  of last year (names and codes, amounts empty, last year's total beside).

Nothing existing is overwritten unless ``force`` is given (a dated backup is
kept, see :mod:`.overwrite`).
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from . import workbook_schema as ws
from .findings import Finding
from .model import Activity, Institution, Program, ReviewItem
from .overwrite import guard
from .pipeline import DEPARTMENTS_DIR, KURUM_FILE, BuildConfig, default_workbooks, read_all


class NewYearError(Exception):
    """The new year cannot be opened (message in Turkish)."""


@dataclass
class NewYearResult:
    year: int
    source: Path
    folder: Path
    kurum: Path
    templates: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    targets: int = 0
    indicators: int = 0
    estimates: int = 0  # indicators whose last-year target went into t-1
    activities: int = 0  # last year's activities carried into the templates
    cleared: list[str] = field(default_factory=list)  # what was cleared, Turkish
    todo: list[str] = field(default_factory=list)  # what the coordinator must still do, Turkish
    plan_covers_year: bool = True
    source_findings: list[Finding] = field(default_factory=list)


def source_folder(root: Path, year: int) -> Optional[Path]:
    """The newest year folder under ``root`` before ``year``."""
    older = [p for p in root.glob("*") if p.is_dir() and p.name.isdigit() and len(p.name) == 4
             and int(p.name) < year]
    return default_workbooks(root) if not older else max(older, key=lambda p: p.name)


def read_previous_year(folder: Path) -> tuple[Program, list[Finding]]:
    """Last year's program as merged by the build (one record per activity and indicator)."""
    from .merge import merge
    from .progress import NullReporter

    inst, submissions, findings = read_all(BuildConfig(folder), NullReporter())
    if inst is None:
        reasons = "; ".join(f.message for f in findings if f.is_error)
        raise NewYearError(f"{folder / KURUM_FILE} okunamadı: {reasons}")
    program, f = merge(inst, submissions)
    return program, findings + f


def review_items(year: int, source_year: int) -> list[ReviewItem]:
    """What the coordinator must review before the new program is printed."""
    tables = ", ".join(spec.sheet for spec in ws.INFO_TABLES)
    return [
        ReviewItem("Önsöz", ws.INST_FOREWORD.name,
                   f"Başkanın önsözü {source_year} programından aktarıldı; {year} yılı için yeniden yazın."),
        ReviewItem("Program metinleri", ws.INST_TEXTS.name,
                   f"Anlatım metinleri {source_year} programından aktarıldı; yıla, plana ve rakamlara ilişkin "
                   "ifadeleri güncelleyin."),
        ReviewItem("Genel bilgi tabloları", tables,
                   f"Tablo 1–9 ve kaynak notları {source_year} programının verileridir; {year} programı için "
                   "güncel verilerle yenileyin."),
        ReviewItem("Göstergelerin önceki yılları", ws.INST_INDICATORS.name,
                   f"{year - 2} Gerçekleşme sütununu doldurun; {year - 1} Tahmin sütununa {year - 1} hedefleri "
                   "aktarıldı, yıl sonu tahminiyle güncelleyin."),
    ]


def new_institution(previous: Program, year: int) -> tuple[Institution, int]:
    """The new year's kurum data from last year's; returns it and the number of
    indicators whose last-year target was carried into t-1."""
    old = previous.institution
    inst = copy.deepcopy(old)
    p = inst.profile
    source_year = old.profile.year
    p.year = year
    p.date_text = ""  # preparation date
    p.total_budget = None  # institution total of the year
    p.activity_count_typed = None
    for dept in inst.departments:
        dept.ceiling = None  # ceilings are set every year
    inst.control_totals = []  # printed totals of last year's tables
    inst.narratives = []  # percentages stated in last year's text
    inst.acceptances = []  # last year's accepted findings are decided again for the new year
    values: dict[str, float] = {}
    for ind in previous.indicators:
        if ind.value is not None:
            values.setdefault(ind.code, ind.value)
    carried = 0
    for d in inst.indicator_defs:
        d.actual_t2 = None  # the realized value of t-2 is entered by the coordinator
        d.estimate_t1 = values.get(d.code)
        carried += d.estimate_t1 is not None
    inst.reviews = review_items(year, source_year)
    inst.matrix_unknown = []
    inst.file = KURUM_FILE
    return inst, carried


def carried_activities(previous: Program, inst: Institution) -> dict[str, list[Activity]]:
    """Last year's activities per unit whose target is still in the plan."""
    out: dict[str, list[Activity]] = {}
    for a in previous.activities:
        if inst.target(a.target_code) is not None and inst.department(a.unit_code) is not None:
            out.setdefault(a.unit_code, []).append(a)
    return out


def open_new_year(year: int, root: Path, source: Optional[Path] = None, force: bool = False,
                  when: Optional[dt.datetime] = None, templates_only: bool = False) -> NewYearResult:
    """Write ``root/<year>/kurum.xlsx`` and ``root/<year>/birimler/*`` from the
    previous year (``source``, default: the newest year folder before ``year``).

    ``templates_only``: keep the new year's kurum.xlsx as the coordinator has
    edited it (new ceilings, a new plan) and write only the templates from it,
    still with last year's activities as a starting point."""
    from .reader import read_institution
    from .templates import department_filename, write_department, write_institution

    if not 1900 < year < 3000:
        raise NewYearError(f"Geçersiz program yılı: {year}.")
    source = source or source_folder(root, year)
    if source is None or not (source / KURUM_FILE).exists():
        raise NewYearError(f"Geçen yılın {KURUM_FILE} dosyası bulunamadı ({source or root}). "
                           "Kaynak yılı --from ile verin, örneğin --from workbooks/2024.")
    previous, findings = read_previous_year(source)
    source_year = previous.institution.profile.year
    if not source_year:
        raise NewYearError(f"{source / KURUM_FILE}: program yılı okunamadı (Kurum sayfası, Program Yılı).")
    if year <= source_year:
        raise NewYearError(f"Yeni program yılı ({year}) kaynak yıldan ({source_year}) sonra olmalıdır.")
    folder = root / str(year)
    if folder.resolve() == source.resolve():
        raise NewYearError(f"Kaynak ve hedef klasör aynı: {folder}.")

    kurum = folder / KURUM_FILE
    if templates_only:
        inst, kurum_findings = read_institution(kurum)
        if inst is None:
            raise NewYearError(f"{kurum} okunamadı: " + "; ".join(f.message for f in kurum_findings))
        if inst.profile.year != year:
            raise NewYearError(f"{kurum} içindeki program yılı {inst.profile.year}; beklenen {year}.")
        estimates = sum(d.estimate_t1 is not None for d in inst.indicator_defs)
    else:
        inst, estimates = new_institution(previous, year)
    by_unit = carried_activities(previous, inst)
    dept_paths = {d.code: folder / DEPARTMENTS_DIR / department_filename(d, year) for d in inst.departments}
    outputs = list(dept_paths.values()) if templates_only else [kurum, *dept_paths.values()]
    backups = guard(outputs, force, when)  # refuses before anything is written

    result = NewYearResult(year, source, folder, kurum, backups=backups, source_findings=findings,
                           targets=len(inst.targets), indicators=len(inst.indicator_defs), estimates=estimates)
    if not templates_only:
        write_institution(inst, kurum)
    for dept in inst.departments:
        acts = by_unit.get(dept.code, [])
        result.activities += len(acts)
        result.templates.append(write_department(inst, dept.code, dept_paths[dept.code], previous=acts))

    start, end = inst.profile.plan_years()
    result.plan_covers_year = start is None or end is None or start <= year <= end
    result.cleared = [
        "Kontrol Toplamları (geçen yılın tablo toplamları)",
        "Anlatım Oranları (geçen yılın metnindeki yüzdeler)",
        "Kabul Edilen Bulgular (her yıl yeniden karar verilir)",
        "Birimler sayfasındaki bütçe tavanları",
        "İdare toplam bütçesi, toplam faaliyet sayısı ve hazırlanma tarihi",
        f"Göstergelerin {year - 2} gerçekleşme değerleri",
    ]
    result.todo = todo_list(result, inst, source_year)
    return result


def shown(path: Path) -> Path:
    """``path`` as the user would type it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def todo_list(result: NewYearResult, inst: Institution, source_year: int) -> list[str]:
    """What the coordinator must still do, in order (Turkish)."""
    year = result.year
    rel = shown(result.folder)
    todo = []
    if not result.plan_covers_year:
        todo.append(
            f"Stratejik plan dönemi ({inst.profile.plan_period}) {year} yılını kapsamıyor: yeni stratejik planın "
            f"dönemini, alanlarını, amaçlarını, hedeflerini, göstergelerini ve sorumluluk matrisini "
            f"{rel / KURUM_FILE} dosyasına girin; ardından şablonları yeniden yazın: "
            f"python build.py new-year {year} --templates-only --force")
    todo += [
        f"{rel / KURUM_FILE}, Kurum sayfası: Hazırlanma Tarihi ve İdare Toplam Bütçesi ({year} bütçe tavanı "
        "toplamı) alanlarını doldurun.",
        f"Birimler sayfası: her birimin {year} bütçe tavanını girin.",
        f"Göstergeler sayfası: {year - 2} Gerçekleşme değerlerini girin; {year - 1} Tahmin sütununa "
        f"{source_year} hedefleri aktarıldı ({result.estimates} gösterge), gerekirse yıl sonu tahminiyle "
        "güncelleyin.",
        "Önsözü, Metinler sayfasındaki anlatımı ve Tablo 1–9'u (kaynak notlarıyla) güncelleyin; her birini "
        "Gözden Geçirilecekler sayfasında "
        "\"Gözden geçirildi\" olarak işaretleyin.",
        "Tavanları ya da planı kurum.xlsx'te değiştirdikten sonra şablonları yeniden yazın (geçen yılın "
        f"faaliyetleri yine aktarılır, eskileri yedeklenir): python build.py new-year {year} --templates-only "
        "--force",
        f"{rel / DEPARTMENTS_DIR} klasöründeki {len(result.templates)} şablonu birimlere gönderin. Birimler "
        "geçen yılın faaliyetlerini başlangıç olarak görür: tutarları girer, yapılmayacak faaliyetin kodunu ve "
        "adını siler; dosyayı python build.py check DOSYA.xlsx ile denetleyip geri gönderir.",
        f"Gelen dosyaları aynı adla {rel / DEPARTMENTS_DIR} klasörüne koyun ve programı oluşturun: "
        f"python build.py --workbooks {rel}. Veri girilmemiş şablonlar \"gönderilmedi\" (BRL-06) sayılır.",
    ]
    return todo

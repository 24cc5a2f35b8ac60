"""The consolidated workbook (out/<year>_birlesik.xlsx).

The merged program as flat Excel tables, ready for filters and pivot
tables, plus summary sheets with native charts and the findings:

  Özet                 key figures of the program
  Hedefler             one row per performance target
  Göstergeler          one row per indicator value (and plan indicators without a value)
  Faaliyetler          one row per activity: computed amounts and, beside them,
                       the totals the user typed ("Yazılı ...") so differences show
  Birim Toplamları     one row per spending unit: target cost, personnel,
                       general administration, total, ceiling
  Alan Özeti           per strategic area, with a column chart
  Birim Özeti          per unit and economic code, with a bar chart of the largest units
  Ekonomik Kod Özeti   per economic code, with a pie chart
  Bulgular             the findings of reading, merging and validation

Every text cell is written with ``write_string`` (the workbook is created
with ``strings_to_formulas`` off), so a name such as "=HYPERLINK(...)" or
"-5 adet" stays text. The workbook metadata is fixed, so the same program
gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_range

from . import totals
from .atomic import atomic_path
from .findings import ERROR, Finding
from .model import COOPERATING, ECONOMIC_CODES, OFF_BUDGET_KINDS, RESPONSIBLE, Activity, Program, Target, UnitCosts
from .turkish import sort_key, title
from .xlsx_style import GREY_TEXT, LINK, RED, Formats

TEXT, MONEY, COUNT, NUMBER, PERCENT, YEAR = "text", "money", "count", "number", "percent", "year"

TITLE_ROW0 = 0  # sheet title
NOTE_ROW0 = 1  # one line of explanation
TABLE_ROW0 = 3  # table header row (0-based): tables start at A4

CHART_TOP_UNITS = 15  # bars in the chart of the unit summary
NOT_IN_PLAN = "(planda tanımlı değil)"
ECON_HEADERS = {code: f"{code} {name}" for code, name in ECONOMIC_CODES.items()}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14
    total: bool = False  # summed in the table's total row


# ---------------------------------------------------------------------------
# data: the program as plain rows
# ---------------------------------------------------------------------------

class _Index:
    """Look-ups over the program, computed once."""

    def __init__(self, program: Program):
        self.sort_key = functools.lru_cache(maxsize=None)(sort_key)  # codes repeat a lot
        inst = program.institution
        self.program = program
        self.inst = inst
        self.areas = {a.no: a for a in inst.areas}
        self.aims = {a.code: a for a in inst.aims}
        self.targets = {t.code: t for t in inst.targets}
        self.target_order = {t.code: i for i, t in enumerate(inst.targets)}
        self.departments = {d.code: d for d in inst.departments}
        self.dept_order = {d.code: i for i, d in enumerate(inst.departments)}
        self.activities = sorted(totals.activities(program), key=self.activity_key)
        self.by_target: dict[str, list[Activity]] = defaultdict(list)
        self.by_unit: dict[str, list[Activity]] = defaultdict(list)
        for a in self.activities:
            self.by_target[a.target_code].append(a)
            self.by_unit[a.unit_code].append(a)
        self.unit_costs: dict[str, UnitCosts] = totals.unit_costs(program)
        # indicator codes per target: the plan's and the submitted ones
        self.indicator_codes: dict[str, set[str]] = defaultdict(set)
        for d in inst.indicator_defs:
            self.indicator_codes[d.target_code].add(d.code)
        for i in totals.indicators(program):
            self.indicator_codes[i.target_code].add(i.code)
        self.submitted_units = {s.department for s in program.submissions if s.department}
        self.submitted_names: dict[str, str] = {}
        for s in program.submissions:
            self.submitted_names.setdefault(s.department, s.department_name)

    def target_key(self, code: str) -> tuple:
        return (self.target_order.get(code, len(self.target_order)), self.sort_key(code))

    def activity_key(self, a: Activity) -> tuple:
        return (*self.target_key(a.target_code), self.sort_key(a.code), self.unit_key(a.unit_code), a.row)

    def unit_key(self, code: str) -> tuple:
        return (self.dept_order.get(code, len(self.dept_order)), self.sort_key(code))

    def unit_name(self, code: str) -> str:
        d = self.departments.get(code)
        if d is not None:
            return d.name
        return self.submitted_names.get(code, "")

    def area_of(self, target_code: str) -> tuple[Optional[int], str, str, str]:
        """(area no, area name, aim code, aim name) of a target."""
        t = self.targets.get(target_code)
        aim = self.aims.get(t.aim_code) if t else None
        area = self.areas.get(aim.area_no) if aim else None
        return (aim.area_no if aim else None, area.name if area else "",
                t.aim_code if t else "", aim.name if aim else "")

    def target_codes(self) -> list[str]:
        """The plan's targets, then target codes only activities or indicators use."""
        extra = (set(self.by_target) | {i.target_code for i in self.program.indicators}) - set(self.targets)
        return [t.code for t in self.inst.targets] + sorted((c for c in extra if c), key=sort_key)

    def unit_codes(self) -> list[str]:
        """The institution's units, then unit codes seen only in the data."""
        extra = (set(self.by_unit) | set(self.unit_costs) | self.submitted_units) - set(self.departments)
        return [d.code for d in self.inst.departments] + sorted((c for c in extra if c), key=sort_key)

    def units_of(self, t: Optional[Target], role: str) -> list[str]:
        if t is None:
            return []
        return sorted((d for d, r in t.responsibility.items() if r == role), key=self.unit_key)


def _targets_rows(ix: _Index) -> list[list]:
    rows = []
    for code in ix.target_codes():
        t = ix.targets.get(code)
        area_no, area_name, aim_code, aim_name = ix.area_of(code)
        acts = ix.by_target.get(code, [])
        responsible = ix.units_of(t, RESPONSIBLE)
        cooperating = ix.units_of(t, COOPERATING)
        rows.append([
            area_no, area_name, aim_code, aim_name, code, t.name if t else NOT_IN_PLAN,
            "; ".join(responsible), "; ".join(ix.unit_name(c) or c for c in responsible),
            "; ".join(cooperating),
            len(ix.indicator_codes.get(code, ())), len(acts),
            totals.budget(acts), totals.off_budget(acts), totals.total(acts),
        ])
    return rows


TARGET_COLUMNS = (
    Column("Alan No", COUNT, 8), Column("Stratejik Alan", TEXT, 30),
    Column("Amaç Kodu", TEXT, 10), Column("Amaç", TEXT, 40),
    Column("Hedef Kodu", TEXT, 10), Column("Performans Hedefi", TEXT, 60),
    Column("Sorumlu Birim Kodları", TEXT, 18), Column("Sorumlu Birimler", TEXT, 40),
    Column("İş Birliği Yapılacak Birim Kodları", TEXT, 24),
    Column("Gösterge Sayısı", COUNT, 11, True), Column("Faaliyet Sayısı", COUNT, 11, True),
    Column("Bütçe (TL)", MONEY, 17, True), Column("Bütçe Dışı (TL)", MONEY, 16, True),
    Column("Toplam (TL)", MONEY, 17, True),
)


def _indicator_rows(ix: _Index) -> list[list]:
    seen: set[tuple[str, str]] = set()
    items = []
    for i in ix.program.indicators:
        seen.add((i.target_code, i.code))
        items.append((ix.target_key(i.target_code), sort_key(i.code), ix.unit_key(i.department), i.row,
                      [i.target_code, i.code, i.name, i.unit, i.value, i.department, ix.unit_name(i.department)]))
    for d in ix.inst.indicator_defs:  # plan indicators nobody gave a value for
        if (d.target_code, d.code) not in seen:
            items.append((ix.target_key(d.target_code), sort_key(d.code), (), 0,
                          [d.target_code, d.code, d.name, d.unit, None, "", ""]))
    items.sort(key=lambda x: x[:4])
    return [x[4] for x in items]


def _indicator_columns(year: int) -> tuple[Column, ...]:
    return (
        Column("Hedef Kodu", TEXT, 10), Column("Gösterge Kodu", TEXT, 13),
        Column("Performans Göstergesi", TEXT, 70), Column("Ölçü Birimi", TEXT, 11),
        Column(f"{year} Hedef Değeri" if year else "Hedef Değeri", NUMBER, 14),
        Column("Birim Kodu", TEXT, 11), Column("Birim Adı", TEXT, 40),
    )


def _activity_rows(ix: _Index) -> list[list]:
    rows = []
    for a in ix.activities:
        area_no, area_name, aim_code, _ = ix.area_of(a.target_code)
        t = ix.targets.get(a.target_code)
        loc = a.src.get("kod") or a.src.get("ad")
        rows.append([
            area_no, area_name, aim_code, a.target_code, t.name if t else NOT_IN_PLAN,
            a.code, a.name, a.explanation, a.unit_code, ix.unit_name(a.unit_code),
            *(a.amounts.get(code, 0) for code in ECONOMIC_CODES),
            a.budget, *(a.off_amounts.get(kind, 0) for kind in OFF_BUDGET_KINDS), a.off_budget, a.total,
            a.budget_typed, a.off_budget_typed, a.total_typed, a.cost_total_typed,
            loc.file if loc else "", a.row or None,
        ])
    return rows


ACTIVITY_COLUMNS = (
    Column("Alan No", COUNT, 8), Column("Stratejik Alan", TEXT, 26), Column("Amaç Kodu", TEXT, 10),
    Column("Hedef Kodu", TEXT, 10), Column("Performans Hedefi", TEXT, 40),
    Column("Faaliyet Kodu", TEXT, 9), Column("Faaliyet Adı", TEXT, 60), Column("Açıklama", TEXT, 30),
    Column("Sorumlu Birim Kodu", TEXT, 12), Column("Sorumlu Birim", TEXT, 36),
    *(Column(ECON_HEADERS[code], MONEY, 15, True) for code in ECONOMIC_CODES),
    Column("Bütçe (TL)", MONEY, 16, True),
    *(Column(f"Bütçe Dışı: {name} (TL)", MONEY, 15, True) for name in OFF_BUDGET_KINDS.values()),
    Column("Bütçe Dışı (TL)", MONEY, 15, True),
    Column("Toplam (TL)", MONEY, 16, True),
    Column("Yazılı Bütçe (TL)", MONEY, 15), Column("Yazılı Bütçe Dışı (TL)", MONEY, 15),
    Column("Yazılı Toplam (TL)", MONEY, 15),
    Column("Yazılı Toplam Kaynak İhtiyacı (TL)", MONEY, 17),
    Column("Kaynak Dosya", TEXT, 22), Column("Satır", COUNT, 7),
)
# typed column -> computed column it should equal (0-based indexes in ACTIVITY_COLUMNS)
_A = {c.header: i for i, c in enumerate(ACTIVITY_COLUMNS)}
ACTIVITY_TYPED = {
    _A["Yazılı Bütçe (TL)"]: _A["Bütçe (TL)"],
    _A["Yazılı Bütçe Dışı (TL)"]: _A["Bütçe Dışı (TL)"],
    _A["Yazılı Toplam (TL)"]: _A["Toplam (TL)"],
    _A["Yazılı Toplam Kaynak İhtiyacı (TL)"]: _A["Toplam (TL)"],
}


def _unit_rows(ix: _Index) -> list[list]:
    rows = []
    for code in ix.unit_codes():
        acts = ix.by_unit.get(code, [])
        uc = ix.unit_costs.get(code)
        d = ix.departments.get(code)
        target_cost = totals.total(acts)
        personnel = uc.personnel if uc else 0
        general = uc.general_admin if uc else 0
        total = target_cost + personnel + general
        ceiling = d.ceiling if d else None
        rows.append([
            code, ix.unit_name(code), "Evet" if code in ix.submitted_units else "Hayır",
            len(acts), target_cost, personnel, general, total, ceiling,
            None if ceiling is None else ceiling - total,
            uc.activity_count_typed if uc else None, uc.target_cost_typed if uc else None,
            uc.total_typed if uc else None,
        ])
    return rows


UNIT_COLUMNS = (
    Column("Birim Kodu", TEXT, 11), Column("Birim Adı", TEXT, 44),
    Column("Çalışma Kitabı Geldi", TEXT, 11),
    Column("Faaliyet Sayısı", COUNT, 10, True),
    Column("Hedeflere Yönelik Faaliyet Maliyeti (TL)", MONEY, 18, True),
    Column("Personel Gideri (TL)", MONEY, 16, True), Column("Genel Yönetim Gideri (TL)", MONEY, 16, True),
    Column("Birim Toplam Kaynak İhtiyacı (TL)", MONEY, 18, True),
    Column("Bütçe Tavanı (TL)", MONEY, 17, True), Column("Tavana Göre Kalan (TL)", MONEY, 17, True),
    Column("Yazılı Faaliyet Sayısı", COUNT, 10), Column("Yazılı Hedef Maliyeti (TL)", MONEY, 17),
    Column("Yazılı Birim Toplamı (TL)", MONEY, 17),
)
_U = {c.header: i for i, c in enumerate(UNIT_COLUMNS)}
UNIT_TYPED = {
    _U["Yazılı Faaliyet Sayısı"]: _U["Faaliyet Sayısı"],
    _U["Yazılı Hedef Maliyeti (TL)"]: _U["Hedeflere Yönelik Faaliyet Maliyeti (TL)"],
    _U["Yazılı Birim Toplamı (TL)"]: _U["Birim Toplam Kaynak İhtiyacı (TL)"],
}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _area_rows(ix: _Index) -> list[list]:
    grand = totals.total(ix.activities)
    out = []
    area_nos = [a.no for a in ix.inst.areas]
    per_area: dict[Optional[int], list[str]] = defaultdict(list)
    for code in ix.target_codes():
        per_area[ix.area_of(code)[0]].append(code)
    keys: list[Optional[int]] = [*area_nos, *sorted(k for k in per_area if k is not None and k not in ix.areas)]
    if None in per_area:
        keys.append(None)
    for no in keys:
        codes = per_area.get(no, [])
        acts = [a for c in codes for a in ix.by_target.get(c, [])]
        area = ix.areas.get(no) if no is not None else None
        aims = {ix.targets[c].aim_code for c in codes if c in ix.targets}
        aims |= {a.code for a in ix.inst.aims if a.area_no == no}
        total = totals.total(acts)
        out.append([
            no, area.name if area else NOT_IN_PLAN, len(aims), len(codes),
            sum(len(ix.indicator_codes.get(c, ())) for c in codes), len(acts),
            totals.budget(acts), totals.off_budget(acts), total, _share(total, grand),
        ])
    return out


AREA_COLUMNS = (
    Column("Alan No", COUNT, 8), Column("Stratejik Alan", TEXT, 44),
    Column("Amaç Sayısı", COUNT, 9, True), Column("Hedef Sayısı", COUNT, 9, True),
    Column("Gösterge Sayısı", COUNT, 10, True), Column("Faaliyet Sayısı", COUNT, 10, True),
    Column("Bütçe (TL)", MONEY, 17, True), Column("Bütçe Dışı (TL)", MONEY, 16, True),
    Column("Toplam (TL)", MONEY, 17, True), Column("Pay", PERCENT, 9, True),
)


def _unit_summary_rows(ix: _Index) -> list[list]:
    grand = totals.total(ix.activities)
    rows: list[list[Any]] = []
    for code in ix.unit_codes():
        acts = ix.by_unit.get(code, [])
        total = totals.total(acts)
        rows.append([
            code, ix.unit_name(code), len(acts),
            *(totals.economic_total(acts, c) for c in ECONOMIC_CODES),
            totals.budget(acts), totals.off_budget(acts), total, _share(total, grand),
        ])
    # largest first; equal totals in Turkish alphabetical order of the name
    rows.sort(key=lambda r: (-r[-2], sort_key(r[1] or r[0]), sort_key(r[0])))
    return rows


UNIT_SUMMARY_COLUMNS = (
    Column("Birim Kodu", TEXT, 11), Column("Birim Adı", TEXT, 44), Column("Faaliyet Sayısı", COUNT, 10, True),
    *(Column(ECON_HEADERS[code], MONEY, 15, True) for code in ECONOMIC_CODES),
    Column("Bütçe (TL)", MONEY, 17, True), Column("Bütçe Dışı (TL)", MONEY, 16, True),
    Column("Toplam (TL)", MONEY, 17, True), Column("Pay", PERCENT, 9, True),
)


def _econ_rows(ix: _Index) -> list[list]:
    budget = totals.budget(ix.activities)
    rows = []
    for code, name in ECONOMIC_CODES.items():
        amount = totals.economic_total(ix.activities, code)
        count = sum(1 for a in ix.activities if a.amounts.get(code, 0) > 0)
        rows.append([code, name, count, amount, _share(amount, budget)])
    return rows


ECON_COLUMNS = (
    Column("Ekonomik Kod", TEXT, 9), Column("Ekonomik Kod Adı", TEXT, 50),
    Column("Faaliyet Sayısı", COUNT, 10), Column("Tutar (TL)", MONEY, 18, True), Column("Pay", PERCENT, 9, True),
)


def _finding_rows(findings: list[Finding]) -> list[list]:
    return [[title(f.severity), f.code, f.message, f.department, f.target, f.activity, f.file, f.sheet, f.cell]
            for f in findings]


FINDING_COLUMNS = (
    Column("Önem", TEXT, 8), Column("Kural", TEXT, 9), Column("Mesaj", TEXT, 80),
    Column("Birim", TEXT, 11), Column("Hedef", TEXT, 8), Column("Faaliyet", TEXT, 8),
    Column("Dosya", TEXT, 24), Column("Sayfa", TEXT, 14), Column("Hücre", TEXT, 7),
)


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------

class _Formats(Formats):
    def __init__(self, wb: xlsxwriter.Workbook):
        super().__init__(wb)
        fmt = self.fmt
        self.note = fmt(italic=True, font_color=GREY_TEXT)
        self.header = fmt(bold=True, text_wrap=True, valign="vcenter")
        self.text = fmt()
        self.money = fmt(num_format="#,##0")
        self.count = fmt(num_format="#,##0")
        self.number = fmt(num_format="#,##0.###")
        self.percent = fmt(num_format="%0.00")
        self.year = fmt(num_format="0", align="left")
        self.link = fmt(bold=True, font_color=LINK, underline=1)
        self.label = fmt(bold=True)
        self.differs = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.negative = wb.add_format({"font_color": RED, "bold": True})

    def of(self, kind: str):
        return {TEXT: self.text, MONEY: self.money, COUNT: self.count, NUMBER: self.number,
                PERCENT: self.percent, YEAR: self.year}[kind]


def _write_cell(sheet, row: int, col: int, value: Any, fmt) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "Evet" if value else "Hayır", fmt)
    else:
        sheet.write_number(row, col, value, fmt)


def _head(sheet, f: _Formats, heading: str, note: str) -> None:
    sheet.write_string(TITLE_ROW0, 0, heading, f.title)
    if note:
        sheet.write_string(NOTE_ROW0, 0, note, f.note)


@dataclass
class _Placed:
    """Where a table landed: for charts and conditional formats."""

    first_data_row: int  # 0-based
    last_data_row: int  # 0-based, inclusive; < first_data_row when empty
    ncols: int


def _table(sheet, f: _Formats, name: str, columns: tuple[Column, ...], rows: list[list],
           *, total_row: bool = True, row0: int = TABLE_ROW0, col0: int = 0) -> _Placed:
    """An Excel table with Turkish headers at (row0, col0); data written cell by cell."""
    n = len(rows)
    first = row0 + 1
    body_rows = max(n, 1)  # a table needs one data row, even an empty one
    last = first + body_rows - 1 + (1 if total_row else 0)
    options: dict[str, Any] = {
        "name": name, "style": "Table Style Medium 2", "total_row": total_row,
        "columns": [],
    }
    for i, col in enumerate(columns):
        spec: dict[str, Any] = {"header": col.header, "header_format": f.header, "format": f.of(col.kind)}
        if total_row:
            if i == 0:
                spec["total_string"] = "Toplam"
            elif col.total:
                # SUBTOTAL over a plain range (not [Column]): sums the filtered rows in Excel,
                # and LibreOffice reads it too (it fails on some structured references)
                data = xl_range(first, col0 + i, first + body_rows - 1, col0 + i)
                spec["total_function"] = f"SUBTOTAL(109,{data})"
                total = sum((r[i] or 0) for r in rows)
                spec["total_value"] = round(total, 10) if isinstance(total, float) else total
        options["columns"].append(spec)
        sheet.set_column(col0 + i, col0 + i, col.width)
    sheet.add_table(row0, col0, last, col0 + len(columns) - 1, options)
    sheet.set_row(row0, 42)
    formats = [f.of(c.kind) for c in columns]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            _write_cell(sheet, first + r, col0 + c, value, formats[c])
    return _Placed(first, first + n - 1, len(columns))


def _mark_differences(sheet, f: _Formats, placed: _Placed, typed: dict[int, int]) -> None:
    """Highlight typed totals that differ from the computed value of the same row."""
    if placed.last_data_row < placed.first_data_row:
        return
    r = placed.first_data_row + 1  # 1-based row of the first data row
    for tcol, ccol in typed.items():
        t, c = xl_col_to_name(tcol), xl_col_to_name(ccol)
        sheet.conditional_format(placed.first_data_row, tcol, placed.last_data_row, tcol, {
            "type": "formula", "criteria": f'=AND(${t}{r}<>"",${t}{r}<>${c}{r})', "format": f.differs,
        })


def _chart_series(sheet_name: str, placed: _Placed, cat_col: int, val_col: int, n: int, name: str) -> dict:
    first = placed.first_data_row
    last = first + n - 1
    return {
        "name": name,
        "categories": [sheet_name, first, cat_col, last, cat_col],
        "values": [sheet_name, first, val_col, last, val_col],
    }


@dataclass
class Book:
    """Everything the consolidated workbook shows, as plain rows and values.

    :func:`prepare` computes it from the program (fast); :func:`write_book`
    writes it with xlsxwriter (the slow part, a second or more per 100.000
    cells). Plain values pickle cheaply, so the build hands the writing to
    its background worker (:mod:`.background`) while the document is made."""

    year: int
    institution: str
    targets: list[list]
    indicators: list[list]
    activities: list[list]
    units: list[list]
    areas: list[list]
    unit_summary: list[list]
    economic: list[list]
    findings: list[list]
    summary: list[tuple[str, Any, str]]
    heading: str
    budget: int
    off_budget: int
    errors: int
    warnings: int


def prepare(program: Program, findings: list[Finding]) -> Book:
    """The rows and figures of the consolidated workbook of ``program`` and ``findings``."""
    ix = _Index(program)
    errors = sum(1 for x in findings if x.severity == ERROR)
    p = ix.inst.profile
    units = _unit_rows(ix)
    return Book(
        year=program.year, institution=p.name, targets=_targets_rows(ix), indicators=_indicator_rows(ix),
        activities=_activity_rows(ix), units=units, areas=_area_rows(ix),
        unit_summary=_unit_summary_rows(ix), economic=_econ_rows(ix), findings=_finding_rows(findings),
        summary=_summary_items(ix, findings, units), heading=f"{p.name} {p.year} Yılı Performans Programı — "
        "Birleşik Veriler".strip(), budget=totals.budget(ix.activities), off_budget=totals.off_budget(ix.activities),
        errors=errors, warnings=len(findings) - errors)


def write_consolidated(program: Program, findings: list[Finding], path: str | Path) -> Path:
    """Write the consolidated workbook of ``program`` and ``findings`` to ``path``."""
    return write_book(prepare(program, findings), path)


def write_book(book: Book, path: str | Path) -> Path:
    """Write ``book`` (see :func:`prepare`) to ``path``, atomically; the same book gives the same bytes."""
    path = Path(path)
    year = book.year
    inst_name = book.institution
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        wb.set_properties({
            "title": f"{inst_name} {year} Performans Programı — Birleşik Veriler".strip(),
            "author": "Strateji Geliştirme Dairesi Başkanlığı",
            "created": dt.datetime(max(year or 0, 1901) - 1, 1, 1),  # fixed: same input, same bytes
        })
        wb.set_custom_property("Program Yılı", str(year))
        f = _Formats(wb)

        summary = wb.add_worksheet("Özet")
        sheets = {name: wb.add_worksheet(name) for name in (
            "Hedefler", "Göstergeler", "Faaliyetler", "Birim Toplamları",
            "Alan Özeti", "Birim Özeti", "Ekonomik Kod Özeti", "Bulgular")}

        # flat tables
        s = sheets["Hedefler"]
        _head(s, f, "Performans Hedefleri",
              "Her satır bir performans hedefidir; tutarlar faaliyetlerden hesaplanmıştır.")
        _table(s, f, "tHedefler", TARGET_COLUMNS, book.targets)
        s.freeze_panes(TABLE_ROW0 + 1, 5)

        s = sheets["Göstergeler"]
        _head(s, f, "Performans Göstergeleri",
              "Birimlerin bildirdiği hedef değerleri; değer bildirilmeyen plan göstergeleri boş değerle yer alır.")
        _table(s, f, "tGostergeler", _indicator_columns(year), book.indicators, total_row=False)
        s.freeze_panes(TABLE_ROW0 + 1, 2)

        s = sheets["Faaliyetler"]
        _head(s, f, "Faaliyetler ve Kaynak İhtiyacı",
              "Bütçe ekonomik kodlardan, Bütçe Dışı türlerinden, Toplam ikisinden hesaplanmıştır. \"Yazılı\" sütunları "
              "kullanıcının formül yerine yazdığı toplamlardır; hesaplanandan farklı olanlar kırmızıyla işaretlidir.")
        placed = _table(s, f, "tFaaliyetler", ACTIVITY_COLUMNS, book.activities)
        _mark_differences(s, f, placed, ACTIVITY_TYPED)
        s.freeze_panes(TABLE_ROW0 + 1, 7)

        s = sheets["Birim Toplamları"]
        _head(s, f, "Harcama Birimlerinin Toplam Kaynak İhtiyacı",
              "Birim toplamı = hedeflere yönelik faaliyet maliyeti + personel gideri + genel yönetim gideri. "
              "Tavana göre kalan negatifse tavan aşılmıştır.")
        placed = _table(s, f, "tBirimToplamlari", UNIT_COLUMNS, book.units)
        _mark_differences(s, f, placed, UNIT_TYPED)
        if placed.last_data_row >= placed.first_data_row:
            col = _U["Tavana Göre Kalan (TL)"]
            s.conditional_format(placed.first_data_row, col, placed.last_data_row, col,
                                 {"type": "cell", "criteria": "<", "value": 0, "format": f.negative})
        s.freeze_panes(TABLE_ROW0 + 1, 2)

        # summaries with charts
        s = sheets["Alan Özeti"]
        _head(s, f, "Stratejik Alanlara Göre Kaynak Dağılımı",
              "Hedeflere yönelik faaliyetlerin toplam kaynak ihtiyacı.")
        rows = book.areas
        placed = _table(s, f, "tAlanOzeti", AREA_COLUMNS, rows)
        if rows:
            chart = wb.add_chart({"type": "column"})
            chart.add_series({**_chart_series("Alan Özeti", placed, 1, 8, len(rows), "Toplam (TL)"),
                              "fill": {"color": "#1F3864"}})
            chart.set_title({"name": "Stratejik Alanlara Göre Toplam Kaynak İhtiyacı"})
            chart.set_y_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
            chart.set_legend({"none": True})
            chart.set_size({"width": 860, "height": 420})
            s.insert_chart(placed.last_data_row + 4, 1, chart)

        s = sheets["Birim Özeti"]
        _head(s, f, "Harcama Birimlerine ve Ekonomik Kodlara Göre Faaliyet Maliyetleri",
              "Büyükten küçüğe sıralıdır; grafik en yüksek toplamlı birimleri gösterir.")
        rows = book.unit_summary
        placed = _table(s, f, "tBirimOzeti", UNIT_SUMMARY_COLUMNS, rows)
        shown = min(len(rows), CHART_TOP_UNITS)
        if shown:
            chart = wb.add_chart({"type": "bar"})
            chart.add_series({**_chart_series("Birim Özeti", placed, 1, len(UNIT_SUMMARY_COLUMNS) - 2, shown,
                                              "Toplam (TL)"), "fill": {"color": "#2E75B6"}})
            label = "Birimlere Göre Toplam Kaynak İhtiyacı"
            chart.set_title({"name": label if shown == len(rows) else f"{label} (en yüksek {shown} birim)"})
            chart.set_x_axis({"num_format": "#,##0"})
            chart.set_y_axis({"reverse": True})
            chart.set_legend({"none": True})
            chart.set_size({"width": 860, "height": max(360, 26 * shown + 80)})
            s.insert_chart(placed.last_data_row + 4, 1, chart)
        s.freeze_panes(TABLE_ROW0 + 1, 2)

        s = sheets["Ekonomik Kod Özeti"]
        _head(s, f, "Ekonomik Kodlara Göre Bütçe Kaynak İhtiyacı", "Bütçe dışı kaynaklar ekonomik koda dağıtılmaz.")
        rows = book.economic
        placed = _table(s, f, "tEkonomikKodOzeti", ECON_COLUMNS, rows)
        off_budget, budget = book.off_budget, book.budget
        extra = placed.last_data_row + 3
        for i, (label, value) in enumerate((("Bütçe Dışı Kaynaklar (TL)", off_budget),
                                             ("Genel Toplam (TL)", budget + off_budget))):
            s.write_string(extra + i, 1, label, f.label)
            s.write_number(extra + i, 3, value, f.money)
        chart = wb.add_chart({"type": "pie"})
        chart.add_series({
            **_chart_series("Ekonomik Kod Özeti", placed, 1, 3, len(rows), "Tutar (TL)"),
            "data_labels": {"percentage": True, "leader_lines": True},
        })
        chart.set_title({"name": "Ekonomik Kodlara Göre Bütçe Dağılımı"})
        chart.set_size({"width": 760, "height": 460})
        s.insert_chart(extra + 3, 1, chart)

        s = sheets["Bulgular"]
        _head(s, f, "Bulgular", f"{book.errors} hata, {book.warnings} uyarı.")
        _table(s, f, "tBulgular", FINDING_COLUMNS, book.findings, total_row=False)
        s.freeze_panes(TABLE_ROW0 + 1, 3)

        _write_summary(summary, f, book)
        summary.activate()
        wb.close()
    return path


def _summary_items(ix: _Index, findings: list[Finding], unit_rows: list[list]) -> list[tuple[str, Any, str]]:
    """The Özet sheet's figures (``unit_rows``: the Birim Toplamları rows)."""
    p = ix.inst.profile
    acts = ix.activities
    target_cost = totals.total(acts)
    errors = sum(1 for x in findings if x.severity == ERROR)
    return [
        ("Kurum", p.name, TEXT),
        ("Program Yılı", p.year or None, YEAR),
        ("Stratejik Alan Sayısı", len(ix.inst.areas), COUNT),
        ("Amaç Sayısı", len(ix.inst.aims), COUNT),
        ("Performans Hedefi Sayısı", len(ix.inst.targets), COUNT),
        ("Performans Göstergesi Sayısı", len({c for codes in ix.indicator_codes.values() for c in codes}), COUNT),
        ("Faaliyet Sayısı", len(acts), COUNT),
        ("Harcama Birimi Sayısı", len(ix.inst.departments), COUNT),
        ("Çalışma Kitabı Gelen Birim Sayısı", len(ix.submitted_units), COUNT),
        ("Bütçe (TL)", totals.budget(acts), MONEY),
        ("Bütçe Dışı (TL)", totals.off_budget(acts), MONEY),
        ("Hedeflere Yönelik Toplam Kaynak İhtiyacı (TL)", target_cost, MONEY),
        ("Personel Giderleri (TL)", sum(r[5] for r in unit_rows), MONEY),
        ("Genel Yönetim Giderleri (TL)", sum(r[6] for r in unit_rows), MONEY),
        ("Birimlerin Toplam Kaynak İhtiyacı (TL)", sum(r[7] for r in unit_rows), MONEY),
        ("İdare Toplam Bütçesi (kurum.xlsx, TL)", p.total_budget, MONEY),
        ("Hata Sayısı", errors, COUNT),
        ("Uyarı Sayısı", len(findings) - errors, COUNT),
    ]


def _write_summary(sheet, f: _Formats, book: Book) -> None:
    _head(sheet, f, book.heading, "Birim çalışma kitaplarından birleştirilmiş program verileri.")
    items = book.summary
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 40)
    for i, (label, value, kind) in enumerate(items):
        sheet.write_string(TABLE_ROW0 + i, 0, label, f.label)
        _write_cell(sheet, TABLE_ROW0 + i, 1, value, f.of(kind))
    row = TABLE_ROW0 + len(items) + 1
    sheet.write_string(row, 0, "Sayfalar", f.title)
    guide = [
        ("Hedefler", "Performans hedefleri, sorumlu birimler, gösterge ve faaliyet sayıları, tutarlar."),
        ("Göstergeler", "Gösterge hedef değerleri ve bildiren birim."),
        ("Faaliyetler", "Faaliyetler, ekonomik kodlara göre tutarlar ve yazılı toplamlar."),
        ("Birim Toplamları", "Birimlerin faaliyet maliyeti, personel ve genel yönetim giderleri, tavan."),
        ("Alan Özeti", "Stratejik alanlara göre dağılım ve grafik."),
        ("Birim Özeti", "Birimlere ve ekonomik kodlara göre dağılım ve grafik."),
        ("Ekonomik Kod Özeti", "Ekonomik kodlara göre bütçe dağılımı ve grafik."),
        ("Bulgular", "Okuma, birleştirme ve doğrulama bulguları."),
    ]
    for i, (name, text) in enumerate(guide, start=1):
        sheet.write_url(row + i, 0, f"internal:'{name}'!A1", f.link, name)
        sheet.write_string(row + i, 1, text, f.text)

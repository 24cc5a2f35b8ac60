"""Write the Excel workbooks with xlsxwriter: kurum.xlsx and the department
workbooks, blank or pre-filled, from :mod:`.workbook_schema`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, Mapping, Optional

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import TEMPLATE_VERSION, totals
from . import workbook_schema as ws
from .atomic import atomic_path
from .model import (
    ECONOMIC_CODES,
    RESPONSIBLE,
    ROW_TOTAL,
    Activity,
    Department,
    Indicator,
    Institution,
    Submission,
    Target,
)
from .narrative import KIND_LABELS, SECTIONS
from .turkish import sort_key
from .xlsx_style import GREY_TEXT, NAVY, Formats

INSTRUCTIONS = [
    "PERFORMANS PROGRAMI {year} — {unit} VERİ GİRİŞ ŞABLONU",
    "",
    "Bu çalışma kitabı Strateji Geliştirme Dairesi Başkanlığınca birim için hazırlanmıştır. "
    "Doldurduktan sonra dosya adını değiştirmeden geri gönderin.",
    "",
    "1. Birim sayfası: Personel Gideri ve Genel Yönetim Gideri tutarlarını TL olarak girin. "
    "Faaliyet sayısı, hedef maliyeti ve birim toplamı otomatik hesaplanır; toplam bütçe "
    "tavanını aşmamalıdır.",
    "2. Göstergeler sayfası: Sorumlu (S) olduğunuz hedeflerin göstergelerine {year} yılı "
    "hedef değerini girin. Ölçü birimini listeden seçin.",
    "3. Faaliyetler sayfası: Her faaliyeti bir satıra yazın. Hedef Kodunu listeden seçin, "
    "faaliyetleri hedef içinde F1, F2, ... diye numaralandırın. Tutarları ilgili ekonomik "
    "kod sütununa kuruşsuz TL olarak girin (01 Personel ... 09 Yedek Ödenekler). Bütçe dışı "
    "kaynakları ayrı sütuna yazın. Gri sütunlar otomatik hesaplanır; üzerine yazmayın.",
    "4. Açıklama sütunu isteğe bağlıdır; doldurulursa programdaki Faaliyet Maliyetleri "
    "Tablosunda faaliyetin altında yer alır.",
    "5. Hedefler sayfası, biriminizin sorumlu (S) ya da iş birliği yapan (i) olduğu hedefleri "
    "gösterir.",
    "",
    "Göndermeden önce kontrol: python build.py check <dosya>.xlsx",
    "Sarı hücreler veri girişi içindir; sayfa yapısı, sütun başlıkları ve sayfa adları "
    "değiştirilmemelidir.",
    "",
    "Şablon sürümü: {version}",
]


# shown only in templates that have them: a new year opened by new-year, earlier-year values
CARRIED_INSTRUCTION = (
    "Geçen yılın faaliyetleri: Faaliyetler sayfasında biriminizin {year_1} faaliyetleri kodları ve adlarıyla "
    "başlangıç olarak yer alır; tutarlar boştur, gri \"{year_1} Toplam Kaynak İhtiyacı\" sütunu geçen yılın "
    "tutarını bilgi için gösterir. Bu yıl yapılacak faaliyetlerin tutarlarını girin, yapılmayacak olanların "
    "Faaliyet Kodu ve Faaliyet Adı hücrelerini silin. Tutarı girilmeyen aktarılmış faaliyet programa alınmaz."
)
PAST_YEARS_INSTRUCTION = (
    "Önceki yıllar: Göstergeler sayfasındaki gri \"{year_2} Gerçekleşme\" ve \"{year_1} Tahmin\" sütunları "
    "bilgi içindir; {year} hedef değerini sarı sütuna girin."
)


class _Formats(Formats):
    def __init__(self, wb: xlsxwriter.Workbook):
        super().__init__(wb)
        border = {"border": 1, "border_color": "#BFBFBF"}
        fmt = self.fmt
        self.help = fmt(italic=True, font_color=GREY_TEXT, text_wrap=False)
        self.header = fmt(bold=True, bg_color=NAVY, font_color="#FFFFFF", text_wrap=True,
                          valign="vcenter", align="center", **border)
        self.label = fmt(bold=True, **border)
        self.text_in = fmt(locked=False, bg_color="#FFF2CC", text_wrap=True, **border)
        self.money_in = fmt(locked=False, bg_color="#FFF2CC", num_format="#,##0", **border)
        self.number_in = fmt(locked=False, bg_color="#FFF2CC", num_format="#,##0.##", **border)
        self.text_ro = fmt(text_wrap=True, bg_color="#F2F2F2", **border)
        self.money_ro = fmt(num_format="#,##0", bg_color="#E7E6E6", **border)
        self.total = fmt(bold=True, num_format="#,##0", bg_color="#D9E1F2", **border)
        self.total_label = fmt(bold=True, bg_color="#D9E1F2", **border)
        self.para = fmt(text_wrap=True)
        self.year_in = fmt(locked=False, bg_color="#FFF2CC", num_format="0", align="left", **border)
        self.year_ro = fmt(num_format="0", bg_color="#F2F2F2", align="left", **border)
        self.mark = fmt(locked=False, align="center", bold=True, font_color=NAVY)

    def for_kind(self, kind: str, editable: bool):
        if kind == ws.YEAR:
            return self.year_in if editable else self.year_ro
        if kind in (ws.MONEY, ws.INT, ws.FORMULA):
            return self.money_in if editable and kind != ws.FORMULA else self.money_ro
        if kind == ws.NUMBER:
            return self.number_in if editable else self.money_ro
        return self.text_in if editable else self.text_ro


def _new_workbook(path: Path, year: int, title: str) -> tuple[xlsxwriter.Workbook, _Formats]:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    # fixed metadata: the same inputs give the same bytes
    wb.set_properties({
        "title": title,
        "author": "Strateji Geliştirme Dairesi Başkanlığı",
        "created": dt.datetime(max(year, 1901) - 1, 1, 1),
        "comments": f"Şablon sürümü {TEMPLATE_VERSION}",
    })
    wb.set_custom_property("Şablon Sürümü", TEMPLATE_VERSION)
    wb.set_custom_property("Program Yılı", str(year))
    wb.set_calc_mode("auto")
    return wb, _Formats(wb)


def _sheet_head(sheet, f: _Formats, title: str, help_text: str) -> None:
    # printing: A4 landscape, all columns on one page width
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(ws.HEADER_ROW - 1)
    sheet.write(ws.TITLE_ROW - 1, 0, title, f.title)
    if help_text:
        sheet.write(ws.HELP_ROW - 1, 0, help_text, f.help)
    sheet.set_row(ws.HEADER_ROW - 1, 32)


def _write_value(sheet, row0: int, col0: int, value, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row0, col0, None, fmt)
    elif isinstance(value, str):
        sheet.write_string(row0, col0, value, fmt)
    else:
        sheet.write_number(row0, col0, value, fmt)


def _validation_for(col: ws.Col, list_ranges: Mapping[str, str | list[str]]) -> Optional[dict]:
    if col.choices and col.choices in list_ranges:
        return {
            "validate": "list", "source": list_ranges[col.choices],
            "error_title": "Geçersiz değer",
            "error_message": f"{col.title()}: listeden bir değer seçin.",
            "error_type": "warning" if col.choices == "olcu" else "stop",
        }
    if col.kind == ws.MONEY:
        return {
            "validate": "integer", "criteria": ">=", "value": 0,
            "error_title": "Geçersiz tutar",
            "error_message": "Tutar sıfır ya da pozitif bir tam sayı (kuruşsuz TL) olmalıdır.",
        }
    if col.kind in (ws.INT, ws.YEAR):
        return {"validate": "integer", "criteria": ">=", "value": 0,
                "error_title": "Geçersiz sayı", "error_message": "Sıfır ya da pozitif tam sayı girin."}
    if col.kind == ws.NUMBER:
        return {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_title": "Geçersiz sayı", "error_message": "Sıfır ya da pozitif bir sayı girin."}
    return None


def _write_table(
    wb_sheet,
    f: _Formats,
    spec: ws.TableSheet,
    rows: list[dict],
    year: int | str,
    *,
    list_ranges: Optional[Mapping[str, str | list[str]]] = None,
    locked_keys: Iterable[str] = (),
    protect: bool = False,
) -> None:
    """Write a table sheet. ``rows`` map column keys to values; for formula
    columns a value that is not None is a typed total and is written as a
    number instead of the formula. ``locked_keys`` lock pre-filled cells of
    otherwise editable columns."""
    list_ranges = list_ranges or {}
    locked_keys = set(locked_keys)
    _sheet_head(wb_sheet, f, spec.title, spec.help.format(year=year))
    for c, col in enumerate(spec.columns):
        wb_sheet.set_column(c, c, col.width)
        wb_sheet.write_string(ws.HEADER_ROW - 1, c, col.title(year), f.header)
        if col.note:
            wb_sheet.write_comment(ws.HEADER_ROW - 1, c, col.note, {"x_scale": 2, "y_scale": 1.2})
    first = spec.first_data_row
    n = max(len(rows) + spec.blank_rows, spec.min_rows, len(rows))
    last = first + max(n, 1) - 1
    for i in range(n):
        r = first + i
        data = rows[i] if i < len(rows) else {}
        lines = max((len(str(data.get(col.key) or "")) // max(int(col.width * 1.1), 1) + 1
                     for col in spec.columns if col.kind == ws.TEXT), default=1)
        if lines > 1:  # wrapped text: Excel does not re-measure rows written by xlsxwriter
            wb_sheet.set_row(r - 1, 13.5 * min(lines, 15))
        for c, col in enumerate(spec.columns):
            value = data.get(col.key)
            if col.kind == ws.FORMULA:
                if value is not None:  # a typed total kept as typed
                    wb_sheet.write_number(r - 1, c, value, f.money_ro)
                else:
                    cached = data.get(f"{col.key}__value", 0)
                    wb_sheet.write_formula(r - 1, c, spec.formula(col.key, r), f.money_ro, cached)
                continue
            editable = col.editable and not (i < len(rows) and col.key in locked_keys)
            _write_value(wb_sheet, r - 1, c, value, f.for_kind(col.kind, editable))
    if n:
        for c, col in enumerate(spec.columns):
            v = _validation_for(col, list_ranges)
            if v and col.editable:
                wb_sheet.data_validation(first - 1, c, last - 1, c, v)
    if spec.totals:
        tr = spec.totals_row - 1
        wb_sheet.write_string(tr, 0, "TOPLAM", f.total_label)
        for c, col in enumerate(spec.columns):
            if col.kind in (ws.MONEY, ws.FORMULA):
                rng = f"{xl_rowcol_to_cell(first - 1, c)}:{xl_rowcol_to_cell(last - 1, c)}"
                total = sum(
                    (row.get(col.key) if row.get(col.key) is not None else row.get(f"{col.key}__value", 0)) or 0
                    for row in rows
                )
                wb_sheet.write_formula(tr, c, f"=SUM({rng})", f.total, total)
            elif c > 0:
                wb_sheet.write_blank(tr, c, None, f.total_label)
    wb_sheet.freeze_panes(first - 1, 0)
    if protect:
        wb_sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True})


def _write_form(sheet, f: _Formats, spec: ws.FormSheet, values: dict, formulas: dict[str, str],
                *, protect: bool) -> None:
    _sheet_head(sheet, f, spec.title, spec.help)
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 50)
    sheet.write_string(ws.HEADER_ROW - 1, 0, "Alan", f.header)
    sheet.write_string(ws.HEADER_ROW - 1, 1, "Değer", f.header)
    for fld in spec.fields:
        r = spec.row(fld.key) - 1
        sheet.write_string(r, 0, fld.label, f.label)
        if fld.note:
            sheet.write_comment(r, 0, fld.note, {"x_scale": 2})
        value = values.get(fld.key)
        if fld.kind == ws.FORMULA:
            if value is not None:
                sheet.write_number(r, 1, value, f.money_ro)
            else:
                sheet.write_formula(r, 1, formulas[fld.key], f.money_ro, values.get(f"{fld.key}__value", 0))
            continue
        fmt = f.for_kind(fld.kind, fld.editable)
        _write_value(sheet, r, 1, value, fmt)
        if fld.editable and fld.kind in (ws.MONEY, ws.INT, ws.YEAR):
            sheet.data_validation(r, 1, r, 1, _validation_for(ws.Col(fld.key, fld.label, fld.kind), {}))
    if protect:
        sheet.protect("", {"format_columns": True, "format_rows": True})


def _write_matrix(sheet, f: _Formats, spec: ws.MatrixSheet, columns: list[str],
                  rows: list[tuple[str, dict[str, str]]]) -> None:
    _sheet_head(sheet, f, spec.title, spec.help)
    sheet.set_column(0, 0, spec.row_width)
    # the marks' format is the columns' default: only marked cells are written,
    # so a matrix of thousands of units stays small and quick to read
    sheet.set_column(1, max(len(columns), 1), 9, f.mark)
    sheet.write_string(ws.HEADER_ROW - 1, 0, spec.row_header, f.header)
    for c, key in enumerate(columns, start=1):
        sheet.write_string(ws.HEADER_ROW - 1, c, key, f.header)
    for i, (key, marks) in enumerate(rows):
        r = ws.HEADER_ROW + i
        sheet.write_string(r, 0, key, f.text_in)
        for c, col in enumerate(columns, start=1):
            if marks.get(col):
                sheet.write_string(r, c, marks[col], f.mark)
    if columns:
        last = ws.HEADER_ROW + max(len(rows), 1) + 100
        sheet.data_validation(ws.HEADER_ROW, 1, last, len(columns), {
            "validate": "list", "source": list(spec.values), "ignore_blank": True,
            "error_title": "Geçersiz işaret",
            "error_message": "Yalnızca " + " / ".join(spec.values) + " yazılabilir.",
        })
    sheet.freeze_panes(ws.HEADER_ROW, 1)


# ---------------------------------------------------------------------------
# kurum.xlsx
# ---------------------------------------------------------------------------

def institution_rows(inst: Institution) -> dict[str, list[dict]]:
    """The rows of every table sheet of kurum.xlsx, keyed by sheet key."""
    p = inst.profile
    by_target: dict[str, dict] = {}
    for ct in inst.control_totals:
        key = f"e{ct.column}" if ct.column in ECONOMIC_CODES else ct.column
        by_target.setdefault(ct.target_code, {"hedef": ct.target_code})[key] = ct.value
    return {
        "onsoz": [{"metin": t} for t in p.foreword],
        "ekip": [ws.row_of(ws.INST_TEAM, m) for m in p.team],
        "degerler": [{"metin": t} for t in p.values],
        "gorevler": [{"metin": t} for t in p.duties],
        "alanlar": [ws.row_of(ws.INST_AREAS, a) for a in inst.areas],
        "amaclar": [ws.row_of(ws.INST_AIMS, a) for a in inst.aims],
        "hedefler": [ws.row_of(ws.INST_TARGETS, t) for t in inst.targets],
        "gostergeler": [ws.row_of(ws.INST_INDICATORS, i) for i in inst.indicator_defs],
        "olcu": [{"metin": u} for u in inst.units_of_measure],
        "birimler": [{**ws.row_of(ws.INST_DEPARTMENTS, d), "diger": "; ".join(d.aliases)}
                     for d in inst.departments],
        "politikalar": [ws.row_of(ws.INST_POLICIES, p_) for p_ in inst.policies],
        "kontrol": list(by_target.values()),
        "anlatim": [ws.row_of(ws.INST_NARRATIVES, n) for n in inst.narratives],
        "gozden": [{"konu": r.topic, "sayfa": r.sheet, "aciklama": r.todo, "durum": ws.REVIEWED if r.done else None}
                   for r in inst.reviews],
        "metinler": [{"bolum": t.section, "tur": KIND_LABELS.get(t.kind, t.kind), "metin": t.text}
                     for t in inst.texts],
        "kabul": [ws.row_of(ws.INST_ACCEPTED, a) for a in inst.acceptances],
    }


def write_institution(inst: Institution, path: str | Path) -> Path:
    """Write kurum.xlsx (blank when ``inst`` is empty)."""
    path = Path(path)
    p = inst.profile
    year = p.year or dt.date.today().year + 1
    with atomic_path(path) as tmp:
        wb, f = _new_workbook(tmp, year, f"{p.name} {year} Performans Programı — Kurum Verileri")
        values = {fld.key: ws.get_attr(p, fld.attr) for fld in ws.INST_PROFILE.fields if fld.attr}
        values["yil"] = p.year or year
        _write_form(wb.add_worksheet(ws.INST_PROFILE.name), f, ws.INST_PROFILE, values, {}, protect=False)
        rows = institution_rows(inst)
        units_range = f"='{ws.INST_UNITS.name}'!$A${ws.INST_UNITS.first_data_row}:$A$200"
        for spec in ws.INSTITUTION_TABLES:
            sheet = wb.add_worksheet(spec.name)
            _write_table(sheet, f, spec, rows[spec.key], year,
                         list_ranges={"olcu": units_range, "durum": [ws.REVIEWED], "yon": list(ws.DIRECTIONS),
                                      **_text_lists(spec)})
            if spec is ws.INST_TEXTS:
                _write_text_legend(sheet, f)
            if spec is ws.INST_DEPARTMENTS:
                _write_matrix(wb.add_worksheet(ws.INST_MATRIX.name), f, ws.INST_MATRIX,
                              [d.code for d in inst.departments],
                              [(t.code, t.responsibility) for t in inst.targets])
            if spec is ws.INST_POLICIES:
                area_cols = [f"Alan {a.no}" for a in inst.areas]
                _write_matrix(wb.add_worksheet(ws.INST_LAWS.name), f, ws.INST_LAWS, area_cols,
                              [(law.name, {f"Alan {n}": "X" for n in law.areas}) for law in inst.laws])
        for info in ws.INFO_TABLES:
            _write_info_table(wb.add_worksheet(info.sheet), f, info, inst.info_tables.get(info.key))
        wb.close()
    return path


def _text_lists(spec) -> dict[str, str | list[str]]:
    """Dropdowns of the Metinler sheet: section keys from the legend beside it, block kinds."""
    if spec is not ws.INST_TEXTS:
        return {}
    col = xl_col_to_name(ws.TEXT_LEGEND_COL)
    first = ws.HEADER_ROW + 1
    return {"bolumler": f"=${col}${first}:${col}${first + len(SECTIONS) - 1}",
            "metin_turleri": list(KIND_LABELS.values())}


def _write_text_legend(sheet, f: _Formats) -> None:
    """The section keys and where the document shows them, beside the Metinler table."""
    c = ws.TEXT_LEGEND_COL
    sheet.set_column(c, c, 24)
    sheet.set_column(c + 1, c + 1, 62)
    sheet.write_string(ws.HEADER_ROW - 1, c, "Bölüm Anahtarları", f.header)
    sheet.write_string(ws.HEADER_ROW - 1, c + 1, "Belgedeki Yeri", f.header)
    for i, (key, where) in enumerate(SECTIONS.items()):
        sheet.write_string(ws.HEADER_ROW + i, c, key, f.for_kind(ws.CODE, False))
        sheet.write_string(ws.HEADER_ROW + i, c + 1, where, f.for_kind(ws.TEXT, False))


def _write_info_table(sheet, f: _Formats, spec: ws.InfoSpec, table) -> None:
    _sheet_head(sheet, f, f"Tablo {spec.no}: {table.title if table else spec.title}", "")
    sheet.write_string(ws.HELP_ROW - 1, 0, ws.INFO_SOURCE_LABEL, f.label)
    _write_value(sheet, ws.HELP_ROW - 1, 1, table.source_note if table else "", f.text_in)
    sheet.set_column(0, 0, 11)
    sheet.write_string(ws.HEADER_ROW - 1, 0, ws.INFO_KIND_HEADER, f.header)
    kinds = [kind for _, kind in spec.columns]
    for c, (header, kind) in enumerate(spec.columns, start=1):
        sheet.write_string(ws.HEADER_ROW - 1, c, header, f.header)
        # a second text column (Tablo 4's "Açıklama") holds long descriptions
        wide = kind == ws.TEXT and kinds[:c - 1].count(ws.TEXT) >= 1
        sheet.set_column(c, c, 60 if wide else 36 if kind == ws.TEXT else 13)
    rows = list(zip(table.kinds, table.rows)) if table else []
    for i, (kind, cells) in enumerate(rows):
        r = ws.HEADER_ROW + i
        sheet.write_string(r, 0, ws.ROW_KIND_LABELS[kind], f.text_in)
        for c, ((_, ckind), value) in enumerate(zip(spec.columns, cells), start=1):
            fmt = f.total if kind == ROW_TOTAL and ckind == ws.INT else f.for_kind(ckind, True)
            _write_value(sheet, r, c, value, fmt)
    sheet.data_validation(ws.HEADER_ROW, 0, ws.HEADER_ROW + len(rows) + 50, 0, {
        "validate": "list", "source": list(ws.ROW_KIND_LABELS.values()),
    })
    sheet.freeze_panes(ws.HEADER_ROW, 0)


# ---------------------------------------------------------------------------
# Department workbooks
# ---------------------------------------------------------------------------

def department_targets(inst: Institution, dept_code: str) -> list[Target]:
    """Targets where the department is responsible (S) or cooperating (i)."""
    return [t for t in inst.targets if dept_code in t.responsibility]


def activity_row(a: Activity) -> dict:
    return ws.row_of(ws.DEPT_ACTIVITIES, a)


def carried_activity_row(a: Activity) -> dict:
    """Last year's activity as a starting point: target, code and name; amounts
    empty; last year's total beside them for reference."""
    return {"hedef": a.target_code, "kod": a.code, "ad": a.name, "onceki": a.total,
            "butce__value": 0, "toplam__value": 0, "kaynak_toplam__value": 0}


def write_department(
    inst: Institution,
    dept_code: str,
    path: str | Path,
    submission: Optional[Submission] = None,
    previous: Optional[list[Activity]] = None,
) -> Path:
    """Write the workbook of one department, pre-filled from kurum.xlsx and,
    when given, from an earlier submission of the same year or with the
    unit's activities of the previous year (``previous``: names and codes,
    amounts empty, last year's totals for reference)."""
    path = Path(path)
    dept: Optional[Department] = inst.department(dept_code)
    if dept is None:
        raise KeyError(dept_code)
    year = inst.profile.year
    targets = department_targets(inst, dept_code)
    own_targets = [t for t in targets if t.responsibility.get(dept_code) == RESPONSIBLE]
    with atomic_path(path) as tmp:
        wb, f = _new_workbook(tmp, year, f"{year} Performans Programı — {dept.name}")
        wb.set_custom_property("Birim Kodu", dept.code)

        # instructions
        sheet = wb.add_worksheet(ws.INSTRUCTIONS_SHEET)
        sheet.set_column(0, 0, 120)
        lines = list(INSTRUCTIONS)
        if submission is None and previous:  # a new year opened from the last one
            at = next(i for i, line in enumerate(lines) if line.startswith("5. "))
            lines.insert(at + 1, CARRIED_INSTRUCTION)
        if any(d.actual_t2 is not None or d.estimate_t1 is not None for d in inst.indicator_defs):
            at = next(i for i, line in enumerate(lines) if line.startswith("5. "))
            lines.insert(at + 1, PAST_YEARS_INSTRUCTION)
        for i, line in enumerate(lines):
            text = line.format(year=year, unit=dept.name, version=TEMPLATE_VERSION, year_1=year - 1,
                               year_2=year - 2)
            sheet.write_string(i, 0, text, f.title if i == 0 else f.para)
            if i and len(text) > 110:  # wrapped text: rows are not re-measured when opened
                sheet.set_row(i, 14 * (len(text) // 110 + 1))
        sheet.protect("")

        # lists for dropdowns (hidden)
        lists = wb.add_worksheet(ws.DEPT_LISTS)
        units = sorted(set(inst.units_of_measure), key=sort_key)
        lists.write_column(0, 0, ["Ölçü Birimleri", *units])
        lists.write_column(0, 1, ["Hedefler", *[t.code for t in targets]])
        lists.write_column(0, 2, ["Ekonomik Kodlar", *[f"{k} {v}" for k, v in ECONOMIC_CODES.items()]])
        lists.hide()
        lists.protect("")
        list_ranges = {
            "olcu": f"={ws.DEPT_LISTS}!$A$2:$A${max(len(units), 1) + 1}",
            "hedefler": f"={ws.DEPT_LISTS}!$B$2:$B${max(len(targets), 1) + 1}",
        }

        # activities first in the model, but sheet order is the user's order
        info_sheet = wb.add_worksheet(ws.DEPT_INFO.name)
        targets_sheet = wb.add_worksheet(ws.DEPT_TARGETS.name)
        ind_sheet = wb.add_worksheet(ws.DEPT_INDICATORS.name)
        act_sheet = wb.add_worksheet(ws.DEPT_ACTIVITIES.name)

        activities = submission.activities if submission else []
        act_rows = [activity_row(a) for a in activities]
        if submission is None and previous:
            act_rows = [carried_activity_row(a) for a in previous]
        _write_table(act_sheet, f, ws.DEPT_ACTIVITIES, act_rows, year,
                     list_ranges=list_ranges, protect=True)

        _write_table(targets_sheet, f, ws.DEPT_TARGETS,
                     [{"kod": t.code, "ad": t.name, "rol": t.responsibility[dept_code]} for t in targets],
                     year, protect=True)

        # the plan's earlier-year values shown read-only beside the input column
        defs = {d.code: d for d in inst.indicator_defs}

        def past(code: str) -> dict:
            d = defs.get(code)
            return {"gerceklesme": d.actual_t2, "tahmin": d.estimate_t1} if d is not None else {}

        if submission is not None:  # pre-filled from an earlier submission: exactly its indicators
            indicators = submission.indicators
        else:  # blank: the plan's indicators of the targets where the unit is responsible (S)
            indicators = [Indicator(d.code, d.target_code, d.name, d.unit, None)
                          for t in own_targets for d in inst.indicator_defs if d.target_code == t.code]
        ind_rows = [{**ws.row_of(ws.DEPT_INDICATORS, i), **past(i.code)} for i in indicators]
        _write_table(ind_sheet, f, ws.DEPT_INDICATORS, ind_rows, year,
                     list_ranges=list_ranges, protect=True)

        # unit sheet with live formulas
        acts = ws.DEPT_ACTIVITIES
        n_rows = max(len(act_rows) + acts.blank_rows, acts.min_rows)
        last = acts.first_data_row + n_rows - 1
        form = ws.DEPT_INFO
        formulas = {fld.key: form.formula(fld.key, acts, last) for fld in form.fields if fld.formula}
        uc = submission.unit_costs if submission else None
        target_cost = totals.total(activities)
        total_value = totals.unit_total(activities, uc)
        sources = {"submission": submission, "unit_costs": uc}
        values = {fld.key: ws.get_attr(sources, fld.attr) for fld in form.fields if fld.attr}
        values.update({  # the unit itself comes from kurum.xlsx, the computed values beside the formulas
            "kod": dept.code, "ad": dept.name, "yil": year, "surum": TEMPLATE_VERSION, "tavan": dept.ceiling,
            "faaliyet_sayisi__value": len(activities),
            "hedef_maliyeti__value": target_cost,
            "toplam__value": total_value,
            "kalan__value": (dept.ceiling or 0) - total_value,
        })
        _write_form(info_sheet, f, form, values, formulas, protect=True)
        info_sheet.activate()
        wb.close()
    return path


def department_filename(dept: Department, year: int) -> str:
    """File name of a department workbook: 2024_D7-FDB.xlsx."""
    return f"{year}_{dept.code}.xlsx"


def write_all_departments(inst: Institution, outdir: str | Path,
                          submissions: Optional[dict[str, Submission]] = None,
                          previous: Optional[dict[str, list[Activity]]] = None) -> list[Path]:
    outdir = Path(outdir)
    paths = []
    for dept in inst.departments:
        sub = (submissions or {}).get(dept.code)
        paths.append(write_department(inst, dept.code, outdir / department_filename(dept, inst.profile.year), sub,
                                      previous=(previous or {}).get(dept.code)))
    return paths

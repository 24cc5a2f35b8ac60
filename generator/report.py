"""Validation reports: ``<year>_dogrulama.json`` and ``<year>_dogrulama.xlsx``.

Both are deterministic (sorted, no timestamps): the same findings give the
same bytes. In the workbook every text cell is written with
``write_string``, so a message that starts with = + - @ never becomes a
formula; the Hücre column links to the cell of the source workbook.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Optional

import xlsxwriter

from . import workbook_schema as ws
from .atomic import atomic_path, write_bytes
from .catalogue import catalogue, rule
from .findings import ERROR, WARNING, Finding, sort_findings
from .merge import department_order
from .model import Program
from .submissions import ACCEPTED, BLANK, FAILING, MISSING, OK, WARNED, DepartmentStatus, saved_text
from .turkish import sort_key
from .xlsx_style import LINK, NAVY, RED, Formats

KURUM_FILE, DEPARTMENTS_DIR = ws.KURUM_FILE, ws.DEPARTMENTS_DIR
INSTITUTION_SHEET = "Kurum"  # findings without a department
SEVERITY_LABEL = {ERROR: "Hata", WARNING: "Uyarı"}
FINDING_COLUMNS = (("Önem", 8), ("Kural", 9), ("Birim", 11), ("Dosya", 26), ("Sayfa", 18), ("Hücre", 8),
                   ("Hedef", 8), ("Faaliyet", 9), ("Mesaj", 100), ("Kabul", 50))
STATUS_COLUMNS = (("Birim", 11), ("Birim Adı", 40), ("Durum", 13), ("Dosya", 30), ("Kayıt Zamanı", 16),
                  ("Şablon Sürümü", 14), ("Hazırlayan", 26), ("Telefon", 16), ("E-posta", 28), ("Hata", 7),
                  ("Uyarı", 7), ("Kabul", 7), ("Faaliyet", 9), ("Toplam (TL)", 17), ("Kullanılmayan Dosyalar", 40))
# states in display order, with their colours
STATE_COLORS = {MISSING: "#C00000", BLANK: "#C00000", FAILING: "#C00000", WARNED: "#9C5700", OK: "#375623",
                ACCEPTED: "#375623"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def report_paths(year: int, outdir: Path) -> dict[str, Path]:
    return {"json": outdir / f"{year}_dogrulama.json", "rapor": outdir / f"{year}_dogrulama.xlsx"}


def write_reports(program: Program, findings: list[Finding], outdir: Path,
                  workbooks: Optional[Path] = None,
                  statuses: Optional[list[DepartmentStatus]] = None,
                  link_dir: Optional[Path] = None) -> dict[str, Path]:
    """Write the JSON and Excel validation reports; ``workbooks`` (the year
    folder with kurum.xlsx and birimler/) lets the Excel report link to the
    cells of the source workbooks, relative to ``link_dir`` (where the report
    will finally be; by default ``outdir``); ``statuses`` (every department's
    submission) fill "teslim" and the Teslim Durumu sheet."""
    outdir = Path(outdir)
    paths = report_paths(program.year, outdir)
    findings = sort_findings(findings)
    data = report_data(program, findings, statuses)
    write_bytes(paths["json"], (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    _write_workbook(program, findings, paths["rapor"], workbooks, statuses, link_dir)
    return paths


def report_data(program: Program, findings: list[Finding],
                statuses: Optional[list[DepartmentStatus]] = None) -> dict:
    """The content of the JSON report. "hata" and "uyari" count open findings;
    accepted ones are counted in "kabul_edilen" and carry "accepted"."""
    findings = sort_findings(findings)
    counts = Counter(f.code for f in findings)
    return {
        "yil": program.year,
        "kurum": program.institution.profile.name,
        "ozet": {
            "hata": sum(f.is_error and f.is_open for f in findings),
            "uyari": sum(not f.is_error and f.is_open for f in findings),
            "kabul_edilen": sum(not f.is_open for f in findings),
            "kurallar": {code: counts[code] for code in sorted(counts)},
            "teslim": dict(sorted(Counter(s.state for s in statuses or []).items())),
        },
        "teslim": [s.to_dict() for s in statuses or []],
        "kurallar": [_rule_dict(code) for code in sorted(counts)],
        "bulgular": [
            {
                "code": f.code, "severity": f.severity, "message": f.message, "file": f.file,
                "sheet": f.sheet, "cell": f.cell, "department": f.department, "target": f.target,
                "activity": f.activity, "details": {k: f.details[k] for k in sorted(f.details)},
                "values": {k: f.values[k] for k in sorted(f.values)},
                **({"accepted": {k: f.accepted[k] for k in sorted(f.accepted)}} if f.accepted else {}),
            }
            for f in findings
        ],
    }


def _rule_dict(code: str) -> dict:
    r = rule(code)
    if r is None:
        return {"code": code, "severity": "", "message": "", "description": ""}
    return {"code": r.code, "severity": r.severity, "message": r.message, "description": r.description}


# ---------------------------------------------------------------------------
# Excel report
# ---------------------------------------------------------------------------

def sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique worksheet name (≤ 31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("-", text).strip("'") or "Birim"
    base = base[:31]
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def source_link(f: Finding, program: Program, outdir: Path, workbooks: Optional[Path]) -> Optional[str]:
    """``external:`` link to the finding's cell, relative to the report folder."""
    if not (f.file and f.sheet and f.cell and workbooks is not None):
        return None
    workbooks = Path(workbooks)
    if f.file == (program.institution.file or KURUM_FILE):
        path = workbooks / KURUM_FILE
    else:
        path = workbooks / DEPARTMENTS_DIR / f.file
    if not path.exists():
        return None
    try:
        rel = os.path.relpath(path.resolve(), Path(outdir).resolve())
    except ValueError:  # another drive on Windows
        rel = str(path.resolve())
    sheet = f.sheet.replace("'", "''")
    return f"external:{Path(rel).as_posix()}#'{sheet}'!{f.cell}"


class _Formats(Formats):
    def __init__(self, wb: xlsxwriter.Workbook):
        super().__init__(wb)
        fmt = self.fmt
        self.header = fmt(bold=True, bg_color=NAVY, font_color="#FFFFFF", text_wrap=True, border=1)
        self.text = fmt(text_wrap=True)
        self.plain = fmt()
        self.number = fmt(num_format="#,##0")
        self.error = fmt(font_color=RED, bold=True)
        self.warning = fmt(font_color="#9C5700", bold=True)
        self.link = fmt(font_color=LINK, underline=1)
        self.bold = fmt(bold=True)
        self.state = {st: fmt(bold=True, font_color=color) for st, color in STATE_COLORS.items()}


def _write_workbook(program: Program, findings: list[Finding], path: Path, workbooks: Optional[Path],
                    statuses: Optional[list[DepartmentStatus]] = None, link_dir: Optional[Path] = None) -> None:
    year = program.year
    outdir = Path(link_dir) if link_dir is not None else path.parent
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({
            "title": f"{year} Performans Programı — Doğrulama Raporu",
            "author": "Strateji Geliştirme Dairesi Başkanlığı",
            "created": dt.datetime(max(year, 1901) - 1, 1, 1),
        })
        fmt = _Formats(wb)
        used: set[str] = set()
        _summary(wb.add_worksheet(sheet_name("Özet", used)), fmt, program, findings)
        if statuses is not None:
            _status_sheet(wb.add_worksheet(sheet_name("Teslim Durumu", used)), fmt, program, statuses)
        all_sheet = wb.add_worksheet(sheet_name("Bulgular", used))
        _findings_sheet(all_sheet, fmt, f"{year} Doğrulama Bulguları ({len(findings)})", findings, program,
                        outdir, workbooks)
        _rules_sheet(wb.add_worksheet(sheet_name("Kurallar", used)), fmt)
        for dep, items in _by_department(program, findings):
            title = dep or INSTITUTION_SHEET
            dept = program.institution.department(dep) if dep else None
            heading = f"{dep} {dept.name}" if dept else (dep or "Kurum geneli (kurum.xlsx)")
            _findings_sheet(wb.add_worksheet(sheet_name(title, used)), fmt, f"{heading} — {len(items)} bulgu",
                            items, program, outdir, workbooks)
        wb.close()


def _by_department(program: Program, findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.department, []).append(f)
    order = department_order(program.institution)
    return sorted(groups.items(), key=lambda kv: (kv[0] != "", order.get(kv[0], len(order)), sort_key(kv[0])))


def _summary(ws, fmt: _Formats, program: Program, findings: list[Finding]) -> None:
    errors = sum(f.is_error and f.is_open for f in findings)
    accepted = sum(not f.is_open for f in findings)
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 4, 10)
    name = program.institution.profile.name
    ws.write_string(0, 0, f"{name} {program.year} Performans Programı — Doğrulama Özeti".strip(), fmt.title)
    ws.write_string(2, 0, "Hata", fmt.bold)
    ws.write_number(2, 1, errors, fmt.number)
    ws.write_string(3, 0, "Uyarı", fmt.bold)
    ws.write_number(3, 1, len(findings) - errors - accepted, fmt.number)
    ws.write_string(4, 0, "Kabul edilen", fmt.bold)
    ws.write_number(4, 1, accepted, fmt.number)
    ws.write_string(5, 0, "Toplam", fmt.bold)
    ws.write_number(5, 1, len(findings), fmt.number)

    row = 7
    ws.write_string(row, 0, "Kurallara göre", fmt.bold)
    row += 1
    for c, h in enumerate(("Kural", "Mesaj şablonu", "Önem", "Sayı")):
        ws.write_string(row, c, h, fmt.header)
    counts = Counter(f.code for f in findings)
    for code in sorted(counts):
        row += 1
        r = rule(code)
        ws.write_string(row, 0, code, fmt.plain)
        ws.write_string(row, 1, r.message if r else "", fmt.text)
        ws.write_string(row, 2, SEVERITY_LABEL.get(r.severity, r.severity) if r else "", fmt.plain)
        ws.write_number(row, 3, counts[code], fmt.number)

    row += 2
    ws.write_string(row, 0, "Birimlere göre", fmt.bold)
    row += 1
    for c, h in enumerate(("Birim", "Birim Adı", "Hata", "Uyarı", "Toplam")):
        ws.write_string(row, c, h, fmt.header)
    for dep, items in _by_department(program, findings):
        row += 1
        dept = program.institution.department(dep) if dep else None
        e = sum(f.is_error for f in items)
        ws.write_string(row, 0, dep or INSTITUTION_SHEET, fmt.plain)
        ws.write_string(row, 1, dept.name if dept else ("Kurum geneli (kurum.xlsx)" if not dep else ""), fmt.text)
        ws.write_number(row, 2, e, fmt.number)
        ws.write_number(row, 3, len(items) - e, fmt.number)
        ws.write_number(row, 4, len(items), fmt.number)


def _findings_sheet(ws, fmt: _Formats, title: str, findings: list[Finding], program: Program, outdir: Path,
                    workbooks: Optional[Path]) -> None:
    ws.write_string(0, 0, title, fmt.title)
    header_row = 2
    for c, (h, width) in enumerate(FINDING_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(header_row, c, h, fmt.header)
    for i, f in enumerate(findings):
        r = header_row + 1 + i
        ws.write_string(r, 0, SEVERITY_LABEL.get(f.severity, f.severity), fmt.error if f.is_error else fmt.warning)
        for c, value in enumerate((f.code, f.department, f.file, f.sheet), start=1):
            ws.write_string(r, c, value, fmt.plain)
        link = source_link(f, program, outdir, workbooks)
        written = -1
        if link is not None:
            written = ws.write_url(r, 5, link, fmt.link, string=f.cell,
                                   tip=f"{f.file} › {f.sheet} › {f.cell}")
        if written != 0:
            ws.write_string(r, 5, f.cell, fmt.plain)
        ws.write_string(r, 6, f.target, fmt.plain)
        ws.write_string(r, 7, f.activity, fmt.plain)
        ws.write_string(r, 8, f.message, fmt.text)
        if f.accepted:
            ws.write_string(r, 9, accepted_text(f), fmt.text)
    last = header_row + max(len(findings), 1)
    ws.autofilter(header_row, 0, last, len(FINDING_COLUMNS) - 1)
    ws.freeze_panes(header_row + 1, 0)


def accepted_text(f: Finding) -> str:
    """"Kabul edildi: <reason> (<by>, <date>)" or ""."""
    if not f.accepted:
        return ""
    extra = ", ".join(x for x in (f.accepted.get("kabul_eden", ""), f.accepted.get("tarih", "")) if x)
    return f"Kabul edildi: {f.accepted.get('gerekce', '')}" + (f" ({extra})" if extra else "")


def _status_sheet(ws, fmt: _Formats, program: Program, statuses: list[DepartmentStatus]) -> None:
    """Every department of the year with the state of its submission."""
    counts = Counter(s.state for s in statuses)
    ws.write_string(0, 0, f"{program.year} Teslim Durumu — {len(statuses)} birim", fmt.title)
    ws.write_string(1, 0, ", ".join(f"{counts[st]} {st}" for st in STATE_COLORS if counts[st]), fmt.plain)
    header_row = 3
    for c, (h, width) in enumerate(STATUS_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(header_row, c, h, fmt.header)
    for i, s in enumerate(statuses):
        r = header_row + 1 + i
        texts = (s.code, s.name, s.state, s.file, saved_text(s.saved_at) if s.file else "", s.template_version,
                 s.preparer, s.phone, s.email)
        for c, text in enumerate(texts):
            ws.write_string(r, c, text, fmt.state[s.state] if c == 2 else fmt.text)
        for c, count in enumerate((s.errors, s.warnings, s.accepted, s.activities), start=len(texts)):
            ws.write_number(r, c, count, fmt.number)
        if s.submitted:
            ws.write_number(r, len(texts) + 4, s.total, fmt.number)
        else:
            ws.write_string(r, len(texts) + 4, "veri gelmedi", fmt.plain)
        ws.write_string(r, len(texts) + 5, ", ".join(s.other_files), fmt.text)
    ws.autofilter(header_row, 0, header_row + max(len(statuses), 1), len(STATUS_COLUMNS) - 1)
    ws.freeze_panes(header_row + 1, 2)


def _rules_sheet(ws, fmt: _Formats) -> None:
    ws.write_string(0, 0, "Bulgu Kuralları Kataloğu", fmt.title)
    widths = (("Kod", 9), ("Önem", 8), ("Mesaj şablonu", 70), ("Açıklama", 100))
    for c, (h, w) in enumerate(widths):
        ws.set_column(c, c, w)
        ws.write_string(2, c, h, fmt.header)
    rules = catalogue()
    for i, code in enumerate(sorted(rules)):
        r = rules[code]
        ws.write_string(3 + i, 0, r.code, fmt.plain)
        ws.write_string(3 + i, 1, SEVERITY_LABEL.get(r.severity, r.severity), fmt.plain)
        ws.write_string(3 + i, 2, r.message, fmt.text)
        ws.write_string(3 + i, 3, r.description, fmt.text)
    ws.autofilter(2, 0, 2 + max(len(rules), 1), len(widths) - 1)
    ws.freeze_panes(3, 0)

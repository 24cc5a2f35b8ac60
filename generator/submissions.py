"""Collecting the department workbooks of a year: which files count and who sent what.

* :func:`discover` lists ``birimler/``: any file name, any case of extension
  (.xlsx, .xlsm; .xls and .ods are converted through LibreOffice by
  :mod:`.convert`). Every file that is skipped is named in a finding.
* :func:`read_submissions` reads them; a workbook is identified by the
  department code inside it, not by its file name. When two workbooks carry
  the same code, :func:`~generator.merge.merge` keeps the newer one by the
  workbook's own save time and reports both names (BRL-02).
* A template sent back with nothing entered (``Submission.is_blank``) is
  "not submitted": merge reports it once (BRL-06) and leaves it out.
* :func:`statuses` gives the submission status of every department of the
  year: gelmedi, boş şablon, hatalı, uyarılı, tamam or kabul edildi.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from .findings import ERROR, WARNING, Finding, Rule, RuleSet
from .merge import newest_first
from .model import Institution, Loc, Program, Submission
from .turkish import turkey_time

# --- catalogue ---------------------------------------------------------------
RULES = RuleSet(
    Rule("BRL-07", ERROR, "Dosya okunamadı: {reason}",
         "birimler/ klasöründeki bir .xls ya da .ods dosyası LibreOffice ile .xlsx'e dönüştürülemedi. Dosyayı "
         "Excel'de açıp .xlsx olarak kaydedin ya da birimden yeniden isteyin."),
    Rule("BRL-08", WARNING, "Dosya atlandı: {reason}.",
         "birimler/ klasöründe çalışma kitabı olmayan ya da okunmayan bir dosya var (kilit dosyası, gizli dosya, "
         "alt klasör, başka türde dosya). Programa alınmaz; gerekmiyorsa klasörden kaldırın."),
    Rule("OKU-13", WARNING, "Dosya {kind} biçiminde; LibreOffice ile .xlsx'e dönüştürülerek denetlendi. "
         "Göndermeden önce Excel'de \"Excel Çalışma Kitabı (.xlsx)\" olarak kaydedin.",
         "check komutu .xls ve .ods dosyalarını LibreOffice ile dönüştürüp denetler; dönüştürme biçimleri, "
         "formülleri ve veri doğrulamayı tam koruyamayabilir. Birimler klasörüne .xlsx gönderilmelidir."),
)
finding = RULES.finding

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CONVERTED_SUFFIXES = (".xls", ".ods")

# submission states (Turkish, shown as they are)
MISSING = "gelmedi"
BLANK = "boş şablon"
FAILING = "hatalı"
WARNED = "uyarılı"
OK = "tamam"
ACCEPTED = "kabul edildi"
STATES = (MISSING, BLANK, FAILING, WARNED, OK, ACCEPTED)
NOT_SUBMITTED = (MISSING, BLANK)  # no figures in the document


def _skip_reason(path: Path) -> Optional[str]:
    name = path.name
    if path.is_dir():
        return "alt klasör; içindeki dosyalar okunmaz"
    if name.startswith("~$") or name.startswith(".~lock."):
        return "açık bir çalışma kitabının kilit dosyası (dosya hâlâ açık olabilir)"
    if name.startswith("."):
        return "gizli dosya"
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix in CONVERTED_SUFFIXES:
        return None
    return "çalışma kitabı değil (.xlsx, .xlsm, .xls ya da .ods beklenir)"


@RULES.check("BRL-08")
def discover(folder: Path) -> tuple[list[Path], list[Finding]]:
    """Workbooks of ``birimler/`` in file-name order, and a finding for every other entry."""
    if not folder.is_dir():
        return [], []
    files: list[Path] = []
    findings: list[Finding] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        reason = _skip_reason(path)
        if reason is None:
            files.append(path)
        else:
            findings.append(finding("BRL-08", Loc(path.name, ""), reason=reason))
    return files, findings


@dataclass
class ReadResult:
    submissions: list[Submission] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # file name → the .xlsx that was read (the file itself, or its converted copy)
    readable: dict[str, Path] = field(default_factory=dict)


@RULES.check("BRL-07")
def read_submissions(folder: Path, workdir: Union[Path, Callable[[], Path]], reporter=None) -> ReadResult:
    """Read every workbook of ``folder``; converted copies are written under ``workdir`` (a folder,
    or a function that gives one when it is first needed: :class:`.staging.LazyTempdir`)."""
    from .convert import ConversionError, needs_conversion, to_xlsx
    from .reader import read_department

    files, skipped = discover(folder)
    result = ReadResult(findings=list(skipped))
    if reporter is not None:
        reporter.start("Birim çalışma kitapları okunuyor", len(files))
    for path in files:
        source = path
        if needs_conversion(path):
            try:
                source = to_xlsx(path, workdir() if callable(workdir) else workdir)
            except ConversionError as exc:
                result.findings.append(finding("BRL-07", Loc(path.name, ""), reason=str(exc)))
                if reporter is not None:
                    reporter.advance(path.name)
                continue
        sub, found = read_department(source, name=path.name)
        result.findings += found
        if sub is not None:
            result.submissions.append(sub)
            result.readable[path.name] = source
        if reporter is not None:
            reporter.advance(path.name)
    if reporter is not None:
        reporter.finish()
    return result


# ---------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------

@dataclass
class DepartmentStatus:
    """Where one department's submission stands."""

    code: str
    name: str
    state: str
    file: str = ""
    other_files: list[str] = field(default_factory=list)  # workbooks of the same unit not used
    saved_at: Optional[dt.datetime] = None
    template_version: str = ""
    preparer: str = ""
    phone: str = ""
    email: str = ""
    errors: int = 0  # open (not accepted)
    warnings: int = 0  # open (not accepted)
    accepted: int = 0
    activities: int = 0
    total: int = 0  # activities + personnel + general administration (TL)

    @property
    def submitted(self) -> bool:
        return self.state not in NOT_SUBMITTED

    def to_dict(self) -> dict:
        return {
            "birim": self.code, "ad": self.name, "durum": self.state, "dosya": self.file,
            "diger_dosyalar": list(self.other_files),
            # UTC, as the workbook stores it
            "kayit_zamani": self.saved_at.isoformat(timespec="seconds") + "Z" if self.saved_at else None,
            "sablon_surumu": self.template_version, "hazirlayan": self.preparer, "telefon": self.phone,
            "eposta": self.email, "hata": self.errors, "uyari": self.warnings, "kabul_edilen": self.accepted,
            "faaliyet_sayisi": self.activities, "toplam": self.total,
        }


def saved_text(when: Optional[dt.datetime]) -> str:
    """A save time (naive UTC) as the department saw its clock: 14.11.2024 19:05, Turkish time."""
    return turkey_time(when) if when else "—"


def _total(sub: Submission) -> int:
    uc = sub.unit_costs
    return sum(a.total for a in sub.activities) + ((uc.personnel + uc.general_admin) if uc else 0)


def _state(sub: Optional[Submission], errors: int, warnings: int, accepted: int) -> str:
    if sub is None:
        return MISSING
    if sub.is_blank:
        return BLANK
    if errors:
        return FAILING
    if warnings:
        return WARNED
    return ACCEPTED if accepted else OK


def statuses(inst: Institution, read: list[Submission], program: Optional[Program],
             findings: list[Finding]) -> list[DepartmentStatus]:
    """The status of every department of kurum.xlsx, in its order, then workbooks
    with a code that is not in the list.

    ``read`` holds every workbook read (duplicates included); the one the
    merge kept (``program.submissions``) is the department's file.
    """
    kept_list = program.submissions if program else [s for s in read if not s.is_blank]
    kept = {s.department: s for s in kept_list if s.department}
    # a department that sent only a blank template: its newest blank file
    for s in sorted((s for s in read if s.is_blank), key=newest_first):
        if s.department and s.department not in kept:
            kept[s.department] = s
    kept_files = {id(s) for s in kept.values()} | {id(s) for s in kept_list}
    others: dict[str, list[str]] = {}
    for s in read:
        if id(s) not in kept_files:
            others.setdefault(s.department, []).append(s.file)
    counts: dict[str, list[int]] = {}
    by_file: dict[str, list[int]] = {}
    for f in findings:
        for key, table in ((f.department, counts), (f.file, by_file)):
            c = table.setdefault(key, [0, 0, 0])
            c[2 if f.accepted else 0 if f.is_error else 1] += 1
    out = []
    depts = sorted(inst.departments, key=lambda d: d.order)
    known = {d.code for d in depts}
    rows: list[tuple[str, str, Optional[Submission]]] = [(d.code, d.name, kept.get(d.code)) for d in depts]
    rows += [(s.department, s.department_name, s) for s in kept_list if s.department not in known]
    for code, name, sub in rows:
        # a workbook without a department code: its own file's findings
        own = counts.get(code) if code else by_file.get(sub.file) if sub is not None else None
        errors, warnings, accepted = own or [0, 0, 0]
        st = DepartmentStatus(code=code, name=name, state=_state(sub, errors, warnings, accepted),
                              errors=errors, warnings=warnings, accepted=accepted,
                              other_files=sorted(others.get(code, [])) if code else [])
        if sub is not None:
            st.file, st.saved_at, st.template_version = sub.file, sub.saved_at, sub.template_version
            st.preparer, st.phone, st.email = sub.prepared_by, sub.phone, sub.email
            st.activities, st.total = len(sub.activities), _total(sub)
        out.append(st)
    return out


def not_submitted(rows: list[DepartmentStatus]) -> set[str]:
    """Codes of the departments whose figures are missing (gelmedi or boş şablon)."""
    return {r.code for r in rows if not r.submitted}


@RULES.check("BRL-07", "OKU-13")
def converted_for_check(path: Path, kind: str, workdir: Path) -> tuple[Optional[Path], list[Finding]]:
    """``check`` on an .xls or .ods (told by its content): the .xlsx LibreOffice made of it, with a
    warning to send .xlsx (OKU-13); (None, [BRL-07]) when it cannot be converted."""
    from .convert import ConversionError, to_xlsx

    label = {"xls": "Excel 97-2003 (.xls)", "ods": "OpenDocument (.ods)"}[kind]
    try:
        source = to_xlsx(path, workdir)
    except ConversionError as exc:
        return None, [finding("BRL-07", Loc(path.name, ""), reason=str(exc))]
    return source, [finding("OKU-13", Loc(path.name, ""), kind=label)]

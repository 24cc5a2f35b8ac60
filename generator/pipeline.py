"""The build pipeline: load config → read → merge → validate → render → write.

Each stage is a module; this one only wires them together (like
``mkdocs build``). The CLI in :mod:`.cli` calls :func:`build`,
:func:`write_templates` and :func:`check`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .findings import Finding, sort_findings
from .model import Institution, Program, Submission
from .progress import NullReporter, Reporter
from .reader import read_department, read_institution

KURUM_FILE = "kurum.xlsx"
DEPARTMENTS_DIR = "birimler"


@dataclass
class BuildConfig:
    workbooks: Path  # folder of one year: kurum.xlsx + birimler/*.xlsx
    out: Path = Path("out")
    strict: bool = False
    pdf: bool = True
    docx: bool = True
    consolidated: bool = True

    @property
    def kurum(self) -> Path:
        return self.workbooks / KURUM_FILE

    @property
    def departments_dir(self) -> Path:
        return self.workbooks / DEPARTMENTS_DIR


@dataclass
class BuildResult:
    program: Optional[Program]
    findings: list[Finding]
    outputs: dict[str, Path] = field(default_factory=dict)
    failed: bool = False  # --strict and errors, or nothing could be read

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def default_workbooks(root: Path) -> Optional[Path]:
    """The newest year folder under ``root`` (workbooks/2024, workbooks/2025 ...)."""
    years = sorted((p for p in root.glob("*") if p.is_dir() and re.fullmatch(r"\d{4}", p.name)),
                   key=lambda p: p.name)
    return years[-1] if years else None


def department_files(folder: Path) -> list[Path]:
    """Department workbooks of a folder in a stable order; Excel lock files skipped."""
    return sorted((p for p in folder.glob("*.xlsx") if not p.name.startswith(("~$", "."))),
                  key=lambda p: p.name)


def read_all(cfg: BuildConfig, reporter: Reporter) -> tuple[Optional[Institution], list[Submission], list[Finding]]:
    findings: list[Finding] = []
    inst, f = read_institution(cfg.kurum)
    findings += f
    files = department_files(cfg.departments_dir) if cfg.departments_dir.is_dir() else []
    submissions: list[Submission] = []
    reporter.start("Birim çalışma kitapları okunuyor", len(files))
    for path in files:
        sub, f = read_department(path)
        findings += f
        if sub is not None:
            submissions.append(sub)
        reporter.advance(path.name)
    reporter.finish()
    return inst, submissions, findings


def build(cfg: BuildConfig, reporter: Optional[Reporter] = None) -> BuildResult:
    """Run the whole pipeline on one year's workbooks."""
    from .merge import merge
    from .report import write_reports
    from .validate import folder_year, validate

    reporter = reporter or NullReporter()
    inst, submissions, findings = read_all(cfg, reporter)
    if inst is None:
        return BuildResult(None, sort_findings(findings), failed=True)
    reporter.start("Birleştirme ve doğrulama", 1)
    program, f = merge(inst, submissions)
    findings += f
    findings += validate(program)
    findings += folder_year(inst, cfg.workbooks.resolve().name)
    findings = sort_findings(findings)
    reporter.advance("doğrulama")
    reporter.finish()

    year = program.year
    result = BuildResult(program, findings)
    result.outputs.update(write_reports(program, findings, cfg.out, workbooks=cfg.workbooks))
    if cfg.strict and result.errors:
        result.failed = True
        return result
    draft = bool(result.errors)
    if cfg.consolidated:
        from .consolidated import write_consolidated

        reporter.start("Birleşik çalışma kitabı yazılıyor", 1)
        result.outputs["birlesik"] = write_consolidated(program, findings, cfg.out / f"{year}_birlesik.xlsx")
        reporter.advance("birleşik")
        reporter.finish()
    if cfg.docx:
        from .document import render_docx

        reporter.start("Program belgesi oluşturuluyor (.docx)", 1)
        docx = render_docx(program, cfg.out / f"{year}_performans_programi.docx", draft=draft)
        result.outputs["docx"] = docx
        reporter.advance("docx")
        reporter.finish()
        if cfg.pdf:
            from .pdf import convert_to_pdf

            reporter.start("PDF'e dönüştürülüyor (LibreOffice)", 1)
            pdf = convert_to_pdf(docx, cfg.out / f"{year}_performans_programi.pdf")
            if pdf is not None:
                result.outputs["pdf"] = pdf
            reporter.advance("pdf")
            reporter.finish()
    return result


def write_templates(kurum: Path, out: Path, blank_kurum: bool = False,
                    year: Optional[int] = None) -> tuple[list[Path], list[Finding]]:
    """Write department workbooks pre-filled from kurum.xlsx (or a blank kurum.xlsx)."""
    from .templates import write_all_departments, write_institution

    if blank_kurum:
        blank = Institution()
        if year:
            blank.profile.year = year
        return [write_institution(blank, out / KURUM_FILE)], []
    inst, findings = read_institution(kurum)
    if inst is None:
        return [], findings
    return write_all_departments(inst, out), findings


def check(path: Path, kurum: Optional[Path] = None) -> list[Finding]:
    """Check one department workbook on its own (before sending it)."""
    from .merge import merge
    from .validate import validate

    sub, findings = read_department(path)
    if sub is None:
        return sort_findings(findings)
    inst = None
    if kurum is not None:
        inst, f = read_institution(kurum)
        findings += f
    if inst is not None:
        program, f = merge(inst, [sub], partial=True)
        findings += f
        findings += validate(program, partial=True)
    else:
        from .validate import validate_submission

        findings += validate_submission(sub)
    return sort_findings(findings)

"""The build pipeline: load config → read → merge → validate → render → write.

Each stage is a module; this one only wires them together (like
``mkdocs build``). The CLI in :mod:`.cli` calls :func:`build`,
:func:`write_templates` and :func:`check`.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from . import workbook_schema as ws
from .findings import Finding, sort_findings
from .model import Institution, Program, Submission
from .progress import NullReporter, Reporter
from .reader import read_department, read_institution
from .staging import CONVERT_PREFIX, LazyTempdir, private_tempdir
from .submissions import DepartmentStatus, ReadResult

Workdir = Union[Path, Callable[[], Path]]  # where converted copies go: a folder, or a LazyTempdir

KURUM_FILE, DEPARTMENTS_DIR = ws.KURUM_FILE, ws.DEPARTMENTS_DIR


@dataclass
class BuildConfig:
    workbooks: Path  # folder of one year: kurum.xlsx + birimler/*.xlsx
    out: Path = Path("out")
    strict: bool = False
    pdf: bool = True
    pdfa: bool = False  # PDF/A-2b for archiving
    docx: bool = True
    consolidated: bool = True
    feedback: bool = True  # out/<year>_geri_bildirim/<code>.xlsx

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
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds (wall), in order
    background: set[str] = field(default_factory=set)  # stages of timings a worker process ran beside the rest
    statuses: list[DepartmentStatus] = field(default_factory=list)  # every department's submission
    missing: list[str] = field(default_factory=list)  # outputs asked for but not produced (a failed PDF)

    @property
    def errors(self) -> list[Finding]:
        """Open errors: accepted ones (kurum.xlsx Kabul Edilen Bulgular) no longer count."""
        return [f for f in self.findings if f.is_error and f.is_open]

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_open]


def default_workbooks(root: Path) -> Optional[Path]:
    """The newest year folder under ``root`` (workbooks/2024, workbooks/2025 ...)."""
    years = sorted((p for p in root.glob("*") if p.is_dir() and re.fullmatch(r"\d{4}", p.name)),
                   key=lambda p: p.name)
    return years[-1] if years else None


def department_files(folder: Path) -> list[Path]:
    """Department workbooks of a folder in file-name order (any name, any case of
    extension; .xls/.ods included); see :func:`.submissions.discover`."""
    from .submissions import discover

    return discover(folder)[0]


def read_year(cfg: BuildConfig, reporter: Reporter, workdir: Workdir,
              on_institution: Optional[Callable[[Institution], None]] = None,
              ) -> tuple[Optional[Institution], ReadResult, list[Finding]]:
    """kurum.xlsx and every workbook of birimler/ (converted copies under ``workdir``);
    ``on_institution`` is called with kurum.xlsx's content before the departments are read."""
    from .submissions import read_submissions

    findings: list[Finding] = []
    inst, f = read_institution(cfg.kurum)
    findings += f
    if inst is not None and on_institution is not None:
        on_institution(inst)
    read = read_submissions(cfg.departments_dir, workdir, reporter)
    findings += read.findings
    return inst, read, findings


def read_all(cfg: BuildConfig, reporter: Reporter) -> tuple[Optional[Institution], list[Submission], list[Finding]]:
    with LazyTempdir(CONVERT_PREFIX) as workdir:
        inst, read, findings = read_year(cfg, reporter, workdir)
    return inst, read.submissions, findings


@dataclass
class Collected:
    """A year read, merged, validated, with acceptances applied and every department's status."""

    program: Optional[Program]
    findings: list[Finding]
    statuses: list[DepartmentStatus]
    read: ReadResult


class _Clock:
    """Wall time of each stage, in the order they ran (shown in the build summary)."""

    def __init__(self, timings: Optional[dict[str, float]] = None):
        self.timings: dict[str, float] = {} if timings is None else timings
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._t
        self._t = now


def collect(cfg: BuildConfig, reporter: Reporter, workdir: Workdir, clock: Optional[_Clock] = None,
            on_institution: Optional[Callable[[Institution], None]] = None) -> Collected:
    from .acceptance import apply_acceptances
    from .merge import merge
    from .submissions import statuses
    from .validate import folder_year, group_consequences, validate

    clock = clock or _Clock()
    inst, read, findings = read_year(cfg, reporter, workdir, on_institution)
    clock.lap("okuma")
    if inst is None:
        return Collected(None, sort_findings(findings), [], read)
    reporter.start("Birleştirme ve doğrulama", 1)
    program, f = merge(inst, read.submissions)
    findings += f
    findings += validate(program)
    findings += folder_year(inst, cfg.workbooks.resolve().name)
    findings = sort_findings(apply_acceptances(inst, group_consequences(findings)))
    reporter.advance("doğrulama")
    reporter.finish()
    got = Collected(program, findings, statuses(inst, read.submissions, program, findings), read)
    clock.lap("birleştirme ve doğrulama")
    return got


def status(cfg: BuildConfig, reporter: Optional[Reporter] = None) -> Collected:
    """Submission status of every department (``python build.py status``); writes nothing."""
    with LazyTempdir(CONVERT_PREFIX) as workdir:
        return collect(cfg, reporter or NullReporter(), workdir)


def build(cfg: BuildConfig, reporter: Optional[Reporter] = None) -> BuildResult:
    """Run the whole pipeline on one year's workbooks.

    LibreOffice (for the PDF), the chart process and the writing worker
    (feedback and consolidated workbooks) start first, so that their start-up
    overlaps the reading of the workbooks (:mod:`.background`); all are
    stopped on every exit path. Leftovers of
    killed runs (LibreOffice profiles, conversion folders, stages in the
    output folder) are removed first."""
    from .chartpool import drawing_in_background
    from .pdf import _clean_stale_profiles

    reporter = reporter or NullReporter()
    _clean_stale_profiles()
    office = None
    if cfg.docx and cfg.pdf:
        from .pdf import Office

        office = Office()
    worker = None  # writes the feedback workbooks and the consolidated workbook beside the rest
    if cfg.feedback or cfg.consolidated:
        from .background import spawn_worker, warm_up_writers

        worker = spawn_worker(warm_up_writers)
    failed = True
    try:
        with drawing_in_background(cfg.docx) as charts, LazyTempdir(CONVERT_PREFIX) as workdir:
            result = _build(cfg, reporter, workdir, office, worker)
            if charts is not None and charts.seconds():
                result.timings["grafikler"] = charts.seconds()
                result.background.add("grafikler")
            failed = False
            return result
    finally:
        if worker is not None:
            from .background import stop

            stop(worker, failed)
        if office is not None:
            office.close()


def _build(cfg: BuildConfig, reporter: Reporter, workdir: Workdir, office=None, worker=None) -> BuildResult:
    from .feedback import start_feedback
    from .report import write_reports
    from .staging import Stage

    clock = _Clock()
    got = collect(cfg, reporter, workdir, clock, on_institution=_request_personnel_charts if cfg.docx else None)
    program, findings = got.program, got.findings
    if program is None:
        return BuildResult(None, findings, failed=True, timings=clock.timings)
    year = program.year
    result = BuildResult(program, findings, statuses=got.statuses, timings=clock.timings)
    if cfg.docx and not (cfg.strict and result.errors):
        _request_charts(got, bool(result.errors))
    # every output is written into a stage and swapped in at the end: all or none
    with Stage(cfg.out) as stage:
        try:
            staged = dict(write_reports(program, findings, stage.dir, workbooks=cfg.workbooks,
                                        statuses=got.statuses, link_dir=cfg.out))
            clock.lap("raporlar")
            feedback = None
            if cfg.feedback:
                feedback = start_feedback(program, findings, got.read.readable, stage.dir / f"{year}_geri_bildirim",
                                          worker)
                clock.lap("geri bildirim")
            if cfg.strict and result.errors:
                result.failed = True
            else:
                waiting = _render(cfg, got, stage.dir, staged, result, reporter, clock, office, worker)
                if waiting is not None:
                    waiting()
            if feedback is not None:
                reporter.start("Birimlere geri bildirim dosyaları yazılıyor", 1)
                staged["geri_bildirim"] = feedback.finish()
                reporter.advance("geri bildirim")
                reporter.finish()
                clock.lap("geri bildirim")
                if worker is not None:  # written in the background: its own time, shown apart
                    clock.timings["geri bildirim"] = feedback.seconds
                    result.background.add("geri bildirim")
            final = stage.commit(year, staged.values())
        except BaseException:
            if worker is not None:  # stopped before the stage is removed: nothing written into it afterwards
                from .background import stop

                stop(worker, failed=True)
            raise
    result.outputs.update({key: final[path] for key, path in staged.items()})
    return result


def _request_personnel_charts(inst: Institution) -> None:
    """The charts that need only kurum.xlsx, asked for before the departments' workbooks are read."""
    from .chartpool import prefetch
    from .context import personnel_charts

    prefetch(lambda: personnel_charts(inst))


def _request_charts(got: Collected, draft: bool) -> None:
    """Ask the chart process for the document's charts now, while reports, feedback and the
    consolidated workbook are written (:func:`.chartpool.prefetch`)."""
    from .chartpool import prefetch
    from .context import request_charts
    from .submissions import not_submitted

    program = got.program
    assert program is not None
    prefetch(lambda: request_charts(program, draft, missing=not_submitted(got.statuses) if draft else set()))


def _render(cfg: BuildConfig, got: Collected, folder: Path, staged: dict[str, Path], result: BuildResult,
            reporter: Reporter, clock: _Clock, office=None, worker=None) -> Optional[Callable[[], None]]:
    """The consolidated workbook, the .docx and the PDF, written into ``folder`` (the stage)."""
    program, findings = got.program, got.findings
    assert program is not None
    year = program.year
    draft = bool(result.errors)
    waiting = None
    if cfg.consolidated:
        from .consolidated import prepare, write_book

        reporter.start("Birleşik çalışma kitabı yazılıyor", 1)
        path = folder / f"{year}_birlesik.xlsx"
        book = prepare(program, findings)
        if worker is None:
            staged["birlesik"] = write_book(book, path)
        else:  # xlsxwriter works in the background worker while the document is made
            from .background import timed

            job = worker.submit(timed, write_book, book, path)
            del book
            staged["birlesik"] = path
            def waiting() -> None:  # the stage's own lap (preparing the rows) plus the worker's writing
                clock.timings["birleşik çalışma kitabı"] += job.result()
                result.background.add("birleşik çalışma kitabı")
        reporter.advance("birleşik")
        reporter.finish()
        clock.lap("birleşik çalışma kitabı")
    if cfg.docx:
        from .chartpool import retire_if_done
        from .document import render_docx
        from .submissions import not_submitted

        retire_if_done()  # charts already drawn (a large program): their worker ends before the document

        reporter.start("Program belgesi oluşturuluyor (.docx)", 1)
        docx = render_docx(program, folder / f"{year}_performans_programi.docx", draft=draft,
                           missing=not_submitted(got.statuses) if draft else set(),
                           open_errors=result.errors if draft else [])
        staged["docx"] = docx
        reporter.advance("docx")
        reporter.finish()
        clock.lap("belge (.docx)")
        if cfg.pdf:
            from .pdf import convert_to_pdf

            reporter.start("PDF'e dönüştürülüyor (LibreOffice)", 1)
            pdf = convert_to_pdf(docx, folder / f"{year}_performans_programi.pdf", pdfa=cfg.pdfa,
                                 office=office)
            if pdf is not None:
                staged["pdf"] = pdf
            else:
                result.missing.append(f"{year}_performans_programi.pdf")
            reporter.advance("pdf")
            reporter.finish()
            clock.lap("PDF")
    return waiting


def write_templates(kurum: Path, out: Path, blank_kurum: bool = False,
                    year: Optional[int] = None, force: bool = False) -> tuple[list[Path], list[Finding]]:
    """Write department workbooks pre-filled from kurum.xlsx (or a blank kurum.xlsx).

    Existing workbooks are not replaced unless ``force`` (then a dated backup
    is kept): :class:`~generator.overwrite.OverwriteRefused` names them."""
    from .overwrite import guard
    from .templates import department_filename, write_all_departments, write_institution

    if blank_kurum:
        blank = Institution()
        if year:
            blank.profile.year = year
        guard([out / KURUM_FILE], force)
        return [write_institution(blank, out / KURUM_FILE)], []
    inst, findings = read_institution(kurum)
    if inst is None:
        return [], findings
    guard([out / department_filename(d, inst.profile.year) for d in inst.departments], force)
    return write_all_departments(inst, out), findings


def check(path: Path, kurum: Optional[Path] = None) -> list[Finding]:
    """Check one department workbook on its own (before sending it).

    An .xls or .ods (told by its content) is read through LibreOffice
    (:mod:`.convert`) with a warning to send it as .xlsx; every other file the
    package guard refuses gets its finding and nothing else."""
    from .safety import inspect

    kind = inspect(path).kind
    if kind not in ("xls", "ods"):
        return _check(path, kurum)
    from .submissions import converted_for_check

    with private_tempdir(CONVERT_PREFIX) as tmp:
        source, notes = converted_for_check(path, kind, Path(tmp))
        if source is None:
            return sort_findings(inspect(path).findings + notes)
        return sort_findings(_check(source, kurum, name=path.name) + notes)


def _check(path: Path, kurum: Optional[Path], name: Optional[str] = None) -> list[Finding]:
    from .merge import merge
    from .validate import group_consequences, validate

    sub, findings = read_department(path, name=name)
    if sub is None:
        return sort_findings(findings)
    inst = None
    if kurum is not None:
        from .cache import cached

        inst, f = cached(Path(kurum), "kurum", lambda: read_institution(kurum))
        findings += f
    if inst is not None:
        program, f = merge(inst, [sub], partial=True)
        findings += f
        findings += validate(program, partial=True)
        group_consequences(findings)
    else:
        from .validate import validate_submission

        findings += validate_submission(sub)
    return sort_findings(findings)

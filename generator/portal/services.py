"""What the portal does, apart from HTTP: years, uploads, the workflow, builds.

Views and the command line call these functions; they call the generator's
public functions (reader, ``pipeline.check`` through the worker,
``templates.write_department``, ``pipeline.build``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..atomic import atomic_path
from ..pipeline import DEPARTMENTS_DIR, KURUM_FILE
from .config import PortalConfig
from .models import AcceptedFinding, Build, Department, State, Upload, User, Year, utcnow
from .security import audit
from .sniff import sniff_xlsx
from .worker import run_check


class PortalError(Exception):
    """A refusal with a Turkish message for the user."""


# --- years ------------------------------------------------------------------

def open_year(db: Session) -> Optional[Year]:
    return db.scalars(select(Year).where(Year.is_open).order_by(Year.year.desc())).first()


def create_year(db: Session, cfg: PortalConfig, kurum: Path) -> Year:
    """Register the year of ``kurum`` (a kurum.xlsx) with its departments."""
    from ..reader import read_institution

    inst, findings = read_institution(kurum)
    if inst is None or not inst.profile.year:
        reasons = "; ".join(f"{f.where()}: {f.message}" for f in findings if f.is_error) or "program yılı yok"
        raise PortalError(f"kurum.xlsx okunamadı: {reasons}")
    year = inst.profile.year
    if db.get(Year, year) is not None:
        raise PortalError(f"{year} yılı zaten var.")
    folder = cfg.year_dir(year)
    (folder / DEPARTMENTS_DIR).mkdir(parents=True, exist_ok=True)
    for target in (source_kurum(cfg, year), folder / KURUM_FILE):
        with atomic_path(target) as tmp:
            shutil.copyfile(kurum, tmp)
    for other in db.scalars(select(Year).where(Year.is_open)):
        other.is_open = False
    db.add(Year(year=year, is_open=True))
    db.flush()
    for i, d in enumerate(inst.departments):
        db.add(Department(year=year, code=d.code, name=d.name, position=i))
    db.flush()
    return db.get_one(Year, year)


def departments(db: Session, year: int) -> list[Department]:
    return list(db.scalars(select(Department).where(Department.year == year).order_by(Department.position)))


def department(db: Session, year: int, code: str) -> Optional[Department]:
    return db.scalars(select(Department).where(Department.year == year, Department.code == code)).first()


def kurum_path(cfg: PortalConfig, year: int) -> Path:
    """kurum.xlsx of the year folder the build reads (with the portal's acceptances)."""
    return cfg.year_dir(year) / KURUM_FILE


def source_kurum(cfg: PortalConfig, year: int) -> Path:
    """kurum.xlsx as the coordinator gave it; uploads are checked against it."""
    return cfg.source_dir(year) / KURUM_FILE


def sync_kurum(db: Session, cfg: PortalConfig, year: int) -> Path:
    """Write the year folder's kurum.xlsx: the given one plus the findings
    accepted in the portal as rows of its "Kabul Edilen Bulgular" sheet, so
    the build (and ``python build.py --workbooks`` on the same folder) treats
    them exactly like acceptances typed into kurum.xlsx."""
    from ..model import Acceptance
    from ..reader import read_institution
    from ..templates import write_institution

    source, target = source_kurum(cfg, year), kurum_path(cfg, year)
    accepted = list(db.scalars(select(AcceptedFinding).where(AcceptedFinding.year == year)
                               .order_by(AcceptedFinding.id)))
    if not accepted:
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        return target
    inst, _ = read_institution(source)
    if inst is None:
        raise PortalError("kurum.xlsx okunamadı; kabul edilen bulgular yazılamadı.")
    inst.acceptances = [*inst.acceptances, *(
        Acceptance(rule=a.code, reason=a.note, department=a.department_code, sheet=a.sheet, cell=a.cell,
                   accepted_by=f"{a.accepted_by} (portal)", date=a.accepted_at.strftime("%d.%m.%Y"))
        for a in accepted)]
    write_institution(inst, target)
    return target


def approved_path(cfg: PortalConfig, year: int, code: str) -> Path:
    return cfg.year_dir(year) / DEPARTMENTS_DIR / f"{year}_{code}.xlsx"


def template_file(cfg: PortalConfig, year: int, code: str) -> Path:
    """The department's pre-filled template of the year (written once, on demand)."""
    from ..reader import read_institution
    from ..templates import write_department

    opened = cfg.source_dir(year) / DEPARTMENTS_DIR / f"{year}_{code}.xlsx"
    if opened.is_file():  # written by the new-year step, with last year's activities
        return opened
    path = cfg.templates_dir(year) / f"{year}_{code}.xlsx"
    kurum = source_kurum(cfg, year)
    if not path.exists() or path.stat().st_mtime < kurum.stat().st_mtime:
        inst, _ = read_institution(kurum)
        if inst is None or inst.department(code) is None:
            raise PortalError("Bu birimin şablonu üretilemedi: kurum.xlsx okunamadı.")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_department(inst, code, path)
    return path


# --- uploads ----------------------------------------------------------------

@dataclass
class Counts:
    errors: int
    warnings: int
    accepted: int


def accepted_findings(db: Session, year: int, code: str) -> list[AcceptedFinding]:
    return list(db.scalars(select(AcceptedFinding).where(
        AcceptedFinding.year == year, AcceptedFinding.department_code == code).order_by(AcceptedFinding.id)))


def annotate(findings: list[dict], accepted: list[AcceptedFinding]) -> list[dict]:
    """Findings with ``accepted`` (the coordinator's acceptance) filled in."""
    out = []
    for f in findings:
        hit = next((a for a in accepted if a.matches(f)), None)
        mark = {"gerekce": hit.note, "kabul_eden": hit.accepted_by, "portal_id": hit.id} if hit else None
        out.append({**f, "accepted": mark or f.get("accepted") or None})  # else kurum.xlsx's own acceptance
    return out


def counts(findings: list[dict]) -> Counts:
    open_ = [f for f in findings if not f.get("accepted")]
    return Counts(errors=sum(f["severity"] == "hata" for f in open_),
                  warnings=sum(f["severity"] != "hata" for f in open_),
                  accepted=len(findings) - len(open_))


def uploads(db: Session, year: int, code: str) -> list[Upload]:
    return list(db.scalars(select(Upload).where(Upload.year == year, Upload.department_code == code)
                           .order_by(Upload.version.desc())))


def get_upload(db: Session, year: int, code: str, upload_id: int) -> Optional[Upload]:
    up = db.get(Upload, upload_id)
    if up is None or up.year != year or up.department_code != code:
        return None
    return up


def store_upload(db: Session, cfg: PortalConfig, year: int, code: str, data_path: Path, original_name: str,
                 user: Optional[User], trusted: bool = False) -> Upload:
    """Keep an uploaded file as a new version and check it.

    ``data_path`` is a temporary file; it is sniffed, checked in the worker
    and moved under a generated name into the uploads folder.
    """
    reason = sniff_xlsx(data_path)
    if reason:
        raise PortalError(f"Dosya kabul edilmedi: {reason}.")
    display = f"{year}_{code}.xlsx"
    kurum = source_kurum(cfg, year)
    if trusted:  # the demo's own sample files: checked in this process
        result = _check_here(data_path, display, kurum)
    else:
        result = run_check(data_path, display, kurum)
    if not result.ok:
        raise PortalError(f"Dosya kabul edilmedi: {result.failure}.")
    if result.department and result.department != code:
        raise PortalError(f"Dosya kabul edilmedi: bu çalışma kitabı {result.department} birimine ait "
                          f"(Birim sayfası); yalnızca {code} biriminin çalışma kitabı yüklenebilir.")
    if result.year and result.year != year:
        raise PortalError(f"Dosya kabul edilmedi: çalışma kitabı {result.year} yılına ait; açık yıl {year}.")
    digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
    stored = f"{uuid.uuid4().hex}.xlsx"
    cfg.uploads_dir.mkdir(parents=True, exist_ok=True)
    target = cfg.uploads_dir / stored
    with atomic_path(target) as tmp:
        shutil.copyfile(data_path, tmp)
    target.chmod(0o400)  # a kept version is never overwritten
    version = (db.scalar(select(func.max(Upload.version)).where(
        Upload.year == year, Upload.department_code == code)) or 0) + 1
    errors = sum(f["severity"] == "hata" for f in result.findings)
    up = Upload(year=year, department_code=code, version=version, original_name=original_name[:255],
                stored_name=stored, sha256=digest, size=target.stat().st_size,
                uploader_id=user.id if user else None,
                uploader_name=(user.full_name or user.username) if user else "örnek veri",
                prepared_by=result.prepared_by or "", error_count=errors,
                warning_count=len(result.findings) - errors,
                findings_json=json.dumps(result.findings, ensure_ascii=False))
    db.add(up)
    db.flush()
    return up


def _check_here(path: Path, display: str, kurum: Path):
    import tempfile

    from .worker import CheckResult, check_file

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / display
        shutil.copyfile(path, copy)
        data = check_file(copy, kurum)
    return CheckResult(findings=data["findings"], department=data["department"], year=data["year"],
                       prepared_by=data["prepared_by"])


def upload_file(cfg: PortalConfig, up: Upload) -> Path:
    return cfg.uploads_dir / up.stored_name


# --- workflow ---------------------------------------------------------------

def _set_state(dept: Department, state: State, user: User) -> None:
    dept.state = state.value
    dept.state_changed_at = utcnow()
    dept.state_changed_by = user.username


def submit(db: Session, cfg: PortalConfig, dept: Department, up: Upload, user: User) -> None:
    if dept.state not in (State.DRAFT.value, State.RETURNED.value):
        raise PortalError(f"Bu birimin çalışma kitabı zaten {dept.state_enum.label.lower()}; "
                          "yeniden göndermek için koordinatörün iade etmesi gerekir.")
    accepted = accepted_findings(db, dept.year, dept.code)
    if counts(annotate(up.findings, accepted)).errors:
        raise PortalError("Hatası olan bir sürüm gönderilemez; önce hataları düzeltip yeniden yükleyin.")
    dept.submitted_upload_id = up.id
    dept.note = ""
    _set_state(dept, State.SUBMITTED, user)
    audit(db, "gönderim", f"{dept.code} sürüm {up.version} gönderildi", user.username)


def return_submission(db: Session, cfg: PortalConfig, dept: Department, note: str, user: User) -> None:
    if dept.state not in (State.SUBMITTED.value, State.APPROVED.value):
        raise PortalError("Yalnızca gönderilmiş ya da onaylanmış bir çalışma kitabı iade edilebilir.")
    if not note.strip():
        raise PortalError("İade için bir açıklama yazın.")
    was = dept.state
    approved_path(cfg, dept.year, dept.code).unlink(missing_ok=True)
    dept.note = note.strip()
    _set_state(dept, State.RETURNED, user)
    audit(db, "iade", f"{dept.code} ({State(was).label.lower()} → iade edildi): {dept.note}", user.username)


def approve(db: Session, cfg: PortalConfig, dept: Department, user: User) -> None:
    if dept.state != State.SUBMITTED.value or dept.submitted_upload is None:
        raise PortalError("Yalnızca gönderilmiş bir çalışma kitabı onaylanabilir.")
    _install_approved(cfg, dept, dept.submitted_upload)
    _set_state(dept, State.APPROVED, user)
    audit(db, "onay", f"{dept.code} sürüm {dept.submitted_upload.version} onaylandı", user.username)


def _install_approved(cfg: PortalConfig, dept: Department, up: Upload) -> None:
    """Copy the approved version to the year folder the build reads."""
    with atomic_path(approved_path(cfg, dept.year, dept.code)) as tmp:
        shutil.copyfile(upload_file(cfg, up), tmp)


def accept_finding(db: Session, dept: Department, code: str, sheet: str, cell: str, note: str,
                   user: User) -> AcceptedFinding:
    if not note.strip():
        raise PortalError("Bulguyu kabul etmek için bir gerekçe yazın.")
    existing = db.scalars(select(AcceptedFinding).where(
        AcceptedFinding.year == dept.year, AcceptedFinding.department_code == dept.code,
        AcceptedFinding.code == code, AcceptedFinding.sheet == sheet, AcceptedFinding.cell == cell)).first()
    if existing is not None:
        raise PortalError("Bu bulgu zaten kabul edilmiş.")
    acc = AcceptedFinding(year=dept.year, department_code=dept.code, code=code, sheet=sheet, cell=cell,
                          note=note.strip(), accepted_by=user.username)
    db.add(acc)
    audit(db, "bulgu kabul", f"{dept.code} {code} {sheet} {cell}: {note.strip()}", user.username)
    return acc


def revoke_finding(db: Session, dept: Department, acc: AcceptedFinding, user: User) -> None:
    db.delete(acc)
    audit(db, "bulgu kabulü geri alındı", f"{dept.code} {acc.code} {acc.sheet} {acc.cell}", user.username)


def import_approved(db: Session, cfg: PortalConfig, dept: Department, path: Path, user: Optional[User]) -> Upload:
    """The demo: a sample workbook as an approved version (checked in-process)."""
    up = store_upload(db, cfg, dept.year, dept.code, path, path.name, user, trusted=True)
    dept.submitted_upload_id = up.id
    db.flush()
    _install_approved(cfg, dept, up)
    dept.state = State.APPROVED.value
    dept.state_changed_at = utcnow()
    dept.state_changed_by = "örnek veri"
    return up


# --- builds -----------------------------------------------------------------

OUTPUT_LABELS = {
    "pdf": "Program belgesi (PDF)",
    "docx": "Program belgesi (Word)",
    "rapor": "Doğrulama raporu (Excel)",
    "json": "Doğrulama raporu (JSON)",
    "birlesik": "Birleşik çalışma kitabı (Excel)",
}


class _DbReporter:
    """Progress of a build, written to its row (read by the progress page)."""

    def __init__(self, db: Session, build_id: int):
        self.db = db
        self.build_id = build_id
        self._done = 0

    def _update(self, **values) -> None:
        self.db.execute(update(Build).where(Build.id == self.build_id).values(**values))
        self.db.commit()

    def start(self, label: str, total: int) -> None:
        self._done = 0
        self._update(stage=label, done=0, total=max(total, 1))

    def advance(self, item: str = "") -> None:
        self._done += 1
        self._update(done=self._done)

    def finish(self) -> None:
        pass


_build_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}


def running_build(db: Session) -> Optional[Build]:
    return db.scalars(select(Build).where(Build.status.in_(("bekliyor", "çalışıyor")))).first()


def start_build(db: Session, factory, cfg: PortalConfig, year: int, user: User) -> Build:
    """Start a build of the approved workbooks of ``year`` in a background thread."""
    with _build_lock:
        if running_build(db) is not None:
            raise PortalError("Bir derleme zaten sürüyor; bitmesini bekleyin.")
        b = Build(year=year, started_by=user.username, status="bekliyor", stage="Sırada")
        db.add(b)
        db.flush()
        audit(db, "derleme", f"{year} derlemesi #{b.id} başlatıldı", user.username)
        db.commit()
        t = threading.Thread(target=_run_build, args=(factory, cfg, b.id), name=f"derleme-{b.id}", daemon=True)
        _threads[b.id] = t
        t.start()
    return b


def wait_for_build(build_id: int, timeout: float = 300) -> None:
    t = _threads.get(build_id)
    if t is not None:
        t.join(timeout)


def _run_build(factory, cfg: PortalConfig, build_id: int) -> None:
    from ..pipeline import BuildConfig, build

    db = factory()
    reporter = _DbReporter(db, build_id)
    try:
        b = db.get_one(Build, build_id)
        sync_kurum(db, cfg, b.year)
        year_dir = cfg.year_dir(b.year)
        out = cfg.build_dir(build_id)
        n = len(list((year_dir / DEPARTMENTS_DIR).glob("*.xlsx")))
        b.status, b.department_count = "çalışıyor", n
        db.commit()
        try:
            result = build(BuildConfig(workbooks=year_dir, out=out, pdf=cfg.build_pdf), reporter)
        except Exception as exc:  # the build's own Turkish errors (DocumentError, OSError ...)
            b.status, b.message = "başarısız", f"Derleme tamamlanamadı: {exc}"
        else:
            b.error_count = len(result.errors)
            b.warning_count = len(result.findings) - b.error_count
            b.outputs_json = json.dumps({k: str(Path(v).relative_to(out)) for k, v in result.outputs.items()},
                                        ensure_ascii=False)
            if result.program is None:
                b.status, b.message = "başarısız", "kurum.xlsx okunamadığı için program oluşturulamadı."
            else:
                b.status = "tamamlandı"
                b.message = ("Hatalar olduğu için belge TASLAK olarak işaretlendi." if result.errors else "")
                if cfg.build_pdf and "pdf" not in result.outputs:
                    b.message = (b.message + " PDF üretilemedi (LibreOffice yok).").strip()
        b.stage, b.finished_at = "", utcnow()
        db.commit()
        audit(db, "derleme", f"{b.year} derlemesi #{b.id}: {b.status}", b.started_by)
        db.commit()
    finally:
        db.close()
        factory.remove()


def fail_stale_builds(db: Session) -> None:
    """Builds that were running when the server stopped will never finish."""
    for b in db.scalars(select(Build).where(Build.status.in_(("bekliyor", "çalışıyor")))):
        b.status, b.message, b.finished_at = "başarısız", "Sunucu derleme sürerken durduruldu.", utcnow()
    db.commit()


def build_output(cfg: PortalConfig, b: Build, kind: str) -> Optional[Path]:
    rel = b.outputs.get(kind)
    if not rel:
        return None
    path = (cfg.build_dir(b.id) / rel).resolve()
    if cfg.build_dir(b.id).resolve() not in path.parents or not path.is_file():
        return None
    return path


def last_upload_times(db: Session, year: int) -> dict[str, dt.datetime]:
    rows = db.execute(select(Upload.department_code, func.max(Upload.uploaded_at))
                      .where(Upload.year == year).group_by(Upload.department_code))
    return {code: at for code, at in rows}

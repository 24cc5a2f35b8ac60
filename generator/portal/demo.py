"""The demo year: on a fresh data directory the portal opens the year after the
sample (workbooks/2024 → 2025) with the generator's new-year step (plan
carried over, each department's template pre-filled with last year's
activities), and creates one account per role whose passwords are printed
once. ``with_sample=True`` instead registers the sample year itself with every
sample department approved except the demo department's (screenshots)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy.orm import Session

from ..pipeline import DEPARTMENTS_DIR, KURUM_FILE, default_workbooks, department_files
from . import services as svc
from .accounts import create_user, generate_password
from .config import ROOT, PortalConfig

DEMO_DEPARTMENT = "D7-FDB"  # left without an upload, for trying the department's side


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    department: Optional[str] = None


def sample_folder() -> Optional[Path]:
    return default_workbooks(ROOT / "workbooks")


def setup_demo(db: Session, cfg: PortalConfig, folder: Optional[Path] = None,
               passwords: Optional[dict[str, str]] = None, progress=print,
               with_sample: bool = False) -> list[DemoAccount]:
    """Create the demo year from ``folder`` (default: the newest sample year)."""
    folder = folder or sample_folder()
    if folder is None or not (folder / KURUM_FILE).exists():
        raise svc.PortalError("Örnek yıl klasörü (workbooks/<yıl>/kurum.xlsx) bulunamadı.")
    if with_sample:
        year = svc.create_year(db, cfg, folder / KURUM_FILE)
        depts = {d.code: d for d in svc.departments(db, year.year)}
        files = department_files(folder / DEPARTMENTS_DIR)
        progress(f"Örnek {year.year} yılı hazırlanıyor: {len(files)} birim çalışma kitabı denetleniyor…")
        for path in files:
            code = path.stem.split("_", 1)[-1]
            if code in depts and code != DEMO_DEPARTMENT:
                svc.import_approved(db, cfg, depts[code], path, None)
    else:
        from ..newyear import NewYearError, open_new_year
        from ..reader import read_institution

        inst, _ = read_institution(folder / KURUM_FILE)
        if inst is None or not inst.profile.year:
            raise svc.PortalError(f"{folder / KURUM_FILE} okunamadı.")
        new = inst.profile.year + 1
        progress(f"Örnek {inst.profile.year} yılından {new} program yılı açılıyor (şablonlar hazırlanıyor)…")
        try:  # the new year's kurum.xlsx and templates go to the portal's source folder of that year
            result = open_new_year(new, cfg.source_dir(new).parent, source=folder)
        except NewYearError as exc:
            raise svc.PortalError(str(exc)) from None
        year = svc.create_year(db, cfg, result.kurum)
        depts = {d.code: d for d in svc.departments(db, year.year)}
    passwords = passwords or {}
    demo_dept = DEMO_DEPARTMENT if DEMO_DEPARTMENT in depts else next(iter(depts))
    other_dept = next(c for c in depts if c != demo_dept)
    specs = [
        ("koordinator", "Strateji Geliştirme (demo)", "koordinator", None),
        ("izleyici", "Meclis üyesi (demo)", "izleyici", None),
        ("birim." + _slug(demo_dept), f"{depts[demo_dept].name} (demo)", "birim", demo_dept),
        ("birim." + _slug(other_dept), f"{depts[other_dept].name} (demo)", "birim", other_dept),
    ]
    accounts = []
    for username, name, role, dept in specs:
        pw = passwords.get(username) or generate_password()
        create_user(db, username, name, role, pw, dept, by="kurulum")
        accounts.append(DemoAccount(username, pw, role, dept))
    db.commit()
    return accounts


def _slug(code: str) -> str:
    from ..turkish import lower

    text = lower(code.split("-", 1)[-1])
    return text.translate(str.maketrans("çğıöşüâîû", "cgiosuaiu"))

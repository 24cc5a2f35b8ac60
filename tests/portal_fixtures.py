"""Shared helpers of the portal tests: an app on a temporary data directory
with the sample year's kurum.xlsx, and logged-in test clients."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.portal import create_app
from generator.portal import services as svc
from generator.portal.accounts import create_user
from generator.portal.config import PortalConfig

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "2024"
PASSWORD = "deneme-parola-1"
DEPT_A = "D7-FDB"
DEPT_B = "D1-BHM"
USERS = {  # username: (role, department)
    "koord": ("koordinator", None),
    "izle": ("izleyici", None),
    "birim.a": ("birim", DEPT_A),
    "birim.b": ("birim", DEPT_B),
}


def make_portal(tmp_path: Path, **cfg_kwargs):
    """An app with the 2024 sample year open and one account per role."""
    cfg_kwargs.setdefault("build_pdf", False)
    # real argon2id, at a lower cost than in production to keep the suite fast
    cfg = PortalConfig(data_dir=tmp_path / "veri", testing=True, argon2_time_cost=1, argon2_memory_kib=8192,
                       **cfg_kwargs)
    app = create_app(cfg)
    factory = app.extensions["portal_db"]
    db = factory()
    svc.create_year(db, cfg, SAMPLE / "kurum.xlsx")
    for username, (role, dept) in USERS.items():
        create_user(db, username, username.title(), role, PASSWORD, dept)
    db.commit()
    factory.remove()
    return app, cfg


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def login(app, username: str, password: str = PASSWORD, token: bool = True):
    client = app.test_client()
    page = client.get("/giris").get_data(as_text=True)
    resp = client.post("/giris", data={"username": username, "password": password, "csrf_token": csrf(page)})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    if token:  # a form page of the logged-in session carries its CSRF token
        client.portal_csrf = csrf(client.get("/parola").get_data(as_text=True))
    return client


def sample_workbook(code: str) -> Path:
    return SAMPLE / "birimler" / f"2024_{code}.xlsx"


def copy_to(tmp_path: Path, src: Path, name: str) -> Path:
    dst = tmp_path / name
    shutil.copyfile(src, dst)
    return dst


def fill_badly(template: Path, out: Path) -> Path:
    """The downloaded template as a hurried user fills it: text in a number cell,
    one amount, the indicator targets left empty."""
    import openpyxl

    wb = openpyxl.load_workbook(template)
    sheet = wb["Birim"]
    assert sheet["A9"].value == "Personel Gideri (TL)" and sheet["A10"].value == "Genel Yönetim Gideri (TL)"
    sheet["B9"] = "yüz milyon"
    sheet["B10"] = 5_000_000
    wb.save(out)
    return out

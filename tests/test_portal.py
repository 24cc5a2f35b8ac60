"""Web portal through Flask's test client: every route, every role, the
workflow, uploads (sniffing, limits, worker), CSRF, sessions, the audit log."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from generator.portal import services as svc
from generator.portal.models import AuditEntry, Build, Department, Upload, User

from .portal_fixtures import DEPT_A, DEPT_B, PASSWORD, ROOT, csrf, fill_badly, login, make_portal, sample_workbook


@pytest.fixture()
def portal(tmp_path):
    app, cfg = make_portal(tmp_path)
    return app, cfg


def _db(app):
    return app.extensions["portal_db"]()


def _upload(client, code: str, path: Path, name: str | None = None):
    with open(path, "rb") as fh:
        return client.post(f"/birim/{code}/yukle", data={
            "csrf_token": client.portal_csrf, "dosya": (io.BytesIO(fh.read()), name or path.name)},
            content_type="multipart/form-data")


def _post(client, url: str, **data):
    return client.post(url, data={"csrf_token": client.portal_csrf, **data})


def _audit_actions(app) -> list[str]:
    return [e.action for e in _db(app).scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- login, sessions, CSRF -----------------------------------------------------

def test_anonymous_is_sent_to_login_from_every_page(portal):
    app, _ = portal
    client = app.test_client()
    for url in ("/", "/panel", f"/birim/{DEPT_A}", f"/birim/{DEPT_A}/sablon", "/derleme", "/hesaplar",
                "/denetim", "/parola", "/derleme/1", f"/birim/{DEPT_A}/surum/1"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/giris" in resp.headers["Location"], url


def test_login_page_is_turkish_and_wrong_password_is_refused_and_logged(portal):
    app, _ = portal
    client = app.test_client()
    page = client.get("/giris").get_data(as_text=True)
    assert '<html lang="tr">' in page and "Kullanıcı adı" in page and "Parola" in page
    resp = client.post("/giris", data={"username": "koord", "password": "yanlis-parola-9", "csrf_token": csrf(page)})
    assert resp.status_code == 200
    assert "Kullanıcı adı ya da parola yanlış." in resp.get_data(as_text=True)
    entries = list(_db(app).scalars(select(AuditEntry).where(AuditEntry.action == "giriş")))
    assert [(e.username, e.detail) for e in entries] == [("koord", "başarısız")]


def test_login_without_csrf_token_is_refused(portal):
    app, _ = portal
    resp = app.test_client().post("/giris", data={"username": "koord", "password": PASSWORD})
    assert resp.status_code == 400
    assert "Form süresi doldu" in resp.get_data(as_text=True)


def test_every_post_route_requires_the_csrf_token(portal):
    app, _ = portal
    client = login(app, "koord")
    for url in ("/cikis", f"/birim/{DEPT_A}/yukle", f"/birim/{DEPT_A}/surum/1/gonder", f"/birim/{DEPT_A}/iade",
                f"/birim/{DEPT_A}/onayla", f"/birim/{DEPT_A}/bulgu-kabul", f"/birim/{DEPT_A}/bulgu-kabul/1/geri-al",
                "/derleme/baslat", "/hesaplar", "/hesaplar/1/durum", "/parola"):
        assert client.post(url, data={}).status_code == 400, url


def test_passwords_are_argon2_hashes(portal):
    app, _ = portal
    user = _db(app).scalars(select(User).where(User.username == "koord")).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_is_rate_limited_per_user_name(portal):
    app, _ = portal
    client = app.test_client()
    token = csrf(client.get("/giris").get_data(as_text=True))
    codes = [client.post("/giris", data={"username": "koord", "password": f"yanlis-{i}",
                                         "csrf_token": token}).status_code for i in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    # even the right password is refused while the limit lasts
    resp = client.post("/giris", data={"username": "koord", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 429 and "Çok fazla deneme" in resp.get_data(as_text=True)


def test_logout_invalidates_a_copied_session_cookie(portal):
    app, _ = portal
    client = login(app, "koord")
    cookie = client.get_cookie("portal_oturum").value
    assert _post(client, "/cikis").status_code == 302
    thief = app.test_client()
    thief.set_cookie("portal_oturum", cookie)
    assert thief.get("/panel").status_code == 302


def test_session_expires_when_idle(tmp_path):
    import datetime as dt

    app, _ = make_portal(tmp_path, session_idle=dt.timedelta(seconds=0))
    client = login(app, "koord", token=False)
    resp = client.get("/panel")
    assert resp.status_code == 302 and "/giris" in resp.headers["Location"]
    assert "süresi doldu" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_disabled_account_cannot_log_in(portal):
    app, _ = portal
    coord = login(app, "koord")
    victim = login(app, "izle")
    uid = _db(app).scalars(select(User.id).where(User.username == "izle")).one()
    assert _post(coord, f"/hesaplar/{uid}/durum").status_code == 302
    assert victim.get("/panel").status_code == 302  # its session ended
    client = app.test_client()
    token = csrf(client.get("/giris").get_data(as_text=True))
    resp = client.post("/giris", data={"username": "izle", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 200


def test_open_redirect_after_login_is_ignored(portal):
    app, _ = portal
    client = app.test_client()
    token = csrf(client.get("/giris").get_data(as_text=True))
    resp = client.post("/giris?next=//evil.example/x", data={"username": "koord", "password": PASSWORD,
                                                              "csrf_token": token})
    assert resp.headers["Location"] == "/"


# --- permissions: every route, every role ------------------------------------------

@pytest.fixture()
def populated(portal, tmp_path):
    """Department B has an uploaded, submitted version and an accepted finding; a build exists."""
    app, cfg = portal
    db = _db(app)
    dept_b = svc.department(db, 2024, DEPT_B)
    coord = db.scalars(select(User).where(User.username == "koord")).one()
    up = svc.store_upload(db, cfg, 2024, DEPT_B, sample_workbook(DEPT_B), "b.xlsx", None, trusted=True)
    svc.accept_finding(db, dept_b, "ZZZ-01", "Birim", "B9", "test", coord)
    db.add(Build(year=2024, started_by="koord", status="tamamlandı", outputs_json="{}"))
    db.commit()
    acc_id = svc.accepted_findings(db, 2024, DEPT_B)[0].id
    return app, cfg, up.id, acc_id


GET_ROUTES = [  # url template, expected status per user (koord, izle, birim.a, birim.b)
    ("/", (302, 302, 302, 302)),
    ("/panel", (200, 200, 403, 403)),
    ("/birim/{B}", (200, 200, 403, 200)),
    ("/birim/{B}/sablon", (200, 403, 403, 200)),
    ("/birim/{B}/surum/{up}", (200, 200, 403, 200)),
    ("/birim/{B}/surum/{up}/indir", (200, 200, 403, 200)),
    ("/birim/{A}/surum/{up}", (404, 404, 404, 403)),  # B's version under A's address
    ("/birim/{A}/surum/{up}/indir", (404, 404, 404, 403)),
    ("/derleme", (200, 200, 403, 403)),
    ("/derleme/{build}", (200, 200, 403, 403)),
    ("/derleme/{build}/durum", (200, 200, 403, 403)),
    ("/derleme/{build}/indir/pdf", (404, 404, 403, 403)),
    ("/hesaplar", (200, 403, 403, 403)),
    ("/denetim", (200, 403, 403, 403)),
    ("/parola", (200, 200, 200, 200)),
]
USER_ORDER = ("koord", "izle", "birim.a", "birim.b")


@pytest.mark.parametrize("url,expected", GET_ROUTES, ids=[r[0] for r in GET_ROUTES])
def test_get_routes_by_role(populated, url, expected):
    app, _, up_id, _ = populated
    url = url.format(A=DEPT_A, B=DEPT_B, up=up_id, build=1)
    for username, status in zip(USER_ORDER, expected):
        assert login(app, username).get(url).status_code == status, (url, username)


POST_ROUTES = [  # state-changing routes on department B; who may: (koord, izle, birim.a, birim.b)
    ("/birim/{B}/yukle", (True, False, False, True)),
    ("/birim/{B}/surum/{up}/gonder", (True, False, False, True)),
    ("/birim/{B}/iade", (True, False, False, False)),
    ("/birim/{B}/onayla", (True, False, False, False)),
    ("/birim/{B}/bulgu-kabul", (True, False, False, False)),
    ("/birim/{B}/bulgu-kabul/{acc}/geri-al", (True, False, False, False)),
    ("/derleme/baslat", (True, False, False, False)),
    ("/hesaplar", (True, False, False, False)),
    ("/hesaplar/1/durum", (True, False, False, False)),
]


@pytest.mark.parametrize("url,allowed", POST_ROUTES, ids=[r[0] for r in POST_ROUTES])
def test_post_routes_by_role(populated, url, allowed, monkeypatch):
    app, _, up_id, acc_id = populated
    monkeypatch.setattr(svc, "start_build", lambda *a, **k: (_ for _ in ()).throw(svc.PortalError("test")))
    url = url.format(B=DEPT_B, up=up_id, acc=acc_id)
    for username, ok in zip(USER_ORDER, allowed):
        status = _post(login(app, username), url).status_code
        assert (status == 403) is (not ok), (url, username, status)


def test_department_user_cannot_touch_another_department_at_all(populated):
    """birim.a against every department-B route, including with A's own address and B's ids."""
    app, cfg, up_id, acc_id = populated
    client = login(app, "birim.a")
    db = _db(app)
    before = (db.scalars(select(Department).where(Department.code == DEPT_B)).one().state,
              len(svc.uploads(db, 2024, DEPT_B)), len(svc.accepted_findings(db, 2024, DEPT_B)))
    for url in (f"/birim/{DEPT_B}", f"/birim/{DEPT_B}/sablon", f"/birim/{DEPT_B}/surum/{up_id}",
                f"/birim/{DEPT_B}/surum/{up_id}/indir"):
        resp = client.get(url)
        assert resp.status_code == 403 and b"PK" not in resp.data[:2], url
    for url in (f"/birim/{DEPT_A}/surum/{up_id}", f"/birim/{DEPT_A}/surum/{up_id}/indir"):
        assert client.get(url).status_code == 404, url
    assert _upload(client, DEPT_B, sample_workbook(DEPT_B)).status_code == 403
    assert _post(client, f"/birim/{DEPT_B}/surum/{up_id}/gonder").status_code == 403
    assert _post(client, f"/birim/{DEPT_A}/surum/{up_id}/gonder").status_code == 404
    # uploading B's workbook into A's own department is refused by its content
    resp = _upload(client, DEPT_A, sample_workbook(DEPT_B))
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"bu çalışma kitabı {DEPT_B} birimine ait" in page
    db = _db(app)
    after = (db.scalars(select(Department).where(Department.code == DEPT_B)).one().state,
             len(svc.uploads(db, 2024, DEPT_B)), len(svc.accepted_findings(db, 2024, DEPT_B)))
    assert after == before and svc.uploads(db, 2024, DEPT_A) == []
    # the dashboard and build outputs (which hold every department) are closed to it
    assert client.get("/panel").status_code == 403
    assert client.get("/derleme/1/indir/json").status_code == 403


def test_department_page_does_not_list_other_departments(populated):
    app, *_ = populated
    page = login(app, "birim.a").get(f"/birim/{DEPT_A}").get_data(as_text=True)
    assert DEPT_A in page and DEPT_B not in page


# --- uploads ------------------------------------------------------------------

def test_template_download_is_the_departments_prefilled_workbook(portal, tmp_path):
    from generator.reader import read_department

    app, _ = portal
    resp = login(app, "birim.a").get(f"/birim/{DEPT_A}/sablon")
    assert resp.status_code == 200
    assert f"2024_{DEPT_A}.xlsx" in resp.headers["Content-Disposition"]
    path = tmp_path / "sablon.xlsx"
    path.write_bytes(resp.data)
    sub, _ = read_department(path)
    assert sub.department == DEPT_A and sub.year == 2024
    assert sub.indicators  # pre-filled with the plan's indicators of its targets


def test_upload_with_errors_shows_findings_with_sheet_and_cell(portal, tmp_path):
    app, cfg = portal
    client = login(app, "birim.a")
    blank = tmp_path / "bos.xlsx"
    blank.write_bytes(client.get(f"/birim/{DEPT_A}/sablon").data)
    template = fill_badly(blank, tmp_path / "dolu.xlsx")
    resp = _upload(client, DEPT_A, template, "bos.xlsx")
    assert resp.status_code == 302 and "/surum/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Sürüm 1 — denetim bulguları" in page
    assert re.search(r"<td>Birim</td>\s*<td><code>B9</code></td>", page)
    assert "&#34;Personel Gideri (TL)&#34; sayı olmalı; yazılan değer: &#34;yüz milyon&#34;." in page
    assert re.search(r"<td>Göstergeler</td>\s*<td><code>E4</code></td>", page)
    assert "Bu sürümde" in page and "hata var" in page  # no submit button
    up = _db(app).scalars(select(Upload)).one()
    assert up.error_count > 0 and up.sha256 == hashlib.sha256(template.read_bytes()).hexdigest()
    assert up.uploader_name == "Birim.A" and up.original_name == "bos.xlsx"
    # submitting a version with errors is refused
    _post(client, f"/birim/{DEPT_A}/surum/{up.id}/gonder")
    assert _db(app).scalars(select(Department).where(Department.code == DEPT_A)).one().state == "taslak"


def test_every_version_is_kept_under_a_generated_name_outside_served_paths(portal, tmp_path):
    app, cfg = portal
    client = login(app, "birim.a")
    template = tmp_path / "bos.xlsx"
    template.write_bytes(client.get(f"/birim/{DEPT_A}/sablon").data)
    _upload(client, DEPT_A, template, "../../etc/passwd.xlsx")
    _upload(client, DEPT_A, sample_workbook(DEPT_A))
    ups = svc.uploads(_db(app), 2024, DEPT_A)
    assert [u.version for u in ups] == [2, 1]
    assert ups[1].original_name == "passwd.xlsx"
    for u in ups:
        stored = cfg.uploads_dir / u.stored_name
        assert re.fullmatch(r"[0-9a-f]{32}\.xlsx", u.stored_name)
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == u.sha256
        assert not (stored.stat().st_mode & 0o222)  # read-only: never overwritten
    assert Path(app.static_folder).resolve() not in cfg.uploads_dir.resolve().parents
    assert client.get(f"/static/../veri/yuklemeler/{ups[0].stored_name}").status_code == 404
    page = client.get(f"/birim/{DEPT_A}").get_data(as_text=True)
    assert ups[0].sha256[:16] in page and ups[1].sha256[:16] in page
    # the download is the exact bytes of that version
    assert client.get(f"/birim/{DEPT_A}/surum/{ups[1].id}/indir").data == template.read_bytes()


def _fake_xlsx(tmp_path: Path, content_type: str) -> Path:
    path = tmp_path / "sahte.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    f'<Override PartName="/xl/workbook.xml" ContentType="{content_type}"/></Types>')
    return path


@pytest.mark.parametrize("kind,message", [
    ("text", "bir Excel çalışma kitabı (.xlsx) değil"),
    ("xls", "eski Excel (.xls)"),
    ("docx", "bir Excel çalışma kitabı (.xlsx) değil"),
    ("xlsm", "makro içeren"),
    ("zip", "içerik türleri yok"),
])
def test_uploads_that_are_not_real_xlsx_are_refused(portal, tmp_path, kind, message):
    app, cfg = portal
    client = login(app, "birim.a")
    if kind == "text":
        path = tmp_path / "a.xlsx"
        path.write_text("Hedef;Tutar\n")
    elif kind == "xls":
        path = tmp_path / "a.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif kind == "docx":
        path = _fake_xlsx(tmp_path, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    elif kind == "xlsm":
        path = _fake_xlsx(tmp_path, "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    else:
        path = tmp_path / "a.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("x.txt", "x")
    resp = _upload(client, DEPT_A, path)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Dosya kabul edilmedi" in page and message in page
    assert svc.uploads(_db(app), 2024, DEPT_A) == []
    assert list(cfg.uploads_dir.iterdir()) == []
    assert "yükleme reddedildi" in _audit_actions(app)


def test_upload_size_is_limited(tmp_path):
    app, _ = make_portal(tmp_path, max_upload_bytes=50_000)
    client = login(app, "birim.a")
    resp = client.post(f"/birim/{DEPT_A}/yukle", data={
        "csrf_token": client.portal_csrf, "dosya": (io.BytesIO(b"PK\x03\x04" + b"0" * 60_000), "b.xlsx")},
        content_type="multipart/form-data")
    assert resp.status_code == 413 and "Dosya çok büyük" in resp.get_data(as_text=True)


def test_worker_enforces_time_and_memory_limits(tmp_path):
    from generator.portal.worker import run_check

    wb = sample_workbook(DEPT_A)
    assert run_check(wb, "x.xlsx", None, memory=24 * 1024 * 1024).failure == "dosyanın denetimi bellek sınırını aştı"
    assert run_check(wb, "x.xlsx", None, cpu=10, wall=60).ok  # a normal check fits in the CPU limit
    result = run_check(wb, "x.xlsx", None, wall=0)
    assert result.failure == "dosyanın denetimi zaman sınırını aştı"


def test_worker_limits_are_set_in_the_child(monkeypatch):
    """resource.setrlimit is applied by the child (preexec_fn), not in the portal process."""
    import resource
    import subprocess

    from generator.portal import worker

    seen = {}

    def fake_run(cmd, **kw):
        kw["preexec_fn"]()
        seen["cpu"] = resource.getrlimit(resource.RLIMIT_CPU)
        raise subprocess.TimeoutExpired(cmd, 1)

    before = resource.getrlimit(resource.RLIMIT_CPU)
    monkeypatch.setattr(worker.resource, "setrlimit", lambda k, v: seen.setdefault(k, v))
    monkeypatch.setattr(worker.subprocess, "run", fake_run)
    worker.run_check(sample_workbook(DEPT_A), "x.xlsx", None, cpu=7, memory=123456789)
    assert seen[resource.RLIMIT_CPU] == (7, 7) and seen[resource.RLIMIT_AS] == (123456789, 123456789)
    assert resource.getrlimit(resource.RLIMIT_CPU) == before


# --- workflow -----------------------------------------------------------------

def _state(app, code=DEPT_A) -> Department:
    return _db(app).scalars(select(Department).where(Department.code == code)).one()


def test_workflow_submit_return_resubmit_approve(portal, tmp_path):
    app, cfg = portal
    dept = login(app, "birim.a")
    coord = login(app, "koord")
    _upload(dept, DEPT_A, sample_workbook(DEPT_A))
    up = svc.uploads(_db(app), 2024, DEPT_A)[0]
    assert up.error_count == 0
    # coordinator cannot approve a draft
    _post(coord, f"/birim/{DEPT_A}/onayla")
    assert _state(app).state == "taslak"
    _post(dept, f"/birim/{DEPT_A}/surum/{up.id}/gonder")
    assert _state(app).state == "gönderildi" and _state(app).submitted_upload_id == up.id
    # after submitting, the department can neither resubmit nor pull it back
    resp = _post(dept, f"/birim/{DEPT_A}/surum/{up.id}/gonder")
    assert "koordinatörün iade etmesi gerekir" in dept.get(resp.headers["Location"]).get_data(as_text=True)
    assert _post(dept, f"/birim/{DEPT_A}/iade", note="geri").status_code == 403
    # a return needs a note, which the department then sees
    _post(coord, f"/birim/{DEPT_A}/iade", note="")
    assert _state(app).state == "gönderildi"
    _post(coord, f"/birim/{DEPT_A}/iade", note="H7.1 faaliyet açıklamalarını tamamlayın.")
    assert _state(app).state == "iade edildi"
    page = dept.get(f"/birim/{DEPT_A}").get_data(as_text=True)
    assert "Koordinatörün notu" in page and "H7.1 faaliyet açıklamalarını tamamlayın." in page
    _post(dept, f"/birim/{DEPT_A}/surum/{up.id}/gonder")
    _post(coord, f"/birim/{DEPT_A}/onayla")
    assert _state(app).state == "onaylandı"
    approved = cfg.year_dir(2024) / "birimler" / f"2024_{DEPT_A}.xlsx"
    assert approved.read_bytes() == sample_workbook(DEPT_A).read_bytes()
    # returning an approved workbook takes it out of the build's folder
    _post(coord, f"/birim/{DEPT_A}/iade", note="yeniden bakın")
    assert not approved.exists()
    actions = _audit_actions(app)
    for action in ("yükleme", "gönderim", "iade", "onay"):
        assert action in actions


def test_accepted_finding_unblocks_submission(portal, tmp_path):
    app, cfg = portal
    dept = login(app, "birim.a")
    coord = login(app, "koord")
    blank = tmp_path / "bos.xlsx"
    blank.write_bytes(dept.get(f"/birim/{DEPT_A}/sablon").data)
    _upload(dept, DEPT_A, fill_badly(blank, tmp_path / "dolu.xlsx"))
    up = svc.uploads(_db(app), 2024, DEPT_A)[0]
    errors = [f for f in up.findings if f["severity"] == "hata"]
    for f in errors:
        _post(coord, f"/birim/{DEPT_A}/bulgu-kabul", code=f["code"], sheet=f["sheet"], cell=f["cell"],
              note="Bu yıl gösterge değeri yok")
    page = dept.get(f"/birim/{DEPT_A}/surum/{up.id}").get_data(as_text=True)
    assert "Koordinatör kabul etti: Bu yıl gösterge değeri yok" in page
    _post(dept, f"/birim/{DEPT_A}/surum/{up.id}/gonder")
    assert _state(app).state == "gönderildi"
    # the dashboard counts the accepted findings apart
    panel = coord.get("/panel").get_data(as_text=True)
    assert f"{len(errors)} kabul edilen" in panel


def test_dashboard_shows_state_counts_last_upload_and_preparer(portal):
    app, cfg = portal
    db = _db(app)
    up = svc.store_upload(db, cfg, 2024, DEPT_B, sample_workbook(DEPT_B), "b.xlsx", None, trusted=True)
    db.commit()
    page = login(app, "izle").get("/panel").get_data(as_text=True)
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a href=\"/birim/{DEPT_B}\">.*?</tr>", page, re.S).group(0)
    assert "Taslak" in row and f"{up.error_count} hata" in row and up.prepared_by in row
    assert re.search(r"\d\d\.\d\d\.2\d{3} \d\d:\d\d", row)
    assert "<strong>34</strong> birim" in page
    # a viewer sees no action buttons
    assert "Derlemeyi başlat" not in login(app, "izle").get("/derleme").get_data(as_text=True)


# --- builds -----------------------------------------------------------------

def test_build_reads_only_approved_workbooks_and_serves_outputs(portal):
    app, cfg = portal
    db = _db(app)
    for code in (DEPT_A, DEPT_B):
        svc.import_approved(db, cfg, svc.department(db, 2024, code), sample_workbook(code), None)
    svc.store_upload(db, cfg, 2024, "D2-BDB", sample_workbook("D2-BDB"), "x.xlsx", None, trusted=True)  # not approved
    db.commit()
    coord = login(app, "koord")
    resp = _post(coord, "/derleme/baslat")
    assert resp.status_code == 302
    build_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    svc.wait_for_build(build_id)
    status = coord.get(f"/derleme/{build_id}/durum").get_json()
    assert status["durum"] == "tamamlandı" and status["bitti"]
    b = _db(app).get(Build, build_id)
    assert b.department_count == 2
    data = json.loads(coord.get(f"/derleme/{build_id}/indir/json").data)
    assert data["yil"] == 2024
    page = coord.get(f"/derleme/{build_id}").get_data(as_text=True)
    for label in ("Program belgesi (Word)", "Doğrulama raporu (Excel)", "Birleşik çalışma kitabı (Excel)"):
        assert label in page
    docx = coord.get(f"/derleme/{build_id}/indir/docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    assert login(app, "izle").get(f"/derleme/{build_id}/indir/docx").status_code == 200
    assert coord.get(f"/derleme/{build_id}/indir/../../portal.db").status_code == 404
    assert "derleme" in _audit_actions(app)


def test_findings_accepted_in_the_portal_are_accepted_by_the_build(portal):
    """Same meaning as kurum.xlsx "Kabul Edilen Bulgular": the year folder's
    kurum.xlsx gets the rows, and the build's report marks the findings."""
    from generator.reader import read_institution

    app, cfg = portal
    db = _db(app)
    code = "D11-GSB"  # the sample's Gençlik ve Spor: a typed "Genel Toplam" that disagrees (an error)
    up = svc.import_approved(db, cfg, svc.department(db, 2024, code), sample_workbook(code), None)
    db.commit()
    error = next(f for f in up.findings if f["severity"] == "hata")
    coord = login(app, "koord")
    _post(coord, f"/birim/{code}/bulgu-kabul", code=error["code"], sheet=error["sheet"], cell=error["cell"],
          note="Yayımlanan toplam korunuyor")
    inst, _ = read_institution(cfg.year_dir(2024) / "kurum.xlsx")
    acc = inst.acceptances[-1]
    assert (acc.rule, acc.department, acc.sheet, acc.cell, acc.reason) == (
        error["code"], code, error["sheet"], error["cell"], "Yayımlanan toplam korunuyor")
    # the coordinator's kurum.xlsx as given is kept apart, unchanged
    assert svc.source_kurum(cfg, 2024).read_bytes() == (ROOT / "workbooks/2024/kurum.xlsx").read_bytes()
    build_id = int(_post(coord, "/derleme/baslat").headers["Location"].rsplit("/", 1)[1])
    svc.wait_for_build(build_id)
    report = json.loads(coord.get(f"/derleme/{build_id}/indir/json").data)
    hits = [f for f in report["bulgular"] if (f["code"], f["sheet"], f["cell"], f["department"])
            == (error["code"], error["sheet"], error["cell"], code)]
    assert hits and all(f["accepted"]["gerekce"] == "Yayımlanan toplam korunuyor" for f in hits)
    # revoking takes the row out again
    acc_id = svc.accepted_findings(_db(app), 2024, code)[0].id
    _post(coord, f"/birim/{code}/bulgu-kabul/{acc_id}/geri-al")
    assert svc.kurum_path(cfg, 2024).read_bytes() == svc.source_kurum(cfg, 2024).read_bytes()


def test_only_one_build_at_a_time(portal):
    app, cfg = portal
    db = _db(app)
    db.add(Build(year=2024, started_by="koord", status="çalışıyor"))
    db.commit()
    coord = login(app, "koord")
    resp = _post(coord, "/derleme/baslat")
    assert "zaten sürüyor" in coord.get(resp.headers["Location"]).get_data(as_text=True)


# --- accounts ---------------------------------------------------------------

def test_coordinator_creates_accounts_in_the_portal(portal):
    app, _ = portal
    coord = login(app, "koord")
    resp = _post(coord, "/hesaplar", username="yeni.birim", full_name="Ayşe Yılmaz", role="birim",
                 department=DEPT_B, password="guclu-parola-42")
    assert resp.status_code == 302
    client = login(app, "yeni.birim", "guclu-parola-42")
    assert client.get("/").headers["Location"] == f"/birim/{DEPT_B}"
    page = _post(coord, "/hesaplar", username="zayif", full_name="X", role="izleyici",
                 password="kisa").get_data(as_text=True)
    assert "Parola en az 10 karakter olmalı." in page
    page = _post(coord, "/hesaplar", username="bb2", full_name="X", role="birim", department="",
                 password="guclu-parola-42").get_data(as_text=True)
    assert "Birim kullanıcısı için bir birim kodu verin." in page


def test_add_user_command(tmp_path, capsys, monkeypatch):
    from generator.portal.cli import main

    app, cfg = make_portal(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("komut-parola-77\n"))
    assert main(["--data", str(cfg.data_dir), "add-user", "meclis.uye", "--role", "izleyici", "--name",
                 "Meclis Üyesi", "--password-stdin"]) == 0
    assert "\"meclis.uye\" hesabı oluşturuldu (İzleyici)." in capsys.readouterr().out
    login(app, "meclis.uye", "komut-parola-77")
    monkeypatch.setattr("sys.stdin", io.StringIO("komut-parola-77\n"))
    assert main(["--data", str(cfg.data_dir), "add-user", "x.y", "--role", "birim", "--department", "YOK",
                 "--password-stdin"]) == 2
    assert "\"YOK\" kodlu birim yok." in capsys.readouterr().err


def test_command_help_is_turkish(capsys):
    from generator.portal.cli import main

    with pytest.raises(SystemExit):
        main(["add-user", "--help"])
    out = capsys.readouterr().out
    assert "Rol: koordinator, birim" in out and "Birim kodu" in out


def test_audit_page_lists_logins(portal):
    app, _ = portal
    coord = login(app, "koord")
    page = coord.get("/denetim").get_data(as_text=True)
    assert "giriş" in page and "başarılı" in page and "koord" in page


# --- schema -----------------------------------------------------------------

def test_migrations_match_the_models(tmp_path):
    """The Alembic migrations create exactly the tables the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from generator.portal import db as dbmod
    from generator.portal.models import Base

    engine = dbmod.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    dbmod.upgrade(engine)
    assert dbmod.current_revision(engine) == dbmod.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    dbmod.upgrade(engine)  # idempotent on an up-to-date database


def test_demo_opens_the_year_after_the_sample_with_new_year_templates(tmp_path):
    """scripts/serve.sh on a fresh clone: the next year opened from the sample
    by the new-year step, accounts that log in, templates with last year's activities."""
    from generator.portal import create_app
    from generator.portal.config import PortalConfig
    from generator.portal.demo import DEMO_DEPARTMENT, setup_demo
    from generator.reader import read_department

    cfg = PortalConfig(data_dir=tmp_path / "veri", testing=True, argon2_time_cost=1, argon2_memory_kib=8192)
    app = create_app(cfg)
    accounts = setup_demo(_db(app), cfg, progress=lambda _msg: None)
    assert svc.open_year(_db(app)).year == 2025
    assert len(svc.departments(_db(app), 2025)) == 34
    assert {a.role for a in accounts} == {"koordinator", "izleyici", "birim"}
    dept_user = next(a for a in accounts if a.department == DEMO_DEPARTMENT)
    client = login(app, dept_user.username, dept_user.password)
    resp = client.get(f"/birim/{DEMO_DEPARTMENT}/sablon")
    assert resp.status_code == 200 and f"2025_{DEMO_DEPARTMENT}.xlsx" in resp.headers["Content-Disposition"]
    path = tmp_path / "sablon.xlsx"
    path.write_bytes(resp.data)
    sub, _ = read_department(path)
    assert sub.year == 2025 and sub.department == DEMO_DEPARTMENT
    assert sub.activities  # carried over from 2024, amounts to be filled
    coord = next(a for a in accounts if a.role == "koordinator")
    assert login(app, coord.username, coord.password).get("/panel").status_code == 200
    # nothing sits in the folder the build reads until the coordinator approves
    assert list((cfg.year_dir(2025) / "birimler").iterdir()) == []

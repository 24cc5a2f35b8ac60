"""Routes of the portal. Every route checks the role and, for department
data, that the department is the user's own (``_department_or_403``)."""
from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import Callable

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, send_file, session, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from . import services as svc
from .accounts import create_user
from .forms import AcceptForm, LoginForm, PasswordForm, ReturnForm, UploadForm, UserForm
from .models import AcceptedFinding, AuditEntry, Build, Role, State, User, utcnow
from .security import audit, hash_password, needs_rehash, password_problem, verify_password

bp = Blueprint("portal", __name__)


def register_limits(app, limiter, cfg) -> None:
    """Login attempts are limited per address and per user name (Flask-Limiter
    checks decorated limits in the wrapper, so the registered view is replaced)."""
    view = app.view_functions["portal.login"]
    view = limiter.limit(cfg.login_limits_user, methods=["POST"],
                         key_func=lambda: "kullanici:" + (request.form.get("username") or "").strip().lower())(view)
    view = limiter.limit(cfg.login_limits, methods=["POST"])(view)
    app.view_functions["portal.login"] = view


def _ip() -> str:
    return request.remote_addr or ""


def _audit(action: str, detail: str = "") -> None:
    audit(g.db, action, detail, g.user.username if g.user else "", _ip())


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.user is None:
            if g.get("session_expired"):
                flash("Oturumunuzun süresi doldu; yeniden giriş yapın.", "uyari")
            return redirect(url_for("portal.login", next=request.path))
        return view(*args, **kwargs)
    return wrapper


def roles(*allowed: Role):
    def deco(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if g.user.role_enum not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return deco


def _year():
    y = svc.open_year(g.db)
    if y is None:
        abort(404)
    return y


def _department_or_403(code: str):
    """The department of the open year, if the user may see it."""
    if not g.user.can_see(code):
        abort(403)
    dept = svc.department(g.db, _year().year, code)
    if dept is None:
        abort(404)
    return dept


def _upload_or_404(dept, upload_id: int):
    """An uploaded version of ``dept``'s workbook."""
    up = svc.get_upload(g.db, dept.year, dept.code, upload_id)
    if up is None:
        abort(404)
    return up


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


# --- login ------------------------------------------------------------------

@bp.route("/giris", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = g.db.scalars(select(User).where(User.username == username)).first()
        ok = verify_password(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            session.clear()
            session.permanent = True
            now = utcnow()
            session.update(uid=user.id, epoch=user.session_epoch, login_at=now.timestamp(), seen=now.timestamp())
            user.last_login = now
            audit(g.db, "giriş", "başarılı", user.username, _ip())
            g.db.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("portal.index"))
        audit(g.db, "giriş", "başarısız" + ("" if user else " (kullanıcı yok)"), username, _ip())
        g.db.commit()
        flash("Kullanıcı adı ya da parola yanlış.", "hata")
    return render_template("giris.html", form=form)


@bp.route("/cikis", methods=["POST"])
@login_required
def logout():
    g.user.session_epoch += 1  # the cookie stops working even if it was copied
    _audit("çıkış")
    g.db.commit()
    session.clear()
    flash("Çıkış yapıldı.", "bilgi")
    return redirect(url_for("portal.login"))


@bp.route("/parola", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data)
        if not verify_password(g.user.password_hash, form.current.data):
            flash("Şimdiki parola yanlış.", "hata")
        elif problem:
            flash(problem, "hata")
        else:
            g.user.password_hash = hash_password(form.new.data)
            g.user.session_epoch += 1
            session["epoch"] = g.user.session_epoch
            _audit("parola", "parola değiştirildi")
            g.db.commit()
            flash("Parolanız değiştirildi.", "bilgi")
            return redirect(url_for("portal.index"))
    return render_template("parola.html", form=form)


@bp.route("/")
@login_required
def index():
    if g.user.is_department:
        return redirect(url_for("portal.department", code=g.user.department_code))
    return redirect(url_for("portal.dashboard"))


# --- coordinator and viewers -------------------------------------------------

@bp.route("/panel")
@roles(Role.COORDINATOR, Role.VIEWER)
def dashboard():
    year = _year()
    depts = svc.departments(g.db, year.year)
    last = svc.last_upload_times(g.db, year.year)
    rows = []
    for d in depts:
        ups = svc.uploads(g.db, year.year, d.code)
        shown = d.submitted_upload or (ups[0] if ups else None)
        c = svc.counts(svc.annotate(shown.findings, svc.accepted_findings(g.db, year.year, d.code))) if shown else None
        rows.append({"dept": d, "upload": shown, "counts": c, "versions": len(ups), "last": last.get(d.code)})
    totals = {s: sum(r["dept"].state == s.value for r in rows) for s in State}
    latest = g.db.scalars(select(Build).where(Build.year == year.year).order_by(Build.id.desc())).first()
    return render_template("panel.html", year=year, rows=rows, totals=totals, latest=latest)


# --- department pages ---------------------------------------------------------

@bp.route("/birim/<code>")
@login_required
def department(code: str):
    dept = _department_or_403(code)
    ups = svc.uploads(g.db, dept.year, code)
    latest = ups[0] if ups else None
    accepted = svc.accepted_findings(g.db, dept.year, code)
    findings = svc.annotate(latest.findings, accepted) if latest else []
    return render_template("birim.html", dept=dept, uploads=ups, latest=latest, findings=findings,
                           counts=svc.counts(findings) if latest else None, accepted=accepted,
                           upload_form=UploadForm(), return_form=ReturnForm(), accept_form=AcceptForm())


@bp.route("/birim/<code>/sablon")
@roles(Role.COORDINATOR, Role.DEPARTMENT)
def template(code: str):
    dept = _department_or_403(code)
    try:
        path = svc.template_file(g.cfg, dept.year, code)
    except svc.PortalError as exc:
        flash(str(exc), "hata")
        return redirect(url_for("portal.department", code=code))
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0)


@bp.route("/birim/<code>/yukle", methods=["POST"])
@roles(Role.COORDINATOR, Role.DEPARTMENT)
def upload(code: str):
    dept = _department_or_403(code)
    if not g.user.can_upload(code):
        abort(403)
    form = UploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "hata")
        return redirect(url_for("portal.department", code=code))
    storage = form.dosya.data
    name = Path(storage.filename or "dosya.xlsx").name
    tmpdir = g.cfg.data_dir / "gecici"
    tmpdir.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=tmpdir)
    os.close(fd)
    try:
        storage.save(tmp)
        up = svc.store_upload(g.db, g.cfg, dept.year, code, Path(tmp), name, g.user)
    except svc.PortalError as exc:
        _audit("yükleme reddedildi", f"{code} {name}: {exc}")
        g.db.commit()
        flash(str(exc), "hata")
        return redirect(url_for("portal.department", code=code))
    finally:
        Path(tmp).unlink(missing_ok=True)
    _audit("yükleme", f"{code} sürüm {up.version} ({name}, sha256 {up.sha256[:12]}…): "
                      f"{up.error_count} hata, {up.warning_count} uyarı")
    g.db.commit()
    return redirect(url_for("portal.version", code=code, upload_id=up.id))


@bp.route("/birim/<code>/surum/<int:upload_id>")
@login_required
def version(code: str, upload_id: int):
    dept = _department_or_403(code)
    up = _upload_or_404(dept, upload_id)
    accepted = svc.accepted_findings(g.db, dept.year, code)
    findings = svc.annotate(up.findings, accepted)
    return render_template("surum.html", dept=dept, up=up, findings=findings, counts=svc.counts(findings),
                           accept_form=AcceptForm())


@bp.route("/birim/<code>/surum/<int:upload_id>/indir")
@login_required
def version_file(code: str, upload_id: int):
    dept = _department_or_403(code)
    up = _upload_or_404(dept, upload_id)
    return send_file(svc.upload_file(g.cfg, up), as_attachment=True, max_age=0,
                     download_name=f"{dept.year}_{code}_surum{up.version}.xlsx")


@bp.route("/birim/<code>/surum/<int:upload_id>/gonder", methods=["POST"])
@roles(Role.DEPARTMENT, Role.COORDINATOR)
def submit(code: str, upload_id: int):
    dept = _department_or_403(code)
    if not g.user.can_upload(code):
        abort(403)
    up = _upload_or_404(dept, upload_id)
    return _apply(code, lambda: svc.submit(g.db, g.cfg, dept, up, g.user),
                  f"Sürüm {up.version} koordinatöre gönderildi.")


def _apply(code: str, action: Callable[[], object], success: str):
    """Run a workflow step of a department, commit it and go back to the department's page;
    a refused step (PortalError) is shown as the error instead."""
    try:
        action()
        g.db.commit()
        flash(success, "bilgi")
    except svc.PortalError as exc:
        flash(str(exc), "hata")
    return redirect(url_for("portal.department", code=code))


@bp.route("/birim/<code>/iade", methods=["POST"])
@roles(Role.COORDINATOR)
def return_(code: str):
    dept = _department_or_403(code)
    form = ReturnForm()
    if not form.validate_on_submit():
        flash("İade için bir açıklama yazın.", "hata")
        return redirect(url_for("portal.department", code=code))
    return _apply(code, lambda: svc.return_submission(g.db, g.cfg, dept, form.note.data, g.user),
                  f"{dept.name} çalışma kitabı iade edildi.")


@bp.route("/birim/<code>/onayla", methods=["POST"])
@roles(Role.COORDINATOR)
def approve(code: str):
    dept = _department_or_403(code)
    return _apply(code, lambda: svc.approve(g.db, g.cfg, dept, g.user),
                  f"{dept.name} çalışma kitabı onaylandı; derleme bu sürümü okuyacak.")


@bp.route("/birim/<code>/bulgu-kabul", methods=["POST"])
@roles(Role.COORDINATOR)
def accept(code: str):
    dept = _department_or_403(code)
    form = AcceptForm()
    back = _safe_next(request.form.get("next")) or url_for("portal.department", code=code)
    if not form.validate_on_submit():
        flash("Bulguyu kabul etmek için bir gerekçe yazın.", "hata")
        return redirect(back)
    try:
        svc.accept_finding(g.db, dept, form.code.data, form.sheet.data or "", form.cell.data or "",
                           form.note.data, g.user)
        g.db.commit()
        svc.sync_kurum(g.db, g.cfg, dept.year)
        flash(f"{form.code.data} bulgusu kabul edildi.", "bilgi")
    except svc.PortalError as exc:
        flash(str(exc), "hata")
    return redirect(back)


@bp.route("/birim/<code>/bulgu-kabul/<int:acc_id>/geri-al", methods=["POST"])
@roles(Role.COORDINATOR)
def revoke(code: str, acc_id: int):
    dept = _department_or_403(code)
    acc = g.db.get(AcceptedFinding, acc_id)
    if acc is None or acc.year != dept.year or acc.department_code != code:
        abort(404)
    svc.revoke_finding(g.db, dept, acc, g.user)
    g.db.commit()
    svc.sync_kurum(g.db, g.cfg, dept.year)
    flash(f"{acc.code} bulgusunun kabulü geri alındı.", "bilgi")
    return redirect(url_for("portal.department", code=code))


# --- builds -----------------------------------------------------------------

@bp.route("/derleme")
@roles(Role.COORDINATOR, Role.VIEWER)
def builds():
    year = _year()
    items = list(g.db.scalars(select(Build).where(Build.year == year.year).order_by(Build.id.desc()).limit(50)))
    approved = sum(d.state == State.APPROVED.value for d in svc.departments(g.db, year.year))
    return render_template("derlemeler.html", year=year, builds=items, approved=approved,
                           total=len(svc.departments(g.db, year.year)))


@bp.route("/derleme/baslat", methods=["POST"])
@roles(Role.COORDINATOR)
def build_start():
    year = _year()
    try:
        b = svc.start_build(g.db, current_factory(), g.cfg, year.year, g.user)
    except svc.PortalError as exc:
        flash(str(exc), "hata")
        return redirect(url_for("portal.builds"))
    return redirect(url_for("portal.build", build_id=b.id))


def current_factory():
    from flask import current_app

    return current_app.extensions["portal_db"]


def _build_or_404(build_id: int) -> Build:
    b = g.db.get(Build, build_id)
    if b is None:
        abort(404)
    g.db.refresh(b)
    return b


@bp.route("/derleme/<int:build_id>")
@roles(Role.COORDINATOR, Role.VIEWER)
def build(build_id: int):
    b = _build_or_404(build_id)
    outputs = [(k, label) for k, label in svc.OUTPUT_LABELS.items() if k in b.outputs]
    return render_template("derleme.html", b=b, outputs=outputs)


@bp.route("/derleme/<int:build_id>/durum")
@roles(Role.COORDINATOR, Role.VIEWER)
def build_status(build_id: int):
    b = _build_or_404(build_id)
    return jsonify(durum=b.status, asama=b.stage, tamamlanan=b.done, toplam=b.total, bitti=b.finished,
                   mesaj=b.message)


@bp.route("/derleme/<int:build_id>/indir/<kind>")
@roles(Role.COORDINATOR, Role.VIEWER)
def build_file(build_id: int, kind: str):
    b = _build_or_404(build_id)
    path = svc.build_output(g.cfg, b, kind)
    if path is None:
        abort(404)
    _audit("indirme", f"derleme #{b.id} {path.name}")
    g.db.commit()
    return send_file(path, as_attachment=True, download_name=path.name, max_age=0)


# --- accounts and audit ---------------------------------------------------------

@bp.route("/hesaplar", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def accounts():
    year = _year()
    form = UserForm()
    form.department.choices = [SelectChoice("", "—")] + [SelectChoice(d.code, f"{d.code} — {d.name}")
                                                         for d in svc.departments(g.db, year.year)]
    if form.validate_on_submit():
        try:
            user = create_user(g.db, form.username.data, form.full_name.data, form.role.data, form.password.data,
                               form.department.data or None, by=g.user.username)
            g.db.commit()
            flash(f"\"{user.username}\" hesabı oluşturuldu.", "bilgi")
            return redirect(url_for("portal.accounts"))
        except svc.PortalError as exc:
            g.db.rollback()
            flash(str(exc), "hata")
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e, "hata")
    users = list(g.db.scalars(select(User).order_by(User.role, User.username)))
    return render_template("hesaplar.html", form=form, users=users)


@bp.route("/hesaplar/<int:user_id>/durum", methods=["POST"])
@roles(Role.COORDINATOR)
def account_toggle(user_id: int):
    user = g.db.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == g.user.id:
        flash("Kendi hesabınızı kapatamazsınız.", "hata")
        return redirect(url_for("portal.accounts"))
    user.active = not user.active
    user.session_epoch += 1
    _audit("hesap", f"{user.username} {'açıldı' if user.active else 'kapatıldı'}")
    g.db.commit()
    flash(f"\"{user.username}\" hesabı {'açıldı' if user.active else 'kapatıldı'}.", "bilgi")
    return redirect(url_for("portal.accounts"))


@bp.route("/denetim")
@roles(Role.COORDINATOR)
def audit_log():
    entries = list(g.db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)))
    return render_template("denetim.html", entries=entries)

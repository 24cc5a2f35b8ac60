"""The Flask application: configuration, database session, login state, errors."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..turkish import number
from . import db as dbmod
from . import security
from .config import PortalConfig
from .models import Role, State, User, utcnow

LOCAL_TZ = ZoneInfo("Europe/Istanbul")


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return "–"
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TZ).strftime("%d.%m.%Y %H:%M")


def make_app(cfg: PortalConfig) -> Flask:
    cfg.ensure_dirs()
    security.configure(cfg.argon2_time_cost, cfg.argon2_memory_kib)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=cfg.load_secret(),
        MAX_CONTENT_LENGTH=cfg.max_upload_bytes,
        PERMANENT_SESSION_LIFETIME=cfg.session_idle,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="portal_oturum",
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        TESTING=cfg.testing,
    )
    app.extensions["portal_config"] = cfg
    engine = dbmod.make_engine(cfg.db_url)
    dbmod.upgrade(engine)
    factory = dbmod.session_factory(engine)
    app.extensions["portal_db"] = factory
    app.extensions["portal_engine"] = engine

    CSRFProtect(app)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[],
                      headers_enabled=False)
    app.extensions["portal_limiter"] = limiter

    from . import services

    with app.app_context():
        services.fail_stale_builds(factory())
        factory.remove()

    @app.teardown_appcontext
    def _remove_session(_exc):
        factory.remove()

    @app.before_request
    def _load_user():
        g.db = factory()
        g.cfg = cfg
        g.user = None
        uid = session.get("uid")
        if uid is None:
            return
        user = g.db.get(User, uid)
        now = utcnow().timestamp()
        if (user is None or not user.active or session.get("epoch") != user.session_epoch
                or now - session.get("login_at", 0) > cfg.session_absolute.total_seconds()
                or now - session.get("seen", 0) > cfg.session_idle.total_seconds()):
            session.clear()
            g.session_expired = True
            return
        session["seen"] = now
        g.user = user

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; form-action 'self'; frame-ancestors 'none'")
        if request.endpoint != "static":
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.context_processor
    def _globals():
        return {"current_user": g.get("user"), "Role": Role, "State": State}

    app.jinja_env.filters["zaman"] = local_time
    app.jinja_env.filters["sayi"] = number

    def _error(code: int, title: str, text: str):
        return render_template("hata.html", code=code, title=title, text=text), code

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        return _error(400, "Form süresi doldu", "Sayfayı yenileyip formu yeniden gönderin.")

    @app.errorhandler(403)
    def _forbidden(_e):
        return _error(403, "Erişim yok", "Bu sayfaya erişim yetkiniz yok.")

    @app.errorhandler(404)
    def _not_found(_e):
        return _error(404, "Sayfa bulunamadı", "Aradığınız sayfa ya da dosya yok.")

    @app.errorhandler(405)
    def _method(_e):
        return _error(405, "Geçersiz istek", "Bu işlem bu yolla yapılamaz.")

    @app.errorhandler(413)
    def _too_large(_e):
        mb = number(cfg.max_upload_bytes / 1024 / 1024, 0)
        return _error(413, "Dosya çok büyük", f"Yüklenen dosya en fazla {mb} MB olabilir.")

    @app.errorhandler(429)
    def _too_many(_e):
        return _error(429, "Çok fazla deneme", "Çok sayıda giriş denemesi yapıldı. Bir dakika sonra yeniden deneyin.")

    @app.errorhandler(500)
    def _server(_e):
        return _error(500, "Beklenmeyen hata", "İşlem tamamlanamadı. Sorun sürerse koordinatöre bildirin.")

    from .views import bp, register_limits

    app.register_blueprint(bp)
    register_limits(app, limiter, cfg)
    return app

"""Web portal: departments upload and check their workbooks, the coordinator
follows them and builds the program.

Flask application factory. Server-rendered Turkish pages (Jinja templates in
``templates/``, one CSS file in ``static/``), SQLite through SQLAlchemy with
Alembic migrations, argon2 password hashes, Flask-WTF CSRF tokens on every
form, Flask-Limiter on the login form.
"""
from __future__ import annotations

from typing import Optional

from .config import PortalConfig


def create_app(cfg: Optional[PortalConfig] = None):
    from .app import make_app

    return make_app(cfg or PortalConfig())

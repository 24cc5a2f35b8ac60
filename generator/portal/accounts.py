"""Accounts: created from the command line and in the portal, with the same checks."""
from __future__ import annotations

import re
import secrets
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Department, Role, User
from .security import audit, hash_password, password_problem
from .services import PortalError

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")


def generate_password() -> str:
    while True:
        pw = secrets.token_urlsafe(12)
        if password_problem(pw) is None:
            return pw


def create_user(db: Session, username: str, full_name: str, role: str, password: str,
                department: Optional[str] = None, by: str = "") -> User:
    username = username.strip()
    if not USERNAME.match(username):
        raise PortalError("Kullanıcı adı 3–64 karakter olmalı; küçük harf (a–z), rakam, nokta, tire ve "
                          "alt çizgiden oluşur.")
    try:
        role_enum = Role(role)
    except ValueError:
        raise PortalError(f"Geçersiz rol: {role} (koordinator, birim ya da izleyici).") from None
    if db.scalars(select(User).where(User.username == username)).first() is not None:
        raise PortalError(f"\"{username}\" kullanıcı adı zaten kullanılıyor.")
    problem = password_problem(password)
    if problem:
        raise PortalError(problem)
    if role_enum is Role.DEPARTMENT:
        if not department:
            raise PortalError("Birim kullanıcısı için bir birim kodu verin.")
        if db.scalars(select(Department).where(Department.code == department)).first() is None:
            raise PortalError(f"\"{department}\" kodlu birim yok.")
    else:
        department = None
    user = User(username=username, full_name=full_name.strip(), role=role_enum.value,
                password_hash=hash_password(password), department_code=department)
    db.add(user)
    db.flush()
    audit(db, "hesap", f"{username} ({role_enum.label}{', ' + department if department else ''}) oluşturuldu", by)
    return user

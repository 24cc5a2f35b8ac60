"""Password hashing (argon2id) and the audit log."""
from __future__ import annotations

from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .models import AuditEntry

_hasher = PasswordHasher()
# a real hash to verify against when the user does not exist (same timing)
_DUMMY = _hasher.hash("kullanıcı-yok")


def configure(time_cost: int, memory_kib: int) -> None:
    """Argon2id cost (the defaults of argon2-cffi in production; tests lower them)."""
    global _hasher, _DUMMY
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_kib):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _DUMMY = _hasher.hash("kullanıcı-yok")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: Optional[str], password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str) -> Optional[str]:
    """A Turkish reason why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Parola en az {MIN_PASSWORD} karakter olmalı."
    if password.isdigit() or password.isalpha():
        return "Parola harf ile birlikte rakam ya da işaret de içermeli."
    return None


def audit(db, action: str, detail: str = "", username: str = "", ip: str = "") -> None:
    db.add(AuditEntry(action=action, detail=detail, username=username, ip=ip))

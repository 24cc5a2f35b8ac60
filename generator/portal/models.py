"""Database tables of the portal (SQLAlchemy 2.0 declarative mapping).

The schema is created and upgraded by the Alembic migrations in
``migrations/versions``; :data:`Base.metadata` is only the description they
are checked against (tests compare the two).
"""
from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Role(str, enum.Enum):
    COORDINATOR = "koordinator"
    DEPARTMENT = "birim"
    VIEWER = "izleyici"

    @property
    def label(self) -> str:
        return {"koordinator": "Koordinatör", "birim": "Birim kullanıcısı", "izleyici": "İzleyici"}[self.value]


class State(str, enum.Enum):
    """Workflow state of a department's workbook for one year."""

    DRAFT = "taslak"
    SUBMITTED = "gönderildi"
    RETURNED = "iade edildi"
    APPROVED = "onaylandı"

    @property
    def label(self) -> str:
        return {"taslak": "Taslak", "gönderildi": "Gönderildi", "iade edildi": "İade edildi",
                "onaylandı": "Onaylandı"}[self.value]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[Optional[str]] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    # bumped on logout and password change: older session cookies stop working
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login: Mapped[Optional[dt.datetime]] = mapped_column(nullable=True)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR.value

    @property
    def is_viewer(self) -> bool:
        return self.role == Role.VIEWER.value

    @property
    def is_department(self) -> bool:
        return self.role == Role.DEPARTMENT.value

    def can_see(self, department_code: str) -> bool:
        """Read access to one department's workbooks and findings."""
        return not self.is_department or self.department_code == department_code

    def can_upload(self, department_code: str) -> bool:
        return self.is_coordinator or (self.is_department and self.department_code == department_code)


class Year(Base):
    __tablename__ = "years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    is_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("years.year"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value)
    # the version that was submitted (and, once approved, is the one the build reads)
    submitted_upload_id: Mapped[Optional[int]] = mapped_column(ForeignKey("uploads.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")  # coordinator's note when returned
    state_changed_at: Mapped[Optional[dt.datetime]] = mapped_column(nullable=True)
    state_changed_by: Mapped[Optional[str]] = mapped_column(String(64), nullable=True)

    submitted_upload: Mapped[Optional["Upload"]] = relationship(foreign_keys=[submitted_upload_id])

    @property
    def state_enum(self) -> State:
        return State(self.state)


class Upload(Base):
    """One uploaded version of a department workbook; never overwritten."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("years.year"))
    department_code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ... per department and year
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploader_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), nullable=True)
    uploader_name: Mapped[str] = mapped_column(String(200), default="")
    prepared_by: Mapped[str] = mapped_column(String(200), default="")  # "Hazırlayan" in the workbook
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    findings_json: Mapped[str] = mapped_column(Text, default="[]")

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.findings_json)


class AcceptedFinding(Base):
    """A finding the coordinator accepts (same meaning as "Kabul Edilen Bulgular"
    of kurum.xlsx): it is shown, but no longer blocks the department."""

    __tablename__ = "accepted_findings"
    __table_args__ = (UniqueConstraint("year", "department_code", "code", "sheet", "cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("years.year"))
    department_code: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(20))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    cell: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    accepted_by: Mapped[str] = mapped_column(String(64))
    accepted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def matches(self, f: dict) -> bool:
        return (f.get("code"), f.get("sheet", ""), f.get("cell", "")) == (self.code, self.sheet, self.cell)


class Build(Base):
    __tablename__ = "builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("years.year"))
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="bekliyor")  # bekliyor/çalışıyor/tamamlandı/başarısız
    stage: Mapped[str] = mapped_column(String(200), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    department_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    outputs_json: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def outputs(self) -> dict[str, str]:
        return json.loads(self.outputs_json)

    @property
    def finished(self) -> bool:
        return self.status in ("tamamlandı", "başarısız")


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")

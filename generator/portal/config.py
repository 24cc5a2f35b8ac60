"""Portal settings: where its data lives and the security limits."""
from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "portal-data"


@dataclass
class PortalConfig:
    data_dir: Path = DEFAULT_DATA
    database_url: Optional[str] = None  # default: SQLite file in data_dir
    secret_key: Optional[str] = None  # default: generated once, kept in data_dir/secret_key
    max_upload_bytes: int = 10 * 1024 * 1024
    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_absolute: dt.timedelta = dt.timedelta(hours=8)
    login_limits: str = "10 per minute"  # per address
    login_limits_user: str = "5 per minute"  # per user name
    argon2_time_cost: int = 3  # argon2-cffi's defaults (RFC 9106 low-memory profile)
    argon2_memory_kib: int = 65536
    testing: bool = False
    build_pdf: bool = True
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portal.db'}"

    # the layout of the data directory (nothing here is served directly)
    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "yuklemeler"

    def year_dir(self, year: int) -> Path:
        """kurum.xlsx + birimler/ (approved workbooks only): what the build reads."""
        return self.data_dir / "yillar" / str(year)

    def source_dir(self, year: int) -> Path:
        """The year's kurum.xlsx as given; the year folder's copy adds the portal's acceptances."""
        return self.data_dir / "kaynak" / str(year)

    def templates_dir(self, year: int) -> Path:
        return self.data_dir / "sablonlar" / str(year)

    def build_dir(self, build_id: int) -> Path:
        return self.data_dir / "derlemeler" / str(build_id)

    def ensure_dirs(self) -> None:
        for d in (self.data_dir, self.uploads_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)

    def load_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return path.read_text().strip()

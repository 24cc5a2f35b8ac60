"""Never write over a workbook unless told: refuse, or keep a dated backup.

Workbooks are the users' input (kurum.xlsx, the departments' files); a command
that would replace one refuses and names the files. With ``force`` each
existing file is first copied to ``yedek/`` beside it, under a name with the
date and time (``yedek/2025_D7-FDB.2025-11-26_0134.xlsx``); the backup
folder is not read by the build.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Iterable, Optional

BACKUP_DIR = "yedek"


class OverwriteRefused(Exception):
    """Some outputs exist and ``force`` was not given."""

    def __init__(self, paths: list[Path]):
        super().__init__(", ".join(str(p) for p in paths))
        self.paths = paths


def existing(paths: Iterable[Path]) -> list[Path]:
    return [p for p in paths if p.exists()]


def backup_path(path: Path, when: dt.datetime) -> Path:
    """A free name in ``yedek/`` beside ``path`` stamped with ``when``."""
    folder = path.parent / BACKUP_DIR
    stem = f"{path.stem}.{when:%Y-%m-%d_%H%M%S}"
    candidate = folder / f"{stem}{path.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{path.suffix}"
        n += 1
    return candidate


def guard(paths: Iterable[Path], force: bool, when: Optional[dt.datetime] = None) -> list[Path]:
    """Make ``paths`` safe to write: raise :class:`OverwriteRefused` when some
    exist and not ``force``; with ``force`` copy each existing one to a dated
    backup first. Returns the backups made."""
    found = existing(paths)
    if found and not force:
        raise OverwriteRefused(found)
    when = when or dt.datetime.now()
    backups = []
    for path in found:
        target = backup_path(path, when)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        backups.append(target)
    return backups

"""Outputs of one build appear together or not at all.

A build writes every output into a private staging folder inside the output
folder (same file system, so moving is a rename). When everything is written
it records the list of moves in the stage (``TAMAM``, written atomically) and
then moves the files into place; outputs of the same year that this build
did not produce (a PDF that failed, a document ``--strict`` stopped) are
removed, so no new report sits beside an old document.

If the build is killed or crashes before ``TAMAM`` exists, nothing in the
output folder has changed and the next build deletes the stage. If it is
killed while moving, the next build finishes the moves first (roll forward).
Hidden temporaries of :mod:`.atomic` and LibreOffice lock files left by a
killed build are removed too.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

STAGE_PREFIX = ".pp-hazirlik-"
CONVERT_PREFIX = "pp-donusum-"  # temporary folders of .xls/.ods conversions (generator.convert) of one run
MANIFEST = "TAMAM"
# names of the outputs a build writes for a year (the stage only ever moves these)
OUTPUT_NAMES = ("{year}_dogrulama.json", "{year}_dogrulama.xlsx", "{year}_geri_bildirim", "{year}_birlesik.xlsx",
                "{year}_performans_programi.docx", "{year}_performans_programi.pdf")
_OUTPUT = re.compile(r"\d{4}_(dogrulama\.json|dogrulama\.xlsx|birlesik\.xlsx|performans_programi\.docx|"
                     r"performans_programi\.pdf)")
# atomic_path temporaries: ".<name>.<8 random characters><suffix>"
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.(json|xlsx|docx|pdf)")
# LibreOffice lock files: ".~lock.<name>#"
_LOCK = re.compile(r"\.~lock\.(?P<name>.+)#")


def output_names(year: int) -> list[str]:
    return [n.format(year=year) for n in OUTPUT_NAMES]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stage_pid(stage: Path) -> Optional[int]:
    m = re.match(re.escape(STAGE_PREFIX) + r"(\d+)-", stage.name)
    return int(m.group(1)) if m else None


def _apply(out: Path, stage: Path) -> list[str]:
    """Carry out the moves recorded in ``stage`` (again, if a killed build began them)."""
    manifest = json.loads((stage / MANIFEST).read_text(encoding="utf-8"))
    moved = []
    for name in manifest.get("move", []):
        src, dst = stage / name, out / name
        if src.is_dir():
            # a folder output (feedback workbooks): the old folder goes into the stage, removed with it
            if dst.exists():
                os.replace(dst, stage / f".eski-{name}")
            os.replace(src, dst)
        elif src.exists():
            os.replace(src, dst)
        moved.append(name)
    for name in manifest.get("remove", []):
        _remove(out / name)
    shutil.rmtree(stage, ignore_errors=True)
    return moved


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def recover(out: Path) -> list[str]:
    """Clean what killed builds left in ``out``; returns what was done (for tests and logs)."""
    done: list[str] = []
    if not out.is_dir():
        return done
    for stage in sorted(out.glob(STAGE_PREFIX + "*")):
        pid = _stage_pid(stage)
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue  # another build is writing into this folder right now
        if (stage / MANIFEST).is_file():
            try:
                _apply(out, stage)
                done.append(f"tamamlandı: {stage.name}")
                continue
            except (OSError, ValueError):
                pass
        shutil.rmtree(stage, ignore_errors=True)
        done.append(f"silindi: {stage.name}")
    for path in out.iterdir():
        m = _TEMPORARY.fullmatch(path.name) or _LOCK.fullmatch(path.name)
        if m and _OUTPUT.fullmatch(m.group("name")) and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()
                done.append(f"silindi: {path.name}")
    return done


class Stage:
    """A private folder for the outputs of one build, swapped into ``out`` by :meth:`commit`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        recover(self.out)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=self.out))

    def path(self, name: str) -> Path:
        return self.dir / name

    def commit(self, year: int, produced: Iterable[Path]) -> dict[Path, Path]:
        """Move the produced files into ``out`` and remove this year's outputs not produced now.

        Returns {staged path: final path}."""
        names = [Path(p).name for p in produced]
        remove = [n for n in output_names(year) if n not in names]
        manifest = self.dir / MANIFEST
        tmp = self.dir / (MANIFEST + ".yaziliyor")
        tmp.write_text(json.dumps({"move": names, "remove": remove}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, manifest)
        _apply(self.out, self.dir)
        return {self.dir / n: self.out / n for n in names}

    def abort(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc) -> None:
        if self.dir.exists() and not (self.dir / MANIFEST).exists():
            self.abort()


def private_tempdir(prefix: str) -> "tempfile.TemporaryDirectory[str]":
    """A temporary folder named after this process, so a later run can tell a killed run's leftovers."""
    return tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-")


class LazyTempdir:
    """A :func:`private_tempdir` made only when first asked for (``workdir()``) and removed at the
    end of the ``with`` block: most reads convert nothing, and making and removing a folder costs a
    few milliseconds."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._dir: Optional["tempfile.TemporaryDirectory[str]"] = None

    def __call__(self) -> Path:
        if self._dir is None:
            self._dir = private_tempdir(self.prefix)
        return Path(self._dir.name)

    def __enter__(self) -> "LazyTempdir":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def clean_orphaned_tempdirs(prefixes: Iterable[str]) -> None:
    """Remove temporary folders ``<prefix><pid>-…`` whose process no longer exists (a killed run)."""
    root = Path(tempfile.gettempdir())
    for prefix in prefixes:
        for path in root.glob(prefix + "*"):
            m = re.match(re.escape(prefix) + r"(\d+)-", path.name)
            if m and not _alive(int(m.group(1))):
                shutil.rmtree(path, ignore_errors=True)

"""A small on-disk cache of what was read from a workbook, and of outputs, keyed by their content.

``python build.py check`` reads kurum.xlsx every time a department checks its
workbook; the institution does not change between those checks. The
result of reading it is kept (pickled) under the user's cache folder
(``$XDG_CACHE_HOME/performans-programi`` or ``~/.cache/performans-programi``),
named after the SHA-256 of the file's bytes and a stamp of the generator's
own source files, so an edited workbook or a changed reader is read afresh.
Only files this program wrote are unpickled; a cache that cannot be read or
written is ignored (the workbook is simply read). ``PP_NO_CACHE=1`` turns it off.

:func:`cached_bytes` keeps outputs that depend only on their inputs, such as
a department's feedback workbook (its own file and its findings): a build
run again after one department sent a new file writes only that
department's workbook anew. The key holds the inputs, the generator's code
stamp and the versions of the libraries that write the bytes, so a cached
output is the output the code would write now.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Optional, TypeVar

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent


def folder() -> Optional[Path]:
    if os.environ.get("PP_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "performans-programi"


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Changes whenever a source file of the package changes (size and time of every module)."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*.py")):
        st = p.stat()
        h.update(f"{p.relative_to(PACKAGE)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def cached(path: Path, kind: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its earlier result for a file with the same bytes."""
    where = folder()
    if where is None:
        return compute()
    try:
        data = Path(path).read_bytes()
    except OSError:
        return compute()
    key = hashlib.sha256(Path(path).name.encode() + b"\0" + data).hexdigest()[:32]  # names go into findings
    file = where / f"{kind}-{key}-{_code_stamp()}.pickle"
    try:
        with open(file, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    result = compute()
    try:
        where.mkdir(parents=True, exist_ok=True)
        for old in where.glob(f"{kind}-{key}-*.pickle"):  # results of older code for the same file
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass
    return result


KEEP = 2000  # files of one kind kept; the oldest beyond it are removed


_MODULES = {"pillow": "PIL", "python-docx": "docx"}  # distributions whose module has another name


@functools.lru_cache(maxsize=None)
def _library_stamp(libraries: tuple[str, ...]) -> bytes:
    return ";".join(f"{name}={library_version(name)}" for name in libraries).encode()


def library_version(name: str) -> str:
    """The installed version of the distribution ``name``, without importing it: the version in the
    name of its ``<name>-<version>.dist-info`` folder beside its module (what pip installs), else
    the package metadata, whose import and search cost about 40 ms in every process that keeps
    something in the cache."""
    import importlib.util
    import re

    wanted = re.sub(r"[-_.]+", "_", name).lower()
    try:
        spec = importlib.util.find_spec(_MODULES.get(name, name.replace("-", "_")))
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent
        if spec.submodule_search_locations:  # a package: its folder's parent holds the dist-info
            folder = folder.parent
        try:
            entries = os.listdir(folder)
        except OSError:
            entries = []
        for entry in entries:
            dist, _, version = entry.removesuffix(".dist-info").partition("-")
            if entry.endswith(".dist-info") and version and re.sub(r"[-_.]+", "_", dist).lower() == wanted:
                return version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as metadata_version

    try:
        return metadata_version(name)
    except PackageNotFoundError:
        return "?"


def cached_bytes(kind: str, material: Iterable[bytes], compute: Callable[[], bytes],
                 libraries: Iterable[str] = ()) -> bytes:
    """``compute()``, or the bytes it returned earlier for the same ``material`` (the inputs the
    bytes depend on) with the same code and the same versions of ``libraries``."""
    where = folder()
    if where is None:
        return compute()
    h = hashlib.sha256(_library_stamp(tuple(libraries)))
    for part in material:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    file = where / kind / f"{h.hexdigest()[:40]}-{_code_stamp()}.bin"
    try:
        data = file.read_bytes()
        os.utime(file)  # recently used: kept longest
        return data
    except OSError:
        pass
    data = compute()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-", suffix=".bin")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, file)
        _prune(file.parent)
    except OSError:
        pass
    return data


def _prune(where: Path) -> None:
    files = list(where.glob("*.bin"))
    if len(files) <= KEEP:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[:len(files) - KEEP]:
        old.unlink(missing_ok=True)

"""PDF of the program document through LibreOffice (headless).

:func:`convert_to_pdf` starts ``soffice`` with a private, throw-away user
profile, loads the .docx over a UNO pipe with a small Python-UNO script,
refreshes the fields (SEQ captions, page numbers) and updates every index
(table of contents, lists of tables and charts) twice — the first update
changes the length of the indexes and so the page numbers — and stores the
document with the ``writer_pdf_Export`` filter.

Python-UNO comes with Debian's ``python3-uno`` (the system ``python3``, not
the virtual environment). Without it the document is converted with
``soffice --convert-to pdf`` and the indexes keep the text stored in the
.docx; a Turkish warning says so. Without LibreOffice no PDF is made and
:func:`convert_to_pdf` returns ``None`` with a warning on stderr.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

from .atomic import atomic_path

DEFAULT_TIMEOUT = 600.0  # seconds for the whole conversion

# Runs under a Python that has LibreOffice's "uno" module (argv: pipe, docx, pdf, deadline, tagged).
UNO_WORKER = r'''
import sys, time
import uno
from com.sun.star.beans import PropertyValue

pipe, src, dst, deadline, tagged = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] == "1"


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
while True:
    try:
        ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        if time.time() > deadline:
            sys.stderr.write("LibreOffice'e bağlanılamadı.\n")
            sys.exit(3)
        time.sleep(0.25)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                   (pv("Hidden", True), pv("UpdateDocMode", 0)))
if doc is None:
    sys.stderr.write("Belge LibreOffice'te açılamadı.\n")
    sys.exit(4)
try:
    doc.getTextFields().refresh()
    indexes = doc.getDocumentIndexes()
    for _ in range(2):
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.getTextFields().refresh()
    sys.stdout.write("indexes=%d\n" % indexes.getCount())
    filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", (
        pv("ExportBookmarks", True), pv("UseTaggedPDF", tagged), pv("ExportNotes", False)))
    doc.storeToURL(uno.systemPathToFileUrl(dst),
                   (pv("FilterName", "writer_pdf_Export"), pv("FilterData", filter_data)))
finally:
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
'''


def _warn(message: str) -> None:
    print(f"Uyarı: {message}", file=sys.stderr)


def find_soffice() -> Optional[str]:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def find_uno_python(soffice: str) -> Optional[str]:
    """A Python interpreter that can ``import uno``: LibreOffice's own or the system's."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [program / "python", Path("/usr/bin/python3"), shutil.which("python3")]
    seen = set()
    for cand in candidates:
        if not cand or str(cand) in seen or not Path(cand).exists():
            continue
        seen.add(str(cand))
        try:
            ok = subprocess.run([str(cand), "-c", "import uno"], capture_output=True, timeout=30,
                                env=_clean_env()).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return str(cand)
    return None


def _clean_env() -> dict:
    """The environment without the virtual environment's Python settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return env


PROFILE_PREFIX = "pp-libreoffice-"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGKILL when the build process dies (even by kill -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _clean_stale_profiles() -> None:
    """Remove LibreOffice profiles of builds that were killed (their process no longer exists)."""
    import re

    root = Path(tempfile.gettempdir())
    for path in root.glob(PROFILE_PREFIX + "*"):
        m = re.match(re.escape(PROFILE_PREFIX) + r"(\d+)-", path.name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # still running
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            continue


def _stop(proc: subprocess.Popen) -> None:
    """End the soffice process group this module started."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _convert_uno(soffice: str, python: str, docx: Path, out: Path, profile: Path, timeout: float,
                 tagged: bool) -> bool:
    pipe = f"pp_{uuid.uuid4().hex}"
    deadline = time.time() + timeout
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=_clean_env(),
        preexec_fn=_die_with_parent)
    try:
        run = subprocess.run([python, "-c", UNO_WORKER, pipe, str(docx), str(out), str(deadline),
                              "1" if tagged else "0"],
                             capture_output=True, text=True, timeout=timeout, env=_clean_env(),
                             preexec_fn=_die_with_parent)
        if run.returncode != 0 or not out.exists():
            _warn("LibreOffice PDF dönüştürmesi başarısız oldu: "
                  + (run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"çıkış kodu {run.returncode}"))
            return False
        return True
    finally:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        _stop(proc)


def _convert_plain(soffice: str, docx: Path, outdir: Path, profile: Path, timeout: float) -> Optional[Path]:
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
         "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), str(docx)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=_clean_env(),
        preexec_fn=_die_with_parent)
    try:
        proc.wait(timeout=timeout)
    finally:
        _stop(proc)
    out = outdir / (docx.stem + ".pdf")
    return out if out.exists() else None


def convert_to_pdf(docx: Path, pdf: Path, timeout: float = DEFAULT_TIMEOUT, tagged: bool = False) -> Optional[Path]:
    """Convert ``docx`` to ``pdf`` (written atomically); ``None`` if it cannot be done.

    ``tagged`` makes a tagged (accessible) PDF; for the sample it is about
    eight times larger (6,6 MB instead of 0,8 MB), so it is off by default.
    """
    docx, pdf = Path(docx).resolve(), Path(pdf)
    soffice = find_soffice()
    if soffice is None:
        _warn("LibreOffice (soffice) bulunamadı; PDF oluşturulmadı. Kurmak için: "
              "apt-get install libreoffice-writer-nogui python3-uno")
        return None
    python = find_uno_python(soffice)
    _clean_stale_profiles()
    for attempt in (1, 2):
        result = _attempt(soffice, python, docx, pdf, timeout, tagged)
        if result is not _RETRY:
            return result
        if attempt == 1:
            _warn("PDF dönüştürmesi bir kez daha deneniyor.")
    return None


_RETRY = object()


def _attempt(soffice: str, python: Optional[str], docx: Path, pdf: Path, timeout: float, tagged: bool):
    """One conversion with a fresh profile: the PDF path, None (give up) or _RETRY (failed, may retry).

    The profile folder is removed and soffice ended on every way out of here."""
    with tempfile.TemporaryDirectory(prefix=f"{PROFILE_PREFIX}{os.getpid()}-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profil"
        try:
            if python is not None:
                made = tmpdir / "program.pdf"
                if not _convert_uno(soffice, python, docx, made, profile, timeout, tagged):
                    return _RETRY
            else:
                _warn("LibreOffice için Python-UNO (python3-uno) bulunamadı; içindekiler ve tablo listesinin "
                      "sayfa numaraları güncellenmeden dönüştürülüyor.")
                plain = _convert_plain(soffice, docx, tmpdir, profile, timeout)
                if plain is None:
                    _warn("LibreOffice PDF dönüştürmesi başarısız oldu.")
                    return _RETRY
                made = plain
        except subprocess.TimeoutExpired:
            _warn(f"LibreOffice {int(timeout)} saniyede PDF'i oluşturamadı; dönüştürme durduruldu.")
            return None
        except OSError as exc:
            from .safety import os_error_text

            _warn(f"LibreOffice çalıştırılamadı: {os_error_text(exc)}")
            return None
        with atomic_path(pdf) as out:
            shutil.copyfile(made, out)
    return pdf

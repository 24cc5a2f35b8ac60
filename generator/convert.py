""".xls and .ods workbooks to .xlsx through LibreOffice (headless Calc).

:func:`to_xlsx` copies the source into a private folder under ``workdir``
(LibreOffice may leave a lock file beside what it opens; the input folder is
never touched), converts the copy with a throw-away user profile, waits at
most ``timeout`` seconds and ends the soffice process group it started.
Failures raise :class:`ConversionError` with a Turkish message naming the
file; callers turn it into a finding.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .pdf import _clean_env, _die_with_parent, _stop, find_soffice

DEFAULT_TIMEOUT = 120.0  # seconds for one file
CONVERTIBLE = (".xls", ".ods")  # any case: .XLS, .Ods ...
XLSX_FILTER = "Calc MS Excel 2007 XML"


class ConversionError(Exception):
    """A workbook could not be converted; the message is Turkish and names the file."""


def needs_conversion(path: Path) -> bool:
    return path.suffix.lower() in CONVERTIBLE


def to_xlsx(src: Path, workdir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert ``src`` (.xls or .ods) to an .xlsx inside ``workdir``; returns its path.

    The result lives in a new subfolder of ``workdir`` named after nothing
    from the source, so two sources with the same stem never collide.
    """
    src = Path(src)
    if not src.is_file():
        raise ConversionError(f"{src.name} dönüştürülemedi: dosya bulunamadı.")
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(f"{src.name} dönüştürülemedi: LibreOffice (soffice) kurulu değil. Kurmak için: "
                              "apt-get install libreoffice-calc-nogui")
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="donustur-", dir=workdir))
    source = folder / ("girdi" + src.suffix.lower())
    shutil.copyfile(src, source)
    outdir = folder / "cikti"
    outdir.mkdir()
    profile = folder / "profil"
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck", "--convert-to", f"xlsx:{XLSX_FILTER}",
         "--outdir", str(outdir), str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=_clean_env(),
        preexec_fn=_die_with_parent)  # soffice dies with the build, even on kill -9
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"{src.name} dönüştürülemedi: LibreOffice {int(timeout)} saniyede yanıt "
                              "vermedi, işlem durduruldu.") from None
    except OSError as exc:
        from .safety import os_error_text

        raise ConversionError(f"{src.name} dönüştürülemedi: LibreOffice çalıştırılamadı "
                              f"({os_error_text(exc)}).") from exc
    finally:
        _stop(proc)
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / "girdi.xlsx"
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        text = (err or b"").decode("utf-8", "replace")
        if "no export filter" in text.lower():
            reason = "LibreOffice Calc kurulu değil (apt-get install libreoffice-calc-nogui)"
        elif text.strip():
            reason = "dosya bozuk ya da bir çalışma kitabı değil"
        else:
            reason = f"LibreOffice çıktı üretmedi (çıkış kodu {proc.returncode})"
        raise ConversionError(f"{src.name} dönüştürülemedi: {reason}.")
    return out

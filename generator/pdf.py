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

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from .atomic import atomic_path

DEFAULT_TIMEOUT = 600.0  # seconds for the whole conversion

# Runs under a Python that has LibreOffice's "uno" module
# (argv: pipe, docx, pdf, deadline, tagged, pdfa, json file for the index entries).
UNO_WORKER = r'''
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue

pipe, src, dst, deadline = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
tagged, pdfa, entries_path = sys.argv[5] == "1", sys.argv[6] == "1", sys.argv[7]


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def paragraph_text(par):
    out = []
    portions = par.createEnumeration()
    while portions.hasMoreElements():
        out.append(portions.nextElement().getString())
    return "".join(out)


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
    found = []
    for i in range(indexes.getCount()):
        index = indexes.getByIndex(i)
        kind = "content" if index.supportsService("com.sun.star.text.ContentIndex") else "figures"
        category = ""
        try:
            category = index.LabelCategory or ""
        except Exception:
            pass
        anchor = index.getAnchor()
        cursor = anchor.getText().createTextCursorByRange(anchor)
        paragraphs = cursor.createEnumeration()
        entries = []
        while paragraphs.hasMoreElements():
            par = paragraphs.nextElement()
            text = paragraph_text(par)
            if text.strip():
                entries.append([par.ParaStyleName, text])
        found.append({"kind": kind, "category": category, "entries": entries})
    with open(entries_path, "w", encoding="utf-8") as fh:
        json.dump(found, fh, ensure_ascii=False)
    options = [pv("ExportBookmarks", True), pv("UseTaggedPDF", tagged or pdfa), pv("ExportNotes", False),
               pv("ExportBookmarksToPDFDestination", False), pv("UseReferenceXObject", False),
               pv("UseLosslessCompression", True), pv("ReduceImageResolution", False)]
    if pdfa:
        options.append(pv("SelectPdfVersion", 2))  # PDF/A-2b
    filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(options))
    doc.storeToURL(uno.systemPathToFileUrl(dst),
                   (pv("FilterName", "writer_pdf_Export"), pv("FilterData", filter_data)))
    sys.stdout.write("stored\n")
    sys.stdout.flush()
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
    """Remove LibreOffice profiles and conversion folders of runs that were killed."""
    from .staging import CONVERT_PREFIX, clean_orphaned_tempdirs

    clean_orphaned_tempdirs((PROFILE_PREFIX, CONVERT_PREFIX))


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


def _listen(soffice: str, profile: Path, pipe: str, die_with_parent: bool = True) -> subprocess.Popen:
    """soffice, headless with a private profile, waiting for a UNO client on ``pipe``."""
    return subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--norestore", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=_clean_env(),
        preexec_fn=_die_with_parent if die_with_parent else None)


class Office:
    """LibreOffice started ahead of the conversion, while the build's Python work goes on.

    Starting soffice takes about a second and a half; :func:`convert_to_pdf`
    with ``office=`` finds it already listening. The lookup of LibreOffice
    and of a Python with ``uno`` runs in a thread, so creating an Office
    returns at once. :meth:`close` ends the process group on every path
    (use it as a context manager)."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        self.profile = Path(self._tmp.name) / "profil"
        self.pipe = f"pp_{uuid.uuid4().hex}"
        self.soffice: Optional[str] = None
        self.python: Optional[str] = None
        self.proc: Optional[subprocess.Popen] = None
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._start, name="libreoffice-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        soffice = find_soffice()
        python = find_uno_python(soffice) if soffice else None
        with self._lock:
            if self._closed or soffice is None or python is None:
                return  # convert_to_pdf warns and falls back as without an Office
            self.soffice, self.python = soffice, python
            try:
                # started from a thread: PR_SET_PDEATHSIG would fire when this thread ends, so the
                # early LibreOffice is ended by close() (every exit path of build) instead
                self.proc = _listen(soffice, self.profile, self.pipe, die_with_parent=False)
            except OSError:
                self.proc = None

    def ready(self) -> bool:
        """Wait for the start to be done; True when soffice is running and can take the document."""
        self._thread.join()
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._thread.join()
        if self.proc is not None:
            _stop(self.proc)
        self._tmp.cleanup()

    def __enter__(self) -> "Office":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _convert_uno(soffice: str, python: str, docx: Path, out: Path, profile: Path, timeout: float,
                 tagged: bool, pdfa: bool = False, office: Optional[Office] = None) -> Optional[list]:
    """Convert through Python-UNO; returns the index entries LibreOffice computed, ``None`` on failure.

    ``office``: a LibreOffice already listening (started early by the build); else one is started here."""
    deadline = time.time() + timeout
    entries_file = out.with_suffix(".indexes.json")
    if office is not None and office.proc is not None:
        pipe, proc = office.pipe, office.proc
    else:
        pipe = f"pp_{uuid.uuid4().hex}"
        proc = _listen(soffice, profile, pipe)
    try:
        run = subprocess.run([python, "-c", UNO_WORKER, pipe, str(docx), str(out), str(deadline),
                              "1" if tagged else "0", "1" if pdfa else "0", str(entries_file)],
                             capture_output=True, text=True, timeout=timeout, env=_clean_env(),
                             preexec_fn=_die_with_parent)
        # a crash while LibreOffice shuts down, after the PDF was stored, does not matter
        stored = "stored" in (run.stdout or "").split()
        if not (out.exists() and (run.returncode == 0 or stored)):
            _warn("LibreOffice PDF dönüştürmesi başarısız oldu: "
                  + (run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"çıkış kodu {run.returncode}"))
            return None
        try:
            return json.loads(entries_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
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


def convert_to_pdf(docx: Path, pdf: Path, timeout: float = DEFAULT_TIMEOUT, tagged: bool = True,
                   pdfa: bool = False, fill_indexes: bool = True, office: Optional[Office] = None) -> Optional[Path]:
    """Convert ``docx`` to ``pdf`` (written atomically); ``None`` if it cannot be done.

    ``tagged`` (default) makes a tagged, accessible PDF: structure tags,
    table headers, alternative text, document language and title, bookmarks.
    ``pdfa`` makes it PDF/A-2b for archiving (tagged as well). The PDF is
    then compacted (see :func:`compact_pdf`: a tagged PDF of the sample is
    about 1,4 times the untagged one instead of 8 times) and given fixed
    dates, so the same .docx gives the same bytes.

    ``fill_indexes``: the table of contents and the lists of tables and
    charts that LibreOffice computed are written into ``docx`` as well
    (rewritten atomically), so that Word shows them with their page numbers
    without asking to update fields.

    ``office``: a LibreOffice started earlier (:class:`Office`) that takes
    the document; the caller closes it.
    """
    docx, pdf = Path(docx).resolve(), Path(pdf)
    python: Optional[str]
    if office is not None and office.ready():
        soffice, python = office.soffice, office.python
    else:
        office = None
        soffice = find_soffice()
    if soffice is None:
        _warn("LibreOffice (soffice) bulunamadı; PDF oluşturulmadı. Kurmak için: "
              "apt-get install libreoffice-writer-nogui python3-uno")
        return None
    if office is None:
        python = find_uno_python(soffice)
    _clean_stale_profiles()
    for attempt in (1, 2):
        # a retry starts a fresh LibreOffice: the early one was ended with the failed attempt
        result = _attempt(soffice, python, docx, pdf, timeout, tagged, pdfa, fill_indexes,
                          office if attempt == 1 else None)
        if result is not _RETRY:
            return result
        if attempt == 1:
            _warn("PDF dönüştürmesi bir kez daha deneniyor.")
    return None


_RETRY = object()


def _attempt(soffice: str, python: Optional[str], docx: Path, pdf: Path, timeout: float, tagged: bool,
             pdfa: bool, fill_indexes: bool, office: Optional[Office] = None):
    """One conversion: the PDF path, None (give up) or _RETRY (failed, may retry).

    The profile folder is removed and soffice ended on every way out of here."""
    entries: Optional[list] = None
    with tempfile.TemporaryDirectory(prefix=f"{PROFILE_PREFIX}{os.getpid()}-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profil"
        try:
            if python is not None:
                made = tmpdir / "program.pdf"
                entries = _convert_uno(soffice, python, docx, made, profile, timeout, tagged, pdfa, office)
                if entries is None:  # LibreOffice sometimes crashes under load: convert_to_pdf tries once more
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
        compacted = tmpdir / "compact.pdf"
        from .typeset import table_descriptions

        if not compact_pdf(made, compacted, _created(docx), table_descriptions(docx.read_bytes())):
            compacted = made
        with atomic_path(pdf) as out:
            shutil.copyfile(compacted, out)
    if fill_indexes and entries:
        from .atomic import write_bytes
        from .typeset import fill_docx_indexes

        write_bytes(docx, fill_docx_indexes(docx.read_bytes(), entries))
    return pdf


def _created(docx: Path) -> Optional[datetime]:
    """The creation date stored in the .docx (fixed per program year), for the PDF's dates."""
    import re
    import zipfile

    try:
        core = zipfile.ZipFile(docx).read("docProps/core.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    m = re.search(r"<dcterms:created[^>]*>(\d{4})-(\d\d)-(\d\d)", core)
    return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=timezone.utc) if m else None


def compact_pdf(src: Path, dst: Path, when: Optional[datetime] = None,
                table_alts: Optional[list[str]] = None) -> bool:
    """Rewrite LibreOffice's PDF smaller and reproducible (pikepdf); ``False`` when pikepdf is missing.

    A tagged PDF from LibreOffice writes every structure element and its
    layout attributes as separate uncompressed objects (25.000 elements,
    6,6 MB for the sample against 0,8 MB untagged). Here identical attribute
    dictionaries are shared, a table cell holding a single paragraph holds
    its content directly (TD/TH without a P child), and all objects go into
    compressed object streams. Dates become ``when``, the document ID is
    derived from the content. ``table_alts``, the alternative texts of the
    document's tables in order, become the /Alt of the PDF's Table elements
    (LibreOffice does not export them) when their numbers agree.
    """
    try:
        import pikepdf
    except ImportError:
        return False
    with pikepdf.open(src) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is not None:
            _compact_structure(pdf, root)
            if table_alts:
                _table_alt_texts(root, table_alts)
        if when is not None:
            stamp = when.strftime("D:%Y%m%d%H%M%SZ")
            pdf.docinfo["/CreationDate"] = stamp
            pdf.docinfo["/ModDate"] = stamp
            if "/Metadata" in pdf.Root:
                iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                        if key in meta:
                            meta[key] = iso
        # LibreOffice's random trailer entries: the ID is derived from the content instead
        for key in ("/ID", "/DocChecksum"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        pikepdf.settings.set_flate_compression_level(9)
        pdf.save(dst, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True,
                 recompress_flate=True, deterministic_id=True)
    return True


def _table_alt_texts(root, alts: list[str]) -> None:
    import pikepdf

    role = root.get("/RoleMap", {})
    tables = []
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            kind = node.S
            if str(kind) != "/Table" and kind in role:
                kind = role[kind]
            if str(kind) == "/Table":
                tables.append(node)
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
    if len(tables) == len(alts):
        for t, alt in zip(tables, alts):
            if alt:
                t.Alt = pikepdf.String(alt)


def _compact_structure(pdf, root) -> None:
    import pikepdf

    def is_elem(o) -> bool:
        return isinstance(o, pikepdf.Dictionary) and "/S" in o and "/P" in o and (
            o.get("/Type") == "/StructElem" or "/Type" not in o)

    def content_only(k) -> bool:
        items = list(k) if isinstance(k, pikepdf.Array) else [k]
        return bool(items) and all(isinstance(i, int) or (isinstance(i, pikepdf.Dictionary)
                                                          and i.get("/Type") == "/MCR") for i in items)

    def kept_attributes(attrs):
        """Attribute dictionaries other than the layout ones (which only help reflowing the text)."""
        items = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs]
        keep = [a for a in items if isinstance(a, pikepdf.Dictionary) and a.get("/O") != "/Layout"]
        return keep

    shared: dict[bytes, object] = {}
    moved: dict[tuple, object] = {}
    elems = [obj for obj in pdf.objects if is_elem(obj)]
    for obj in elems:
        if "/Type" in obj:
            del obj["/Type"]  # optional for structure elements
        if "/A" in obj:
            keep = kept_attributes(obj.A)
            if not keep:
                del obj["/A"]
            else:
                value = keep[0] if len(keep) == 1 else pikepdf.Array(keep)
                key = value.unparse(resolved=True)
                if key not in shared:
                    shared[key] = pdf.make_indirect(value) if not value.is_indirect else value
                obj.A = shared[key]
        if obj.S not in ("/TD", "/TH"):
            continue
        kids = obj.get("/K")
        child = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) == 1 else kids
        if not (is_elem(child) and child.is_indirect and "/K" in child and content_only(child.K)):
            continue
        if any(k in child for k in ("/Alt", "/ActualText", "/Lang", "/E", "/ID")):
            continue
        obj.K = child.K
        if "/Pg" in child:
            obj.Pg = child.Pg
        moved[child.objgen] = obj
    for obj in elems:
        if obj.objgen in moved or "/Pg" not in obj:
            continue
        k = obj.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else [k]
        if not any(isinstance(i, int) for i in items):
            del obj["/Pg"]  # no marked content of its own on a page

    def fix(node) -> None:
        if "/Kids" in node:
            for kid in node.Kids:
                fix(kid)
        nums = node.get("/Nums")
        if nums is None:
            return
        for i in range(1, len(nums), 2):
            value = nums[i]
            if isinstance(value, pikepdf.Array):
                for j in range(len(value)):
                    ref = value[j]
                    if isinstance(ref, pikepdf.Dictionary) and ref.is_indirect and ref.objgen in moved:
                        value[j] = moved[ref.objgen]
            elif isinstance(value, pikepdf.Dictionary) and value.is_indirect and value.objgen in moved:
                nums[i] = moved[value.objgen]

    if moved and "/ParentTree" in root:
        fix(root.ParentTree)

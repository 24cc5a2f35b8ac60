"""Package guard: looks at a workbook file before any reading backend does.

:func:`inspect` answers, without trusting anything inside the file, whether
it can be read and how:

* what the file is (missing, a folder, unreadable, an .xlsx, an encrypted
  workbook, an .xls, an .ods, a PDF, a CSV or other text) — each with a
  Turkish answer saying what to do;
* whether the zip package stays within the limits below (number of parts,
  compressed/uncompressed size and ratio per part, cells per sheet). The
  parts are actually decompressed in a bounded stream, so a zip whose
  headers lie about its sizes is caught as well;
* whether every XML part is well-formed and free of DTDs and entity
  declarations (XXE, parameter entities, "billion laughs"): expat parses each
  part with a handler that refuses any DOCTYPE;
* whether it is a "Strict Open XML" workbook, whose namespaces are mapped to
  the transitional ones in an in-memory copy the backend reads instead.

Reading one department's workbook thus stays bounded whatever is inside: at
most :data:`MAX_TOTAL` bytes are decompressed, and no backend sees a package
that failed the guard.
"""
from __future__ import annotations

import io
import re
import stat
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Optional, Union
from xml.parsers import expat

from .findings import ERROR, WARNING, Finding, Rule, RuleSet
from .model import Loc

# --- limits ------------------------------------------------------------------
MAX_FILE = 50 * 1024 * 1024  # bytes of the file itself
MAX_PARTS = 2_000  # entries in the zip package
MAX_PART = 64 * 1024 * 1024  # uncompressed bytes of one part
MAX_TOTAL = 192 * 1024 * 1024  # uncompressed bytes of all parts together
MAX_RATIO = 200  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024
MAX_ROWS = 100_000  # <row> elements of one sheet
MAX_CELLS = 1_000_000  # <c> elements of one sheet
MAX_COLUMNS = 16_384  # Excel's last column (XFD)
MAX_GRID = 20_000_000  # rows × last used column of one sheet (what a backend may pad to)
MAX_CELL_TEXT = 32_767  # Excel's own limit for the text of a cell
CHUNK = 256 * 1024

# --- catalogue ---------------------------------------------------------------
RULES = RuleSet(
    Rule("OKU-01", ERROR, "Dosya açılamadı: {reason}",
         "Dosya bir Excel çalışma kitabı (.xlsx) olarak açılamadı. Dosyanın bozuk "
         "olmadığını ve şablondan üretildiğini kontrol edin."),
    Rule("OKU-06", ERROR, "Dosya parola korumalı (şifrelenmiş); okunamadı.",
         "Çalışma kitabı Excel'de parola ile şifrelenmiş. Dosyayı Excel'de açıp Dosya › Bilgi › "
         "Çalışma Kitabını Koru › Parola ile Şifrele bölümünden parolayı kaldırın ve yeniden "
         "kaydedin."),
    Rule("OKU-07", ERROR, "Dosya {kind}; .xlsx çalışma kitabı bekleniyor. {todo}",
         "Dosya Excel çalışma kitabı (.xlsx) değil ya da başka bir biçimde kaydedilmiş. Şablonu "
         "Excel'de açıp \"Excel Çalışma Kitabı (.xlsx)\" olarak kaydedin."),
    Rule("OKU-08", ERROR, "Dosya okuma sınırını aşıyor: {reason}. Dosya okunmadı.",
         "Bir birimin dosyası, sınırsız bellek ve süre harcanmaması için okunmadan önce denetlenir "
         "(dosya boyutu, sıkıştırılmış ve açılmış parça boyutu, sıkıştırma oranı, sayfa başına satır "
         "ve hücre sayısı; sınırlar README'de). Bu sınırları aşan bir şablon dosyası olağan değildir: "
         "boş satırlara uygulanmış biçimleri silin ya da verileri yeni bir şablona aktarın."),
    Rule("OKU-09", ERROR, "{part} bozuk: {reason} (satır {line}, sütun {column}). Dosya okunmadı.",
         "Çalışma kitabının içindeki bir XML bölümü bozuk (kapanmamış etiket, geçersiz karakter "
         "başvurusu, eksik bölüm gibi). Dosyayı Excel'de açıp onarın ve yeniden kaydedin ya da "
         "verileri yeni bir şablona aktarın."),
    Rule("GUV-01", ERROR, "Güvenlik: {part} {reason}; dosya okunmadı.",
         "Çalışma kitaplarında DTD ya da varlık (entity) tanımı bulunmaz; bunlar dış dosya okuma "
         "(XXE) ve bellek tüketme (\"billion laughs\") saldırılarında kullanılır. Dosyanın kaynağını "
         "kontrol edin; birimden şablonu yeniden doldurmasını isteyin."),
    Rule("OKU-10", WARNING, "Dosya \"Strict Open XML\" biçiminde kaydedilmiş; okundu. Excel'de "
         "\"Excel Çalışma Kitabı (.xlsx)\" olarak kaydedilmesi önerilir.",
         "Excel'in \"Strict Open XML Elektronik Tablosu\" seçeneğiyle kaydedilen dosyalar farklı ad "
         "alanları kullanır; üretici bunları dönüştürerek okur."),
    Rule("TIP-05", ERROR, "Hücredeki değer bir sayı olarak kullanılamıyor: {value}. Değer okunmadı.",
         "Sayı hücresine NaN, sonsuz, aşırı uzun ya da bozuk bir sayı yazılmış (örneğin başka bir "
         "programdan kopyalanarak). Değeri düzeltin: tutarlar kuruşsuz TL, "
         "100 trilyon TL'nin (100.000.000.000.000) altında olmalıdır."),
)
finding = RULES.finding


#: codes meaning "this file could not be read at all" (exit code 2 for ``check``)
UNREADABLE = frozenset({"OKU-01", "OKU-06", "OKU-07", "OKU-08", "OKU-09", "GUV-01"})

# Strict OOXML namespaces and their transitional equivalents (ECMA-376 Part 1, Annex A)
STRICT_NAMESPACES: tuple[tuple[bytes, bytes], ...] = tuple((a.encode(), b.encode()) for a, b in (
    ("http://purl.oclc.org/ooxml/spreadsheetml/main",
     "http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    ("http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
     "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/relationships",
     "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    ("http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
     "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    ("http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
     "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/sharedTypes",
     "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
    ("http://purl.oclc.org/ooxml/officeDocument/customProperties",
     "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    ("http://purl.oclc.org/ooxml/drawingml/main",
     "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("http://purl.oclc.org/ooxml/drawingml/chart",
     "http://schemas.openxmlformats.org/drawingml/2006/chart"),
    ("http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
     "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"),
))
_STRICT_MARK = b"http://purl.oclc.org/ooxml/"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# expat error codes in Turkish (xml.parsers.expat.errors), the rest: "XML yapısı bozuk"
_EXPAT_TR = {
    "XML_ERROR_NO_ELEMENTS": "içerik yok ya da eksik",
    "XML_ERROR_INVALID_TOKEN": "geçersiz karakter ya da etiket",
    "XML_ERROR_UNCLOSED_TOKEN": "kapanmamış etiket",
    "XML_ERROR_PARTIAL_CHAR": "yarım kalmış karakter",
    "XML_ERROR_TAG_MISMATCH": "açılış ve kapanış etiketleri uyuşmuyor (kapanmamış etiket)",
    "XML_ERROR_DUPLICATE_ATTRIBUTE": "aynı öznitelik iki kez yazılmış",
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": "belge sonunda fazladan içerik",
    "XML_ERROR_UNDEFINED_ENTITY": "tanımsız varlık (entity) başvurusu",
    "XML_ERROR_BAD_CHAR_REF": "geçersiz karakter başvurusu",
    "XML_ERROR_UNCLOSED_CDATA_SECTION": "kapanmamış CDATA bölümü",
    "XML_ERROR_INCORRECT_ENCODING": "karakter kodlaması yanlış",
    "XML_ERROR_UNKNOWN_ENCODING": "bilinmeyen karakter kodlaması",
    "XML_ERROR_SYNTAX": "söz dizimi hatası",
    "XML_ERROR_UNBOUND_PREFIX": "tanımsız ad alanı öneki",
}
_EXPAT_NAMES = {expat.errors.codes[getattr(expat.errors, n)]: n
                for n in _EXPAT_TR if getattr(expat.errors, n, None) in expat.errors.codes}


class _Refused(Exception):
    """A DTD or entity declaration inside a part."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _TooLarge(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Verdict:
    """What :func:`inspect` found: findings, and what a backend should open."""

    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    kind: str = "xlsx"  # xlsx | missing | folder | ole-encrypted | xls | ods | pdf | csv | text | other
    data: Optional[bytes] = None  # a transitional copy of a Strict OOXML package
    path: Optional[Path] = None
    hidden_sheets: set[str] = field(default_factory=set)
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)  # sheet → hidden rows with cells
    bad_numbers: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, cell) → what it is
    #: False when only the quick pass ran: parts no backend on the calamine path reads were looked at
    #: up to their root element (see :func:`inspect`); the openpyxl path asks for the full check first
    complete: bool = True
    #: parts the quick pass decompressed, kept for the backend when asked (name → bytes; taken as used)
    parts: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def source(self) -> Union[Path, io.BytesIO]:
        """The path, or a fresh stream of the mapped copy."""
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path


def _mb(n: float) -> str:
    from .turkish import number

    return f"{number(n / (1024 * 1024), 1)} MB"


def _ole_streams(path: Path) -> bytes:
    """The OLE container with its UTF-16 stream names made searchable (the file is below MAX_FILE)."""
    return path.read_bytes().replace(b"\x00", b"").lower()


@RULES.check("OKU-01", "OKU-06", "OKU-07", "OKU-08")
def _classify(path: Path, v: Verdict) -> Optional[bytes]:
    """Kind of file from its first bytes; the bytes of the head when it is a zip."""
    loc = Loc(path.name, "")
    try:
        st = path.stat()
    except FileNotFoundError:
        v.kind = "missing"
        v.findings.append(finding("OKU-01", loc, reason="dosya bulunamadı"))
        return None
    except OSError:
        v.kind = "other"
        v.findings.append(finding("OKU-01", loc, reason="dosyaya erişilemiyor"))
        return None
    if stat.S_ISDIR(st.st_mode):
        v.kind = "folder"
        v.findings.append(finding("OKU-01", loc, reason="bu bir klasör, çalışma kitabı değil; klasördeki .xlsx "
                                                        "dosyasının yolunu verin"))
        return None
    if st.st_size > MAX_FILE:
        v.kind = "other"
        v.findings.append(finding("OKU-08", loc, reason=f"dosya {_mb(st.st_size)}, sınır {_mb(MAX_FILE)}"))
        return None
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except PermissionError:
        v.kind = "other"
        v.findings.append(finding("OKU-01", loc, reason="dosyayı okuma izni yok"))
        return None
    except OSError:
        v.kind = "other"
        v.findings.append(finding("OKU-01", loc, reason="dosya okunamadı"))
        return None
    if head.startswith(_ZIP_MAGIC):
        return head
    if head.startswith(_OLE_MAGIC):
        try:
            names = _ole_streams(path)
        except OSError:
            names = b""
        if b"encryptioninfo" in names or b"encryptedpackage" in names:
            v.kind = "ole-encrypted"
            v.findings.append(finding("OKU-06", loc))
        else:
            v.kind = "xls"
            v.findings.append(finding(
                "OKU-07", loc, kind="Excel 97-2003 (.xls) biçiminde",
                todo="Excel'de açıp Farklı Kaydet › \"Excel Çalışma Kitabı (.xlsx)\" seçin."))
        return None
    if head.startswith(b"%PDF"):
        v.kind = "pdf"
        v.findings.append(finding("OKU-07", loc, kind="bir PDF belgesi",
                                  todo="PDF'ten veri okunamaz; birimin doldurduğu .xlsx dosyasını gönderin."))
        return None
    if not head:
        v.kind = "other"
        v.findings.append(finding("OKU-01", loc, reason="dosya boş (0 bayt)"))
        return None
    text = _as_text(head)
    if text is not None:
        lines = [ln for ln in text.splitlines()[:5] if ln.strip()]
        csv_like = lines and all(ln.count(";") + ln.count(",") + ln.count("\t") >= 1 for ln in lines)
        if csv_like:
            v.kind = "csv"
            v.findings.append(finding(
                "OKU-07", loc, kind="bir CSV (virgül ya da noktalı virgülle ayrılmış metin) dosyası",
                todo="CSV dosyasında sayfa, formül ve hücre konumu yoktur; verileri şablona (.xlsx) "
                     "girip o dosyayı gönderin."))
        else:
            v.kind = "text"
            v.findings.append(finding("OKU-01", loc, reason="geçerli bir .xlsx dosyası değil (içeriği düz metin)"))
        return None
    v.kind = "other"
    v.findings.append(finding("OKU-01", loc, reason="geçerli bir .xlsx dosyası değil (biçimi tanınmıyor)"))
    return None


def _as_text(head: bytes) -> Optional[str]:
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "cp1254"):
        try:
            text = head.decode(enc)
        except UnicodeDecodeError:
            continue
        if sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * max(len(text), 1):
            return text
    return None


def _sheet_names(zf: zipfile.ZipFile, hidden: Optional[set[str]] = None) -> dict[str, str]:
    """Part name → sheet name, read from the (size-checked) workbook part and its relationships;
    names of hidden sheets are added to ``hidden``."""
    try:
        rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
        book = _read_small(zf, "xl/workbook.xml")
    except (KeyError, _TooLarge, zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return {}
    sheets, hidden_names, _ = _workbook_sheets(rels, book)
    if hidden is not None:
        hidden.update(hidden_names)
    return dict(sheets)


@lru_cache(maxsize=64)
def _workbook_sheets(rels: bytes, book: bytes) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """Sheet parts → names, hidden sheets, and the parts calamine reads besides the sheets (shared
    strings, styles), from the workbook part and its relationships (workbooks of one template share
    them: cached; callers copy what they change)."""
    out: dict[str, str] = {}
    hidden: set[str] = set()
    read: set[str] = set()
    targets = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(1)))
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            targets[attrs[b"Id"]] = target
            if attrs.get(b"Type", b"").endswith((b"/sharedStrings", b"/styles")):
                read.add(target)
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        attrs = dict(re.findall(rb'([\w:]+)="([^"]*)"', m.group(1)))
        rid = next((val for key, val in attrs.items() if key.endswith(b":id")), None)
        name = attrs.get(b"name")
        if rid in targets and name is not None:
            from html import unescape

            out[targets[rid]] = unescape(name.decode("utf-8", "replace"))
            if attrs.get(b"state") in (b"hidden", b"veryHidden"):
                hidden.add(out[targets[rid]])
    return out, frozenset(hidden), frozenset(read)


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 4 * 1024 * 1024) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge(name)
    return data


def _part_label(name: str, sheets: dict[str, str]) -> str:
    if name in sheets:
        return f"\"{sheets[name]}\" sayfası ({name})"
    if name.endswith("sharedStrings.xml"):
        return f"Paylaşılan metinler bölümü ({name})"
    if name.endswith("styles.xml"):
        return f"Biçimler bölümü ({name})"
    if name == "xl/workbook.xml":
        return f"Çalışma kitabı bölümü ({name})"
    return f"\"{name}\" bölümü"


def _expat_reason(err: expat.ExpatError) -> str:
    name = _EXPAT_NAMES.get(err.code)
    return _EXPAT_TR.get(name or "", "XML yapısı bozuk")


def _refuse_doctype(*args) -> None:
    raise _Refused("DTD (DOCTYPE) tanımı içeriyor")


def _refuse_entity(*args) -> None:
    raise _Refused("varlık (ENTITY) tanımı içeriyor")


def _refuse_external(*args) -> int:
    raise _Refused("dış varlık başvurusu (XXE) içeriyor")


def _refusing_parser() -> expat.XMLParserType:
    """An expat parser that refuses any DTD, as :class:`_PartCheck`'s (its handlers are plain
    functions: the parser is freed as soon as it is dropped, without the cycle collector)."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    return parser


class _PartCheck:
    """Streams one XML part through expat, refusing DTDs and counting rows and cells."""

    def __init__(self, sheet: bool):
        self.parser = _refusing_parser()
        self.sheet = sheet
        self.rows = 0
        self.cells = 0
        self.max_col = 0
        self.suspicious = False  # a <v> that is not a plain number of reasonable length
        self.hidden_rows: set[int] = set()
        self._tail = b""

    def feed(self, data: bytes, final: bool = False) -> None:
        if self.sheet and data:
            # element starts split across two chunks are missed: a limit does not need them
            self.rows += len(_ROW.findall(data))
            self.cells += len(_CELL.findall(data))
            for letters in set(_CELL_COL.findall(data)):
                self.max_col = max(self.max_col, _col_number(letters))
            if self.rows > MAX_ROWS:
                raise _TooLarge(f"sayfada {_n(MAX_ROWS)} satırdan fazla satır var")
            if self.cells > MAX_CELLS:
                raise _TooLarge(f"sayfada {_n(MAX_CELLS)} hücreden fazla hücre var")
            if self.max_col > MAX_COLUMNS:
                raise _TooLarge(f"sayfada {_n(MAX_COLUMNS)}. sütundan sonra hücre var")
            if self.rows * self.max_col > MAX_GRID:
                raise _TooLarge(f"sayfanın kullanılan alanı {_n(MAX_GRID)} hücreyi aşıyor")
            joined = self._tail + data
            self.suspicious = self.suspicious or _ODD_VALUE.search(joined) is not None
            if b"hidden=" in joined:
                self.hidden_rows.update(int(r) for r in _HIDDEN_ROW.findall(joined))
            self._tail = data[-256:]
        self.parser.Parse(data, final)


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
# a value that is not a plain number (NaN, INF, 400 digits, text in a numeric cell ...)
_ODD_VALUE = re.compile(rb"<(?:\w+:)?v>(?![-+]?\d{1,20}(?:\.\d{1,20})?(?:[eE][-+]?\d{1,3})?</)(?!</)")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"[^>]*(?<!/)>')
_FULL_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
_VALUE = re.compile(rb"(<(?:\w+:)?v>)([^<]*)(</(?:\w+:)?v>)")
_NUMBER = re.compile(rb"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_COL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,4})\d")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _n(value: int) -> str:
    from .turkish import number

    return number(value)


@RULES.check("OKU-01")
def _check_package(path: Path, v: Verdict, full: bool = True, keep: bool = False) -> bool:
    """The package's directory, then its parts: every XML part streamed through expat (``full``), or
    the quick pass of :func:`_quick_parts`. False when the quick pass is unsure: ``v`` is then
    incomplete and the caller runs the full check instead."""
    loc = Loc(path.name, "")
    buf = b""
    if not full:
        try:
            buf = path.read_bytes()  # below MAX_FILE (_classify): the parts are decompressed from memory
        except OSError:
            return False
    try:
        zf = zipfile.ZipFile(io.BytesIO(buf) if buf else path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        v.findings.append(finding("OKU-01", loc, reason="zip paketi bozuk; dosya geçerli bir .xlsx değil"))
        v.readable = False
        return True
    with zf:
        infos = _check_directory(zf, loc, v)
        if infos is None:
            return True
        if buf:
            return _quick_parts(zf, buf, infos, path, v, keep)
        _check_parts(zf, infos, path, v)
        return True


@RULES.check("OKU-06", "OKU-07", "OKU-08")
def _check_directory(zf: zipfile.ZipFile, loc: Loc, v: Verdict) -> Optional[list[zipfile.ZipInfo]]:
    """The zip directory's limits and what the package is; None (with a finding) when it is refused."""
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if len(infos) > MAX_PARTS:
        v.findings.append(finding("OKU-08", loc, reason=f"pakette {len(infos)} bölüm var, sınır {MAX_PARTS}"))
        v.readable = False
        return None
    if "mimetype" in names:
        try:
            mime = _read_small(zf, "mimetype", 1024)
        except Exception:  # noqa: BLE001 - any problem: not an ODS we can name
            mime = b""
        if mime.strip().startswith(_ODS_MIME):
            v.kind = "ods"
            v.findings.append(finding(
                "OKU-07", loc, kind="OpenDocument (.ods) elektronik tablosu",
                todo="LibreOffice Calc ya da Excel'de açıp \"Excel 2007-365 (.xlsx)\" olarak kaydedin."))
            v.readable = False
            return None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        kind = "bir Word belgesi (.docx)" if any(n.startswith("word/") for n in names) else \
            "bir zip arşivi, Excel çalışma kitabı değil"
        v.kind = "other"
        v.findings.append(finding("OKU-07", loc, kind=kind,
                                  todo="Birimin doldurduğu .xlsx şablonunu verin."))
        v.readable = False
        return None
    for info in infos:
        if info.flag_bits & 0x1:
            v.kind = "ole-encrypted"
            v.findings.append(finding("OKU-06", loc))
            v.readable = False
            return None
        if info.file_size > MAX_PART:
            v.findings.append(finding("OKU-08", loc, reason=(
                f"\"{info.filename}\" bölümü açıldığında {_mb(info.file_size)}, bölüm sınırı {_mb(MAX_PART)}")))
            v.readable = False
            return None
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            v.findings.append(finding("OKU-08", loc, reason=(
                f"\"{info.filename}\" bölümünün sıkıştırma oranı {ratio}:1, sınır {MAX_RATIO}:1 "
                f"(zip bombası olabilir)")))
            v.readable = False
            return None
    if sum(i.file_size for i in infos) > MAX_TOTAL:
        v.findings.append(finding("OKU-08", loc, reason=(
            f"paket açıldığında {_mb(sum(i.file_size for i in infos))}, sınır {_mb(MAX_TOTAL)}")))
        v.readable = False
        return None
    return infos


def _is_xml_part(name: str) -> bool:
    """A part the checks parse as XML (and the Strict OOXML rewrite goes through): .xml and .rels."""
    return name.endswith((".xml", ".rels"))


@RULES.check("GUV-01", "OKU-08", "OKU-09", "OKU-10")
def _check_parts(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path, v: Verdict) -> None:
    """Every XML part streamed through expat (DTDs refused), sheets counted against the limits."""
    loc = Loc(path.name, "")
    sheets = _sheet_names(zf, v.hidden_sheets)
    fixes: dict[str, bytes] = {}
    strict = False
    total = 0
    for info in infos:
        name = info.filename
        if not _is_xml_part(name):
            continue
        check = _PartCheck(sheet=name in sheets or name.startswith("xl/worksheets/"))
        label = _part_label(name, sheets)
        size = 0
        first = True
        try:
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if first:
                        strict = strict or _STRICT_MARK in chunk
                        first = False
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_PART or total > MAX_TOTAL:
                        raise _TooLarge(f"{label} açıldığında sınırı ({_mb(MAX_PART)}) aşıyor")
                    if not chunk:
                        check.feed(b"", final=True)
                        break
                    check.feed(chunk)
        except _Refused as exc:
            v.findings.append(finding("GUV-01", loc, part=label, reason=exc.reason))
            v.readable = False
            return
        except _TooLarge as exc:
            v.findings.append(finding("OKU-08", loc, reason=f"{label}: {exc.reason}"
                                      if "sayfada" in exc.reason else exc.reason))
            v.readable = False
            return
        except expat.ExpatError as exc:
            v.findings.append(finding("OKU-09", loc, part=label, reason=_expat_reason(exc),
                                      line=exc.lineno, column=exc.offset + 1))
            v.readable = False
            return
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
            v.findings.append(finding("OKU-09", loc, part=label, reason="bölüm zip paketinden açılamadı",
                                      line=0, column=0))
            v.readable = False
            return
        sheet = sheets.get(name)
        if sheet is None:
            continue
        if check.hidden_rows:
            v.hidden_rows[sheet] = check.hidden_rows
        if check.suspicious:
            fixed = _bad_numbers(zf.read(info), sheet, path.name, v)
            if fixed is not None:
                fixes[name] = fixed
    if strict:
        v.findings.append(finding("OKU-10", loc))
    if strict or fixes:
        v.data = _copy(zf, infos, strict, fixes)


# --- quick pass ----------------------------------------------------------------
#: parts decompressed whole and kept for the backend, at most (beyond: the backend reads them again)
KEEP_TOTAL = 64 * 1024 * 1024
_WORKBOOK_PARTS = frozenset({"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"})
_NAME_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:")
# what Excel, LibreOffice and openpyxl write before the root element (the general case: _root_start)
_USUAL_PROLOG = re.compile(rb'<\?xml version="1\.0" encoding="(?:UTF|utf)-8"(?: standalone="yes")?\?>[ \t\r\n]*'
                           rb"<[A-Za-z_:]")
_DECL_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([^"']*)["']""")
_WIDE = re.compile(rb'r="[A-Z]{3}')  # a cell reference of three letters or more may be there (AAA = 703)
_ODD_PLAIN = re.compile(_ODD_VALUE.pattern.replace(rb"<(?:\w+:)?v>", b"<v>", 1))


def _root_start(data: bytes) -> int:
    """Where the root element starts when nothing before it can be a DTD: only an XML declaration
    (UTF-8 or no encoding named), comments, processing instructions and white space. -1 when unsure
    (a DOCTYPE, another encoding, UTF-16, the root beyond ``data``): the full check decides.

    A DTD (and so any entity declaration) can only stand before the root element (XML 1.0, §2.8);
    after it, it is malformed XML, which expat rejects and calamine's parser never expands."""
    usual = _USUAL_PROLOG.match(data)
    if usual is not None:
        return usual.end() - 2
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?xml", pos):
        end = data.find(b"?>", pos)
        if end < 0:
            return -1
        enc = _DECL_ENCODING.search(data, pos, end)
        if enc is not None and enc.group(1).lower() != b"utf-8":
            return -1
        pos = end + 2
    n = len(data)
    while True:
        while pos < n and data[pos] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos + 4)
        elif data.startswith(b"<?", pos):
            end = data.find(b"?>", pos + 2)
        elif pos + 1 < n and data[pos] == 60 and data[pos + 1] in _NAME_START:
            return pos
        else:
            return -1
        if end < 0:
            return -1
        pos = end + 3 if data[end] == 45 else end + 2


_ROOT_NAME = re.compile(rb"<([A-Za-z_:][\w.:-]*)")


def _ends_with_root(data: bytes, root: int) -> bool:
    """The part ends with the end of its root element (which starts at ``root``): nothing cut off,
    nothing after it. What calamine would not notice, and what a damaged file most often shows."""
    end = len(data)
    while end and data[end - 1] in b" \t\r\n":
        end -= 1
    name = _ROOT_NAME.match(data, root)
    if name is None:
        return False
    tag = name.group(1)
    close = data.rfind(b"</", 0, end)
    if close > root:
        rest = data[close + 2:end]
        return rest.startswith(tag) and rest[len(tag):].rstrip(b" \t\r\n") == b">"
    first = data.find(b">", root)  # <root .../> alone
    return first == end - 1 and data[first - 1] == 47


def _chunks(data: bytes):
    """``data`` as the full check sees it: chunks of :data:`CHUNK` bytes, each with the 256 bytes before it."""
    tail = b""
    for at in range(0, len(data), CHUNK):
        chunk = data[at:at + CHUNK]
        yield tail + chunk
        tail = chunk[-256:]


def _within_limits(data: bytes) -> bool:
    """True when a sheet part is certainly within the row, cell, column and grid limits (upper bounds
    that cost a byte count each); False when only the exact count can tell."""
    cols = 702  # ZZ: without a reference of three letters no column is further right
    if _WIDE.search(data) is not None:
        cols = max(map(_col_number, set(_CELL_COL.findall(data))), default=0)
        if cols > MAX_COLUMNS:
            return False
    rows = len(data) // 5  # the full check counts "<row" and one more byte per row, "<c" and one per cell
    if rows <= MAX_ROWS and rows * cols <= MAX_GRID and len(data) // 3 <= MAX_CELLS:
        return True
    lt = data.count(b"<")  # every <row> and <c> starts with one
    if lt > MAX_CELLS:
        return False
    rows = lt
    if rows > MAX_ROWS or rows * cols > MAX_GRID:
        rows = data.count(b"row")  # every <row> holds it
    return rows <= MAX_ROWS and rows * cols <= MAX_GRID


def _hidden_rows(data: bytes) -> set[int]:
    out: set[int] = set()
    if b"hidden=" in data:
        for joined in _chunks(data):
            if b"hidden=" in joined:
                out.update(int(r) for r in _HIDDEN_ROW.findall(joined))
    return out


def _suspicious(data: bytes) -> bool:
    odd = _ODD_VALUE if b":v>" in data else _ODD_PLAIN
    return any(odd.search(joined) is not None for joined in _chunks(data))


def _payload(buf: bytes, info: zipfile.ZipInfo) -> Optional[memoryview]:
    """A part's compressed bytes in the file, or None unless it is a plain part whose local header
    agrees with the directory (encrypted, patched or strong-encrypted parts, a name that differs)."""
    at = info.header_offset
    if info.flag_bits & ~0x80E or not buf.startswith(b"PK\x03\x04", at):
        return None
    n, extra = struct.unpack_from("<HH", buf, at + 26)
    name = info.orig_filename
    raw = name.encode("ascii") if name.isascii() else name.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    if n != len(raw) or not buf.startswith(raw, at + 30):
        return None
    start = at + 30 + n + extra
    comp = memoryview(buf)[start:start + info.compress_size]
    return comp if len(comp) == info.compress_size else None


def _inflate(comp: Union[memoryview, bytes], info: zipfile.ZipInfo, limit: int) -> Optional[bytes]:
    """Up to ``limit`` bytes of a part from its compressed bytes; None for anything but a stored or
    deflated part, or one whose size and checksum do not agree when it is read whole."""
    whole = limit > info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(comp[:limit])
        done = True
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
        try:
            data = inflate.decompress(comp, limit)
        except zlib.error:
            return None
        done = inflate.eof
    else:
        return None
    if whole and (not done or len(data) != info.file_size or zlib.crc32(data) != info.CRC):
        return None
    return data


def _member(buf: bytes, info: zipfile.ZipInfo, limit: int) -> Optional[bytes]:
    """Up to ``limit`` bytes of a part, decompressed straight from the file's bytes (what zipfile does,
    without its per-part cost). None for anything but a plain stored or deflated part whose local
    header agrees, or whose size and checksum do not agree when it is read whole: the full check
    then opens it with zipfile and names the problem."""
    comp = _payload(buf, info)
    return None if comp is None else _inflate(comp, info, limit)


# kinds of part in the quick pass
_SHEET, _PARSED, _OTHER = 0, 1, 2
#: what the quick pass found in parts it has looked at before, by kind and compressed bytes: the
#: workbooks of one template share most of their parts byte for byte (styles, theme, relationships,
#: comments), and the outcome is a function of those bytes alone. Only such template parts are
#: remembered (see :func:`_template_part`), not what a department fills in
_SEEN: dict[tuple, tuple[bytes, bool, frozenset[int], bool]] = {}
_SEEN_MAX = 256  # parts remembered (least recently used ones are let go)
_SEEN_PART = 64 * 1024  # uncompressed bytes of a part remembered, at most
_SEEN_LOCK = threading.Lock()


def _template_part(name: str, kind: int) -> bool:
    """A part the template fixes, the same in every department's workbook: not a sheet, the shared
    strings or the document properties (what is filled in, and when)."""
    return kind != _SHEET and not name.startswith("docProps/") and not name.endswith("sharedStrings.xml")


def _look(buf: bytes, info: zipfile.ZipInfo, kind: int) -> Optional[tuple[bytes, bool, frozenset[int], bool]]:
    """One part as the quick pass sees it: (its bytes, whether it has Strict OOXML namespaces, the
    hidden rows of a sheet, whether a sheet has values that are not plain numbers); None when unsure.

    A sheet or a part the calamine path parses (``_PARSED``) is decompressed whole: a sheet is held to
    the limits and must end with its root element, a parsed part goes through expat. Any other part
    is decompressed up to :data:`CHUNK` bytes, refused if a DTD stands before its root element and,
    when that is the whole part, held to end with its root element. A template part seen before with
    the same compressed bytes gets the outcome it had (the same bytes: the same data, the same checks)."""
    comp = _payload(buf, info)
    if comp is None:
        return None
    key = None
    if info.file_size <= _SEEN_PART and _template_part(info.filename, kind):
        key = (kind, info.compress_type, info.CRC, info.file_size, bytes(comp))
        with _SEEN_LOCK:
            seen = _SEEN.pop(key, None)
            if seen is not None:
                _SEEN[key] = seen  # now the most recently used
                return seen
    data = _inflate(comp, info, info.file_size + 1 if kind != _OTHER else CHUNK)
    if data is None:
        return None
    root = _root_start(data)
    if root < 0:
        return None
    hidden: frozenset[int] = frozenset()
    suspicious = False
    if kind == _OTHER:
        # the whole part: it must not be cut short or go on after its root
        if len(data) == info.file_size and not _ends_with_root(data, root):
            return None
    elif kind == _PARSED:
        try:
            _refusing_parser().Parse(data, True)
        except (expat.ExpatError, _Refused):
            return None
    else:
        # a sheet is parsed by calamine when it is read, and whatever it cannot parse is read by
        # openpyxl after the full check, which reports the malformed part as before; what calamine
        # would not notice, a document cut short or something after its root, is looked at here
        if not _ends_with_root(data, root) or not _within_limits(data):
            return None
        hidden = frozenset(_hidden_rows(data))
        suspicious = _suspicious(data)
    found = (data, _STRICT_MARK in data[:CHUNK], hidden, suspicious)
    if key is not None:
        with _SEEN_LOCK:
            _SEEN[key] = found
            while len(_SEEN) > _SEEN_MAX:
                del _SEEN[next(iter(_SEEN))]
    return found


def _workbook_part(buf: bytes, info: zipfile.ZipInfo) -> Optional[bytes]:
    """The workbook part or its relationships for the sheet list: up to 4 MB of it."""
    if info.file_size < 4 * 1024 * 1024:
        found = _look(buf, info, _PARSED)  # what the loop over the parts looks at anyway
        return None if found is None else found[0]
    return _member(buf, info, 4 * 1024 * 1024)


@RULES.check("OKU-10")
def _quick_parts(zf: zipfile.ZipFile, buf: bytes, infos: list[zipfile.ZipInfo], path: Path, v: Verdict,
                 keep: bool) -> bool:
    """The parts, looked at once for the guard and the backend; True when this settles the verdict.

    The parts the calamine path parses (the workbook part, the relationships, the sheets, shared
    strings and styles) are decompressed whole: sheets are held to the limits with upper bounds that
    cost a byte count each and must end with their root element (calamine's parser rejects the
    other malformations when it reads them, and the reader then asks for the full check); the other
    parts are parsed with expat. With ``keep`` they stay in ``v.parts`` for the backend.

    Any other XML part (drawings, comments, document properties, theme) is decompressed only up to
    :data:`CHUNK` bytes, refused if a DTD stands before its root element and, when that is the
    whole part, held to end with its root element: nothing on the calamine path parses it (the
    openpyxl path asks for the full check first). Whenever
    something is unusual (a DTD, a malformed part, another encoding, a sheet near a limit, a part
    zipfile would have to explain), False: :func:`inspect` then runs the full check, whose findings
    are the ones it always gave."""
    by_name = {i.filename: i for i in infos}
    try:
        rels = _workbook_part(buf, by_name["xl/_rels/workbook.xml.rels"])
        book = _workbook_part(buf, by_name["xl/workbook.xml"])
    except KeyError:
        return False
    if rels is None or book is None:
        return False
    sheets, hidden_sheets, read = _workbook_sheets(rels, book)
    if not sheets:
        return False
    v.hidden_sheets.update(hidden_sheets)
    whole = read | _WORKBOOK_PARTS
    fixes: dict[str, bytes] = {}
    strict = False
    kept = 0
    for info in infos:
        name = info.filename
        if not _is_xml_part(name):
            continue
        sheet = sheets.get(name)
        kind = _SHEET if sheet is not None else _PARSED if name in whole else _OTHER
        found = _look(buf, info, kind)
        if found is None:
            return False
        data, strict_part, hidden, suspicious = found
        strict = strict or strict_part
        if kind == _OTHER:
            if keep and name == "docProps/core.xml" and len(data) == info.file_size:
                v.parts[name] = data
            continue
        if sheet is not None:
            if hidden:
                v.hidden_rows[sheet] = set(hidden)
            if suspicious:
                fixed = _bad_numbers(data, sheet, path.name, v)
                if fixed is not None:
                    fixes[name] = fixed
        if keep and kept + len(data) <= KEEP_TOTAL:
            v.parts[name] = data
            kept += len(data)
    if strict:
        v.findings.append(finding("OKU-10", Loc(path.name, "")))
    if strict or fixes:
        v.data = _copy(zf, infos, strict, fixes)
        v.parts.clear()  # the backend reads the mapped copy
    return True


def _describe_number(text: bytes) -> Optional[str]:
    """What is wrong with the text of a numeric cell's value, or None if it is a usable number."""
    raw = text.strip()
    if not raw:
        return None  # no value stored (a formula never calculated)
    low = raw.lower().lstrip(b"+-")
    if low in (b"nan",) or low.startswith(b"nan"):
        return "NaN (sayı değil)"
    if low.startswith(b"inf"):
        return "sonsuz (Inf)"
    if not _NUMBER.fullmatch(raw):
        return "sayı olarak okunamayan bir değer"
    digits = len(re.sub(rb"[^0-9]", b"", raw.split(b"e")[0].split(b"E")[0].split(b".")[0]))
    if digits > 20:
        return f"{_n(digits)} basamaklı bir sayı"
    try:
        value = float(raw)
    except (ValueError, OverflowError):
        return "sayı olarak okunamayan bir değer"
    if value != value or value in (float("inf"), float("-inf")):
        return "sonsuz (Inf)"
    return None


@RULES.check("TIP-05")
def _bad_numbers(data: bytes, sheet: str, file: str, v: Verdict) -> Optional[bytes]:
    """Drop the values of numeric cells that no backend can hold, with a finding for each cell."""
    found = False

    def cell(m: re.Match) -> bytes:
        nonlocal found
        attrs = m.group(2)
        kind = re.search(rb'\bt="([^"]*)"', attrs)
        if kind is not None and kind.group(1) != b"n":
            return m.group(0)
        value = _VALUE.search(m.group(3))
        if value is None:
            return m.group(0)
        what = _describe_number(value.group(2))
        if what is None:
            return m.group(0)
        ref = re.search(rb'\br="([A-Z]{1,3}\d+)"', attrs)
        ref_text = ref.group(1).decode() if ref else ""
        v.bad_numbers[(sheet, ref_text)] = what
        v.findings.append(finding("TIP-05", Loc(file, sheet, ref_text), value=what))
        found = True
        inner = m.group(3)[:value.start()] + m.group(3)[value.end():]
        return b"<" + m.group(1) + b"c" + attrs + b">" + inner + b"</" + m.group(1) + b"c>"

    fixed = _FULL_CELL.sub(cell, data)
    return fixed if found else None


def _copy(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], strict: bool, fixes: dict[str, bytes]) -> bytes:
    """The package with Strict OOXML namespaces replaced by the transitional ones and unreadable
    numbers dropped (in memory; sizes were checked before, so this stays within :data:`MAX_TOTAL`)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in infos:
            data = fixes[info.filename] if info.filename in fixes else zf.read(info)
            if strict and _is_xml_part(info.filename):
                for strict_ns, transitional in STRICT_NAMESPACES:
                    data = data.replace(strict_ns, transitional)
            out.writestr(info.filename, data)
    return buf.getvalue()


def inspect(path: Union[str, Path], full: bool = False, keep: bool = False) -> Verdict:
    """Look at ``path`` before any backend reads it; never raises on bad input.

    By default the parts go through the quick pass (:func:`_quick_parts`), which settles what the
    calamine path needs; ``full`` streams every XML part through expat as well (what the openpyxl
    path needs: it parses more parts). Wherever the quick pass is unsure, the full check runs, so the
    findings are the full check's. ``keep`` keeps the parts the quick pass decompressed for the
    backend (``Verdict.parts``)."""
    path = Path(path)
    v = Verdict(path=path)
    head = _classify(path, v)
    if head is None:
        v.readable = False
        return v
    if not _check_package(path, v, full=full, keep=keep):
        return inspect(path, full=True)
    v.complete = full or not v.readable
    return v


def unreadable(findings: list[Finding]) -> bool:
    """True when a finding says a file could not be read at all."""
    return any(f.code in UNREADABLE for f in findings)


_ERRNO_TR = {
    "EACCES": "erişim izni yok", "EPERM": "izin verilmedi", "ENOENT": "dosya ya da klasör bulunamadı",
    "EISDIR": "bu bir klasör", "ENOTDIR": "yolun bir parçası klasör değil", "ENOSPC": "diskte yer kalmadı",
    "EROFS": "dosya sistemi salt okunur", "EEXIST": "zaten var", "EBUSY": "dosya kullanımda",
    "ENAMETOOLONG": "dosya adı çok uzun", "EMFILE": "çok fazla açık dosya", "EDQUOT": "disk kotası doldu",
}


def os_error_text(exc: OSError) -> str:
    """An operating system error in Turkish (never the English strerror)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _ERRNO_TR.get(name, f"işletim sistemi hatası{f' ({name})' if name else ''}")

"""Read filled workbooks back into the model.

Cell values come from :mod:`.backend` (python-calamine plus a scan of the
sheet XML for formula cells; openpyxl read-only where a workbook needs it),
after the package guard (:mod:`.safety`) has looked at the file.

Every value keeps its file, sheet and cell. Problems become findings with a
Turkish message pointing to the cell; the reader never raises on bad input.
Typed totals (numbers where the template has a formula) are kept; formula
cells without a cached value do not matter, because totals are recomputed
from their parts.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import math
import re
import sys
import unicodedata
import warnings
import zipfile
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Optional

from . import safety
from . import workbook_schema as ws
from .backend import FastBook, Formula
from .findings import ERROR, WARNING, Finding, Rule, RuleSet
from .model import (
    ECONOMIC_CODES,
    OFF_BUDGET_UNSPECIFIED,
    ROW_DATA,
    Acceptance,
    Activity,
    Aim,
    ControlTotal,
    Department,
    Indicator,
    IndicatorDef,
    InfoTable,
    Institution,
    Law,
    Loc,
    Narrative,
    Policy,
    Profile,
    ReviewItem,
    StrategicArea,
    Submission,
    Target,
    TeamMember,
    TextBlock,
    UnitCosts,
)
from .turkish import normalize as _normalize
from .turkish import number

# labels, headers and marks repeat across workbooks: their match keys are cached
normalize = lru_cache(maxsize=65536)(_normalize)

# --- catalogue: what reading a workbook can report (OKU-01 comes from the package guard)
RULES = RuleSet(
    safety.RULES["OKU-01"],
    safety.RULES["OKU-08"],
    Rule("OKU-02", ERROR, "\"{sheet}\" sayfası bulunamadı.",
         "Şablonun zorunlu bir sayfası silinmiş ya da adı değiştirilmiş. Şablonu "
         "yeniden indirip verileri aktarın."),
    Rule("OKU-03", ERROR, "\"{column}\" sütunu bulunamadı (başlık satırı {row}).",
         "Bir sütun başlığı silinmiş ya da değiştirilmiş. Sayfa yapısı "
         "değiştirilmemelidir."),
    Rule("OKU-05", ERROR, "Giriş hücresinde hesaplanmamış formül var: {formula}",
         "Giriş hücresindeki formülün sonucu dosyada kayıtlı değil. Dosyayı Excel'de "
         "açıp kaydedin ya da formül yerine değeri yazın."),
    Rule("ZRN-01", ERROR, "\"{column}\" alanı boş bırakılamaz.",
         "Zorunlu bir alan doldurulmamış."),
    Rule("TIP-01", ERROR, "\"{column}\" sayı olmalı; yazılan değer: \"{value}\".",
         "Sayı beklenen hücreye metin ya da tarih yazılmış."),
    Rule("TIP-02", ERROR, "\"{column}\" negatif olamaz; yazılan değer: {value}.",
         "Tutarlar ve sayılar sıfır ya da pozitif olmalıdır."),
    Rule("TIP-03", ERROR, "\"{column}\" tam sayı (kuruşsuz TL) olmalı; yazılan değer: {value}.",
         "Tutarlar Türk lirası olarak tam sayı girilir."),
    Rule("TIP-04", ERROR, "\"{column}\" geçersiz değer: \"{value}\". Beklenen: {expected}.",
         "Hücre, izin verilen değerlerden birini içermelidir."),
    Rule("TIP-06", ERROR, "\"{column}\" {value} olamaz; {limit}.",
         "Sayı, kabul edilen aralığın dışında. Tutarlar kuruşsuz Türk lirası olarak "
         "100 trilyon TL'nin (100.000.000.000.000) altında, diğer sayılar katrilyonun altında olmalıdır; "
         "bu sınırlar yazım hatalarını (fazladan basamak, bilimsel gösterim) yakalar."),
    Rule("TIP-07", WARNING, "\"{column}\" metin olarak yazılmış bir sayı: \"{value}\". Program bu değeri "
         "sayar, ama sayfanın kendi toplamları (Excel formülleri) onu dışarıda bırakır.",
         "Hücreye sayı, metin biçiminde girilmiş (ör. başında kesme işareti ya da metin biçimli hücre). "
         "Excel'in TOPLA formülleri metinleri saymadığından birimin gördüğü toplam, programdakinden "
         "farklı olur. Hücreyi sayı biçimine çevirip değeri yeniden yazın."),
    Rule("TIP-08", WARNING, "\"{column}\" metnindeki görünmeyen denetim karakterleri ({chars}) temizlendi.",
         "Metinde sekme/satır sonu dışında denetim karakterleri vardı (başka bir programdan kopyalama "
         "sırasında gelir); belgede bozuk görünmemeleri için silindi. Hücreyi kontrol edin."),
    Rule("TIP-09", ERROR, "\"{column}\" metni {length} karakter; Excel hücre sınırı 32.767 karakter.",
         "Excel bir hücrede en çok 32.767 karakter tutar; daha uzun metin birleşik çalışma kitabında "
         "kesilirdi. Metni kısaltın."),
    Rule("OKU-11", WARNING, "\"{sheet}\" sayfası gizli; içindeki veriler programa alındı.",
         "Şablonun bir sayfası gizlenmiş. Gizli sayfadaki veriler de okunur; birimin görmediği verilerin "
         "programa girmemesi için sayfayı gösterip kontrol edin."),
    Rule("OKU-12", WARNING, "Gizli satırlarda veri var ({rows}); bu satırlar programa alındı.",
         "Sayfadaki bazı satırlar gizlenmiş ama veri içeriyor. Gizli satırlar da okunur; satırları "
         "gösterip kontrol edin, gereksizse silin."),
    Rule("TIP-10", ERROR, "Satır bir sütun {direction} kaymış görünüyor: \"{column}\" sütununda \"{value}\" var. "
         "Satır programa alınmadı; değerleri doğru sütunlara taşıyın.",
         "Satırdaki değerler bir sütun kaymış (ör. hedef kodu Faaliyet Kodu sütununda, faaliyet kodu "
         "Faaliyet Adı sütununda). Bu durumda satırın her hücresi için ayrı hata vermek yerine satır bir "
         "kez bildirilir ve programa alınmaz. Hücreleri kesip doğru sütunlara yapıştırın."),
    Rule("TIP-11", WARNING, "Açıklama sütununa tutar yazılmış gibi: \"{value}\". Açıklama belgede faaliyetin "
         "altında metin olarak basılır, hiçbir toplama girmez.",
         "Tutarlar ekonomik kod sütunlarına (01–09) ya da Bütçe Dışı sütununa yazılır. Açıklamadaki "
         "tutarı ilgili sütuna taşıyın; açıklama gerekmiyorsa hücreyi boşaltın."),
    Rule("TEK-05", ERROR, "{kind} {defined} kurum.xlsx'te ikinci kez tanımlanmış (ilk tanım: {first}); "
         "bu tanım yok sayıldı.",
         "Stratejik planda bir kod yalnızca bir kez tanımlanır. İlk tanım kullanılır; ikinci tanım "
         "yok sayılır, yoksa birimlere yanlış hedef ya da göstergeye göre bulgu verilirdi. Fazla "
         "satırı silin ya da kodunu düzeltin."),
)
finding = RULES.finding

_MISSING = object()
MAX_AMOUNT = 10**14  # TL, without kuruş: 100 trillion, above any municipal budget
MAX_NUMBER = 10**15  # any other number (indicator values, counts)
# OOXML escapes of control characters (_x000B_); openpyxl leaves them in the text. Only the control
# range is decoded: openpyxl has already turned a typed "_x005F_x000B_" into "_x000B_", so the two
# cannot be told apart, and a control character is what such text almost always is.
_OOXML_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|007[Ff])_")
_CONTROL = frozenset(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the characters of _CONTROL
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$|^-?\d+$")


def _is_array_formula(value: Any) -> bool:
    module = sys.modules.get("openpyxl.worksheet.formula")  # only the openpyxl backend makes them
    return module is not None and isinstance(value, module.ArrayFormula)


def _is_formula(value: Any) -> bool:
    if value is None or value.__class__ in (int, float):
        return False
    if isinstance(value, str):
        return value.startswith("=")
    return isinstance(value, Formula) or _is_array_formula(value)


def _formula_text(value: Any) -> str:
    return value.text if isinstance(value, Formula) or _is_array_formula(value) else str(value)


class _GuardedSheets:
    """Sheet lookup and what the package guard found, for both backends."""

    _verdict: Optional[safety.Verdict]
    _by_key: dict[str, str]

    def _index_sheets(self, names: list[str]) -> None:
        # Turkish-aware, case-insensitive sheet lookup ("GÖSTERGELER" is "Göstergeler")
        self._by_key = {}
        for name in names:
            self._by_key.setdefault(sheet_key(name), name)

    def sheet(self, name: str) -> Optional[str]:
        """The workbook's own spelling of sheet ``name`` (Turkish case and Unicode form ignored)."""
        return self._by_key.get(sheet_key(name))

    def has(self, name: str) -> bool:
        return self.sheet(name) is not None

    def bad_number(self, sheet: str, row: int, col0: int) -> bool:
        """The guard dropped this cell's value as unusable (and reported it)."""
        v = self._verdict
        return v is not None and bool(v.bad_numbers) and \
            (self.sheet(sheet) or sheet, ws.cell_ref(row, col0)) in v.bad_numbers

    def hidden(self, sheet: str) -> bool:
        v = self._verdict
        return bool(v and (self.sheet(sheet) or sheet) in v.hidden_sheets)

    def hidden_rows(self, sheet: str) -> set[int]:
        v = self._verdict
        return v.hidden_rows.get(self.sheet(sheet) or sheet, set()) if v else set()

    def core_xml(self) -> Optional[bytes]:
        """docProps/core.xml as the package guard read it (None: not kept, read it from the file)."""
        v = self._verdict
        return v.parts.pop("docProps/core.xml", None) if v is not None else None


class _Unreadable(Exception):
    """The full package check refused a file the quick pass let through: its findings replace the read's."""

    def __init__(self, findings: list[Finding]):
        super().__init__("unreadable")
        self.findings = findings


def _renamed(findings: list[Finding], path: Path, name: Optional[str]) -> list[Finding]:
    if name:
        for f in findings:
            if f.file == path.name:
                f.file = name
    return findings


def _full_verdict(path: Path, verdict: Optional[safety.Verdict], name: Optional[str] = None
                  ) -> Optional[safety.Verdict]:
    """The verdict of the full package check, which the openpyxl path needs: openpyxl parses parts
    (document properties, every part of the workbook) that the quick pass only looked at up to their
    root element. Raises :class:`_Unreadable` when the full check refuses the file."""
    if verdict is None or verdict.complete:
        return verdict
    full = safety.inspect(path, full=True)
    _renamed(full.findings, path, name)
    if not full.readable:
        raise _Unreadable(full.findings)
    return full


class _Book(_GuardedSheets):
    """An open workbook read with openpyxl (read-only): sheets as lists of row tuples, lazy cached values.

    What is opened is what the package guard (:mod:`.safety`) says: the path,
    or an in-memory transitional copy of a Strict OOXML package. The fallback
    of :class:`_FastBook` for workbooks and sheets calamine and the XML scan
    cannot read exactly as openpyxl does."""

    backend = "openpyxl"

    def __init__(self, path: Path, verdict: Optional[safety.Verdict] = None):
        self.path = path
        self.name = path.name
        self._verdict = verdict
        self._wb = self._load(data_only=False)
        self._rows: dict[str, list[tuple]] = {}
        self._cached: Any = None
        self._cached_rows: dict[str, list[tuple]] = {}
        self._index_sheets(self._wb.sheetnames)

    def _load(self, data_only: bool):
        import openpyxl

        source = self._verdict.source if self._verdict is not None else self.path
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's English UserWarnings never reach the user
            return openpyxl.load_workbook(source, read_only=True, data_only=data_only)

    @property
    def sheetnames(self) -> list[str]:
        return self._wb.sheetnames

    def _iter(self, wb, sheet: str) -> list[tuple]:
        ws_ = wb[self.sheet(sheet) or sheet]
        # a dimension like A1:XFD1048576 would pad every row to 16.384 cells: read only what is there
        ws_.reset_dimensions()
        rows = list(ws_.iter_rows(values_only=True))
        while rows and not any(v is not None for v in rows[-1]):
            rows.pop()
        return rows

    def rows(self, sheet: str) -> list[tuple]:
        if sheet not in self._rows:
            self._rows[sheet] = self._iter(self._wb, sheet)
        return self._rows[sheet]

    def cached(self, sheet: str, row: int, col0: int) -> Any:
        """Value Excel stored for a formula cell (None if never calculated)."""
        if self._cached is None:
            self._cached = self._load(data_only=True)
        if sheet not in self._cached_rows:
            self._cached_rows[sheet] = self._iter(self._cached, sheet)
        rows = self._cached_rows[sheet]
        if row - 1 < len(rows) and col0 < len(rows[row - 1]):
            return rows[row - 1][col0]
        return None

    def close(self) -> None:
        self._wb.close()
        if self._cached is not None:
            self._cached.close()


def _big(value: float) -> str:
    """A very large number in a short Turkish form (a 400-digit number is not printed whole)."""
    if isinstance(value, int) and len(str(abs(value))) > 24:
        return f"{len(str(abs(value)))} basamaklı bir sayı"
    return number(value) if abs(value) < 1e24 else f"{value:.3e}".replace(".", ",")


def sheet_key(name: str) -> str:
    """Match key of a sheet name: NFC, Turkish lower case, no outer spaces."""
    return normalize(unicodedata.normalize("NFC", str(name)))


class _FastBook(_GuardedSheets, FastBook):
    """A workbook on calamine + the formula scan; sheets it cannot read exactly go to :class:`_Book`."""

    def __init__(self, path: Path, verdict: Optional[safety.Verdict] = None, name: Optional[str] = None):
        self._verdict = verdict
        source = verdict.source if verdict is not None else path
        FastBook.__init__(self, path, source, lambda: _Book(path, _full_verdict(path, verdict, name)),
                          parts=verdict.parts if verdict is not None else None)
        self._index_sheets(self.sheetnames)

    def rows(self, sheet: str) -> list:
        return FastBook.rows(self, self.sheet(sheet) or sheet)

    def cached(self, sheet: str, row: int, col0: int) -> Any:
        return FastBook.cached(self, self.sheet(sheet) or sheet, row, col0)


@RULES.check("OKU-01", "OKU-08")
def _open(path: Path, findings: list[Finding], name: Optional[str] = None):
    """The workbook, or None when it cannot be read (the findings say why); ``name``
    is the file name findings carry when ``path`` is a converted copy (an .ods or
    .xls read through LibreOffice).

    Every read starts here: the package guard (:func:`safety.inspect`: file
    kind, zip limits, malformed XML, DTDs) runs before any backend sees the
    file; then calamine reads it, or openpyxl when calamine cannot read it
    exactly the same way. The guard's quick pass is enough for calamine; before
    openpyxl reads the file, the full check runs (:func:`_full_verdict`)."""
    verdict = safety.inspect(path, keep=True)
    findings += _renamed(verdict.findings, path, name)
    if not verdict.readable:
        return None
    book: Any
    try:
        book = _FastBook(path, verdict, name)
    except Exception:  # noqa: BLE001 - anything unusual: the openpyxl path reads and reports it
        book = None
    try:
        if book is None:
            book = _Book(path, _full_verdict(path, verdict, name))
        if name:
            book.name = name
        return book
    except _Unreadable as exc:
        findings[:] = exc.findings
        return None
    except MemoryError:
        findings.append(finding("OKU-08", Loc(name or path.name, ""), reason="dosya okunurken bellek yetmedi"))
        return None
    except Exception:  # noqa: BLE001 - the backend's English text never reaches the user
        findings.append(finding("OKU-01", Loc(name or path.name, ""),
                                reason="dosya bir Excel çalışma kitabı olarak açılamadı (yapısı bozuk ya da "
                                       "desteklenmeyen içerik)"))
        return None


class _Cells:
    """Converts raw cell values to typed values, collecting findings."""

    def __init__(self, book: _Book, findings: list[Finding], department: str = ""):
        self.year: int | str = ""  # for column titles like "2024 Hedef Değeri"
        self.book = book
        self.findings = findings
        self.department = department
        verdict = getattr(book, "_verdict", None)
        self._bad = bool(verdict is not None and verdict.bad_numbers)  # the guard dropped some values

    def loc(self, sheet: str, row: int, col0: int) -> Loc:
        return Loc(self.book.name, sheet, ws.cell_ref(row, col0))

    def add(self, code: str, loc: Loc, **kw) -> None:
        kw.setdefault("department", self.department)
        self.findings.append(finding(code, loc, **kw))

    @RULES.check("OKU-05")
    def input_value(self, sheet: str, row: int, col0: int, raw: Any, ctx: dict) -> Any:
        """An input cell: a formula is replaced by its cached value."""
        if _is_formula(raw):
            cached = self.book.cached(sheet, row, col0)
            if cached is None:
                self.add("OKU-05", self.loc(sheet, row, col0), formula=_formula_text(raw), **ctx)
                return _MISSING
            return cached
        return raw

    @RULES.check("TIP-01", "TIP-02", "TIP-03", "TIP-06", "TIP-07", "ZRN-01")
    def convert(self, sheet: str, row: int, col0: int, raw: Any, kind: str, header: str,
                required: bool, ctx: dict, loc: Optional[Loc] = None) -> Any:
        """Typed value of an input cell, or None (blank) / _MISSING (invalid)."""
        if self._bad and self.book.bad_number(sheet, row, col0):
            return _MISSING  # the package guard reported it (TIP-05)
        if raw is None and not required:
            return None
        # the common cells, as the general path below would take them
        cls = raw.__class__
        if cls is Formula and raw.cached is not None:  # calamine's formula cell: input_value gives its cached value
            raw = raw.cached
            cls = raw.__class__
        if cls is int and kind != ws.TEXT and kind != ws.CODE:
            if 0 <= raw < (MAX_AMOUNT if kind == ws.MONEY else MAX_NUMBER):
                return raw
        elif cls is str and (kind == ws.TEXT or kind == ws.CODE) and raw[:1] != "=":
            if loc is None:
                loc = self.loc(sheet, row, col0)
            text = self.clean_text(raw, loc, header, ctx).strip()
            if text:
                return text
            if required:
                self.add("ZRN-01", loc, column=header, **ctx)
                return _MISSING
            return None
        value = self.input_value(sheet, row, col0, raw, ctx)
        if value is _MISSING:
            return _MISSING
        if loc is None:
            loc = self.loc(sheet, row, col0)
        if isinstance(value, str):
            value = self.clean_text(value, loc, header, ctx).strip()
            if value == "":
                value = None
        if value is None:
            if required:
                self.add("ZRN-01", loc, column=header, **ctx)
                return _MISSING
            return None
        if kind in (ws.TEXT, ws.CODE):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, (dt.datetime, dt.date)):
                value = value.strftime("%d.%m.%Y")
            return str(value).strip()
        # numeric kinds
        if isinstance(value, bool) or isinstance(value, (dt.datetime, dt.date, dt.time)):
            self.add("TIP-01", loc, column=header, value=str(value), **ctx)
            return _MISSING
        if isinstance(value, str):
            text = value.replace(" ", "").replace("\u00a0", "")
            if _THOUSANDS.match(text) and len(text) <= 24:
                number_value: float = int(text.replace(".", ""))
            elif re.fullmatch(r"-?\d{1,18},\d{1,12}", text) and kind == ws.NUMBER:
                number_value = float(text.replace(",", "."))
            else:
                self.add("TIP-01", loc, column=header, value=value, **ctx)
                return _MISSING
            self.add("TIP-07", loc, column=header, value=value, **ctx)
            value = number_value
        if isinstance(value, float) and not math.isfinite(value):
            self.add("TIP-06", loc, column=header, value="sonsuz ya da NaN", limit="bir sayı yazın", **ctx)
            return _MISSING
        limit = MAX_AMOUNT if kind == ws.MONEY else MAX_NUMBER
        if abs(value) >= limit:
            self.add("TIP-06", loc, column=header, value=_big(value),
                     limit=f"{'tutar' if kind == ws.MONEY else 'sayı'} {number(limit)}"
                           f"{' TL' if kind == ws.MONEY else ''}'den küçük olmalı", **ctx)
            return _MISSING
        if value < 0:
            self.add("TIP-02", loc, column=header, value=value, **ctx)
            return _MISSING
        if kind in (ws.MONEY, ws.INT, ws.YEAR):
            if isinstance(value, float):
                if not value.is_integer():
                    self.add("TIP-03", loc, column=header, value=value, **ctx)
                    return _MISSING
                value = int(value)
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    @RULES.check("TIP-08", "TIP-09")
    def clean_text(self, text: str, loc: Loc, header: str, ctx: dict) -> str:
        """OOXML escapes decoded, NFC, control characters removed (TIP-08), length checked (TIP-09)."""
        if "_x" in text:
            text = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
        text = unicodedata.normalize("NFC", text)
        bad = sorted(set(_CONTROL_CHARS.findall(text))) if _CONTROL_CHARS.search(text) else None
        if bad:
            text = "".join(" " if ch in _CONTROL else ch for ch in text)
            text = re.sub(r" {2,}", " ", text)
            self.add("TIP-08", loc, column=header, chars=", ".join(f"U+{ord(ch):04X}" for ch in bad), **ctx)
        if len(text) > safety.MAX_CELL_TEXT:
            self.add("TIP-09", loc, column=header, length=number(len(text)), **ctx)
            text = text[: safety.MAX_CELL_TEXT]
        return text

    def typed_total(self, sheet: str, row: int, col0: int, raw: Any, header: str, ctx: dict) -> Optional[int]:
        """A formula cell: None when the formula is there, else the typed number."""
        if raw is None or _is_formula(raw):
            return None
        value = self.convert(sheet, row, col0, raw, ws.MONEY, header, False, ctx)
        return None if value is _MISSING else value


# ---------------------------------------------------------------------------
# generic sheet readers
# ---------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _header_key(text: Any) -> str:
    """Header match key: year digits and punctuation do not matter."""
    return re.sub(r"\d{4}", "", normalize(str(text or ""))).strip()


@lru_cache(maxsize=1024)
def _title(header: str, year: int | str) -> str:
    """A column's title for a program year (ws.header_title, cached: it is the same in every workbook)."""
    return ws.header_title(header, year)


@lru_cache(maxsize=1024)
def _title_key(header: str) -> str:
    """Match key of a column's header as the template writes it (year placeholders left empty)."""
    return _header_key(ws.header_title(header))


@RULES.check("OKU-03")
def _columns(cells: _Cells, spec: ws.TableSheet, rows: list[tuple]) -> Optional[dict[str, int]]:
    header = rows[ws.HEADER_ROW - 1] if len(rows) >= ws.HEADER_ROW else ()
    found = {_header_key(h): i for i, h in enumerate(header) if h not in (None, "")}
    cols: dict[str, int] = {}
    ok = True
    for col in spec.columns:
        i = found.get(_title_key(col.header))
        if i is None:
            if col.reference or col.may_be_absent:
                continue  # added in a later template version; older workbooks are read without it
            cells.add("OKU-03", Loc(cells.book.name, spec.name, ws.cell_ref(ws.HEADER_ROW, spec.index(col.key))),
                      column=col.title(cells.year).strip(), row=ws.HEADER_ROW)
            ok = not col.required and ok
            continue
        cols[col.key] = i
    return cols if ok else None


@RULES.check("OKU-02", "OKU-11")
def _has_sheet(cells: _Cells, name: str) -> bool:
    if cells.book.has(name):
        if cells.book.hidden(name):
            cells.add("OKU-11", Loc(cells.book.name, cells.book.sheet(name) or name), sheet=name)
        return True
    if name in ws.OPTIONAL_SHEETS:
        return False
    cells.add("OKU-02", Loc(cells.book.name, name), sheet=name)
    return False


_TABLE_PLANS: dict[tuple, tuple] = {}


def _table_plan(spec: ws.TableSheet, cols: dict[str, int], year: int | str, bad: bool) -> tuple:
    """What :func:`read_table` works out per column before the rows, once per table layout (the
    workbooks of one template share it): (the columns found, as (key, index, kind, title, required,
    pattern, letters, a blank cell is None, a whole number below this limit is the value: what
    convert would give, without calling it)), the indexes of the input columns, (key, index) of
    every column, the row length that holds every input column, and a getter of the input cells."""
    key = (id(spec), tuple(cols.items()), year, bad)
    cached = _TABLE_PLANS.get(key)
    if cached is not None and cached[0] is spec:
        return cached[1]
    present = tuple((c.key, cols[c.key], c.kind, _title(c.header, year), c.required, c.pattern,
                     ws.get_column_letter(cols[c.key] + 1), c.kind == ws.FORMULA or not (c.required or bad),
                     0 if bad or c.pattern or c.kind in (ws.TEXT, ws.CODE, ws.FORMULA) else
                     MAX_AMOUNT if c.kind == ws.MONEY else MAX_NUMBER)
                    for c in spec.columns if c.key in cols)
    input_idx = tuple(cols.get(c.key) for c in spec.columns if c.kind != ws.FORMULA and not c.reference)
    all_idx = tuple((c.key, cols.get(c.key)) for c in spec.columns)
    found_idx = [i for i in input_idx if i is not None]  # an absent column is blank in every row
    need = max(found_idx, default=-1) + 1
    plan = (present, input_idx, all_idx, need, itemgetter(*found_idx) if found_idx else None)
    if len(_TABLE_PLANS) >= 1024:  # odd layouts only; the template's few stay
        _TABLE_PLANS.clear()
    _TABLE_PLANS[key] = (spec, plan)
    return plan


# Loc is a frozen dataclass: its __init__ sets each field through object.__setattr__ (about 0,4 µs).
# read_table makes one for every cell it reads, so it sets the three slots itself (the same object:
# tests/test_reader_rows.py holds it to Loc(...)); a Loc with other fields stops the import here.
_LOC_FIELDS = ("file", "sheet", "cell")
if tuple(f.name for f in dataclasses.fields(Loc)) != _LOC_FIELDS or "__dict__" in dir(Loc):
    raise TypeError("model.Loc changed: update reader._LOC_PARTS")
_LOC_PARTS = (object.__new__, *(vars(Loc)[name].__set__ for name in _LOC_FIELDS))


@RULES.check("OKU-12", "TIP-04")
def read_table(cells: _Cells, spec: ws.TableSheet, ctx_of: Optional[Callable[[dict], dict]] = None,
               row_check: Optional[Callable[[_Cells, int, dict], bool]] = None,
               ) -> list[tuple[int, dict, dict[str, Loc]]]:
    """Rows of a table sheet as (excel row, {key: value}, {key: Loc}).

    Rows whose input cells are all blank are skipped. Formula columns give
    the typed total or None. Invalid cells are reported and left out of the
    row dict (the key is absent)."""
    if not _has_sheet(cells, spec.name):
        return []
    rows = cells.book.rows(spec.name)
    cols = _columns(cells, spec, rows)
    if cols is None:
        return []
    out = []
    name, file, year, bad = spec.name, cells.book.name, cells.year, cells._bad
    present, input_idx, all_idx, need, inputs_of = _table_plan(spec, cols, year, bad)
    new_loc, set_file, set_sheet, set_cell = _LOC_PARTS
    for r0 in range(spec.first_data_row - 1, len(rows)):
        raw = rows[r0]
        row = r0 + 1
        n = len(raw)
        if inputs_of is not None and n >= need:
            got = inputs_of(raw)
            if got.count(None) == len(got) if isinstance(got, tuple) else got is None:
                continue  # the common blank row, without looking at each cell
        if all((v := raw[i] if i is not None and i < n else None) is None or (isinstance(v, str) and not v.strip())
               for i in input_idx):
            continue
        by_key = {k: raw[i] if i is not None and i < n else None for k, i in all_idx} \
            if row_check is not None or ctx_of is not None else {}
        if row_check is not None and not row_check(cells, row, by_key):
            continue  # the check reported the row once (e.g. shifted by a column); no cell findings follow
        # context for findings: codes of the row if readable
        ctx = ctx_of(by_key) if ctx_of else {}
        values: dict[str, Any] = {}
        locs: dict[str, Loc] = {}
        srow = str(row)
        for key, i, kind, title, required, pattern, letters, blank_none, int_below in present:
            loc = locs[key] = new_loc(Loc)
            set_file(loc, file)
            set_sheet(loc, name)
            set_cell(loc, letters + srow)
            v = raw[i] if i < n else None
            if v is None:
                if blank_none:
                    values[key] = None  # what typed_total and convert give for a blank cell
                    continue
            elif int_below:
                number = v.cached if v.__class__ is Formula else v
                if number.__class__ is int and 0 <= number < int_below:
                    values[key] = number  # what convert gives for a whole number (or a formula's)
                    continue
            elif kind == ws.FORMULA and v.__class__ is Formula:
                values[key] = None  # typed_total: the formula is there
                continue
            if kind == ws.FORMULA:
                values[key] = cells.typed_total(name, row, i, v, title, ctx)
                continue
            v = cells.convert(name, row, i, v, kind, title, required, ctx, loc)
            if v is _MISSING:
                continue
            if v is not None and pattern and not _pattern(pattern).fullmatch(str(v)):
                cells.add("TIP-04", loc, column=title, value=v, expected=_pattern_hint(pattern), **ctx)
                continue
            values[key] = v
        out.append((row, values, locs))
    hidden = sorted(cells.book.hidden_rows(spec.name) & {row for row, _, _ in out})
    if hidden:
        cells.add("OKU-12", cells.loc(spec.name, hidden[0], 0), rows=", ".join(map(str, hidden[:10]))
                  + (f" ve {len(hidden) - 10} satır daha" if len(hidden) > 10 else ""))
    return out


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _pattern_hint(pattern: str) -> str:
    return {
        r"H\d+\.\d+": "H1.1 biçiminde hedef kodu",
        r"PG\d+\.\d+\.\d+": "PG1.1.1 biçiminde gösterge kodu",
        r"F\d+": "F1 biçiminde faaliyet kodu",
        r"A\d+": "A1 biçiminde amaç kodu",
        r"D\d+-\w+": "D7-FDB biçiminde birim kodu",
    }.get(pattern, pattern)


@RULES.check("OKU-03")
def read_form(cells: _Cells, spec: ws.FormSheet) -> tuple[dict, dict[str, Loc], dict[str, Optional[int]]]:
    """Fields of a form sheet: values, locations, typed values of formula fields."""
    values: dict[str, Any] = {}
    locs: dict[str, Loc] = {}
    typed: dict[str, Optional[int]] = {}
    if not _has_sheet(cells, spec.name):
        return values, locs, typed
    rows = cells.book.rows(spec.name)
    by_label: dict[str, tuple[int, Any]] = {}
    for r0, raw in enumerate(rows):
        if r0 >= ws.HEADER_ROW and raw and raw[0] is not None:
            by_label.setdefault(normalize(str(raw[0])), (r0 + 1, raw[1] if len(raw) > 1 else None))
    for fld in spec.fields:
        hit = by_label.get(normalize(fld.label))
        if hit is None and fld.optional:
            continue
        if hit is None:
            cells.add("OKU-03", Loc(cells.book.name, spec.name, f"A{spec.row(fld.key)}"),
                      column=fld.label, row=spec.row(fld.key))
            continue
        row, raw = hit
        locs[fld.key] = cells.loc(spec.name, row, 1)
        if fld.kind == ws.FORMULA:
            typed[fld.key] = cells.typed_total(spec.name, row, 1, raw, fld.label, {})
            continue
        v = cells.convert(spec.name, row, 1, raw, fld.kind, fld.label, fld.required, {})
        if v is not _MISSING:
            values[fld.key] = v
    return values, locs, typed


@RULES.check("TIP-04", "ZRN-01")
def read_matrix(cells: _Cells, spec: ws.MatrixSheet) -> list[tuple[int, str, dict[str, str], Loc]]:
    """Rows of a matrix sheet: (row, row key, {column key: mark}, loc of key)."""
    if not _has_sheet(cells, spec.name):
        return []
    rows = cells.book.rows(spec.name)
    header = rows[ws.HEADER_ROW - 1] if len(rows) >= ws.HEADER_ROW else ()
    columns = [(i, unicodedata.normalize("NFC", str(h)).strip())
               for i, h in enumerate(header) if i > 0 and h not in (None, "")]
    allowed = {normalize(v): v for v in spec.values}
    out = []
    for r0 in range(ws.HEADER_ROW, len(rows)):
        raw = rows[r0]
        row = r0 + 1
        if not raw or all(v in (None, "") for v in raw):
            continue
        key = unicodedata.normalize("NFC", str(raw[0])).strip() if raw[0] is not None else ""
        marks: dict[str, str] = {}
        for i, col in columns:
            v = raw[i] if i < len(raw) else None
            if v is None or str(v).strip() == "":
                continue
            mark = allowed.get(normalize(str(v).strip()))
            if mark is None:
                cells.add("TIP-04", cells.loc(spec.name, row, i), column=col, value=v,
                          expected=" / ".join(spec.values))
                continue
            marks[col] = mark
        if not key:
            cells.add("ZRN-01", cells.loc(spec.name, row, 0), column=spec.row_header)
            continue
        out.append((row, key, marks, cells.loc(spec.name, row, 0)))
    return out


# ---------------------------------------------------------------------------
# kurum.xlsx
# ---------------------------------------------------------------------------

def _read_with(path: str | Path, read: Callable[[_Book, list[Finding]], Any],
               name: Optional[str] = None) -> tuple[Any, list[Finding]]:
    """Open a workbook, read it with ``read`` and close it; (None, findings) if it cannot be opened.

    The cycle collector waits while one workbook is read: reading allocates many small objects and
    leaves no garbage cycles behind (the book breaks its own when it closes), so collecting during
    it only costs time (about 6 % of reading the 10× synthetic workbooks)."""
    if not gc.isenabled():
        return _read_open(path, read, name)
    gc.disable()
    try:
        return _read_open(path, read, name)
    finally:
        gc.enable()


@RULES.check("OKU-01", "OKU-08")
def _read_open(path: str | Path, read: Callable[[_Book, list[Finding]], Any],
               name: Optional[str] = None) -> tuple[Any, list[Finding]]:
    findings: list[Finding] = []
    book = _open(Path(path), findings, name)
    if book is None:
        return None, findings
    try:
        return read(book, findings), findings
    except _Unreadable as exc:  # a sheet went to openpyxl, and the full package check refused the file
        findings[:] = exc.findings
        return None, findings
    except MemoryError:
        findings.append(finding("OKU-08", Loc(book.name, ""), reason="dosya okunurken bellek yetmedi"))
        return None, findings
    except Exception:  # noqa: BLE001 - one odd workbook never stops the build with a traceback
        findings.append(finding("OKU-01", Loc(book.name, ""),
                                reason="dosyanın içeriği okunurken beklenmeyen bir sorun çıktı; dosyayı Excel'de "
                                       "açıp yeniden kaydedin ya da verileri yeni bir şablona aktarın"))
        return None, findings
    finally:
        book.close()


def read_institution(path: str | Path) -> tuple[Optional[Institution], list[Finding]]:
    """Read kurum.xlsx. Returns (None, findings) when the file cannot be opened."""
    return _read_with(path, _read_institution)


def _read_institution(book: _Book, findings: list[Finding]) -> Institution:
    cells = _Cells(book, findings)
    inst = Institution(file=book.name)
    values, locs, _ = read_form(cells, ws.INST_PROFILE)
    p = inst.profile = Profile(**ws.attrs_of(ws.INST_PROFILE.fields, values, Profile), src=dict(locs))

    def text(spec: ws.TableSheet) -> list[str]:
        return [v["metin"] for _, v, _ in read_table(cells, spec) if "metin" in v]

    foreword = [(v["metin"], l["metin"]) for _, v, l in read_table(cells, ws.INST_FOREWORD) if "metin" in v]
    p.foreword = [t for t, _ in foreword]
    p.src.update({f"onsoz:{i}": loc for i, (_, loc) in enumerate(foreword)})
    p.values = text(ws.INST_VALUES)
    p.duties = text(ws.INST_DUTIES)
    inst.units_of_measure = text(ws.INST_UNITS)
    p.team = [TeamMember(**ws.attrs_of(ws.INST_TEAM.columns, v, TeamMember))
              for _, v, _ in read_table(cells, ws.INST_TEAM)]
    inst.areas = _records(cells, ws.INST_AREAS, StrategicArea)
    inst.aims = _records(cells, ws.INST_AIMS, Aim)
    inst.targets = _records(cells, ws.INST_TARGETS, Target)
    inst.indicator_defs = _records(cells, ws.INST_INDICATORS, IndicatorDef)
    inst.aims = _first_definitions(cells, inst.aims, "Amaç")
    inst.targets = _first_definitions(cells, inst.targets, "Hedef")
    inst.indicator_defs = _first_definitions(cells, inst.indicator_defs, "Gösterge")
    for order, (_, v, l) in enumerate(read_table(cells, ws.INST_DEPARTMENTS)):
        if {"kod", "ad"} <= v.keys():
            aliases = [a.strip() for a in (v.get("diger") or "").split(";") if a.strip()]
            inst.departments.append(Department(**ws.attrs_of(ws.INST_DEPARTMENTS.columns, v, Department),
                                               aliases=aliases, order=order, src=l))
    targets = {t.code: t for t in inst.targets}
    if book.has(ws.INST_MATRIX.name):
        header = (book.rows(ws.INST_MATRIX.name)[ws.HEADER_ROW - 1:ws.HEADER_ROW] or [()])[0]
        inst.src.update({f"matris:{unicodedata.normalize('NFC', str(h)).strip()}":
                         cells.loc(ws.INST_MATRIX.name, ws.HEADER_ROW, i)
                         for i, h in enumerate(header) if i > 0 and h not in (None, "")})
    for _row, key, marks, loc in read_matrix(cells, ws.INST_MATRIX):
        code = key if key.upper().startswith("H") else f"H{key}"
        t = targets.get(code)
        if t is None:
            inst.matrix_unknown.append((code, marks, loc))
            continue
        t.responsibility = dict(marks)
        t.src["matris"] = loc
    inst.policies = _records(cells, ws.INST_POLICIES, Policy)
    for _row, key, marks, loc in read_matrix(cells, ws.INST_LAWS):
        areas = sorted(int(m.group()) for col in marks if (m := re.search(r"\d+", col)))
        inst.laws.append(Law(key, areas, src={"ad": loc}))
    econ = {f"e{c}": c for c in ECONOMIC_CODES}
    for _, v, l in read_table(cells, ws.INST_CONTROL):
        if "hedef" not in v:
            continue
        for key, value in v.items():
            if key != "hedef" and value is not None:
                inst.control_totals.append(ControlTotal(v["hedef"], econ.get(key, key), value, src={"value": l[key]}))
    inst.acceptances = _records(cells, ws.INST_ACCEPTED, Acceptance)
    inst.narratives = _records(cells, ws.INST_NARRATIVES, Narrative)
    if ws.INST_REVIEW.name in book.sheetnames:  # written by new-year; older workbooks lack it
        inst.reviews = [ReviewItem(v["konu"], v.get("sayfa") or "", v.get("aciklama") or "",
                                   normalize(v.get("durum") or "") == normalize(ws.REVIEWED), src=l)
                        for _, v, l in read_table(cells, ws.INST_REVIEW) if "konu" in v]
    if ws.INST_TEXTS.name in book.sheetnames:  # older kurum.xlsx files have no Metinler sheet
        inst.texts = _read_texts(cells)
    for spec in ws.INFO_TABLES:
        table = _read_info_table(cells, spec)
        if table is not None and (table.rows or table.source_note):
            inst.info_tables[spec.key] = table
    return inst


def _records(cells: _Cells, spec: ws.TableSheet, model: type) -> list:
    """The rows of a table sheet with every required column filled, as ``model`` objects
    (columns mapped to attributes by the schema's ``attr``)."""
    required = {c.key for c in spec.columns if c.required}
    return [model(**ws.attrs_of(spec.columns, v, model), src=l)
            for _, v, l in read_table(cells, spec) if required <= v.keys()]


@RULES.check("TIP-04")
def _read_texts(cells: _Cells) -> list[TextBlock]:
    """The narrative blocks of the Metinler sheet; unknown sections and kinds are findings."""
    from .narrative import SECTIONS, kind_of

    out = []
    for _, v, l in read_table(cells, ws.INST_TEXTS):
        if not {"bolum", "metin"} <= v.keys():
            continue
        section = str(v["bolum"]).strip()
        if section not in SECTIONS:
            cells.add("TIP-04", l["bolum"], column=ws.INST_TEXTS.col("bolum").header, value=section,
                      expected="Metinler sayfasındaki bölüm anahtarlarından biri")
            continue
        kind = kind_of(v.get("tur"))
        if not kind:
            cells.add("TIP-04", l["tur"], column=ws.INST_TEXTS.col("tur").header, value=v.get("tur"),
                      expected="Paragraf, Madde ya da Ara Başlık")
            continue
        out.append(TextBlock(section, kind, str(v["metin"]).strip(), src=l))
    return out


@RULES.check("TEK-05")
def _first_definitions(cells: _Cells, items: list, kind: str) -> list:
    """The first definition of each code; a repeated one is reported (TEK-05) and left out."""
    seen: dict[str, Any] = {}
    out = []
    for item in items:
        first = seen.get(item.code)
        if first is None:
            seen[item.code] = item
            out.append(item)
            continue
        loc = item.src.get("kod")
        first_loc = first.src.get("kod")
        cells.add("TEK-05", loc, kind=kind, defined=item.code,
                  first=f"{first_loc.sheet} › {first_loc.cell}" if first_loc else "önceki satır")
    return out


@RULES.check("TIP-04")
def _read_info_table(cells: _Cells, spec: ws.InfoSpec) -> Optional[InfoTable]:
    if not _has_sheet(cells, spec.sheet):
        return None
    rows = cells.book.rows(spec.sheet)
    title_cell = rows[0][0] if rows and rows[0] else None
    title = re.sub(r"^Tablo\s*\d+\s*:\s*", "", str(title_cell or spec.title)).strip() or spec.title
    source = rows[ws.HELP_ROW - 1][1] if len(rows) >= ws.HELP_ROW and len(rows[ws.HELP_ROW - 1]) > 1 else None
    table = InfoTable(spec.key, title, [h for h, _ in spec.columns], source_note=str(source or "").strip(),
                      sheet=spec.sheet, file=cells.book.name)
    for r0 in range(ws.HEADER_ROW, len(rows)):
        raw = list(rows[r0]) + [None] * (len(spec.columns) + 1)
        if all(v in (None, "") for v in raw[: len(spec.columns) + 1]):
            continue
        row = r0 + 1
        kind_label = str(raw[0] or ws.ROW_KIND_LABELS[ROW_DATA]).strip()
        kind = ws.ROW_KINDS.get(kind_label)
        if kind is None:
            cells.add("TIP-04", cells.loc(spec.sheet, row, 0), column=ws.INFO_KIND_HEADER, value=kind_label,
                      expected=" / ".join(ws.ROW_KIND_LABELS.values()))
            kind = ROW_DATA
        values = []
        for c, (header, ckind) in enumerate(spec.columns, start=1):
            v = cells.convert(spec.sheet, row, c, raw[c], ckind, header, False, {})
            values.append(None if v is _MISSING else v)
        table.rows.append(values)
        table.kinds.append(kind)
        table.src_rows.append(row)
    return table


# ---------------------------------------------------------------------------
# department workbooks
# ---------------------------------------------------------------------------

_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>\s*([^<]+?)\s*</dcterms:modified>")


def saved_at(path: str | Path, data: Optional[bytes] = None) -> Optional[dt.datetime]:
    """The workbook's own save time (docProps/core.xml ``dcterms:modified``) as naive UTC.

    This is the time Excel (or LibreOffice) stored in the file, not the file
    system's time, which copying or mailing a file changes. None when absent.
    ``data``: the part itself, when the package guard has already read it."""
    if data is None:
        try:
            with zipfile.ZipFile(path) as zf:
                data = zf.read("docProps/core.xml")
        except (OSError, KeyError, zipfile.BadZipFile):
            return None
    m = _MODIFIED.search(data)
    if not m:
        return None
    text = m.group(1).decode("ascii", "replace")
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def read_department(path: str | Path, name: Optional[str] = None) -> tuple[Optional[Submission], list[Finding]]:
    """Read one department workbook. Returns (None, findings) when the file cannot be opened.

    ``name`` is the file name findings and the submission carry when ``path``
    is a converted copy (an .ods or .xls read through LibreOffice)."""
    return _read_with(path, _read_department, name)


def _read_department(book: _Book, findings: list[Finding]) -> Submission:
    cells = _Cells(book, findings)
    values, locs, typed = read_form(cells, ws.DEPT_INFO)
    code = values.get("kod") or ""
    cells.department = code
    cells.year = values.get("yil") or ""
    for f in findings:
        f.department = f.department or code
    form = ws.DEPT_INFO.fields
    sub = Submission(file=book.name, **ws.attrs_of(form, values, Submission, "submission."),
                     saved_at=saved_at(book.path, book.core_xml()), src=dict(locs))
    sub.unit_costs = UnitCosts(
        department=code, **ws.attrs_of(form, {**values, **typed}, UnitCosts, "unit_costs."), src=dict(locs),
        entered=values.get("personel") is not None or values.get("genel_yonetim") is not None,
    )

    def ind_ctx(raw: dict) -> dict:
        return {"target": str(raw.get("hedef") or ""), "activity": ""}

    for row, v, l in read_table(cells, ws.DEPT_INDICATORS, ind_ctx):
        sub.indicators.append(Indicator(**ws.attrs_of(ws.DEPT_INDICATORS.columns, v, Indicator),
                                        department=code, row=row, src=l))

    def act_ctx(raw: dict) -> dict:
        return {"target": str(raw.get("hedef") or "").strip(), "activity": str(raw.get("kod") or "").strip()}

    for row, v, l in read_table(cells, ws.DEPT_ACTIVITIES, act_ctx, _activity_row_check):
        _amount_in_explanation(cells, v, l, act_ctx(v))
        sub.activities.append(_unspecified_off_budget(
            Activity(**ws.attrs_of(ws.DEPT_ACTIVITIES.columns, v, Activity), unit_code=code, row=row, src=l)))
    sub.typed_totals = _typed_totals_row(cells, ws.DEPT_ACTIVITIES, sub)
    if sub.is_blank:  # nothing entered: "not submitted" (merge), not a list of empty cells
        findings[:] = [f for f in findings if f.code != "ZRN-01"]
    return sub


_TARGET_CODE = re.compile(r"\s*H\d+\.\d+\s*")
_ACTIVITY_CODE = re.compile(r"\s*F\d+\s*")
_AMOUNT_TEXT = re.compile(r"\s*(?:\d{1,3}(?:[.\s]\d{3})+|\d{4,})(?:,\d{1,2})?\s*(?:TL|₺|TRY)?\.?\s*", re.I)


@RULES.check("TIP-10")
def _activity_row_check(cells: _Cells, row: int, raw: dict) -> bool:
    """A row of Faaliyetler shifted by one column gets one finding and is left out."""
    def matches(pattern: re.Pattern, key: str) -> bool:
        value = raw.get(key)
        return isinstance(value, str) and pattern.fullmatch(value) is not None

    direction, column, value = "", "", None
    if matches(_TARGET_CODE, "kod") and (matches(_ACTIVITY_CODE, "ad") or not raw.get("hedef")):
        direction, column, value = "sağa", ws.DEPT_ACTIVITIES.col("kod").title(), raw.get("kod")
    elif matches(_ACTIVITY_CODE, "hedef"):
        direction, column, value = "sola", ws.DEPT_ACTIVITIES.col("hedef").title(), raw.get("hedef")
    if not direction:
        return True
    spec = ws.DEPT_ACTIVITIES
    cells.add("TIP-10", cells.loc(spec.name, row, 0), direction=direction, column=column, value=value)
    return False


@RULES.check("TIP-11")
def _amount_in_explanation(cells: _Cells, values: dict, locs: dict, ctx: dict) -> None:
    """TIP-11: Açıklama holds what looks like an amount (it would be printed, never counted)."""
    text = values.get("aciklama")
    if isinstance(text, str) and _AMOUNT_TEXT.fullmatch(text) and "aciklama" in locs:
        cells.add("TIP-11", locs["aciklama"], value=text, **ctx)


def _unspecified_off_budget(a: Activity) -> Activity:
    """A Bütçe Dışı number with no kind given (an older workbook's single input column, or a
    number typed over the formula beside empty kind cells) is an amount of unspecified kind:
    it counts as Diğer Yurt İçi, read from (and located at) the Bütçe Dışı cell."""
    if a.off_budget_typed is not None and not a.off_amounts:
        a.off_amounts[OFF_BUDGET_UNSPECIFIED] = a.off_budget_typed
        if "butce_disi" in a.src:
            a.src[f"bd_{OFF_BUDGET_UNSPECIFIED}"] = a.src["butce_disi"]
        a.off_budget_typed = None
    return a


def _typed_totals_row(cells: _Cells, spec: ws.TableSheet, sub: Submission) -> dict[str, int]:
    """Numbers typed over the SUM formulas of a totals row."""
    if not cells.book.has(spec.name):
        return {}
    rows = cells.book.rows(spec.name)
    if len(rows) < spec.totals_row:
        return {}
    raw = rows[spec.totals_row - 1]
    out = {}
    for i, col in enumerate(spec.columns):
        if col.kind in (ws.MONEY, ws.FORMULA) and i < len(raw):
            v = cells.typed_total(spec.name, spec.totals_row, i, raw[i], _title(col.header, ""), {})
            if v is not None:
                out[col.key] = v
                sub.src[f"toplam:{col.key}"] = cells.loc(spec.name, spec.totals_row, i)
    return out

"""Reading backend: cell values and formula cells of an .xlsx workbook.

The reader (:mod:`.reader`) maps rows to model fields; this module only says
what is in the cells. :func:`open_fast` reads values with python-calamine
(the Rust calamine reader) and finds formula cells with a scan of the sheet
XML, so a typed total (a number where the template has a formula) is told
apart from a live formula exactly. The result is the same as openpyxl's
``load_workbook(read_only=True)`` gives the reader:

* a formula cell is a :class:`Formula` (its cached value is kept for input
  cells that hold a formula);
* numbers are ``int`` when the stored text has no decimal point or exponent,
  ``float`` otherwise (calamine gives floats only; the scan keeps the few
  cells whose text says float, and integers too long for a float);
* empty cells are ``None``.

Whenever a workbook (or one sheet) holds something whose reading the two
libraries could disagree on, the reader falls back to openpyxl for it:
DOCTYPE/entity declarations, comments or CDATA in a part, escaped characters
(``_x000D_``), carriage returns, a non-UTF-8 or Strict OOXML namespace,
cells without a reference, date formats, error values, anything calamine
cannot open. Those cases are rare in filled templates and read exactly as
before, only slower.

Safety: the package guard (:mod:`.safety`, run by the reader before any
backend) refuses any DTD and holds the package to its limits first; its quick
pass hands over the parts it decompressed (``parts``), so they are not read
from the zip again. calamine's XML parser (quick-xml) does not read DTDs or
expand entities (it refuses any entity not predefined), and a part with a
DOCTYPE would not reach it here anyway: it goes to openpyxl, whose workbooks
the reader opens only after the guard's full check, and which refuses DTDs
through defusedxml as before. The small parts this module parses itself
(workbook, relationships, styles) are parsed only after the same check, and
only below :data:`MAX_PART` bytes. Whatever calamine cannot parse in a sheet
(malformed XML) is read by openpyxl, that is after the full check, which
reports it.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional, Union

MAX_PART = 64 * 1024 * 1024  # bytes of one part this module reads into memory

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS = "{" + MAIN_NS.decode() + "}"

# built-in number formats that are (or may be, by locale) dates or times
_DATE_BUILTINS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 59)) | set(range(71, 82))
_QUOTED = re.compile(r'"[^"]*"')
_DATE_LETTERS = re.compile(r"[dmyhsDMYHS]")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
_XMLNS_MAIN = re.compile(rb"""xmlns(:[A-Za-z_][\w.-]*)?\s*=\s*["']""" + re.escape(MAIN_NS) + rb"""["']""")
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.-]*:)?worksheet[\s>/]")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_ERROR_OR_DATE = re.compile(rb"""\st\s*=\s*["'](?:e|d)["']""")
_STYLE = re.compile(rb"""\ss\s*=\s*["']([0-9]+)["']""")


class Fallback(Exception):
    """This workbook or sheet is read with openpyxl instead."""


class Formula:
    """A formula cell: what the reader sees where openpyxl gives ``"=SUM(...)"``.

    ``cached`` is the value Excel stored with the formula (None if never
    calculated); ``text`` the formula as openpyxl spells it (looked up on
    demand: it is only needed for a message)."""

    __slots__ = ("cached", "_text")

    def __init__(self, cached: Any, text: Union[str, tuple]):
        self.cached = cached
        self._text = text  # the text, or (book, sheet, row, col0) to look it up

    @property
    def text(self) -> str:
        if isinstance(self._text, tuple):
            book, sheet, row, col0 = self._text
            self._text = str(book._formula_text(sheet, row, col0))
        return str(self._text)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Formula(cached={self.cached!r})"


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _cast_number(text: str) -> Union[int, float]:
    """openpyxl's conversion of a stored number."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _check_text(data: bytes) -> None:
    """Raise Fallback when an XML part holds something only a full XML parser reads right."""
    if b"<!" in data or b"\r" in data or _ESCAPE.search(data):
        raise Fallback("DTD, comment, CDATA, carriage return or escaped character")
    m = _ENCODING.match(data)
    if m and m.group(1).lower().replace(b"-", b"") != b"utf8":
        raise Fallback("encoding")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Fallback("UTF-16")


def _is_date_format(code: Optional[str], num_fmt_id: int) -> bool:
    """A superset of what openpyxl treats as a date or time format."""
    if code is None:
        return num_fmt_id in _DATE_BUILTINS
    return bool(_DATE_LETTERS.search(_QUOTED.sub("", code))) or num_fmt_id in _DATE_BUILTINS


def _check_references(data: bytes, tag: bytes) -> None:
    """Every ``<c>`` (``<row>``) element carries its reference ``r`` (else openpyxl counts positions)."""
    total = sum(data.count(tag + end) for end in (b" ", b">", b"/", b"\t", b"\n"))
    if total == data.count(tag + b' r="'):
        return
    if total != len(re.findall(re.escape(tag) + rb"\s[^>]*?\br\s*=", data)):
        raise Fallback("element without reference")


class SheetScan:
    """What the XML of one sheet says beyond calamine's values."""

    __slots__ = ("formulas", "numbers")

    def __init__(self) -> None:
        self.formulas: set[tuple[int, int]] = set()  # (row, col0) of cells with an <f> child
        self.numbers: dict[tuple[int, int], Union[int, float]] = {}  # exact value where a float would lie


def scan_sheet(data: bytes, date_styles: frozenset[int] = frozenset()) -> SheetScan:
    """Formula cells and exact numbers of one worksheet part (raises Fallback when unsure)."""
    _check_text(data)
    decls = _XMLNS_MAIN.findall(data)
    root = _ROOT.search(data)
    if len(decls) != 1 or root is None:
        raise Fallback("namespace")
    prefix = root.group(1) or b""
    if decls[0] != (b":" + prefix[:-1] if prefix else b""):
        raise Fallback("namespace prefix")
    if prefix and data.count(b"xmlns:" + prefix[:-1]) != 1:
        raise Fallback("prefix declared twice")
    if not prefix and data.count(b"xmlns=") + data.count(b"xmlns =") != 1:
        raise Fallback("default namespace declared twice")
    cell_open = b"<" + prefix + b"c"
    cell_close = b"</" + prefix + b"c>"
    _check_references(data, cell_open)
    _check_references(data, b"<" + prefix + b"row")
    if _ERROR_OR_DATE.search(data):
        raise Fallback("error value or ISO date")
    scan = SheetScan()

    def enclosing(pos: int) -> Optional[tuple[int, bytes]]:
        """Start of the cell element around ``pos`` and its start tag (None: not inside a cell)."""
        start = pos
        while True:
            start = data.rfind(cell_open, 0, start)
            if start < 0:
                return None
            nxt = data[start + len(cell_open):start + len(cell_open) + 1]
            if nxt in (b" ", b"\t", b"\n", b">", b"/"):
                break
        end = data.find(b">", start)
        tag = data[start:end + 1]
        if tag.endswith(b"/>") or data.find(cell_close, end, pos) >= 0:
            return None
        return start, tag

    def ref(tag: bytes) -> tuple[int, int]:
        m = _REF.search(tag)
        if m is None:
            raise Fallback("cell reference")
        return int(m.group(2)), _col_index(m.group(1))

    f_open = b"<" + prefix + b"f"
    n_formulas = sum(data.count(f_open + end) for end in (b">", b" ", b"/", b"\t", b"\n"))
    if n_formulas:
        # schema order: <f> is the first child of <c>; anything else takes the general path
        first = re.compile(re.escape(cell_open) + rb' r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>' + re.escape(f_open)
                           + rb"[\s/>]")
        found = [(int(m.group(2)), _col_index(m.group(1))) for m in first.finditer(data)]
        if len(found) == n_formulas:
            scan.formulas.update(found)
        else:
            for m in re.finditer(re.escape(f_open) + rb"[\s/>]", data):
                cell = enclosing(m.start())
                if cell is not None:
                    scan.formulas.add(ref(cell[1]))
    value = re.compile(b"<" + re.escape(prefix) + rb"v>([^<]*[.eE][^<]*|[^<]{16,})</" + re.escape(prefix) + b"v>")
    for m in value.finditer(data):
        cell = enclosing(m.start())
        if cell is None:
            continue
        t = _TYPE.search(cell[1])
        if t is None or t.group(1) == b"n":
            try:
                scan.numbers[ref(cell[1])] = _cast_number(m.group(1).decode())
            except ValueError:
                raise Fallback("number") from None
    if date_styles:
        used = {int(s) for s in _STYLE.findall(data)}
        if used & date_styles:
            raise Fallback("date format")
    return scan


@lru_cache(maxsize=64)
def _relationships(data: bytes) -> tuple[tuple[str, str, str], ...]:
    """(Id, Type, Target) of a relationships part (workbooks of one template share them: cached)."""
    from xml.etree import ElementTree as ET

    return tuple((r.get("Id", ""), r.get("Type", ""), r.get("Target", ""))
                 for r in ET.fromstring(data).iter(f"{{{_REL_NS}}}Relationship"))


@lru_cache(maxsize=64)
def _workbook_targets(base: str, rels: bytes) -> tuple[dict[str, str], Optional[str], tuple[str, ...]]:
    """Relationship id → part, the styles part and the shared strings parts of a workbook's
    relationships (cached like :func:`_relationships`; callers do not change the dict)."""
    targets: dict[str, str] = {}
    styles = None
    shared = []
    for rid, typ, target in _relationships(rels):
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        targets[rid] = path
        if typ.endswith("/styles"):
            styles = path
        if typ.endswith("/sharedStrings"):
            shared.append(path)
    return targets, styles, tuple(shared)


@lru_cache(maxsize=64)
def _sheet_list(data: bytes) -> tuple[tuple[str, str], ...]:
    """(name, relationship id) of the sheets of a workbook part."""
    from xml.etree import ElementTree as ET

    return tuple((s.get("name", ""), s.get(f"{{{_DOC_REL_NS}}}id", ""))
                 for s in ET.fromstring(data).iter(f"{_NS}sheet"))


@lru_cache(maxsize=64)
def _date_styles(data: bytes) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) that openpyxl may read as dates or times."""
    from xml.etree import ElementTree as ET

    st = ET.fromstring(data)
    codes = {int(f.get("numFmtId", "0")): f.get("formatCode") for f in st.iter(f"{_NS}numFmt")}
    xfs = st.find(f"{_NS}cellXfs")
    return frozenset(i for i, xf in enumerate(xfs if xfs is not None else ())
                     if _is_date_format(codes.get(int(xf.get("numFmtId", "0"))), int(xf.get("numFmtId", "0"))))


class _Package:
    """Sheet names and parts of an .xlsx package, read with the Fallback checks.

    The small parts parsed here (relationships, workbook, styles) are parsed
    only after :func:`_check_text` has refused any DTD in them."""

    def __init__(self, zf: Callable[[], zipfile.ZipFile], kept: Optional[dict[str, bytes]] = None):
        self._zf = zf  # opens the package when a part was not kept
        self._kept = kept if kept is not None else {}  # whole parts the package guard decompressed
        self._heads: dict[str, bytes] = {}
        doc = next((t for _, typ, t in _relationships(self.part("_rels/.rels")) if typ == _OFFICE_DOC), None)
        if doc is None:
            raise Fallback("no workbook part")
        self.workbook = doc.lstrip("/")
        base = posixpath.dirname(self.workbook)
        rels = self.part(posixpath.join(base, "_rels", posixpath.basename(self.workbook) + ".rels"))
        targets, styles, shared = _workbook_targets(base, rels)
        for path in shared:
            self.part(path)  # only checked: calamine reads it
        self.sheets: dict[str, str] = {}
        for name, rid in _sheet_list(self.part(self.workbook)):
            part = targets.get(rid)
            if part is None:
                raise Fallback("sheet without part")
            self.sheets[name] = part
            self._check_prolog(part)
        self.date_styles: frozenset[int] = frozenset()
        if styles is not None and (styles in self._kept or styles in self._zf().NameToInfo):
            self.date_styles = _date_styles(self.part(styles))

    def _check_prolog(self, name: str) -> None:
        """openpyxl parses the start of every sheet when it opens a workbook: a DTD there is a whole-book case."""
        head = self._kept.get(name)
        end = 65536
        if head is None:
            try:
                with self._zf().open(name) as f:
                    head = f.read(65536)
            except KeyError:
                raise Fallback(f"missing part {name}") from None
            if len(head) < 65536:
                self._heads[name] = head  # the whole part: kept for part()
        root = _ROOT.search(head, 0, end)
        if root is None or head.find(b"<!", 0, root.start()) >= 0:
            raise Fallback("sheet prolog")

    def part(self, name: str, check: bool = True) -> bytes:
        """The part's bytes, held to :func:`_check_text` (``check=False``: the caller does, as
        :func:`scan_sheet` does first thing)."""
        data = self._kept.pop(name, None)
        if data is None:
            data = self._heads.pop(name, None)
        if data is not None:
            if check:
                _check_text(data)
            return data
        zf = self._zf()
        try:
            info = zf.getinfo(name)
        except KeyError:
            raise Fallback(f"missing part {name}") from None
        if info.file_size > MAX_PART:
            raise Fallback("large part")
        data = zf.read(info)
        if len(data) > MAX_PART:
            raise Fallback("large part")
        if check:
            _check_text(data)
        return data


class _LazyZip:
    """The package as a zipfile, opened when a part is needed that the package guard did not keep."""

    __slots__ = ("source", "zf")

    def __init__(self, source: Union[Path, io.BytesIO]):
        self.source = source
        self.zf: Optional[zipfile.ZipFile] = None

    def get(self) -> zipfile.ZipFile:
        if self.zf is None:
            self.zf = zipfile.ZipFile(self.source)
        return self.zf

    def close(self) -> None:
        if self.zf is not None:
            self.zf.close()


Row = list  # the reader only indexes rows; openpyxl's backend gives tuples


class FastBook:
    """A workbook read with calamine + scan; sheets that need it go to ``fallback``.

    ``fallback()`` opens the same workbook with openpyxl (the reader's
    ``_Book``); it is called at most once, and only when a sheet needs it."""

    backend = "calamine"

    def __init__(self, path: Path, source: Union[Path, io.BytesIO], fallback: Callable[[], Any],
                 parts: Optional[dict[str, bytes]] = None):
        import python_calamine

        self.path = path
        self.name = path.name
        self._fallback_open = fallback
        self._fallback: Any = None
        data = source.getvalue() if isinstance(source, io.BytesIO) else None
        self._zip = _LazyZip(io.BytesIO(data) if data is not None else source)
        try:
            self._pkg = _Package(self._zip.get, parts)
            self._wb = python_calamine.load_workbook(io.BytesIO(data) if data is not None else str(source))
            meta = self._wb.sheets_metadata
            if [m.name for m in meta] != list(self._pkg.sheets) or any(
                    m.typ != python_calamine.SheetTypeEnum.WorkSheet for m in meta):
                raise Fallback("sheet list")
        except BaseException:
            self.close()
            raise
        self._rows: dict[str, list[Row]] = {}
        self._slow: set[str] = set()  # sheets read by the fallback

    @property
    def sheetnames(self) -> list[str]:
        return list(self._pkg.sheets)

    def _openpyxl(self) -> Any:
        if self._fallback is None:
            self._fallback = self._fallback_open()
        return self._fallback

    def rows(self, sheet: str) -> list[Row]:
        if sheet in self._rows:
            return self._rows[sheet]
        if sheet in self._slow:
            return self._openpyxl().rows(sheet)
        try:
            rows = self._read(sheet)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - Fallback, or calamine could not parse the sheet: openpyxl reads it
            self._slow.add(sheet)
            return self._openpyxl().rows(sheet)
        self._rows[sheet] = rows
        return rows

    def _read(self, sheet: str) -> list[Row]:
        scan = scan_sheet(self._pkg.part(self._pkg.sheets[sheet], check=False), self._pkg.date_styles)
        sh = self._wb.get_sheet_by_name(sheet)
        formulas, numbers = scan.formulas, scan.numbers
        values = sh.to_python(skip_empty_area=False)
        allowed = _PLAIN
        out: list[list] = []
        for raw in values:
            if not allowed.issuperset(map(type, raw)):
                raise Fallback("dates, times or errors")
            out.append([None if v == "" else (int(v) if v.__class__ is float and v.is_integer() else v)
                        for v in raw])
        for (r, c0), v in numbers.items():
            out[r - 1][c0] = v
        for r, c0 in formulas:
            if len(out) < r:
                out.extend([] for _ in range(r - len(out)))
            line = out[r - 1]
            if len(line) <= c0:
                line.extend([None] * (c0 + 1 - len(line)))
            line[c0] = Formula(line[c0], (self, sheet, r, c0))
        return out

    def _formula_text(self, sheet: str, row: int, col0: int) -> str:
        """The formula as openpyxl spells it (shared formulas translated): only for messages."""
        raw = self._openpyxl().rows(sheet)[row - 1][col0]
        return raw.text if hasattr(raw, "text") else str(raw)

    def cached(self, sheet: str, row: int, col0: int) -> Any:
        """Value Excel stored for a formula cell (None if never calculated)."""
        if sheet in self._slow:
            return self._openpyxl().cached(sheet, row, col0)
        rows = self.rows(sheet)
        if sheet in self._slow:
            return self._openpyxl().cached(sheet, row, col0)
        if row - 1 < len(rows) and col0 < len(rows[row - 1]):
            value = rows[row - 1][col0]
            # a text that starts with "=" is its own cached value in openpyxl
            return value.cached if isinstance(value, Formula) else value
        return None

    def close(self) -> None:
        """Close the files; the rows (whose formula cells refer to the book) are let go at once."""
        self._zip.close()
        self._rows = {}
        if not hasattr(self, "_wb"):
            return
        close = getattr(self._wb, "close", None)
        if close is not None:
            close()
        if self._fallback is not None:
            self._fallback.close()


_PLAIN = frozenset((str, float, bool, int))


def open_fast(path: Path, fallback: Callable[[], Any],
              source: Optional[Union[Path, io.BytesIO]] = None) -> Optional[FastBook]:
    """The workbook on calamine, or None when it has to be read with openpyxl as a whole.

    Never raises: a file calamine or the scan cannot read is left to the
    openpyxl path, which reports it as before."""
    try:
        return FastBook(path, source if source is not None else path, fallback)
    except Exception:  # noqa: BLE001 - any doubt: the openpyxl path reads it and reports problems
        return None

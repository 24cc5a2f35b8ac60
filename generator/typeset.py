"""Print typesetting of the rendered program document (.docx body, lxml).

:func:`typeset_tables` makes one pass over the tables of the rendered body:

- column widths follow the measured content: every column is at least as
  wide as its longest unbreakable piece (a whole number, a header word), so
  no amount wraps and no header breaks inside a word; the spare width goes to
  the text columns. Text is measured with the advance widths of the
  document's font (Liberation Sans, Arial's metrics; DejaVu Sans, which is
  wider, when it is missing). A table that does not fit gets a smaller font
  (down to :data:`MIN_FONT_PT`), and if that is not enough a landscape page
  of its own;
- a header row in the middle of a table (``w:tblHeader`` after body rows)
  starts a new table there, so that those column headers repeat on every
  continuation page (Word repeats only the rows at the top of a table);
- header rows, full-width group rows and the rows of a vertically merged
  cell keep with the next row, so a header is never alone at the bottom of
  a page and a merged cell is never split (and blank) over two pages;
- every table gets alternative text: its title (the caption above it or its
  title row) and a description of its rows and columns.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice, repeat
from typing import Any, Callable, Optional

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@lru_cache(maxsize=None)
def _q(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _child(el, tag: str):
    """``el.find(tag)`` for a plain tag, without ElementPath (a third of the time)."""
    return next(el.iterchildren(tag), None)


W_TBL, W_TR, W_TC, W_P, W_R, W_T = _q("tbl"), _q("tr"), _q("tc"), _q("p"), _q("r"), _q("t")
W_TBLPR, W_TRPR, W_TCPR, W_PPR, W_RPR = _q("tblPr"), _q("trPr"), _q("tcPr"), _q("pPr"), _q("rPr")
W_VAL, W_W = _q("val"), _q("w")
W_PSTYLE, W_SZ, W_B = _q("pStyle"), _q("sz"), _q("b")
W_GRIDSPAN, W_VMERGE, W_TEXTDIR, W_TCW = _q("gridSpan"), _q("vMerge"), _q("textDirection"), _q("tcW")
W_TBLCAPTION, W_SECTPR, W_TBLHEADER = _q("tblCaption"), _q("sectPr"), _q("tblHeader")

CELL_PAD = 70 + 70 + 40  # left and right cell margins of the table style, borders and rounding (twips)
PORTRAIT_MIN_FONT_PT = 7.0  # the smallest font a table is set in before it goes landscape
MIN_FONT_PT = 6.5  # the smallest font of a table on a landscape page
TEXT_WORD_CAP = 2600  # a long body-text word (a URL) may break rather than widen its column beyond this
DEFAULT_PT = 10.5
COMFORT_TEXT_W = 1500  # a text column narrower than this (2,65 cm) makes the table smaller or landscape
FIT_SLACK = 1.04  # measured widths are rounded up by this much: renderers differ slightly
# line height (twips) of the paragraph between two parts of a split table
LONG_MERGE = 12  # a vertically merged cell over more rows than this is unmerged (it may break over pages)
JOINT_LINE = "20"


# ---------------------------------------------------------------------------
# font metrics
# ---------------------------------------------------------------------------

def _fontconfig_path(family: str, bold: bool) -> Optional[str]:
    """The file fontconfig has for ``family`` (None when it has no font of that very family)."""
    import shutil
    import subprocess

    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{family}\\n%{file}", f"{family}:{'bold' if bold else 'regular'}:roman"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, path = out.partition("\n")
    return path if family in families.split(",") and path.lower().endswith((".ttf", ".otf")) else None


def _font_path(bold: bool) -> str:
    """Liberation Sans (Arial's metrics), else Arial, else DejaVu Sans (wider than Arial: a safe estimate).

    fontconfig is asked first: matplotlib, which finds the same files, takes
    a quarter of a second to import and the build's main process does not
    need it otherwise (charts are drawn in a worker process)."""
    for family in ("Liberation Sans", "Arial"):
        path = _fontconfig_path(family, bold)
        if path is not None:
            return path
    from matplotlib import font_manager

    for family in ("Liberation Sans", "Arial"):
        try:
            return font_manager.findfont(font_manager.FontProperties(
                family=family, weight="bold" if bold else "normal"), fallback_to_default=False)
        except ValueError:
            continue
    return font_manager.findfont(font_manager.FontProperties(
        family="DejaVu Sans", weight="bold" if bold else "normal"))


@lru_cache(maxsize=4)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths in em per code point, and the width of a missing glyph."""
    from fontTools.ttLib import TTFont

    path = _font_path(bold)
    font = TTFont(path, lazy=True)
    upem = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    cmap = font.getBestCmap()
    widths = {cp: hmtx[name][0] / upem for cp, name in cmap.items() if name in hmtx}
    font.close()
    return widths, widths.get(ord("M"), 0.83)


@lru_cache(maxsize=2)
def _char_advances(bold: bool) -> tuple[dict[str, float], float]:
    widths, missing = _advances(bold)
    return {chr(cp): w for cp, w in widths.items()}, missing


@lru_cache(maxsize=65536)
def text_width(text: str, size_pt: float, bold: bool = False) -> int:
    """Width of ``text`` on one line in twips (1/20 pt)."""
    widths, missing = _char_advances(bold)
    em = sum(map(widths.get, text, repeat(missing)))
    return int(em * size_pt * 20 * FIT_SLACK + 0.999)


# ---------------------------------------------------------------------------
# paragraph styles: font size and weight
# ---------------------------------------------------------------------------

@dataclass
class _Styles:
    size: dict[str, float] = field(default_factory=dict)
    bold: dict[str, bool] = field(default_factory=dict)
    default_size: float = DEFAULT_PT

    @classmethod
    def read(cls, styles_el) -> "_Styles":
        out = cls()
        if styles_el is None:
            return out
        raw: dict[str, tuple[Optional[str], Optional[float], Optional[bool]]] = {}
        dflt = styles_el.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{W_RPR}")
        if dflt is not None:
            sz = _child(dflt, _q("sz"))
            if sz is not None:
                out.default_size = int(sz.get(W_VAL)) / 2
        for st in styles_el.iterchildren(_q("style")):
            if st.get(_q("type")) != "paragraph":
                continue
            sid = st.get(_q("styleId"))
            based = _child(st, _q("basedOn"))
            rpr = _child(st, W_RPR)
            size = bold = None
            if rpr is not None:
                sz = _child(rpr, _q("sz"))
                if sz is not None:
                    size = int(sz.get(W_VAL)) / 2
                b = _child(rpr, _q("b"))
                if b is not None:
                    bold = b.get(W_VAL, "1") not in ("0", "false")
            raw[sid] = (based.get(W_VAL) if based is not None else None, size, bold)
        for sid in raw:
            size = bold = None
            cur: Optional[str] = sid
            seen = set()
            while cur in raw and cur not in seen:
                seen.add(cur)
                parent, s, b = raw[cur]
                size = s if size is None else size
                bold = b if bold is None else bold
                cur = parent
            out.size[sid] = size if size is not None else out.default_size
            out.bold[sid] = bool(bold)
        return out

    def font(self, p) -> tuple[float, bool]:
        """Size (pt) and weight of paragraph ``p`` (its style, overridden by its first run)."""
        sid: Optional[str] = None
        run = None
        for child in p:  # pPr comes first, then the runs
            tag = child.tag
            if tag == W_PPR:
                for el in child:
                    if el.tag == W_PSTYLE:
                        sid = el.get(W_VAL)
                        break
            elif tag == W_R:
                run = child
                break
        size = self.size.get(sid, self.default_size) if sid is not None else self.default_size
        bold = self.bold.get(sid, False) if sid is not None else False
        if run is not None:
            for rpr in run:
                if rpr.tag != W_RPR:
                    continue
                for el in rpr:
                    if el.tag == W_SZ:
                        size = int(el.get(W_VAL)) / 2
                    elif el.tag == W_B:
                        bold = el.get(W_VAL, "1") not in ("0", "false")
                break
        return size, bold


# ---------------------------------------------------------------------------
# one table
# ---------------------------------------------------------------------------

_NUMBER = re.compile(r"[\d.,%–\-+()]+")


@dataclass(slots=True)
class _Cell:
    tc: Any  # the lxml <w:tc> element
    col: int
    span: int
    rotated: bool
    vmerge: Optional[str]  # "restart", "continue" or None
    tcw: Any  # its <w:tcW> element, or None
    paras: list  # its paragraphs


@dataclass(slots=True)
class _Row:
    tr: object
    header: bool
    cells: list[_Cell]


def _cell_props(tc) -> tuple[int, bool, Optional[str], Any, list]:
    """gridSpan, rotated text, vMerge, the tcW element and the paragraphs of a cell (one walk)."""
    span, rotated, vmerge, tcw = 1, False, None, None
    paras = []
    for child in tc:
        tag = child.tag
        if tag == W_P:
            paras.append(child)
        elif tag == W_TCPR:
            for el in child:
                tag = el.tag
                if tag == W_TCW:
                    tcw = el
                elif tag == W_GRIDSPAN:
                    span = int(el.get(W_VAL))
                elif tag == W_VMERGE:
                    vmerge = "restart" if el.get(W_VAL) == "restart" else "continue"
                elif tag == W_TEXTDIR:
                    rotated = True
    return span, rotated, vmerge, tcw, paras


@dataclass
class _Measure:
    """What a column needs, in twips at the table's current font."""
    need: int = 0  # longest unbreakable piece
    line: int = 0  # longest paragraph on one line
    body_line: int = 0  # longest body (not header) paragraph on one line
    total: int = 0  # sum of body text widths (weight of a text column)
    count: int = 0
    numeric: bool = True
    seen: bool = False


@lru_cache(maxsize=1 << 16)
def _piece(text: str, size: float, bold: bool) -> tuple[bool, int, int]:
    """Whether ``text`` is a number, its width on one line and the width of its longest word (twips).

    Cached: amounts, codes and marks recur in every table."""
    number = _NUMBER.fullmatch(text) is not None
    whole = text_width(text, size, bold)
    if " " in text:
        return number, whole, max(text_width(w, size, bold) for w in text.split())
    return number, whole, whole


def _measure_table(rows: list[_Row], ncols: int, styles: _Styles,
                   fonts: Optional[dict[int, tuple[float, bool]]] = None) -> list[_Measure]:
    """What each column needs; ``fonts`` gets the font of every measured paragraph (by ``id``: the
    rows keep the paragraphs alive) for :func:`_scale_fonts`."""
    cols = [_Measure() for _ in range(ncols)]
    for row in rows:
        for c in row.cells:
            if c.span != 1 or c.rotated or c.col >= ncols:
                continue
            m = cols[c.col]
            for p in c.paras:
                text = "".join(p.itertext(W_T, with_tail=False)).strip()
                if not text:
                    continue
                size, bold = font = styles.font(p)
                if fonts is not None:
                    fonts[id(p)] = font
                number, whole, longest = _piece(text, size, bold)
                if not (number or row.header):
                    longest = min(longest, TEXT_WORD_CAP)
                if longest > m.need:
                    m.need = longest
                if whole > m.line:
                    m.line = whole
                if not row.header:
                    if whole > m.body_line:
                        m.body_line = whole
                    m.seen = True
                    m.total += whole
                    m.count += 1
                    if not number:
                        m.numeric = False
    return cols


def _distribute(cols: list[_Measure], total: int) -> Optional[list[int]]:
    """Widths summing to ``total``, or ``None`` when the unbreakable pieces do not fit."""
    mins = [m.need + CELL_PAD for m in cols]
    if sum(mins) > total:
        return None
    widths = list(mins)
    spare = total - sum(widths)
    # text columns grow towards one line per paragraph, in proportion to their text
    want = {i: max(0, m.line + CELL_PAD - widths[i]) for i, m in enumerate(cols)
            if not (m.numeric and m.seen)}
    if want and sum(want.values()) > 0:
        if sum(want.values()) <= spare:
            for i, w in want.items():
                widths[i] += w
        else:
            weight = {i: (cols[i].total / max(cols[i].count, 1)) ** 0.8 * (1 if want[i] else 0) for i in want}
            wsum = sum(weight.values()) or 1.0
            left = spare
            for i in sorted(want, key=lambda k: want[k]):  # small wishes first, capped at what they want
                give = min(want[i], int(spare * weight[i] / wsum), left)
                widths[i] += give
                left -= give
            spare = left
            if spare:
                for i in sorted(want, key=lambda k: -weight[k]):
                    give = min(spare, max(0, want[i] - (widths[i] - mins[i])))
                    widths[i] += give
                    spare -= give
            spare = total - sum(widths)
    spare = total - sum(widths)
    if spare > 0:  # everything fits on one line: spread the rest in proportion to the widths
        base = sum(widths)
        widths = [w + spare * w // base for w in widths]
    widths[max(range(len(widths)), key=lambda i: widths[i])] += total - sum(widths)
    return widths


_RPR_AFTER_SZ = {_q(t) for t in ("highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl",
                                  "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")}


W_SZCS = _q("szCs")


def _set_run_size(r, half_points: str) -> None:
    """The run's sz and szCs set to ``half_points``, in their schema place in rPr (created in the
    tree: an element made on its own would be a document of its own, slow to move in)."""
    rpr = _child(r, W_RPR)
    if rpr is None:
        rpr = etree.SubElement(r, W_RPR)
        r.remove(rpr)
        r.insert(0, rpr)
    if len(rpr) == 0:  # the usual case: nothing to move or remove
        attrib = {W_VAL: half_points}
        etree.SubElement(rpr, W_SZ, attrib)
        etree.SubElement(rpr, W_SZCS, attrib)
        return
    kids = list(rpr)
    tags = [el.tag for el in kids]
    if tags.count(W_SZ) == 1 and tags.count(W_SZCS) == 1:
        # already as it would be made: sz and szCs one after the other with the value and nothing else,
        # before the first element that comes after them and after all others
        i = tags.index(W_SZ)
        if (i + 1 < len(tags) and tags[i + 1] == W_SZCS
                and (i + 2 == len(tags) or tags[i + 2] in _RPR_AFTER_SZ)
                and not any(t in _RPR_AFTER_SZ for t in tags[:i])
                and all(len(el) == 0 and not el.text and not el.tail and dict(el.attrib) == {W_VAL: half_points}
                        for el in kids[i:i + 2])):
            return
    anchor = None
    for el, tag in zip(kids, tags):
        if tag == W_SZ or tag == W_SZCS:
            rpr.remove(el)
        elif anchor is None and tag in _RPR_AFTER_SZ:
            anchor = el
    attrib = {W_VAL: half_points}
    sz = etree.SubElement(rpr, W_SZ, attrib)
    szcs = etree.SubElement(rpr, W_SZCS, attrib)
    if anchor is not None:
        anchor.addprevious(sz)
        anchor.addprevious(szcs)


def _scale_fonts(tbl, styles: _Styles, factor: float, fonts: Optional[dict[int, tuple[float, bool]]] = None) -> None:
    floor = int(MIN_FONT_PT * 2)
    fonts = fonts or {}
    for p in tbl.iter(W_P):
        font = fonts.get(id(p))
        size, _ = font if font is not None else styles.font(p)
        half = str(max(floor, int(size * 2 * factor + 0.01)))
        for r in p.iter(W_R):
            _set_run_size(r, half)


def _grid_widths(tbl) -> list[int]:
    grid = _child(tbl, _q("tblGrid"))
    return [int(g.get(W_W)) for g in grid.iterchildren(_q("gridCol"))] if grid is not None else []


def _apply_widths(tbl, rows: list[_Row], widths: list[int], total: int) -> None:
    tbl_pr = _child(tbl, W_TBLPR)
    tblw = _child(tbl_pr, _q("tblW"))
    tblw.set(W_W, str(total))
    tblw.set(_q("type"), "dxa")
    grid = _child(tbl, _q("tblGrid"))
    for gc in list(grid):
        grid.remove(gc)
    for w in widths:
        etree.SubElement(grid, _q("gridCol")).set(W_W, str(w))
    texts = [str(w) for w in widths]
    dxa = _q("type")
    for row in rows:
        for c in row.cells:
            tcw = c.tcw
            if tcw is not None:
                tcw.set(W_W, texts[c.col] if c.span == 1 else str(sum(widths[c.col:c.col + c.span])))
                tcw.set(dxa, "dxa")


def _read_rows(tbl) -> list[_Row]:
    rows = []
    for tr in tbl.iterchildren(W_TR):
        trpr = _child(tr, W_TRPR)
        header = trpr is not None and _child(trpr, W_TBLHEADER) is not None
        cells, col = [], 0
        for tc in tr.iterchildren(W_TC):
            span, rotated, vmerge, tcw, paras = _cell_props(tc)
            cells.append(_Cell(tc, col, span, rotated, vmerge, tcw, paras))
            col += span
        rows.append(_Row(tr, header, cells))
    return rows


def grid_needs(rows: list[_Row]) -> tuple[int, int]:
    """The most cells in a row and the most grid columns a row spans (docxtpl's fix_tables needs both)."""
    most_cells = most_spans = 0
    for row in rows:
        cells = row.cells
        if len(cells) > most_cells:
            most_cells = len(cells)
        spans = cells[-1].col + cells[-1].span if cells else 0
        if spans > most_spans:
            most_spans = spans
    return most_cells, most_spans


def _row_text(row: _Row) -> list[str]:
    return [" ".join(_paragraph_text(p) for p in c.paras).strip() for c in row.cells]


# ---------------------------------------------------------------------------
# keeping rows together, headers that repeat
# ---------------------------------------------------------------------------

def _keep_next(tr) -> None:
    """All paragraphs of the row keep with the next paragraph: the row stays with the next row."""
    for p in tr.iter(W_P):
        ppr = _child(p, W_PPR)
        if ppr is None:
            ppr = etree.SubElement(p, W_PPR)  # made in the tree, then moved first
            p.insert(0, ppr)
        if _child(ppr, _q("keepNext")) is None:
            kn = etree.SubElement(ppr, _q("keepNext"))
            ps = _child(ppr, _q("pStyle"))
            if ps is not None:
                ps.addnext(kn)
            else:
                ppr.insert(0, kn)


def _set_header(tr, on: bool) -> None:
    trpr = _child(tr, W_TRPR)
    if on:
        if trpr is None:
            trpr = etree.Element(W_TRPR)
            tr.insert(0, trpr)
        if _child(trpr, _q("tblHeader")) is None:
            etree.SubElement(trpr, _q("tblHeader"))
    elif trpr is not None:
        for el in trpr.findall(_q("tblHeader")):
            trpr.remove(el)


def _split_at_inner_headers(tbl, rows: Optional[list[_Row]] = None) -> list[tuple[Any, list[_Row]]]:
    """Start a new table at each header row that follows body rows; returns the tables and their rows."""
    if rows is None:
        rows = _read_rows(tbl)
    starts = [i for i in range(1, len(rows)) if rows[i].header and not rows[i - 1].header]
    if not starts:
        return [(tbl, rows)]
    parts = [(tbl, rows[:starts[0]])]
    bounds = starts + [len(rows)]
    for a, b in zip(starts, bounds[1:]):
        new = etree.Element(W_TBL)
        new.append(copy.deepcopy(_child(tbl, W_TBLPR)))
        new.append(copy.deepcopy(_child(tbl, _q("tblGrid"))))
        for row in rows[a:b]:
            new.append(row.tr)  # moves the row
        # the two parts read as one table: a hairline paragraph between them
        gap = etree.Element(W_P)
        ppr = etree.SubElement(gap, W_PPR)
        etree.SubElement(ppr, _q("keepNext"))
        sp = etree.SubElement(ppr, _q("spacing"))
        sp.set(_q("before"), "0")
        sp.set(_q("after"), "0")
        sp.set(_q("line"), JOINT_LINE)
        sp.set(_q("lineRule"), "exact")
        rpr = etree.SubElement(ppr, W_RPR)
        etree.SubElement(rpr, _q("sz")).set(W_VAL, "2")
        parts[-1][0].addnext(gap)
        gap.addnext(new)
        parts.append((new, rows[a:b]))
    return parts


def is_table_joint(el) -> bool:
    """Whether ``el`` is the hairline paragraph between two parts of one split table."""
    if el.tag != W_P or _child(el, W_R) is not None:
        return False
    sp = el.find(f"{W_PPR}/{_q('spacing')}")
    return sp is not None and sp.get(_q("line")) == JOINT_LINE and sp.get(_q("lineRule")) == "exact"


def _merged_groups(rows: list[_Row]) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of every vertically merged cell."""
    groups = []
    for i, row in enumerate(rows):
        for c in row.cells:
            if c.vmerge != "restart":
                continue
            j = i
            while j + 1 < len(rows) and any(d.col == c.col and d.vmerge == "continue" for d in rows[j + 1].cells):
                j += 1
            if j > i:
                groups.append((c.col, i, j))
    return groups


def _unmerge(rows: list[_Row], col: int, first: int, last: int) -> None:
    """Undo a vertical merge too long for a page: the rows below name the merged cell's first word
    ("H1.1 (devam)"), so that no continuation page shows a blank cell."""
    head = next(c for c in rows[first].cells if c.col == col)
    words = " ".join(_paragraph_text(p) for p in head.tc.iter(W_P)).split()
    label = f"{words[0]} (devam)" if words else ""
    for i in range(first, last + 1):
        cell = next(c for c in rows[i].cells if c.col == col)
        pr = _child(cell.tc, W_TCPR)
        for vm in pr.findall(_q("vMerge")):
            pr.remove(vm)
        cell.vmerge = None
        if i == first:
            continue
        p = _child(cell.tc, W_P)
        for r in list(p.iterchildren(W_R)):
            p.remove(r)
        r = etree.SubElement(p, W_R)
        rpr = etree.SubElement(r, W_RPR)
        etree.SubElement(rpr, _q("color")).set(W_VAL, "7F7F7F")
        t = etree.SubElement(r, W_T)
        t.text = label


def _keep_rows_together(rows: list[_Row], ncols: int) -> None:
    """Header rows, full-width group rows and the rows of a vertically merged cell keep with the next row.

    A merged cell over more than :data:`LONG_MERGE` rows may have to break
    over pages: it is unmerged instead (see :func:`_unmerge`).
    """
    joined: set[int] = set()
    for col, first, last in _merged_groups(rows):
        if last - first + 1 > LONG_MERGE:
            _unmerge(rows, col, first, last)
        else:
            joined.update(range(first, last))
    for i, row in enumerate(rows[:-1]):
        group = len(row.cells) == 1 and row.cells[0].span >= ncols > 1
        if row.header or group or i in joined:
            _keep_next(row.tr)


# ---------------------------------------------------------------------------
# alternative text
# ---------------------------------------------------------------------------

def _paragraph_text(p) -> str:
    return "".join(p.itertext(W_T, with_tail=False)).strip()


def _caption_before(tbl, caption_styles: set[str]) -> str:
    prev = tbl.getprevious()
    hops = 0
    while prev is not None and hops < 3:
        if prev.tag == W_P:
            ppr = _child(prev, W_PPR)
            ps = _child(ppr, _q("pStyle")) if ppr is not None else None
            text = _paragraph_text(prev)
            if ps is not None and ps.get(W_VAL) in caption_styles and text:
                return text
            if text:
                return ""
        elif prev.tag == W_TBL:
            return ""
        prev = prev.getprevious()
        hops += 1
    return ""


def _alt_text(tbl, rows: list[_Row], ncols: int, title_hint: str) -> None:
    texts = [_row_text(r) if (i < 3 or r.header) else [] for i, r in enumerate(rows)]
    title = title_hint
    lead = [t for r, t in zip(rows[:3], texts) if len(r.cells) == 1 and t and t[0]]
    if not title:
        title = " – ".join(t[0] for t in lead[:2]) if lead else ""
    headers: list[str] = []
    for r, t in zip(rows, texts):
        if r.header and len(r.cells) > 1:
            headers = [h for h in t if h]
    body = sum(1 for r in rows if not r.header)
    if not title:
        title = headers[0] if headers else "Tablo"
    desc = f"{title}. {body} satır, {ncols} sütun."
    if headers:
        desc += " Sütunlar: " + "; ".join(dict.fromkeys(headers)) + "."
    tbl_pr = _child(tbl, W_TBLPR)
    for tag in ("tblCaption", "tblDescription"):
        for el in tbl_pr.findall(_q(tag)):
            tbl_pr.remove(el)
    etree.SubElement(tbl_pr, _q("tblCaption")).set(W_VAL, title[:250])
    etree.SubElement(tbl_pr, _q("tblDescription")).set(W_VAL, desc[:1000])


# ---------------------------------------------------------------------------
# landscape pages for tables too wide for portrait
# ---------------------------------------------------------------------------

def _next_sect_pr(el, body):
    node = el.getnext()
    while node is not None:
        if node.tag == W_P:
            ppr = _child(node, W_PPR)
            if ppr is not None and _child(ppr, _q("sectPr")) is not None:
                return _child(ppr, _q("sectPr"))
        elif node.tag == _q("sectPr"):
            return node
        node = node.getnext()
    return _child(body, _q("sectPr"))


def _section_paragraph(sect) -> object:
    p = etree.Element(W_P)
    ppr = etree.SubElement(p, W_PPR)
    ppr.append(sect)
    return p


def _landscape_width(sect) -> tuple[int, int]:
    """Text width of ``sect``'s page and of the same page turned to landscape (twips)."""
    pg = _child(sect, _q("pgSz"))
    mar = _child(sect, _q("pgMar"))
    w, h = int(pg.get(W_W)), int(pg.get(_q("h")))
    left = int(mar.get(_q("left"), 1440)) if mar is not None else 1440
    right = int(mar.get(_q("right"), 1440)) if mar is not None else 1440
    return w - left - right, max(w, h) - left - right


def _make_landscape(tbl, sect) -> int:
    """Put ``tbl`` on landscape pages of its own; returns the new text width.

    ``sect``: the properties of the section ``tbl`` is in (the next section
    break after it, :func:`_next_sect_pr`)."""
    if sect is None:
        return 0
    pg = _child(sect, _q("pgSz"))
    if int(pg.get(W_W)) > int(pg.get(_q("h"))):
        return 0  # already landscape
    before = copy.deepcopy(sect)
    for el in before.findall(_q("titlePg")):
        before.remove(el)
    land = copy.deepcopy(before)
    for tag in ("headerReference", "footerReference"):
        for el in land.findall(_q(tag)):
            land.remove(el)
    lpg = _child(land, _q("pgSz"))
    w, h = lpg.get(W_W), lpg.get(_q("h"))
    lpg.set(W_W, h)
    lpg.set(_q("h"), w)
    lpg.set(_q("orient"), "landscape")
    _, width = _landscape_width(sect)
    tbl.addprevious(_section_paragraph(before))
    tbl.addnext(_section_paragraph(land))
    return width


# ---------------------------------------------------------------------------
# the pass over the document
# ---------------------------------------------------------------------------

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def describe_images(body, caption_styles=("Caption",)) -> None:
    """Alternative text of every picture (the charts): the caption below it, or above it."""
    caps = set(caption_styles)
    for doc_pr in body.iter(f"{{{WP_NS}}}docPr"):
        p = next((a for a in doc_pr.iterancestors(W_P)), None)
        text = ""
        for sib in (p.getnext() if p is not None else None, p.getprevious() if p is not None else None):
            if sib is not None and sib.tag == W_P:
                ps = sib.find(f"{W_PPR}/{_q('pStyle')}")
                if ps is not None and ps.get(W_VAL) in caps:
                    text = _paragraph_text(sib)
                    break
        if text:
            doc_pr.set("descr", text)
            doc_pr.set("title", text)


def table_descriptions(data: bytes) -> list[str]:
    """The alternative texts (description) of the body's tables in document order, from .docx bytes."""
    import io
    import zipfile

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for tbl in _child(root, _q("body")).iter(W_TBL):
        d = tbl.find(f"{W_TBLPR}/{_q('tblDescription')}")
        out.append(d.get(W_VAL) if d is not None else "")
    return out


class Typesetter:
    """Typesetting of a rendered body, one top-level element at a time, in document order.

    :meth:`table` needs the elements just before the table (its caption) and
    the properties of its section (for a landscape page); :meth:`images` needs
    the element's neighbours as they finally are. The document can therefore
    be typeset while it is still being parsed (see :mod:`generator.document`).
    """

    def __init__(self, styles_el, *, auto_marker: str, caption_styles=("Caption",)) -> None:
        self.styles = _Styles.read(styles_el)
        self.caps = set(caption_styles)
        self.auto_marker = auto_marker
        self.later: dict = {}  # tables whose font scaling waits for them to be written (_typeset_one)

    def table(self, top, section: Callable[[], Any],
              fix: Optional[Callable[[Any, Optional[tuple[int, int]]], None]] = None) -> None:
        """Widths, repeated headers, rows kept together and alt text of the top-level table ``top``.

        ``section()`` gives the sectPr of the section ``top`` is in (only
        asked for when the table has to go landscape). ``fix(tbl, needs)``,
        called first, corrects the table's grid (``needs``: :func:`grid_needs`
        of its rows, or None when it holds tables of its own)."""
        rows = _read_rows(top)
        if fix is not None:
            # docxtpl counts every row inside the table: these are its own rows unless it holds a table
            # or rows inside other elements
            nested = next(islice(top.iter(W_TBL), 1, None), None) is not None
            fix(top, None if nested or sum(1 for _ in top.iter(W_TR)) != len(rows) else grid_needs(rows))
        tbl_pr = _child(top, W_TBLPR)
        cap = _child(tbl_pr, W_TBLCAPTION) if tbl_pr is not None else None
        auto = cap is not None and cap.get(W_VAL) == self.auto_marker
        title = _caption_before(top, self.caps)
        parts = _split_at_inner_headers(top, rows)
        del rows
        for n, (tbl, part_rows) in enumerate(parts):
            _typeset_one(tbl, section, self.styles, auto, title if n == 0 else (title + " (devam)" if title else ""),
                         part_rows, self.later)

    def scale_later(self, el) -> Optional[Callable[[Any], None]]:
        """For a table whose font scaling was put off: the function that scales one of its parts (a row,
        or the whole table); None for any other element. The sizes are those the whole table would get."""
        factor = self.later.pop(el, None)
        if factor is None:
            return None
        return partial(_scale_fonts, styles=self.styles, factor=factor)

    def images(self, el) -> None:
        """Alternative text of the pictures in ``el`` (see :func:`describe_images`)."""
        describe_images(el, tuple(self.caps))


def typeset_tables(body, styles_el, *, auto_marker: str, caption_styles=("Caption",)) -> None:
    """Widths, repeated headers, rows kept together and alt text of every table in ``body``.

    Tables whose alt-text title is ``auto_marker`` are always sized from
    their content; the others keep the template's widths unless a column is
    too narrow for its longest number or word.
    """
    ts = Typesetter(styles_el, auto_marker=auto_marker, caption_styles=caption_styles)
    for top in list(body.iterchildren(W_TBL)):
        ts.table(top, partial(_next_sect_pr, top, body))


def _scaled(cols: list[_Measure], f: float) -> list[_Measure]:
    return [_Measure(int(m.need * f + 0.999), int(m.line * f + 0.999), int(m.body_line * f + 0.999),
                     int(m.total * f), m.count, m.numeric, m.seen) for m in cols]


def _comfortable(cols: list[_Measure], widths: list[int]) -> bool:
    """Every text column gets its one-line width or at least :data:`COMFORT_TEXT_W`."""
    for m, w in zip(cols, widths):
        if m.seen and not m.numeric and w < min(m.body_line + CELL_PAD, COMFORT_TEXT_W):
            return False
    return True


def _plan(cols: list[_Measure], total: int, base_pt: float, smallest: float) -> Optional[tuple[float, list[int]]]:
    """The largest font factor (half-point steps down to ``smallest`` pt) at which the table fits comfortably."""
    steps = [1.0] + [(base_pt - k * 0.5) / base_pt for k in range(1, 20) if base_pt - k * 0.5 >= smallest]
    for f in steps:
        sc = _scaled(cols, f)
        widths = _distribute(sc, total)
        if widths is not None and _comfortable(sc, widths):
            return f, widths
    return None


def _typeset_one(tbl, section: Callable[[], Any], styles: _Styles, auto: bool, title: str,
                 rows: Optional[list[_Row]] = None, later: Optional[dict] = None) -> None:
    """One table; ``later``: a table whose font is to be scaled is put there (table → factor) when
    nothing else reads or replaces its runs, to be scaled row by row as it is written out
    (:meth:`Typesetter.scale_later`), not all at once."""
    if rows is None:
        rows = _read_rows(tbl)
    ncols = max((sum(c.span for c in r.cells) for r in rows), default=0)
    if not ncols:
        return
    total = int(_child(tbl, W_TBLPR).find(_q("tblW")).get(W_W))
    fonts: dict[int, tuple[float, bool]] = {}  # paragraph fonts measured, reused when scaling
    cols = _measure_table(rows, ncols, styles, fonts)
    current = _grid_widths(tbl)
    fits = (len(current) == ncols and not auto
            and all(w >= m.need + CELL_PAD for w, m in zip(current, cols)))
    if not fits:
        base_pt = styles.size.get("TabloMetni", styles.default_size)
        plan = _plan(cols, total, base_pt, PORTRAIT_MIN_FONT_PT)
        if plan is None and (wide := _make_landscape(tbl, section())):
            total = wide
            plan = _plan(cols, total, base_pt, MIN_FONT_PT)
        if plan is None:  # not even the smallest font is comfortable: the smallest font that fits
            f = MIN_FONT_PT / base_pt
            plan = (f, _distribute(_scaled(cols, f), total) or _squeeze(_scaled(cols, f), total))
        factor, widths = plan
        if factor < 1:
            if later is not None and all(last - first + 1 <= LONG_MERGE for _, first, last in _merged_groups(rows)):
                later[tbl] = factor  # no run is replaced (_unmerge) or read (alt text reads text only)
            else:
                _scale_fonts(tbl, styles, factor, fonts)
        _apply_widths(tbl, rows, widths, total)
    _keep_rows_together(rows, ncols)
    _alt_text(tbl, rows, ncols, title)


def _squeeze(cols: list[_Measure], total: int) -> list[int]:
    """Last resort (even the smallest font does not fit): widths in proportion to the needs."""
    need = [m.need + CELL_PAD for m in cols]
    widths = [total * n // sum(need) for n in need]
    widths[0] += total - sum(widths)
    return widths


# ---------------------------------------------------------------------------
# indexes computed by LibreOffice, written into the .docx
# ---------------------------------------------------------------------------

_INSTR = _q("instrText")


def _field_paragraphs(body) -> list[tuple[Any, str]]:
    """Paragraphs holding a TOC field, with the field's instruction, in document order."""
    out = []
    for p in body.iter(W_P):
        instr = "".join(t.text or "" for t in p.iter(_INSTR)).strip()
        if instr.startswith("TOC"):
            out.append((p, instr))
    return out


def _entry_style(lo_style: str, content: bool) -> str:
    if content:
        m = re.search(r"(\d+)\s*$", lo_style)
        return f"TOC{m.group(1) if m else 1}"
    return "TableofFigures"


def _entry_paragraph(style: str, text: str, lead: list, tail: list):
    title, _, page = text.rpartition("\t") if "\t" in text else (text, "", "")
    p = etree.Element(W_P)
    ppr = etree.SubElement(p, W_PPR)
    etree.SubElement(ppr, _q("pStyle")).set(W_VAL, style)
    for r in lead:
        p.append(r)

    def run(t: Optional[str]) -> None:
        r = etree.SubElement(p, W_R)
        if t is None:
            etree.SubElement(r, _q("tab"))
        else:
            el = etree.SubElement(r, W_T)
            el.text = t
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    run(title)
    if page:
        run(None)
        run(page)
    for r in tail:
        p.append(r)
    return p


def fill_docx_indexes(data: bytes, found: list[dict]) -> bytes:
    """The .docx ``data`` with the entries LibreOffice computed as the TOC fields' results.

    ``found``: one dict per index in document order: ``kind`` ("content" or
    "figures"), ``category`` (the caption label: "Tablo", "Grafik") and
    ``entries`` (``[style, "title<TAB>page"]``). The fields stay fields (Word
    can still update them); the "update fields on open" setting goes, so
    Word opens the file without asking.
    """
    import io
    import zipfile

    from .document import normalize_docx

    zin = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(zin.read("word/document.xml"))
    body = _child(root, _q("body"))
    contents = [f for f in found if f.get("kind") == "content"]
    figures = [f for f in found if f.get("kind") != "content"]
    by_category = {f.get("category"): f for f in figures if f.get("category")}
    for p, instr in _field_paragraphs(body):
        content = "\\o" in instr or "\\c" not in instr
        if content:
            index = contents.pop(0) if contents else None
        else:
            m = re.search(r'\\c\s+"([^"]+)"', instr)
            index = by_category.get(m.group(1)) if m else None
            if index is None and figures:
                index = figures[0]
            if index in figures:
                figures.remove(index)
        if not index or not index.get("entries"):
            continue
        runs = list(p.iterchildren(W_R))
        sep = next((i for i, r in enumerate(runs)
                    if any(fc.get(_q("fldCharType")) == "separate" for fc in r.iter(_q("fldChar")))), None)
        end = next((i for i, r in enumerate(runs)
                    if any(fc.get(_q("fldCharType")) == "end" for fc in r.iter(_q("fldChar")))), None)
        if sep is None or end is None:
            continue
        lead, tail = runs[:sep + 1], runs[end:]
        entries = index["entries"]
        new = []
        for i, (lo_style, text) in enumerate(entries):
            new.append(_entry_paragraph(_entry_style(lo_style, content), text,
                                        lead if i == 0 else [], tail if i == len(entries) - 1 else []))
        for q in new:
            p.addprevious(q)
        p.getparent().remove(p)
    settings = etree.fromstring(zin.read("word/settings.xml"))
    for el in settings.findall(_q("updateFields")):
        settings.remove(el)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            if name == "word/document.xml":
                payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif name == "word/settings.xml":
                payload = etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)
            else:
                payload = zin.read(name)
            zout.writestr(name, payload)
    return normalize_docx(out.getvalue())

"""The program document (.docx) rendered from the docxtpl template.

:func:`render_docx` fills ``templates/performans_programi.docx`` (the
committed template is the source of truth and may be restyled in Word;
``tools/make_docx_template.py`` only bootstraps it) with the data of a
:class:`~generator.model.Program`. The year's narrative comes from kurum.xlsx
(sheet *Metinler*, :mod:`.narrative`), with ``**bold**`` / ``*italic*`` as
formatted runs.

:func:`build_context` turns the program into the names the template uses.
All values are ready-made strings: amounts and percentages in Turkish format,
every total computed from its parts (the typed ``*_typed`` totals are the
validator's business and are ignored here). Jinja autoescaping protects the
XML from ``&``, ``<``, ``>`` and quotes in the data.

The output is deterministic: fixed zip timestamps and core-property dates and
chart PNGs without metadata, so the same program gives the same bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .atomic import write_bytes
from .model import ECONOMIC_CODES, Activity, InfoTable, Program
from .turkish import lower, percent
from .turkish import money as _money_tr

money = lru_cache(maxsize=None)(_money_tr)  # the same amounts recur many times; babel is slow

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "templates" / "performans_programi.docx"
# tables whose columns are sized from their content after rendering carry this alt-text title
AUTO_WIDTH_CAPTION = "Sütun genişlikleri içeriğe göre ayarlanır"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BASE_CODES = ("03", "05", "06")  # always shown in the activity cost tables, as in the published program
TOP_UNITS = 10  # units shown by name in the unit chart
PHYSICAL_TABLES = ("t1", "t2", "t3", "t4")
PERSONNEL_TABLES = ("t5", "t6", "t7", "t8", "t9")
NOT_SUMMED = {"sıra no", "no", "sıra"}
EDUCATION_WORDS = {"y. lisans": "yüksek lisans", "y.lisans": "yüksek lisans"}


class DocumentError(Exception):
    """The template could not be rendered (e.g. a broken tag after editing it in Word)."""


# ---------------------------------------------------------------------------
# Turkish suffixes after numbers: %27,93'ü, Tablo 5'e, Tablo 10'da
# ---------------------------------------------------------------------------
_ONES = ["sıfır", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"]
_TENS = ["", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"]
_VOWELS = "aeıioöuü"
_BACK = "aıou"
_HARD = "çfhkpsşt"


def _spoken_last_word(text: str) -> str:
    """The last word of a number as read aloud: "27,93" → "üç", "10" → "on", "1.035" → "beş"."""
    digits = re.sub(r"[^\d,]", "", text)
    whole, _, frac = digits.partition(",")
    part = frac if frac and int(frac) else whole
    n = int(part or 0)
    if n == 0:
        return _ONES[0]
    if n % 10:
        return _ONES[n % 10]
    if n % 100:
        return _TENS[(n % 100) // 10]
    if n % 1000:
        return "yüz"
    if n % 1_000_000:
        return "bin"
    if n % 1_000_000_000:
        return "milyon"
    return "milyar"


def _last_vowel(word: str) -> str:
    return next((c for c in reversed(word) if c in _VOWELS), "e")


def suffix(number_text: str, case: str) -> str:
    """``number_text`` with its Turkish case suffix after an apostrophe.

    case: "iyelik" (3rd person possessive, %27,93'ü), "yönelme" (dative, 5'e),
    "bulunma" (locative, 10'da).
    """
    word = _spoken_last_word(number_text)
    v = _last_vowel(word)
    ends_vowel = word[-1] in _VOWELS
    if case == "iyelik":
        four = {"a": "ı", "ı": "ı", "e": "i", "i": "i", "o": "u", "u": "u", "ö": "ü", "ü": "ü"}[v]
        return f"{number_text}'{'s' if ends_vowel else ''}{four}"
    two = "a" if v in _BACK else "e"
    if case == "yönelme":
        return f"{number_text}'{'y' if ends_vowel else ''}{two}"
    if case == "bulunma":
        return f"{number_text}'{'t' if word[-1] in _HARD else 'd'}{two}"
    raise ValueError(case)


def _join_tr(items: list[str]) -> str:
    """"a, b ve c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " ve " + items[-1]


# ---------------------------------------------------------------------------
# program data in the document's order, totals computed from parts
# ---------------------------------------------------------------------------

def computed_info_rows(table: InfoTable) -> list[list]:
    """Rows of a general-information table with every total computed from its parts.

    Within a data row a total column is the sum of its part columns (the
    schema's ``row_sums``); a total row sums the data rows above it (since the
    previous total row). "Sıra No" columns are never summed.
    """
    from .workbook_schema import INFO_TABLES, INT, MONEY, NUMBER

    spec = next((s for s in INFO_TABLES if s.key == table.key), None)
    headers = list(table.columns)
    idx = {h: i for i, h in enumerate(headers)}
    numeric = set()
    if spec is not None:
        numeric = {idx[h] for h, kind in spec.columns if kind in (INT, NUMBER, MONEY) and h in idx}
    else:
        for i in range(len(headers)):
            vals = [r[i] for r, k in zip(table.rows, table.kinds) if k == "data" and i < len(r) and r[i] is not None]
            if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
                numeric.add(i)
    numeric -= {i for h, i in idx.items() if lower(h).strip(" .") in NOT_SUMMED}
    rules: dict[int, list[int]] = {}
    for total, parts in (spec.row_sums if spec else ()):
        if total in idx and all(p in idx for p in parts) and idx[total] not in rules:
            rules[idx[total]] = [idx[p] for p in parts]

    out: list[list] = []
    segment: list[list] = []
    for raw, kind in zip(table.rows, table.kinds):
        row = list(raw) + [None] * (len(headers) - len(raw))
        if kind == "data":
            for t, part_cols in rules.items():
                vals = [row[p] for p in part_cols]
                if any(isinstance(v, (int, float)) for v in vals):
                    row[t] = sum(v for v in vals if isinstance(v, (int, float)))
            segment.append(row)
        elif kind == "total":
            for i in numeric:
                row[i] = sum(r[i] for r in segment if isinstance(r[i], (int, float)))
            for i in range(len(headers)):
                if i not in numeric and i > 0 and isinstance(row[i], (int, float)):
                    row[i] = None
            segment = []
        out.append(row)
    return out


def _education_texts(table: Optional[InfoTable]) -> tuple[str, str, list, list]:
    """Narrative percentages and chart series from table 5 (computed totals)."""
    if table is None:
        return "", "", [], []
    rows = computed_info_rows(table)
    headers = list(table.columns)
    data = [r for r, k in zip(rows, table.kinds) if k == "data"]

    def col_total(h: str) -> float:
        i = headers.index(h)
        return sum(r[i] for r in data if isinstance(r[i], (int, float)))

    from .workbook_schema import INFO_TABLES

    spec = next(s for s in INFO_TABLES if s.key == "t5")
    groups = [parts for total, parts in spec.row_sums]
    gender = [h for h in (groups[0] if groups else ()) if h in headers]
    education = [h for h in (groups[1] if len(groups) > 1 else ()) if h in headers]

    edu_series = [(h, col_total(h)) for h in education]
    edu_sum = sum(v for _, v in edu_series)
    edu_text = ""
    if edu_sum:
        parts = [f"{suffix(percent(v / edu_sum), 'iyelik')} {EDUCATION_WORDS.get(lower(h), lower(h))}"
                 for h, v in edu_series if v]
        edu_text = _join_tr(parts)
    gen_series = [(h, col_total(h)) for h in gender]
    gen_sum = sum(v for _, v in gen_series)
    gender_text = ""
    if gen_sum:
        gender_text = _join_tr([f"{suffix(percent(v / gen_sum), 'iyelik')} {lower(h)}" for h, v in gen_series])
    total_i = headers.index("Toplam") if "Toplam" in headers else None
    status = []
    if total_i is not None:
        status = [(str(r[0]), r[total_i]) for r in data
                  if r and r[0] not in (None, "") and isinstance(r[total_i], (int, float))]
    edu_chart = [(h, v / edu_sum) for h, v in edu_series] if edu_sum else []
    return edu_text, gender_text, edu_chart, status


def rich(text: str):
    """A paragraph's text with its ``**bold**`` / ``*italic*`` marks as formatted runs (``{{r ...}}``)."""
    from docxtpl import RichText

    from .narrative import spans

    rt = RichText()
    for span in spans(text or ""):
        rt.add(span.text, bold=span.bold, italic=span.italic)
    return rt


NO_DATA = "veri gelmedi"  # in a draft, where the figures of a department that sent nothing would stand


def build_context(program: Program, draft: bool = False, image=None, *, missing=frozenset(),
                  open_errors=()) -> dict:
    """The template's names (see :mod:`.context`: typed per-section builders) as the dict docxtpl renders.

    ``image(png_bytes, width_cm)`` makes an embeddable picture (an
    ``InlineImage``); without it no chart is drawn. In a draft, the figures
    of the departments in ``missing`` (nothing sent, or a blank template)
    read "veri gelmedi", and ``open_errors`` fill the closing "Taslak
    Notları" page; a final document has neither.
    """
    from .context import build

    return build(program, draft, image, missing=missing, open_errors=open_errors).names()


def cost_codes(acts: list[Activity]) -> list[str]:
    """Economic-code columns of a target's cost table, as the published program prints them.

    The base codes 03, 05 and 06 when the target uses no other code (zeros
    included); otherwise only the codes with an amount, so that no all-zero
    column widens the table.
    """
    used = {c for a in acts for c, v in a.amounts.items() if v and c in ECONOMIC_CODES}
    if used <= set(BASE_CODES):
        return list(BASE_CODES)
    return sorted(used)


# ---------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------

def _template_class():
    from docxtpl import DocxTemplate

    class _Template(DocxTemplate):
        def patch_xml(self, src_xml: str) -> str:
            xml = super().patch_xml(src_xml)
            # docxtpl puts a {% colspan %} gridSpan first in tcPr; the schema wants it after tcW
            return re.sub(r'(<w:tcPr>)(<w:gridSpan w:val="\{\{[^"]*\}\}"/>)(<w:tcW [^>]*/>)', r"\1\3\2", xml)

        def render(self, context, jinja_env=None, autoescape: bool = False) -> None:
            """docxtpl's render with the body streamed into one parse of the document part.

            docxtpl renders the body to one string, post-processes it in
            several whole-string passes, parses it (``fix_tables``), moves
            the tree into the document and serialises and parses again; the
            document then exists four or five times in memory at once. Here
            Jinja's output is post-processed paragraph block by paragraph
            block (the same substitutions, which never span a paragraph end)
            and fed to the document part's own parser: one parse, no copy
            of the whole text. The header, footer, property and footnote
            steps are docxtpl's own.
            """
            self.render_init()
            if autoescape:
                if not jinja_env:
                    from jinja2 import Environment

                    jinja_env = Environment(autoescape=autoescape)
                else:
                    jinja_env.autoescape = autoescape
            root = self._render_body(context, jinja_env)
            _fix_tables(root)
            _fit_columns(root.body, self.docx.styles.element)  # typesetting, before the picture ids
            for elt in root.iter(_WP_DOCPR):  # docxtpl's fix_docpr_ids: picture ids renumbered in order
                self.docx_ids_index += 1
                elt.attrib["id"] = str(self.docx_ids_index)
            doc = self.docx
            doc._part._element = root
            doc._element = root
            doc._Document__body = None
            for uri in (self.HEADER_URI, self.FOOTER_URI):
                for rel_key, xml in self.build_headers_footers_xml(context, uri, jinja_env):
                    self.map_headers_footers_xml(rel_key, xml)
            self.render_properties(context, jinja_env)
            self.render_footnotes(context, jinja_env)
            self.is_rendered = True

        def _render_body(self, context, jinja_env):
            from docx.oxml.parser import element_class_lookup
            from jinja2 import Template
            from lxml import etree

            src = re.sub(r"<w:p([ >])", r"\n<w:p\1", self.patch_xml(self.get_xml()))  # as docxtpl does
            self.current_rendering_part = self.docx._part
            template = jinja_env.from_string(src) if jinja_env else Template(src)
            root = self.docx.element
            marker = etree.Comment("performans-programi-govde")
            body = root.body
            root.replace(body, marker)
            head, found, tail = etree.tostring(root, encoding="unicode").rpartition(
                etree.tostring(marker, encoding="unicode"))
            root.replace(marker, body)
            assert found, "body marker lost"
            # the parser python-docx reads parts with (blank text removed, no entities)
            parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
            parser.set_element_class_lookup(element_class_lookup)
            parser.feed(head)
            pending: list[str] = []
            size = 0
            for chunk in template.generate(context):
                pending.append(chunk)
                size += len(chunk)
                if size >= _BLOCK:
                    text = "".join(pending)
                    cut = text.rfind("</w:p>") + len("</w:p>")
                    if cut >= len("</w:p>"):
                        parser.feed(self._finish(text[:cut]))
                        text = text[cut:]
                    pending, size = [text], len(text)
            parser.feed(self._finish("".join(pending)))
            parser.feed(tail)
            return parser.close()

        def _finish(self, xml: str) -> str:
            """docxtpl's post-processing of rendered text (render_xml_part), on whole paragraphs."""
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if any(c in xml for c in "\t\a\n\f"):  # resolve_listing changes nothing otherwise
                xml = self.resolve_listing(xml)
            return xml

    return _Template


_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_BLOCK = 1 << 20  # characters of rendered text post-processed and parsed at a time


def _fix_tables(tree) -> None:
    """docxtpl's ``fix_tables`` on an already parsed tree (docxtpl parses the text again for it).

    Grid columns are added when a row has more cells than the grid, and
    removed when no row needs them (the width spread over the others)."""
    import functools

    ns = "{" + tree.nsmap["w"] + "}"
    for t in tree.iter(ns + "tbl"):
        tbl_grid = t.find(ns + "tblGrid")
        columns = tbl_grid.findall(ns + "gridCol")
        to_add = 0
        for r in t.iter(ns + "tr"):
            cells = r.findall(ns + "tc")
            if (len(columns) + to_add) < len(cells):
                to_add = len(cells) - len(columns)
        if to_add > 0:
            width = 0.0
            for c in columns:
                if c.get(ns + "w") is not None:
                    width += float(c.get(ns + "w"))
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(ns + "w", str(int(float(c.get(ns + "w")) * new_average / old_average)))
                for _ in range(to_add):
                    tbl_grid.append(tbl_grid.makeelement(ns + "gridCol", {ns + "w": str(int(new_average))}))
        columns = tbl_grid.findall(ns + "gridCol")
        columns_len = len(columns)

        def cell_len(total: int, cell) -> int:
            tc_pr = cell.find(ns + "tcPr")
            grid_span = None if tc_pr is None else tc_pr.find(ns + "gridSpan")
            return total + (int(grid_span.get(ns + "val")) if grid_span is not None else 1)

        cells_len_max = 0
        for r in t.iter(ns + "tr"):
            cells_len_max = max(cells_len_max, functools.reduce(cell_len, r.findall(ns + "tc"), 0))
        to_remove = columns_len - cells_len_max
        if to_remove > 0:
            removed_width = 0.0
            for c in columns[-to_remove:]:
                removed_width += float(c.get(ns + "w"))
                tbl_grid.remove(c)
            columns_left = tbl_grid.findall(ns + "gridCol")
            extra_space = int(removed_width / len(columns_left)) if columns_left else 0
            for c in columns_left:
                c.set(ns + "w", str(int(float(c.get(ns + "w")) + extra_space)))


def fixed_core_properties(cp, year: int) -> None:
    """Dates and revision that do not change from run to run."""
    when = datetime(year - 1, 12, 1) if year and year > 1 else datetime(2000, 1, 1)
    cp.created = when
    cp.modified = when
    cp.last_modified_by = ""
    cp.revision = 1


def normalize_docx(data: bytes) -> bytes:
    """Re-zip with fixed timestamps and attributes: same content → same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    names.sort(key=lambda n: (n != "[Content_Types].xml",))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def _fit_columns(body, styles_el=None) -> None:
    """Typeset every table of the rendered body in one pass (see :mod:`generator.typeset`).

    Tables marked AUTO_WIDTH_CAPTION (a column per department, economic
    code or table column: the template cannot know their widths) are sized
    from their content; the others keep the template's widths unless a
    number or a word does not fit.
    """
    from .typeset import describe_images, typeset_tables

    typeset_tables(body, styles_el, auto_marker=AUTO_WIDTH_CAPTION)
    describe_images(body)


def render_bytes(program: Program, draft: bool = False, template: Optional[Path] = None,
                 strict: bool = False, *, missing=frozenset(), open_errors=()) -> bytes:
    """The rendered .docx as bytes (``strict``: an undefined template name is an error).

    ``missing`` and ``open_errors`` feed the draft's "veri gelmedi" cells and
    "Taslak Notları" page (see :func:`build_context`)."""
    import jinja2
    from docx.shared import Cm
    from docxtpl import InlineImage

    source = Path(template or TEMPLATE_PATH)
    tpl = _template_class()(str(source))

    def image(png, width_cm: float):  # PNG bytes, or a stream still being drawn (chartpool.LazyPNG)
        return InlineImage(tpl, png if hasattr(png, "read") else io.BytesIO(png), width=Cm(width_cm))

    ctx = build_context(program, draft, image, missing=missing, open_errors=open_errors)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
    try:
        tpl.render(ctx, env, autoescape=True)
    except jinja2.TemplateError as exc:
        raise DocumentError(f"Belge şablonu işlenemedi ({source}): {exc}") from exc
    prof = program.institution.profile
    cp = tpl.docx.core_properties
    cp.title = f"{prof.name} {prof.year} Yılı Performans Programı".strip()
    cp.subject = "Performans Programı" + (" (TASLAK)" if draft else "")
    cp.author = prof.coordinator_unit or prof.name
    cp.comments = ""
    cp.keywords = "performans programı"
    cp.language = "tr-TR"
    fixed_core_properties(cp, prof.year)
    buf = io.BytesIO()
    tpl.save(buf)
    tpl.docx = None  # the document tree is not needed for re-zipping (memory at large sizes)
    del ctx
    return normalize_docx(buf.getvalue())


def render_docx(program: Program, path: Path, draft: bool = False,
                template: Optional[Path] = None, *, missing=frozenset(), open_errors=()) -> Path:
    """Render the program to ``path`` (.docx), atomically; returns ``path``.

    ``draft`` marks the document "TASLAK" on the cover and in the header; a
    draft also shows "veri gelmedi" for the departments in ``missing`` and
    lists ``open_errors`` on a closing "Taslak Notları" page.
    """
    path = Path(path)
    write_bytes(path, render_bytes(program, draft, template, missing=missing, open_errors=open_errors))
    return path

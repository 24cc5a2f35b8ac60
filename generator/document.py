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
import sys
import zipfile
from datetime import datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Optional

from .atomic import write_bytes
from .background import cyclic_gc_paused
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

        def render(self, context, jinja_env=None, autoescape: bool = False, *, sink=None) -> None:
            """docxtpl's render with the body streamed: parsed, typeset and written out piece by piece.

            docxtpl renders the body to one string, post-processes it in
            several whole-string passes, parses it (``fix_tables``), moves
            the tree into the document and serialises it; the document
            then exists four or five times in memory at once. Here Jinja's
            output is post-processed paragraph block by paragraph block (the
            same substitutions, which never span a paragraph end) and fed to
            one incremental parser; every top-level element of the body is
            fixed (:func:`_fix_tables`), typeset (:class:`.typeset.Typesetter`)
            and its pictures numbered as soon as it is complete, then
            serialised to ``sink`` (a binary file) and freed (:class:`_BodyStream`).
            :attr:`document_xml` then gives the bytes of ``word/document.xml``
            around them (:func:`normalize_docx` puts them together). The
            header, footer and property steps are docxtpl's own.
            """
            from .typeset import Typesetter

            self.render_init()
            if autoescape:
                if not jinja_env:
                    from jinja2 import Environment

                    jinja_env = Environment(autoescape=autoescape)
                else:
                    jinja_env.autoescape = autoescape
            typesetter = Typesetter(self.docx.styles.element, auto_marker=AUTO_WIDTH_CAPTION)
            stream = _BodyStream(sink, typesetter, self)
            root = self._render_body(context, jinja_env, stream)
            doc = self.docx
            doc._part._element = root
            doc._element = root
            doc._Document__body = None
            for uri in (self.HEADER_URI, self.FOOTER_URI):
                for rel_key, xml in self.build_headers_footers_xml(context, uri, jinja_env):
                    self.map_headers_footers_xml(rel_key, xml)
            self.render_properties(context, jinja_env)
            self.document_xml = stream.document_xml(root)
            self._render_footnotes(context, jinja_env, stream.sections_written)
            self.is_rendered = True

        def _render_footnotes(self, context, jinja_env, sections: int) -> None:
            """docxtpl's render_footnotes (which renders each footnotes part once per section)."""
            for _ in range(sections):
                for part in self.docx.part.package.parts:
                    if part.content_type == _FOOTNOTES:
                        blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                        part._blob = self.render_xml_part(self.patch_xml(blob), part, context, jinja_env).encode()

        def _render_body(self, context, jinja_env, stream: "_BodyStream"):
            from jinja2 import Environment
            from lxml import etree

            self.current_rendering_part = self.docx._part
            env = jinja_env or Environment()
            code, body_tag, static = self._compiled_body(env)
            template = env.template_class.from_code(env, code, env.make_globals(None), None)
            stream.sections = _static_sections(static, self.docx.element.body)
            root = self.docx.element
            marker = etree.Comment("performans-programi-govde")
            body = root.body
            root.replace(body, marker)
            head, found, tail = etree.tostring(root, encoding="unicode").rpartition(
                etree.tostring(marker, encoding="unicode"))
            root.replace(marker, body)
            assert found, "body marker lost"
            stream.head, stream.tail = head, tail
            stream.body_tag = body_tag
            # python-docx's parser options (blank text removed, no entities), plain lxml elements
            parser = etree.XMLPullParser(events=("start",), tag=_W_BODY, remove_blank_text=True,
                                         resolve_entities=False)
            parser.feed(head)
            pending: list[str] = []
            size = 0
            chunks = template.generate(context)
            while batch := list(islice(chunks, _CHUNKS)):  # Jinja's pieces taken in C, not one by one
                piece = "".join(batch)
                pending.append(piece)
                size += len(piece)
                if size >= _BLOCK:
                    text = "".join(pending)
                    cut = text.rfind("</w:p>") + len("</w:p>")
                    if cut >= len("</w:p>"):
                        parser.feed(self._finish(text[:cut]))
                        text = text[cut:]
                        stream.advance(parser)
                    pending, size = [text], len(text)
            parser.feed(self._finish("".join(pending)))
            del pending, batch
            parser.feed(tail)
            root = parser.close()
            stream.advance(parser, final=True)
            return root

        def _compiled_body(self, env) -> tuple[Any, str, Optional[int]]:
            """The body template compiled by Jinja, its ``<w:body>`` tag and its static section
            breaks (:func:`_sections_in_text`), kept in the build cache (:mod:`.cache`) by the
            template's text: preparing and compiling it is a fixed ~0,4 s of every build."""
            import marshal

            from .cache import cached_bytes

            xml = self.get_xml()

            def compile_body() -> bytes:
                src = re.sub(r"<w:p([ >])", r"\n<w:p\1", self.patch_xml(xml))  # as docxtpl does
                ast = env.parse(src)  # parsed once: looked at for the section breaks, then compiled
                return marshal.dumps((env.compile(ast), src[:src.index(">") + 1], _sections_in_text(src, ast)))

            settings = repr((sys.version, env.autoescape, env.undefined.__name__, env.block_start_string,
                             env.variable_start_string, env.comment_start_string, env.trim_blocks,
                             env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline))
            data = cached_bytes("docx-sablon", [xml.encode(), settings.encode()], compile_body,
                                libraries=("jinja2", "docxtpl", "python-docx"))
            try:
                code, body_tag, static = marshal.loads(data)
            except (EOFError, ValueError, TypeError):  # a damaged cache file: compile afresh
                code, body_tag, static = marshal.loads(compile_body())
            return code, body_tag, static

        def _finish(self, xml: str) -> str:
            """docxtpl's post-processing of rendered text (render_xml_part), on whole paragraphs."""
            # re.sub(r"\n<w:p([ >])", r"<w:p\1", xml) as docxtpl has it, without a match object per paragraph
            xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if any(c in xml for c in "\t\a\n\f"):  # resolve_listing changes nothing otherwise
                # docxtpl's resolve_listing works paragraph by paragraph (the first "</w:p>" after "<w:p>")
                # and changes only those with one of these characters: the others are left as they are
                xml = _PARAGRAPH.sub(lambda m: self.resolve_listing(m.group(0))
                                     if _LISTING.search(m.group(0)) else m.group(0), xml)
            return xml

    return _Template


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_BODY, _W_P, _W_PPR, _W_SECTPR, _W_TBL = _W + "body", _W + "p", _W + "pPr", _W + "sectPr", _W + "tbl"
_W_TBLGRID, _W_GRIDCOL, _W_TR, _W_TC, _W_TCPR = _W + "tblGrid", _W + "gridCol", _W + "tr", _W + "tc", _W + "tcPr"
_W_GRIDSPAN, _W_VAL, _W_W = _W + "gridSpan", _W + "val", _W + "w"
_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_BLOCK = 1 << 20  # characters of rendered text post-processed and parsed at a time
_CHUNKS = 4096  # pieces of Jinja's output joined at a time (a few kB to a few hundred kB)
_BIG = 64  # an element with more children than this (a long table) is written child by child
_WHOLE = 4096  # ... unless it has at most this many: serialised in one piece, faster (a few MB at most)
_MARKER = "performans-programi-govde"
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing finds them
_LISTING = re.compile("[\t\a\n\f]")


def _is_section_break(el) -> bool:
    """A top-level element that ends a section: a paragraph with a sectPr, or the body's own sectPr."""
    tag = el.tag
    if tag == _W_P:
        ppr = next(el.iterchildren(_W_PPR), None)
        return ppr is not None and next(ppr.iterchildren(_W_SECTPR), None) is not None
    return tag == _W_SECTPR


def _sections_in_text(src: str, ast) -> Optional[int]:
    """How many ``<w:sectPr>`` the template source ``src`` has, when each is plain text outside any
    Jinja block of its parsed form ``ast`` (no loop or condition repeats or drops it); else None."""
    from jinja2 import nodes

    opening = re.compile(r"<w:sectPr[ >/]")
    total = len(opening.findall(src))
    static = 0
    for node in ast.body:
        if isinstance(node, nodes.Output):
            for part in node.nodes:
                if isinstance(part, nodes.TemplateData):
                    n = len(opening.findall(part.data))
                    if n != part.data.count("</w:sectPr>") + len(re.findall(r"<w:sectPr[^>]*/>", part.data)):
                        return None
                    static += n
    return total if static == total else None


def _static_sections(static: Optional[int], template_body) -> Optional[list]:
    """The template body's section breaks (sectPr) in order, when the rendered body has exactly these.

    That is so when every sectPr of the template is static text
    (``static``: :func:`_sections_in_text`) and a top-level one. Then the
    section a table is in is known before the rest of the body is rendered.
    ``None`` otherwise: the body is then typeset only once it is complete.
    """
    if static is None:
        return None
    breaks = [el for el in template_body if _is_section_break(el)]
    if len(breaks) != static or sum(1 for _ in template_body.iter(_W_SECTPR)) != static:
        return None
    return [el if el.tag == _W_SECTPR else el.find(_W_PPR).find(_W_SECTPR) for el in breaks]


class _BodyStream:
    """The body's top-level elements, processed as soon as they are parsed, then written out and freed.

    Each element (in document order) gets :func:`_fix_tables`, a table is
    typeset (:meth:`.typeset.Typesetter.table`), the pictures of an element
    are described and numbered once its next sibling is typeset (a caption
    may follow a picture). The last :data:`WINDOW` processed elements stay
    in the tree (a table's caption is looked up before it); older ones are
    serialised to the sink exactly as the whole document would serialise
    them, and removed. Memory therefore stays at one block of text and a few
    elements, whatever the size of the program.

    ``sections`` (:func:`_static_sections`) says which section each table
    is in; without it nothing is processed before the body is complete.
    """

    WINDOW = 4

    def __init__(self, sink, typesetter, template) -> None:
        self.sink = sink
        self.ts = typesetter
        self.template = template  # docxtpl's: the picture ids continue its docx_ids_index
        self.sections: Optional[list] = None
        self.breaks_seen = 0  # original section breaks processed so far
        self.sections_written = 0  # section breaks written (the inserted landscape ones too)
        self.body = None
        self.done = None  # the last processed element (those after it are not processed yet)
        self.images_due = None  # the last processed original element: its pictures wait for its next sibling
        self.decls: Optional[bytes] = None  # the namespace declarations lxml copies onto a lone child
        self.stopped = False  # an element could not be written alone: the rest is written at the end
        self.head = self.body_tag = self.tail = ""  # the root's start and end tags, the body's start tag

    # -- processing ---------------------------------------------------------
    def advance(self, parser, final: bool = False) -> None:
        if self.body is None:
            for _, el in parser.read_events():
                self.body = el
            if self.body is None:
                return
        if self.sections is None and not final:
            return
        body = self.body
        start = self.done.getnext() if self.done is not None else (body[0] if len(body) else None)
        todo = []
        el = start
        while el is not None:
            todo.append(el)
            el = el.getnext()
        nxt = None if final or not todo else todo.pop()  # the last one may not be complete yet
        for el in todo:
            self._process(el)
        if todo:
            self.done = body[-1] if nxt is None else nxt.getprevious()
        if final and self.images_due is not None:
            self._images(self.images_due)
            self.images_due = None
        # no reference to an element may outlive it: lxml would otherwise move a removed subtree into
        # a document of its own instead of freeing it
        del todo, start, el, nxt
        self._evict(keep=0 if final else self.WINDOW)

    def _process(self, el) -> None:
        if not isinstance(el.tag, str):
            return  # a comment or processing instruction
        if el.tag == _W_TBL:  # the table's rows are read once, for fix_tables and the typesetting
            self.ts.table(el, self._section_of(el), fix=_fix_table_tree)
        else:
            for t in el.iter(_W_TBL):
                _fix_tables(t)
        if self.images_due is not None:
            self._images(self.images_due)
        self.images_due = el
        if _is_section_break(el):
            self.breaks_seen += 1

    def _section_of(self, el):
        if self.sections is None:
            from .typeset import _next_sect_pr

            return lambda: _next_sect_pr(el, self.body)
        k = self.breaks_seen
        return lambda: self.sections[k] if k < len(self.sections) else None

    def _images(self, el) -> None:
        self.ts.images(el)
        tpl = self.template
        for doc_pr in el.iter(_WP_DOCPR):  # docxtpl's fix_docpr_ids: picture ids renumbered in order
            tpl.docx_ids_index += 1
            doc_pr.attrib["id"] = str(tpl.docx_ids_index)

    # -- output -------------------------------------------------------------
    def _evict(self, keep: int) -> None:
        """Write out and free the processed elements but the last ``keep`` (and one whose pictures wait)."""
        body = self.body
        if self.done is None or self.stopped:
            return
        n = body.index(self.done) + 1 - keep
        while n > 0:
            el = body[0]
            if el is self.images_due or not self._write(el):
                break
            if el is self.done:
                self.done = None
            del el
            del body[0]
            n -= 1

    def _write(self, el) -> bool:
        """Serialise ``el`` to the sink as it reads inside the whole document; False if that cannot be
        done alone (it declares namespaces itself): then the rest of the body is written at the end."""
        from lxml import etree

        if not isinstance(el.tag, str):  # a comment or processing instruction
            self.sink.write(etree.tostring(el, encoding="UTF-8"))
            return True
        scale = self.ts.scale_later(el)  # a table whose font scaling was put off until now
        if scale is not None and not self._by_rows(el):
            scale(el)
            scale = None
        start = self.sink.tell()
        if not self._write_element(el, scale):
            self.sink.seek(start)
            self.sink.truncate()
            if scale is not None:
                scale(el)  # nothing of it was changed or freed: written at the end with the rest
            self.stopped = True
            return False
        if _is_section_break(el):
            self.sections_written += 1
        return True

    @staticmethod
    def _by_rows(el) -> bool:
        """Whether ``el`` (a table, or any element with many children) is written child by child."""
        return (el.tag == _W_TBL or len(el) > _BIG) and not el.attrib and el.text is None and el.tail is None

    def _alone(self, el) -> Optional[tuple[bytes, int]]:
        """``el`` serialised alone and where the namespace declarations lxml copies onto it start
        (they are cut out), or None when it declares namespaces itself."""
        from lxml import etree

        if self.decls is None:
            probe = etree.fromstring(self.head + self.body_tag + "<w:p/></w:body>" + self.tail)
            self.decls = etree.tostring(probe[0][0], encoding="UTF-8")[len(b"<w:p"):-len(b"/>")]
        if not el.prefix:
            return None
        qname = el.prefix.encode() + b":" + etree.QName(el).localname.encode()
        data = etree.tostring(el, encoding="UTF-8")
        start = 1 + len(qname)
        if data[1:start] != qname or data[start:start + len(self.decls)] != self.decls:
            return None
        return data, start

    def _write_element(self, el, scale=None) -> bool:
        """``el`` written to the sink; ``scale``: the font scaling still to be done on a table written
        row by row (its rows scaled, written and freed one at a time). False before anything is
        written or changed when an element declares namespaces itself."""
        from lxml import etree

        if not el.prefix:
            return False
        if self._by_rows(el) and (scale is not None or len(el) > _WHOLE):
            qname = el.prefix.encode() + b":" + etree.QName(el).localname.encode()
            if scale is None:
                self.sink.write(b"<" + qname + b">")
                for child in el:
                    if not isinstance(child.tag, str):
                        self.sink.write(etree.tostring(child, encoding="UTF-8"))
                    elif not self._write_element(child):
                        return False
                self.sink.write(b"</" + qname + b">")
                return True
            if not all(self._alone(child) is not None for child in el if isinstance(child.tag, str)):
                return False
            self.sink.write(b"<" + qname + b">")
            while len(el):
                child = el[0]
                if isinstance(child.tag, str):
                    scale(child)
                    ok = self._write_element(child)
                    assert ok, "checked above"
                else:
                    self.sink.write(etree.tostring(child, encoding="UTF-8"))
                del child
                del el[0]
            self.sink.write(b"</" + qname + b">")
            return True
        alone = self._alone(el)
        if alone is None:
            return False
        data, start = alone
        view = memoryview(data)
        self.sink.write(view[:start])
        self.sink.write(view[start + len(self.decls or b""):])
        return True

    def document_xml(self, root) -> tuple[bytes, bytes]:
        """What comes before and after the children written to the sink in ``word/document.xml``, as
        python-docx would write the whole document (the children not written out are in the second part)."""
        from lxml import etree

        body = self.body if self.body is not None else root.find(_W_BODY)
        self.sections_written += sum(1 for el in body if isinstance(el.tag, str) and _is_section_break(el))
        for el in body:  # not written out: the font scaling put off for them is done now
            scale = self.ts.scale_later(el)
            if scale is not None:
                scale(el)
        marker = etree.Comment(_MARKER)
        body.insert(0, marker)
        head, found, tail = etree.tostring(root, encoding="UTF-8", standalone=True).partition(
            etree.tostring(marker, encoding="UTF-8"))
        body.remove(marker)
        assert found, "body marker lost"
        return head, tail


def _fix_table_tree(top, needs: Optional[tuple[int, int]]) -> None:
    """:func:`_fix_tables` on a top-level table and the tables inside it (``needs``: see
    :meth:`.typeset.Typesetter.table`)."""
    for t in top.iter(_W_TBL):
        _fix_tables(t, needs if t is top else None)


def _fix_tables(t, needs: Optional[tuple[int, int]] = None) -> None:
    """docxtpl's ``fix_tables`` on one parsed table (docxtpl parses the whole text again for it).

    Grid columns are added when a row has more cells than the grid, and
    removed when no row needs them (the width spread over the others).
    ``needs``: the most cells in a row and the most grid columns a row
    spans, when known (counted over every row inside ``t``, as docxtpl does)."""
    tbl_grid = t.find(_W_TBLGRID)
    columns = tbl_grid.findall(_W_GRIDCOL)
    if needs is not None:
        most_cells, most_spans = needs
    else:
        most_cells = most_spans = 0
        for r in t.iter(_W_TR):  # one pass: the cells of the widest row, and the most grid columns a row spans
            cells = spans = 0
            for tc in r.iterchildren(_W_TC):
                cells += 1
                tc_pr = tc.find(_W_TCPR)
                grid_span = None if tc_pr is None else tc_pr.find(_W_GRIDSPAN)
                spans += int(grid_span.get(_W_VAL)) if grid_span is not None else 1
            if cells > most_cells:
                most_cells = cells
            if spans > most_spans:
                most_spans = spans
    to_add = most_cells - len(columns)
    if to_add > 0:
        width = 0.0
        for c in columns:
            if c.get(_W_W) is not None:
                width += float(c.get(_W_W))
        if width > 0:
            old_average = width / len(columns)
            new_average = width / (len(columns) + to_add)
            for c in columns:
                c.set(_W_W, str(int(float(c.get(_W_W)) * new_average / old_average)))
            for _ in range(to_add):
                tbl_grid.append(tbl_grid.makeelement(_W_GRIDCOL, {_W_W: str(int(new_average))}))
        columns = tbl_grid.findall(_W_GRIDCOL)
    to_remove = len(columns) - most_spans
    if to_remove > 0:
        removed_width = 0.0
        for c in columns[-to_remove:]:
            removed_width += float(c.get(_W_W))
            tbl_grid.remove(c)
        columns_left = tbl_grid.findall(_W_GRIDCOL)
        extra_space = int(removed_width / len(columns_left)) if columns_left else 0
        for c in columns_left:
            c.set(_W_W, str(int(float(c.get(_W_W)) + extra_space)))


def fixed_core_properties(cp, year: int) -> None:
    """Dates and revision that do not change from run to run."""
    when = datetime(year - 1, 12, 1) if year and year > 1 else datetime(2000, 1, 1)
    cp.created = when
    cp.modified = when
    cp.last_modified_by = ""
    cp.revision = 1


DOCUMENT_PART = "word/document.xml"


def normalize_docx(data: bytes, document=None) -> bytes:
    """Re-zip with fixed timestamps and attributes: same content → same bytes.

    ``document``: ``(head, body_file, tail)``, the content of
    ``word/document.xml`` in three pieces (the body's children in a binary
    file, see :class:`_BodyStream`), compressed as it is read; it replaces
    the part in ``data``."""
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
            if document is not None and name == DOCUMENT_PART:
                _write_streamed(dst, info, *document)
            else:
                dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def _write_streamed(dst: zipfile.ZipFile, info: zipfile.ZipInfo, head: bytes, body, tail: bytes) -> None:
    """One member from a file between two byte strings, as ``writestr`` of their concatenation writes it."""
    body.seek(0, io.SEEK_END)
    info.file_size = len(head) + body.tell() + len(tail)  # as writestr sets it: the same header, zip64 or not
    info._compresslevel = 6  # type: ignore[attr-defined]  # writestr's compresslevel argument
    body.seek(0)
    with dst.open(info, "w") as member:
        member.write(head)
        while chunk := body.read(1 << 20):
            member.write(chunk)
        member.write(tail)


def render_bytes(program: Program, draft: bool = False, template: Optional[Path] = None,
                 strict: bool = False, *, missing=frozenset(), open_errors=()) -> bytes:
    """The rendered .docx as bytes (``strict``: an undefined template name is an error).

    ``missing`` and ``open_errors`` feed the draft's "veri gelmedi" cells and
    "Taslak Notları" page (see :func:`build_context`). The body is written
    to a temporary file as it is typeset, so memory does not grow with the
    document (see :class:`_BodyStream`)."""
    from docx.shared import Cm
    from docxtpl import InlineImage

    source = Path(template or TEMPLATE_PATH)
    tpl = _template_class()(str(source))

    def image(png, width_cm: float):  # PNG bytes, or a stream still being drawn (chartpool.LazyPNG)
        return InlineImage(tpl, png if hasattr(png, "read") else io.BytesIO(png), width=Cm(width_cm))

    return _render(program, draft, tpl, image, source, strict, missing, open_errors)


def _render(program: Program, draft: bool, tpl, image, source: Path, strict: bool, missing, open_errors) -> bytes:
    import tempfile

    import jinja2

    ctx = build_context(program, draft, image, missing=missing, open_errors=open_errors)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
    with tempfile.TemporaryFile() as body:
        try:
            # the cyclic collector paused: typesetting a table makes an object per cell and paragraph,
            # alive until the table is done; at 100x a collection of every object of the build (the
            # program, the context) ran every few tables, ~0.3-0.9 s each, some 10-15 s in all.
            # Rendering makes next to no reference cycles (lxml elements, strings, Jinja's output).
            with cyclic_gc_paused():  # not around the context: a chart drawn in process leaves cycles
                tpl.render(ctx, env, autoescape=True, sink=body)
        except jinja2.TemplateError as exc:
            raise DocumentError(f"Belge şablonu işlenemedi ({source}): {exc}") from exc
        del ctx
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
        tpl.save(buf)  # word/document.xml holds the body's remainder only; replaced below
        head, tail = tpl.document_xml
        tpl.docx = None
        return normalize_docx(buf.getvalue(), (head, body, tail))


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

"""Bootstrap ``templates/performans_programi.docx``, the docxtpl template of the program.

Run from the repository root:  ``python tools/make_docx_template.py``

The committed .docx is the source of truth: the coordinator opens it in
Word, restyles it (styles, header and footer, fixed text) and saves it, and
the build uses it as it is. This script only builds a template from scratch
(a new layout, or after a change of the data it shows); running it
overwrites Word edits, so port those into the script first or apply the
script's change to the .docx by hand. The tests render the committed .docx
and this script's output, each with every name the context provides.

The year's prose is not here: it comes from kurum.xlsx (sheet *Metinler*,
:mod:`generator.narrative`); the texts below are the defaults a section
shows when the workbook has none. The data come from the workbooks through
the Jinja tags ({{ ... }}, {{r ... }}, {%p ... %}, {%tr ... %}, {%tc ... %})
that :mod:`generator.document` fills in. The same script gives the same bytes.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from generator.document import (
    AUTO_WIDTH_CAPTION,
    TEMPLATE_PATH,
    fixed_core_properties,
    normalize_docx,
)

FONT = "Arial"
NAVY = "1F3864"
BLUE = "2E74B5"
HEAD_FILL = "1F3864"  # table header rows
GROUP_FILL = "D9E2F3"  # group rows (area, aim, table groups)
SUBGROUP_FILL = "EDF2F9"
TOTAL_FILL = "E7E6E6"  # total rows
RED = "C00000"

TW_CM = 567  # twips per cm
PORTRAIT_W = 9356  # text width, A4 portrait with 2.25 cm side margins (16.5 cm)
LANDSCAPE_W = 14288  # text width, A4 landscape (25.2 cm)
# template-only cells of column loops ({%tc ... %}); wide enough to read the tag in Word
TAG_W = 800


def tw(cm: float) -> int:
    return int(round(cm * TW_CM))


# ---------------------------------------------------------------------------
# styles
# ---------------------------------------------------------------------------

def _ppr(*, jc=None, before=None, after=None, line=None, keep_next=False, keep_lines=False,
         page_break=False, outline=None, ind_left=None, ind_hanging=None, border_bottom=None,
         border_top=None, tabs=None, widow=True) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    if not widow:
        parts.append('<w:widowControl w:val="0"/>')
    if border_bottom or border_top:
        b = "<w:pBdr>"
        if border_top:
            b += f'<w:top w:val="single" w:sz="{border_top[0]}" w:space="4" w:color="{border_top[1]}"/>'
        if border_bottom:
            b += f'<w:bottom w:val="single" w:sz="{border_bottom[0]}" w:space="4" w:color="{border_bottom[1]}"/>'
        parts.append(b + "</w:pBdr>")
    if tabs:
        parts.append("<w:tabs>" + "".join(
            f'<w:tab w:val="{kind}" w:leader="{leader}" w:pos="{pos}"/>' for kind, leader, pos in tabs) + "</w:tabs>")
    sp = []
    if before is not None:
        sp.append(f'w:before="{before}"')
    if after is not None:
        sp.append(f'w:after="{after}"')
    if line is not None:
        sp.append(f'w:line="{line}" w:lineRule="auto"')
    if sp:
        parts.append(f"<w:spacing {' '.join(sp)}/>")
    if ind_left is not None or ind_hanging is not None:
        a = f'w:left="{ind_left or 0}"'
        if ind_hanging:
            a += f' w:hanging="{ind_hanging}"'
        parts.append(f"<w:ind {a}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>" if parts else ""


def _rpr(*, bold=False, italic=False, size=None, color=None, caps=False, spacing=None, font=None) -> str:
    parts = []
    if font:
        parts.append(f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if size:
        parts.append(f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>" if parts else ""


def _style_xml(style_id: str, name: str, *, kind="paragraph", based="Normal", next_=None, ppr="", rpr="",
               qformat=True, priority=None, extra="") -> str:
    x = f'<w:style {nsdecls("w")} w:type="{kind}" w:customStyle="1" w:styleId="{style_id}">'
    x += f'<w:name w:val="{name}"/>'
    if based:
        x += f'<w:basedOn w:val="{based}"/>'
    if next_:
        x += f'<w:next w:val="{next_}"/>'
    if priority is not None:
        x += f'<w:uiPriority w:val="{priority}"/>'
    if qformat:
        x += "<w:qFormat/>"
    x += extra + ppr + rpr + "</w:style>"
    return x


def setup_styles(doc) -> None:
    styles = doc.styles.element
    # one font everywhere: drop theme fonts, Turkish as the language
    for rfonts in styles.iter(qn("w:rFonts")):
        for att in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{att}"), None)
        for att in ("ascii", "hAnsi", "cs", "eastAsia"):
            rfonts.set(qn(f"w:{att}"), FONT)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.find(qn("w:sz")).set(qn("w:val"), "21")
    rpr.find(qn("w:szCs")).set(qn("w:val"), "21")
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "tr-TR")
    lang.set(qn("w:eastAsia"), "tr-TR")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr.find(qn("w:spacing")).attrib.update({qn("w:after"): "120", qn("w:line"): "264"})

    def replace(style_id: str, xml: str) -> None:
        old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        new = parse_xml(xml)
        if old is not None:
            new.attrib.pop(qn("w:customStyle"), None)
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)

    heading = dict(qformat=True, priority=9)
    replace("Heading1", _style_xml(
        "Heading1", "heading 1", next_="Normal", **heading,
        ppr=_ppr(keep_next=True, keep_lines=True, page_break=True, before=0, after=240, outline=0,
                 border_bottom=(12, BLUE)),
        rpr=_rpr(bold=True, size=20, color=NAVY)))
    replace("Heading2", _style_xml(
        "Heading2", "heading 2", next_="Normal", **heading,
        ppr=_ppr(keep_next=True, keep_lines=True, before=360, after=120, outline=1),
        rpr=_rpr(bold=True, size=15, color=NAVY)))
    replace("Heading3", _style_xml(
        "Heading3", "heading 3", next_="Normal", **heading,
        ppr=_ppr(keep_next=True, keep_lines=True, before=280, after=120, outline=2),
        rpr=_rpr(bold=True, size=13, color=BLUE)))
    replace("Heading4", _style_xml(
        "Heading4", "heading 4", next_="Normal", **heading,
        ppr=_ppr(keep_next=True, keep_lines=True, before=240, after=100, outline=3),
        rpr=_rpr(bold=True, size=11.5, color=NAVY)))
    replace("Heading5", _style_xml(
        "Heading5", "heading 5", next_="Normal", **heading,
        ppr=_ppr(keep_next=True, keep_lines=True, before=200, after=100, outline=4),
        rpr=_rpr(bold=True, size=10.5, color=BLUE)))
    replace("Caption", _style_xml(
        "Caption", "caption", next_="Normal", qformat=True, priority=35,
        ppr=_ppr(keep_next=True, before=160, after=80),
        rpr=_rpr(bold=True, size=9.5, color=NAVY)))
    replace("Title", _style_xml(
        "Title", "Title", next_="Normal", qformat=True, priority=10,
        ppr=_ppr(before=0, after=240, border_bottom=(8, BLUE)),
        rpr=_rpr(bold=True, size=18, color=NAVY)))
    replace("TOCHeading", _style_xml(
        "TOCHeading", "TOC Heading", based="Title", next_="Normal", qformat=True, priority=39,
        ppr=_ppr(page_break=True, before=0, after=240), rpr=""))
    replace("BodyText", _style_xml(
        "BodyText", "Body Text", next_="BodyText", qformat=True, priority=99,
        ppr=_ppr(jc="both", after=120, line=276), rpr=""))
    replace("ListBullet", _style_xml(
        "ListBullet", "List Bullet", qformat=True, priority=99,
        extra="",
        ppr='<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="60"/>'
            '<w:ind w:left="360" w:hanging="360"/><w:jc w:val="both"/></w:pPr>', rpr=""))
    right = PORTRAIT_W
    for lvl, (indent, bold, before) in enumerate(((0, True, 120), (284, False, 40), (567, False, 20)), start=1):
        replace(f"TOC{lvl}", _style_xml(
            f"TOC{lvl}", f"toc {lvl}", next_="Normal", qformat=False, priority=39,
            ppr=_ppr(before=before, after=20, ind_left=indent, tabs=[("right", "dot", right)]),
            rpr=_rpr(bold=bold)))
    replace("TableofFigures", _style_xml(
        "TableofFigures", "table of figures", next_="Normal", qformat=False, priority=99,
        ppr=_ppr(before=20, after=20, tabs=[("right", "dot", right)]), rpr=""))
    replace("Header", _style_xml(
        "Header", "header", qformat=False, priority=99,
        ppr=_ppr(after=0, line=240), rpr=_rpr(size=8.5, color="595959")))
    replace("Footer", _style_xml(
        "Footer", "footer", qformat=False, priority=99,
        ppr=_ppr(jc="center", after=0, line=240), rpr=_rpr(size=9, color="595959")))

    # custom styles (Turkish names: they show in Word's style gallery)
    custom = [
        ("KapakKurum", "Kapak Kurum", _ppr(jc="center", before=1800, after=240, line=240),
         _rpr(bold=True, size=26, color=NAVY, spacing=10)),
        ("KapakYil", "Kapak Yıl", _ppr(jc="center", before=720, after=120, line=240),
         _rpr(bold=True, size=80, color=BLUE)),
        ("KapakBaslik", "Kapak Başlık", _ppr(jc="center", before=120, after=240, line=240,
                                             border_top=(18, BLUE), border_bottom=(18, BLUE)),
         _rpr(bold=True, size=28, color=NAVY, spacing=20)),
        ("KapakTaslak", "Kapak Taslak", _ppr(jc="center", before=480, after=60, line=240),
         _rpr(bold=True, size=36, color=RED, spacing=40)),
        ("KapakAlt", "Kapak Alt", _ppr(jc="center", before=0, after=60, line=240),
         _rpr(size=12, color=NAVY)),
        ("OnBaslik", "Ön Başlık", _ppr(keep_next=True, before=0, after=240, border_bottom=(8, BLUE)),
         _rpr(bold=True, size=16, color=NAVY)),
        ("AraBaslik", "Ara Başlık", _ppr(keep_next=True, before=200, after=80),
         _rpr(bold=True, size=11, color=NAVY)),
        ("Imza", "İmza", _ppr(jc="right", keep_lines=True, before=0, after=0), ""),
        ("Ortali", "Ortalı", _ppr(jc="center", after=60), ""),
        ("KaynakNotu", "Kaynak Notu", _ppr(before=60, after=200, line=240), _rpr(italic=True, size=8.5,
                                                                               color="404040")),
        ("Aciklama", "Tablo Açıklaması", _ppr(before=40, after=160, line=240), _rpr(size=8.5, color="404040")),
        ("Grafik", "Grafik", _ppr(jc="center", keep_next=True, before=200, after=0, line=240), ""),
        ("Bosluk", "Tablo Arası Boşluk", _ppr(before=0, after=0, line=240), _rpr(size=8)),
        ("SablonKomutu", "Şablon Komutu", _ppr(after=0, line=240), _rpr(size=7, color="7F7F7F")),
        ("TabloMetni", "Tablo Metni", _ppr(after=0, before=0, line=240), _rpr(size=8.5)),
        ("TabloSayi", "Tablo Sayı", _ppr(jc="right", after=0, before=0, line=240), _rpr(size=8.5)),
        ("TabloOrta", "Tablo Ortalı", _ppr(jc="center", after=0, before=0, line=240), _rpr(size=8.5)),
        ("TabloAraBaslik", "Tablo Ara Başlık", _ppr(jc="center", keep_next=True, after=0, before=0, line=240),
         _rpr(size=8.5)),
        ("TabloBaslik", "Tablo Başlığı", _ppr(jc="center", keep_next=True, after=0, before=0, line=240),
         _rpr(bold=True, size=8.5, color="FFFFFF")),
        ("TabloGrup", "Tablo Grup", _ppr(keep_next=True, after=0, before=0, line=240),
         _rpr(bold=True, size=8.5, color=NAVY)),
        ("TabloToplam", "Tablo Toplam", _ppr(after=0, before=0, line=240), _rpr(bold=True, size=8.5)),
        ("TabloToplamSayi", "Tablo Toplam Sayı", _ppr(jc="right", after=0, before=0, line=240),
         _rpr(bold=True, size=8.5)),
        ("TabloAlt", "Tablo Alt Satır", _ppr(after=0, before=0, line=240, ind_left=170), _rpr(size=8.5)),
        ("TabloNot", "Tablo Notu", _ppr(after=0, before=0, line=240, ind_left=170),
         _rpr(italic=True, size=8, color="404040")),
    ]
    for sid, name, ppr_xml, rpr_xml in custom:
        replace(sid, _style_xml(sid, name, ppr=ppr_xml, rpr=rpr_xml, priority=1))
    # the table style every program table uses
    replace("ProgramTablosu", f'''<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="ProgramTablosu">
      <w:name w:val="Program Tablosu"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="1"/><w:qFormat/>
      <w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:tblPr><w:tblBorders>
        <w:top w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
        <w:left w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
        <w:bottom w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
        <w:right w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
        <w:insideH w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
        <w:insideV w:val="single" w:sz="4" w:space="0" w:color="8EA9DB"/>
      </w:tblBorders>
      <w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="70" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar></w:tblPr>
    </w:style>''')


def setup_numbering(doc) -> None:
    """A clean bullet (numId 1 is what List Bullet uses)."""
    numbering = doc.part.numbering_part.element
    for num in list(numbering):
        numbering.remove(num)
    numbering.append(parse_xml(f'''<w:abstractNum {nsdecls("w")} w:abstractNumId="0">
      <w:multiLevelType w:val="hybridMultilevel"/>
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr>
      <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/><w:color w:val="{BLUE}"/></w:rPr></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="–"/>
      <w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
    </w:abstractNum>'''))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="1"><w:abstractNumId w:val="0"/></w:num>'))


def setup_settings(doc) -> None:
    settings = doc.settings.element
    for tag in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    # Word refreshes the table of contents and the captions when the file is opened
    upd = parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>')
    anchor = settings.find(qn("w:defaultTabStop"))
    anchor.addprevious(upd)
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), "tr-TR")
    settings.find(qn("w:decimalSymbol")).set(qn("w:val"), ",")
    settings.find(qn("w:listSeparator")).set(qn("w:val"), ";")


def drop_extras(doc) -> None:
    """No thumbnail, no stale stylesWithEffects, no customXml from python-docx's default."""
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg.rels.pop(rid)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            doc.part.rels.pop(rid)


# ---------------------------------------------------------------------------
# body building blocks (raw WordprocessingML)
# ---------------------------------------------------------------------------

def r(text: str, **fmt) -> str:
    return f'<w:r>{_rpr(**fmt)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def fld(instr: str, cached: str, **fmt) -> str:
    """A complex field with a cached result (the result may hold a Jinja tag)."""
    rp = _rpr(**fmt)
    return (f'<w:r>{rp}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rp}<w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
            f'<w:r>{rp}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rp}<w:t xml:space="preserve">{escape(cached)}</w:t></w:r>'
            f'<w:r>{rp}<w:fldChar w:fldCharType="end"/></w:r>')


class Body:
    def __init__(self, doc):
        self.doc = doc
        self.body = doc.element.body
        self.sect = self.body.find(qn("w:sectPr"))

    def add(self, xml: str) -> None:
        self.sect.addprevious(_parse(xml))

    def p(self, content: str | list = "", style: str | None = None, *, runs: str | None = None,
          sect: str = "", **pfmt) -> None:
        """A paragraph of ``content`` (plain text, may hold Jinja tags)."""
        ppr = ""
        if style or pfmt or sect:
            inner = _ppr(**pfmt)[len("<w:pPr>"):-len("</w:pPr>")] if pfmt else ""
            ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + inner + sect + "</w:pPr>"
        body = runs if runs is not None else (r(content) if content else "")
        self.add(f"<w:p {nsdecls('w')}>{ppr}{body}</w:p>")

    def tag(self, text: str) -> None:
        """A paragraph holding only a Jinja paragraph tag ({%p ... %}); removed when rendered."""
        self.p(text, "SablonKomutu")

    def table(self, xml: str) -> None:
        self.add(xml)


def _parse(xml: str):
    """One element from a fragment written without namespace declarations."""
    return parse_xml(f'<w:body {nsdecls("w", "r")}>{xml}</w:body>')[0]


def cell(text: str = "", style: str = "TabloMetni", *, w: int = 0, fill: str | None = None,
         span: int = 1, vmerge: str | None = None, valign: str | None = "center", rotate: bool = False,
         paras: str | None = None) -> str:
    """A table cell; tcPr children in schema order."""
    pr = f'<w:tcW w:w="{w}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge:
        pr += f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>"
    if fill:
        pr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    if rotate:
        pr += '<w:textDirection w:val="btLr"/>'
    if valign:
        pr += f'<w:vAlign w:val="{valign}"/>'
    content = paras if paras is not None else (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{r(text) if text else ""}</w:p>')
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{content}</w:tc>"


def para(text: str, style: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{r(text) if text else ""}</w:p>'


def row(*cells: str, header: bool = False, cant_split: bool = True, height: int | None = None) -> str:
    pr = ""
    if cant_split:
        pr += "<w:cantSplit/>"
    if height:
        pr += f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>'
    if header:
        pr += "<w:tblHeader/>"
    return f"<w:tr>{'<w:trPr>' + pr + '</w:trPr>' if pr else ''}{''.join(cells)}</w:tr>"


def tag_row(text: str, ncols: int, widths: list[int]) -> str:
    """A row holding a Jinja row tag ({%tr ... %}); removed when rendered."""
    return row(cell(text, "SablonKomutu", w=sum(widths), span=ncols, valign=None), cant_split=False)


def table(widths: list[int], rows: list[str], *, total: int | None = None, auto_width: bool = False,
          center: bool = False) -> str:
    total = total or sum(widths)
    pr = '<w:tblStyle w:val="ProgramTablosu"/>'
    pr += f'<w:tblW w:w="{total}" w:type="dxa"/>'
    if center:
        pr += '<w:jc w:val="center"/>'
    pr += '<w:tblLayout w:type="fixed"/>'
    pr += '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" ' \
          'w:noHBand="1" w:noVBand="1"/>'
    if auto_width:
        pr += f'<w:tblCaption w:val="{AUTO_WIDTH_CAPTION}"/>'
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return f"<w:tbl><w:tblPr>{pr}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def caption(b: Body, kind: str, number: str, title: str, **pfmt) -> None:
    """"Tablo <SEQ>: title" (the list of tables is built from these)."""
    b.p(style="Caption", runs=r(f"{kind} ") + fld(f"SEQ {kind} \\* ARABIC", number) + r(f": {title}"), **pfmt)


def sect_xml(base, *, landscape: bool, keep_refs: bool, title_page: bool = False) -> str:
    """A copy of the body's sectPr as a section break."""
    s = copy.deepcopy(base)
    if not keep_refs:
        for tag in ("w:headerReference", "w:footerReference"):
            for el in s.findall(qn(tag)):
                s.remove(el)
    if not title_page:
        for el in s.findall(qn("w:titlePg")):
            s.remove(el)
    pg = s.find(qn("w:pgSz"))
    w, h = tw(21.0), tw(29.7)
    if landscape:
        pg.set(qn("w:w"), str(h))
        pg.set(qn("w:h"), str(w))
        pg.set(qn("w:orient"), "landscape")
    else:
        pg.set(qn("w:w"), str(w))
        pg.set(qn("w:h"), str(h))
        pg.attrib.pop(qn("w:orient"), None)
    from lxml import etree

    return etree.tostring(s, encoding="unicode")


# ---------------------------------------------------------------------------
# the document
# ---------------------------------------------------------------------------

def setup_page(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Cm(21.0), Cm(29.7)
    s.orientation = WD_ORIENT.PORTRAIT
    s.left_margin = s.right_margin = Cm(2.25)
    s.top_margin, s.bottom_margin = Cm(2.5), Cm(2.0)
    s.header_distance, s.footer_distance = Cm(1.2), Cm(1.0)
    # the cover page has no header or footer
    s.different_first_page_header_footer = True
    s.first_page_header.is_linked_to_previous = False
    s.first_page_footer.is_linked_to_previous = False
    # header: "<Kurum> <yıl> Yılı Performans Programı" and the draft mark, a full-width
    # borderless table so it fits portrait and landscape pages alike
    hdr = s.header
    hdr.is_linked_to_previous = False
    hp = hdr.paragraphs[0]._p
    htbl = parse_xml(f'''<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="5000" w:type="pct"/>
      <w:tblBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="{BLUE}"/></w:tblBorders>
      <w:tblLayout w:type="autofit"/>
      <w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>
      <w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>
      </w:tblPr><w:tblGrid><w:gridCol w:w="7000"/><w:gridCol w:w="2356"/></w:tblGrid>
      <w:tr><w:tc><w:tcPr><w:tcW w:w="3750" w:type="pct"/><w:vAlign w:val="bottom"/></w:tcPr>
        <w:p><w:pPr><w:pStyle w:val="Header"/><w:spacing w:after="40"/></w:pPr>{r("{{ ust_bilgi }}")}</w:p></w:tc>
      <w:tc><w:tcPr><w:tcW w:w="1250" w:type="pct"/><w:vAlign w:val="bottom"/></w:tcPr>
        <w:p><w:pPr><w:pStyle w:val="Header"/><w:spacing w:after="40"/><w:jc w:val="right"/></w:pPr>
        {r("{{ taslak_isareti }}", bold=True, color=RED, size=10)}</w:p></w:tc></w:tr></w:tbl>''')
    hp.addprevious(htbl)
    hp.getparent().remove(hp)
    hdr._element.append(parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="Header"/>'
                                  f'<w:spacing w:after="0" w:line="120" w:lineRule="exact"/></w:pPr></w:p>'))
    fp = s.footer.paragraphs[0]._p
    s.footer.is_linked_to_previous = False
    if fp.pPr is None:
        fp.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:pStyle w:val="Footer"/></w:pPr>'))
    for x in (f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
              f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
              f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
              f'<w:r {nsdecls("w")}><w:t>1</w:t></w:r>',
              f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'):
        fp.append(parse_xml(x))


def performance_target_table(W: int) -> str:
    """PERFORMANS HEDEFİ TABLOSU of one target (inside the targets loop).

    Indicators get the guide's three years when the program has earlier-year
    values (``gosterge_onceki_yillar``): year t-2 (gerçekleşme), t-1 (tahmin)
    and t (hedef); otherwise only the program year, exactly as before. The
    activity columns (Bütçe, Bütçe Dışı, Toplam, 2,6 cm each) keep their
    places in both layouts, so the grid has a column boundary for each.
    """
    third = tw(2.6)
    # grid from the left: name | 1,5 | 1,1 | 1,0 | 1,6 | 0,5 | 2,1 cm, so that both
    # Ölçü 1,5 + three years of 2,1 cm and Bütçe | Bütçe Dışı | Toplam of 2,6 cm fit
    year = tw(2.1)
    g = [W - 3 * third, tw(1.5), 0, 0, 0, 0, year]
    g[2] = third - g[1]
    g[3] = year - g[2]
    g[4] = third - g[3]
    g[5] = third - g[6]
    n = len(g)
    years_header = [("{{ gosterge_yil_t2 }} Gerçekleşme", 2), ("{{ gosterge_yil_t1 }} Tahmin", 2),
                    ("{{ yil }} Hedef", 1)]

    def span_w(first: int, count: int) -> int:
        return sum(g[first:first + count])

    def year_cells(texts: list[tuple[str, int]], style: str, fill: str | None = None) -> list[str]:
        out, col = [], 2
        for text, span in texts:
            out.append(cell(text, style, w=span_w(col, span), span=span, fill=fill))
            col += span
        return out

    ind_head = cell("Performans Göstergeleri", "TabloGrup", w=g[0], fill=SUBGROUP_FILL)
    ind_row = cell("{{ gosterge.kod }} {{ gosterge.ad }}", w=g[0])
    return table(g, [
        row(cell("PERFORMANS HEDEFİ TABLOSU", "TabloBaslik", w=W, span=n, fill=HEAD_FILL), header=True),
        row(cell("{{ hedef.kod }} {{ hedef.ad }}", "TabloGrup", w=W, span=n, fill=GROUP_FILL), header=True),
        tag_row("{%tr if gosterge_onceki_yillar %}", n, g),
        row(ind_head, cell("Ölçü", "TabloOrta", w=g[1], fill=SUBGROUP_FILL),
            *year_cells(years_header, "TabloOrta", SUBGROUP_FILL), header=True),
        tag_row("{%tr for gosterge in hedef.gostergeler %}", n, g),
        row(ind_row, cell("{{ gosterge.olcu }}", "TabloOrta", w=g[1]),
            *year_cells([("{{ gosterge.gerceklesme }}", 2), ("{{ gosterge.tahmin }}", 2),
                         ("{{ gosterge.deger }}", 1)], "TabloOrta")),
        tag_row("{%tr endfor %}", n, g),
        tag_row("{%tr else %}", n, g),
        row(ind_head, cell("Ölçü", "TabloOrta", w=span_w(1, 2), span=2, fill=SUBGROUP_FILL),
            cell("{{ yil }}", "TabloOrta", w=span_w(3, 4), span=4, fill=SUBGROUP_FILL), header=True),
        tag_row("{%tr for gosterge in hedef.gostergeler %}", n, g),
        row(ind_row, cell("{{ gosterge.olcu }}", "TabloOrta", w=span_w(1, 2), span=2),
            cell("{{ gosterge.deger }}", "TabloOrta", w=span_w(3, 4), span=4)),
        tag_row("{%tr endfor %}", n, g),
        tag_row("{%tr endif %}", n, g),
        tag_row("{%tr if not hedef.gostergeler %}", n, g),
        row(cell("Bu hedef için gösterge girilmemiştir.", "TabloNot", w=W, span=n)),
        tag_row("{%tr endif %}", n, g),
        row(cell("Faaliyetler", "TabloGrup", w=g[0], fill=SUBGROUP_FILL, vmerge="restart"),
            cell("Kaynak İhtiyacı {{ yil }} (TL)", "TabloOrta", w=W - g[0], span=n - 1, fill=SUBGROUP_FILL),
            header=True),
        row(cell("", "TabloGrup", w=g[0], fill=SUBGROUP_FILL, vmerge="continue"),
            *(cell(t, "TabloOrta", w=third, span=2, fill=SUBGROUP_FILL)
              for t in ("Bütçe", "Bütçe Dışı", "Toplam")), header=True),
        tag_row("{%tr for faaliyet in hedef.faaliyetler %}", n, g),
        row(cell("{{ faaliyet.kod }} {{ faaliyet.ad }}", w=g[0]),
            *(cell(f"{{{{ faaliyet.{k} }}}}", "TabloSayi", w=third, span=2) for k in ("butce", "butce_disi", "toplam"))),
        tag_row("{%tr endfor %}", n, g),
        row(cell("Genel Toplam", "TabloToplam", w=g[0], fill=TOTAL_FILL),
            *(cell(f"{{{{ hedef.{k} }}}}", "TabloToplamSayi", w=third, span=2, fill=TOTAL_FILL)
              for k in ("butce", "butce_disi", "toplam"))),
    ])


def build(doc) -> None:
    b = Body(doc)
    base_sect = b.sect
    W = PORTRAIT_W

    def section(key: str, default=None) -> None:
        """The year's text blocks of ``key`` (kurum.xlsx, sheet Metinler) in their styles;
        ``default`` (the template's own text) when the workbook has none for it."""
        blocks(f"metinler.{key}", default)

    def blocks(expr: str, default=None) -> None:
        b.tag(f"{{%p if {expr} %}}")
        b.tag(f"{{%p for blok in {expr} %}}")
        b.tag("{%p if blok.tur == 'madde' %}")
        b.p("{{r blok.metin }}", "ListBullet")
        b.tag("{%p elif blok.tur == 'ara_baslik' %}")
        b.p("{{r blok.metin }}", "AraBaslik")
        b.tag("{%p else %}")
        b.p("{{r blok.metin }}", "BodyText")
        b.tag("{%p endif %}")
        b.tag("{%p endfor %}")
        if default is not None:
            b.tag("{%p else %}")
            default()
        b.tag("{%p endif %}")

    def texts(*paragraphs: str):
        return lambda: [b.p(t, "BodyText") for t in paragraphs]

    # ------------------------------------------------------------- cover
    b.p("{{ kurum_buyuk }}", "KapakKurum")
    b.p("{{ yil }}", "KapakYil")
    b.p("PERFORMANS PROGRAMI", "KapakBaslik")
    b.tag("{%p if taslak %}")
    b.p("TASLAK", "KapakTaslak")
    b.p("Bu belge doğrulama hataları giderilmeden oluşturulmuştur; onaylı program yerine kullanılamaz.",
        "Ortali", runs=r("Bu belge doğrulama hataları giderilmeden oluşturulmuştur; onaylı program yerine "
                         "kullanılamaz.", color=RED, size=9))
    b.tag("{%p endif %}")
    b.p("{{ koordinator_birim }}", "KapakAlt", before=2400)
    b.p("{{ tarih }}", "KapakAlt",
        sect=sect_xml(base_sect, landscape=False, keep_refs=True, title_page=True))

    # ------------------------------------------------------------- foreword
    b.tag("{%p if onsoz %}")
    b.p("Sunuş", "OnBaslik", page_break=True)
    b.tag("{%p for paragraf in onsoz %}")
    b.p("{{r paragraf }}", "BodyText")
    b.tag("{%p endfor %}")
    b.p("{{ baskan }}", "Imza", runs=r("{{ baskan }}", bold=True), before=480)
    b.p("{{ baskan_unvan }}", "Imza")
    b.tag("{%p endif %}")

    # ------------------------------------------------------------- preparation team
    b.p("{{ kurum }}", "Ortali", runs=r("{{ kurum }}", bold=True, size=14, color=NAVY), page_break=True,
        before=1200)
    b.p("{{ yil }} Yılı Performans Programı", "Ortali", runs=r("{{ yil }} Yılı Performans Programı", size=13,
                                                                 color=NAVY), after=600)
    b.tag("{%p if koordinator_birim %}")
    b.p("{{ koordinator_birim }} koordinatörlüğünde hazırlanmıştır.", "Ortali",
        runs=r("{{ koordinator_birim }} koordinatörlüğünde hazırlanmıştır.", italic=True), after=480)
    b.tag("{%p endif %}")
    b.tag("{%p if ekip %}")
    b.p("Hazırlama Ekibi", "Ortali", runs=r("Hazırlama Ekibi", bold=True, size=13, color=NAVY), after=240)
    b.tag("{%p for grup in ekip %}")
    b.p("{{ grup.ad }}", "Ortali", runs=r("{{ grup.ad }}", bold=True, color=BLUE), before=240, after=80)
    b.tag("{%p for kisi in grup.uyeler %}")
    b.p("{{ kisi }}", "Ortali", after=20)
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.p("{{ tarih }}", "Ortali", before=720)

    # ------------------------------------------------------------- indexes
    b.p("İçindekiler", "TOCHeading")
    b.p(style="TOC1", runs=fld('TOC \\o "1-3" \\h \\z \\u',
                               "İçindekiler, belge açılırken alanlar güncellendiğinde oluşur (Word: F9)."))
    b.p("Tablo Listesi", "TOCHeading")
    b.p(style="TableofFigures", runs=fld('TOC \\h \\z \\c "Tablo"',
                                         "Tablo listesi, alanlar güncellendiğinde oluşur (Word: F9)."))
    b.tag("{%p if grafik_var %}")
    b.p("Grafik Listesi", "OnBaslik", before=480)
    b.p(style="TableofFigures", runs=fld('TOC \\h \\z \\c "Grafik"',
                                         "Grafik listesi, alanlar güncellendiğinde oluşur (Word: F9)."))
    b.tag("{%p endif %}")

    # ------------------------------------------------------------- 1- Genel Bilgiler
    b.p("1- Genel Bilgiler", "Heading1")
    b.p("A. Görev, Yetki ve Sorumluluklar", "Heading2")
    section("gorevler", texts(
        "Büyükşehir belediyelerinin görev, yetki ve sorumlulukları, 5393 sayılı Belediye Kanunu'nun 14. maddesi "
        "ile 5216 sayılı Büyükşehir Belediyesi Kanunu'nun 7, 8, 9, 10 ve 11. maddelerinde düzenlenmiştir. Buna "
        "göre {{ kurum }} Başkanlığının görev, yetki ve sorumlulukları şunlardır:"))
    b.tag("{%p for gorev in gorevler %}")
    b.p("{{r gorev }}", "ListBullet")
    b.tag("{%p endfor %}")
    section("gorevler_sonu")

    b.tag("{%p if mevzuat %}")
    b.p("{{ kurum }} Faaliyetlerini Düzenleyen Kanun ve Düzenlemeler", "Heading3")
    section("mevzuat", texts(
        "{{ kurum }}, 5393 sayılı Belediye Kanunu ve 5216 sayılı Büyükşehir Belediyesi Kanunu hükümlerine göre "
        "faaliyetlerini yürütmektedir. İdarenin faaliyetlerini düzenleyen yasal mevzuat ile bu mevzuatın "
        "stratejik alanlarla ilişkisi aşağıdaki tabloda gösterilmiştir."))
    wl = [W - 3 * TAG_W, TAG_W, TAG_W, TAG_W]
    b.table(table(wl, [
        row(cell("Yasal Mevzuat", "TabloBaslik", w=wl[0], fill=HEAD_FILL),
            cell("{%tc for alan in alanlar %}", "SablonKomutu", w=wl[1], fill=HEAD_FILL),
            cell("{{ alan.no }}. Alan", "TabloBaslik", w=wl[2], fill=HEAD_FILL),
            cell("{%tc endfor %}", "SablonKomutu", w=wl[3], fill=HEAD_FILL), header=True),
        tag_row("{%tr for kanun in mevzuat %}", 4, wl),
        row(cell("{{ kanun.ad }}", w=wl[0]),
            cell("{%tc for isaret in kanun.isaretler %}", "SablonKomutu", w=wl[1]),
            cell("{{ isaret }}", "TabloOrta", w=wl[2]),
            cell("{%tc endfor %}", "SablonKomutu", w=wl[3])),
        tag_row("{%tr endfor %}", 4, wl),
    ], auto_width=True))
    b.p("{{ alan_aciklamasi }}", "Aciklama")
    b.tag("{%p endif %}")

    b.p("B. Teşkilat Yapısı", "Heading2")
    section("teskilat", texts(
        "{{ kurum }} kurumsal yapısı, 5216 sayılı Büyükşehir Belediyesi Kanunu'nda belirtildiği üzere (Madde 3) "
        "Belediye Meclisi, Belediye Encümeni ve Belediye Başkanlığından oluşmaktadır.",
        "Belediye Başkanı; belediye idaresinin başı ve tüzel kişiliğinin temsilcisidir. Belediye başkanı, "
        "ilgili kanunda gösterilen esas ve usullere göre belediye sınırları içindeki seçmenler tarafından "
        "doğrudan seçilir. (Madde 17)",
        "Belediye Meclisi; belediyenin karar organıdır ve ilgili kanunda gösterilen esas ve usullere göre "
        "seçilen üyelerden oluşur. Belediye başkanı, belediye meclisinin başkanıdır. (Madde 12)",
        "Belediye Encümeni; belediye başkanının başkanlığında, belediye meclisinin kendi üyeleri arasından bir "
        "yıl için gizli oyla seçeceği beş üye ile biri genel sekreter, biri mali hizmetler birim amiri olmak "
        "üzere belediye başkanının her yıl birim amirleri arasından seçeceği beş üyeden oluşur. (Madde 16)"))
    wd = [tw(3.0), W - tw(3.0)]

    def info_table_block(loop_var: str) -> None:
        b.tag(f"{{%p for tablo in {loop_var} %}}")
        blocks("tablo.once")
        caption(b, "Tablo", "{{ tablo.no }}", "{{ tablo.baslik }}")
        wi = [TAG_W, W - 2 * TAG_W, TAG_W]

        def num_or_text(num_style: str, text_style: str) -> str:
            return (para("{%p if hucre.sayi %}", "SablonKomutu") + para("{{ hucre.metin }}", num_style)
                    + para("{%p else %}", "SablonKomutu") + para("{{ hucre.metin }}", text_style)
                    + para("{%p endif %}", "SablonKomutu"))

        b.table(table(wi, [
            row(cell("{%tc for sutun in tablo.sutunlar %}", "SablonKomutu", w=wi[0], fill=HEAD_FILL),
                cell("{{ sutun }}", "TabloBaslik", w=wi[1], fill=HEAD_FILL),
                cell("{%tc endfor %}", "SablonKomutu", w=wi[2], fill=HEAD_FILL), header=True),
            tag_row("{%tr for satir in tablo.satirlar %}", 3, wi),
            tag_row("{%tr if satir.tur == 'grup' %}", 3, wi),
            row(cell("{{ satir.etiket }}{% colspan tablo.sutun_sayisi %}", "TabloGrup", w=sum(wi), span=3,
                     fill=GROUP_FILL)),
            tag_row("{%tr elif satir.tur == 'toplam' %}", 3, wi),
            row(cell("{%tc for hucre in satir.hucreler %}", "SablonKomutu", w=wi[0], fill=TOTAL_FILL),
                cell(w=wi[1], fill=TOTAL_FILL,
                     paras=num_or_text("TabloToplamSayi", "TabloToplam")),
                cell("{%tc endfor %}", "SablonKomutu", w=wi[2], fill=TOTAL_FILL)),
            tag_row("{%tr else %}", 3, wi),
            row(cell("{%tc for hucre in satir.hucreler %}", "SablonKomutu", w=wi[0]),
                cell(w=wi[1], paras=num_or_text("TabloSayi", "TabloMetni")),
                cell("{%tc endfor %}", "SablonKomutu", w=wi[2])),
            tag_row("{%tr endif %}", 3, wi),
            tag_row("{%tr endfor %}", 3, wi),
        ], auto_width=True))
        b.tag("{%p if tablo.kaynak %}")
        b.p("{{ tablo.kaynak }}", "KaynakNotu")
        b.tag("{%p else %}")
        b.p("", "KaynakNotu")
        b.tag("{%p endif %}")
        blocks("tablo.sonra")
        b.tag("{%p endfor %}")

    def chart_block(var: str) -> None:
        b.p(f"{{{{ {var}.resim }}}}", "Grafik")
        caption(b, "Grafik", f"{{{{ {var}.no }}}}", f"{{{{ {var}.baslik }}}}", before=60, after=240)

    b.p("C. Fiziksel Kaynaklar", "Heading2")
    section("fiziksel", texts(
        "İdarenin hizmet binaları, hizmet araçları, teknolojik kaynakları ve kullandığı yazılımlar aşağıdaki "
        "tablolarda gösterilmiştir."))
    info_table_block("fiziksel_tablolar")

    b.p("D. İnsan Kaynakları", "Heading2")

    def human_default() -> None:
        b.p("İdarenin sunduğu hizmetler; kadrolu memur, işçi, sözleşmeli ve şirket personeli ile yürütülmektedir. "
            "İnsan kaynaklarına ilişkin nicel ve nitel değerlendirmeler aşağıdaki tablo ve grafiklerde "
            "verilmiştir.", "BodyText")
        b.tag("{%p if egitim_metni %}")
        b.p("Kurum personelinin istihdam türlerine, eğitim ve cinsiyet durumuna göre dağılımı aşağıda analiz "
            "edilmiştir. {{ personel_tablo_e }} göre İdare personelinin {{ egitim_metni }} eğitim "
            "seviyesindedir.", "BodyText")
        b.tag("{%p endif %}")
        b.tag("{%p if cinsiyet_metni %}")
        b.p("Personelin {{ cinsiyet_metni }} personelden oluşmaktadır.", "BodyText")
        b.tag("{%p endif %}")

    section("insan", human_default)
    info_table_block("insan_tablolar")
    b.tag("{%p for grafik in insan_grafikleri %}")
    chart_block("grafik")
    b.tag("{%p endfor %}")

    b.p("E. Diğer Hususlar", "Heading2")
    section("diger_hususlar", texts(
        "{{ plan_donemi }} dönemi {{ kurum }} Stratejik Planına göre {{ yil }} yılında ulaşılması planlanan amaç "
        "ve hedefler doğrultusunda gerçekleştirilecek faaliyetleri, bu faaliyetlerin göstergelerini ve "
        "maliyetlerini içeren {{ yil }} Yılı Performans Programının hazırlık çalışmalarında; Kamu İdarelerince "
        "Hazırlanacak Stratejik Planlar ve Performans Programları ile Faaliyet Raporlarına İlişkin Usul ve "
        "Esaslar Hakkında Yönetmelik ile Hazine ve Maliye Bakanlığınca yayımlanan Performans Programı Hazırlama "
        "Rehberi esas alınmıştır."))

    # ------------------------------------------------------------- 2- Performans Bilgileri
    b.p("2- Performans Bilgileri", "Heading1")
    b.p("A. Temel Politika ve Öncelikler", "Heading2")

    def policy_default() -> None:
        texts(
            "{{ kurum }} {{ yil }} Yılı Performans Programı, Kalkınma Planı, Orta Vadeli Program ve "
            "Cumhurbaşkanlığı Yıllık Programında yer verilen temel politika ve öncelikler incelenerek hazırlanmış; "
            "üst politika belgeleriyle uyumlu olması gözetilmiştir.",
            "Kalkınma Planında yerel yönetimler için temel amaç; yerel yönetimlerin etkin, hızlı ve kaliteli hizmet "
            "sunabilen, dezavantajlı kesimlerin ihtiyaçlarını gözeten, katılımcı, mali sürdürülebilirliği "
            "sağlamış, şeffaf ve hesap verebilir bir yapıya kavuşturularak vatandaş memnuniyetinin üst düzeye "
            "çıkarılmasıdır.")()
        b.tag("{%p if politikalar %}")
        b.p("{{ kurum }} {{ yil }} Yılı Performans Programı, aşağıdaki tabloda yer alan politikalarla uyumlu "
            "olarak hazırlanmıştır.", "BodyText")
        b.tag("{%p endif %}")

    section("temel_politika", policy_default)
    b.tag("{%p if politikalar %}")
    wp = [tw(2.2), W - tw(2.2)]
    b.table(table(wp, [
        row(cell("Satır No.", "TabloBaslik", w=wp[0], fill=HEAD_FILL),
            cell("Mahalli İdare Politikaları", "TabloBaslik", w=wp[1], fill=HEAD_FILL), header=True),
        tag_row("{%tr for politika in politikalar %}", 2, wp),
        row(cell("{{ politika.no }}", "TabloOrta", w=wp[0]), cell("{{ politika.metin }}", w=wp[1])),
        tag_row("{%tr endfor %}", 2, wp),
    ]))
    b.tag("{%p endif %}")

    b.p("B. Amaç ve Hedefler", "Heading2")
    section("amac_hedefler", texts(
        "{{ kurum }} {{ plan_donemi }} Stratejik Planı {{ alan_sayisi }} stratejik alana ilişkin {{ amac_sayisi }} "
        "stratejik amaç ve {{ hedef_sayisi }} hedeften oluşmaktadır. Bu amaç ve hedeflere yön veren kavramlar "
        "misyon ve vizyon ifadeleridir."))
    b.tag("{%p if misyon %}")
    b.p("Misyonumuz", "AraBaslik")
    b.p("{{r misyon }}", "BodyText")
    b.tag("{%p endif %}")
    b.tag("{%p if vizyon %}")
    b.p("Vizyonumuz", "AraBaslik")
    b.p("{{r vizyon }}", "BodyText")
    b.tag("{%p endif %}")
    b.tag("{%p if degerler %}")
    b.p("İlkelerimiz ve Temel Değerlerimiz", "AraBaslik")
    b.tag("{%p for deger in degerler %}")
    b.p("{{r deger }}", "ListBullet")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.p("Performans Hedefleri", "AraBaslik")
    section("performans_hedefleri", texts(
        "Performans hedefleri; kamu idarelerinin stratejik planlarında yer alan amaç ve hedeflerine ulaşmak için "
        "program döneminde gerçekleştirmeyi planladıkları çıktı ve sonuç odaklı hedeflerdir. Bir yıllık süre "
        "içinde gerçekleştirilecek faaliyetler sonucunda elde edilecek sonuçları tanımlar ve o yıl ayrılan "
        "bütçe büyüklükleri göz önünde bulundurularak belirlenir.",
        "{{ kurum }} {{ yil }} yılı performans hedefleri, {{ plan_donemi }} dönemi Stratejik Planında yer alan "
        "amaç ve hedefler doğrultusunda {{ yil }} yılı içinde ulaşılmak istenen performans düzeylerini "
        "göstermektedir. Hedefler belirlenirken tek bir harcama birimine yönelik olmaktan çok, idare düzeyinde "
        "belirlenen ve birden fazla harcama birimini ilgilendiren hedefler olmalarına önem verilmiştir."))
    b.p("Performans Göstergeleri", "AraBaslik")
    section("performans_gostergeleri", texts(
        "Performans göstergeleri; performans hedeflerine ulaşılıp ulaşılmadığını ya da ne ölçüde ulaşıldığını "
        "ölçmek, izlemek ve değerlendirmek için kullanılan, sayısal olarak ifade edilen araçlardır. Göstergeler "
        "performans hedefleriyle ilgili, temel nitelikte, ölçülebilir ve karşılaştırılabilir olacak şekilde "
        "belirlenmiştir."))
    b.p("Performans Verilerinin Kaynakları ve Güvenilirliği", "AraBaslik")
    section("veri_kaynaklari", texts(
        "Yıl sonunda hazırlanacak faaliyet raporu, performans göstergelerine ilişkin kayıtlara, istatistiklere "
        "ve çizelgelere dayanacaktır. Her harcama birimi, sorumlu olduğu göstergelerin verilerini düzenli olarak "
        "kayıt altına alır ve birim yöneticisinin onayıyla Strateji Geliştirme birimine iletir."))

    b.p("Stratejik Alanlar, Amaçlar ve Hedefler", "Heading3")
    b.tag("{%p for alan in alanlar %}")
    b.p("Stratejik Alan {{ alan.no }}: {{ alan.ad }}", "AraBaslik",
        runs=r("Stratejik Alan {{ alan.no }}: {{ alan.ad }}", color=BLUE), before=240)
    b.tag("{%p for amac in alan.amaclar %}")
    b.p("{{ amac.kod }}: {{ amac.ad }}", "BodyText", runs=r("{{ amac.kod }}: {{ amac.ad }}", bold=True),
        keep_next=True, after=60)
    b.tag("{%p for hedef in amac.hedefler %}")
    b.p("{{ hedef.kod }} {{ hedef.ad }}", "ListBullet")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    b.p("Stratejik Hedefler ve İlişkili Birimleri", "Heading3")
    section("hedef_birimleri", texts(
        "Performans hedeflerinden sorumlu (S) ve hedeflere iş birliğiyle katkı veren (i) harcama birimleri, "
        "aşağıdaki birim kodlarıyla {{ matris_tablo_de }} gösterilmiştir."))
    b.table(table(wd, [
        row(cell("Birim Kodu", "TabloBaslik", w=wd[0], fill=HEAD_FILL),
            cell("Birim Adı", "TabloBaslik", w=wd[1], fill=HEAD_FILL), header=True),
        tag_row("{%tr for birim in birimler %}", 2, wd),
        row(cell("{{ birim.kod }}", w=wd[0]), cell("{{ birim.ad }}", w=wd[1])),
        tag_row("{%tr endfor %}", 2, wd),
    ]))
    # the matrix gets a landscape page of its own
    b.p("", sect=sect_xml(base_sect, landscape=False, keep_refs=False))
    L = LANDSCAPE_W
    wm = [tw(1.6), TAG_W, L - tw(1.6) - 2 * TAG_W, TAG_W]
    # a large institution's matrix is several tables of at most 40 units (context.matrix_parts): the
    # first has the numbered caption, the others say they continue it (no SEQ field: not listed again)
    b.tag("{%p for parca in matris_parcalari %}")
    b.tag("{%p if loop.first %}")
    caption(b, "Tablo", "{{ matris_tablo_no }}", "Harcama Birimleri Hedef Sorumluluk Matrisi", before=0)
    b.tag("{%p else %}")
    b.p(style="Caption", runs=r("Tablo {{ matris_tablo_no }} (devamı): Harcama Birimleri Hedef Sorumluluk "
                                "Matrisi, {{ parca.birimler[0].kod }} – {{ parca.birimler[-1].kod }}"), before=240)
    b.tag("{%p endif %}")
    b.table(table(wm, [
        row(cell("Hedef No", "TabloBaslik", w=wm[0], fill=HEAD_FILL),
            cell("{%tc for birim in parca.birimler %}", "SablonKomutu", w=wm[1], fill=HEAD_FILL),
            cell("{{ birim.kod }}", "TabloBaslik", w=wm[2], fill=HEAD_FILL, rotate=True),
            cell("{%tc endfor %}", "SablonKomutu", w=wm[3], fill=HEAD_FILL), header=True, height=tw(1.9)),
        tag_row("{%tr for satir in parca.satirlar %}", 4, wm),
        row(cell("{{ satir.kod }}", "TabloOrta", w=wm[0]),
            cell("{%tc for isaret in satir.isaretler %}", "SablonKomutu", w=wm[1]),
            cell("{{ isaret }}", "TabloOrta", w=wm[2]),
            cell("{%tc endfor %}", "SablonKomutu", w=wm[3])),
        tag_row("{%tr endfor %}", 4, wm),
    ], total=L, auto_width=True))
    b.tag("{%p endfor %}")
    b.p("S: Sorumlu harcama birimi     i: İş birliği yapılacak harcama birimi", "Aciklama",
        sect=sect_xml(base_sect, landscape=True, keep_refs=False))

    # ------------------------------------------------------------- C. targets
    b.p("C. Performans Hedef ve Göstergeleri ile Faaliyetler", "Heading2")
    section("faaliyetler", texts(
        "Bu bölümde her stratejik alan altında amaçlar, performans hedefleri, hedeflerin performans göstergeleri "
        "ile faaliyetlerin kaynak ihtiyaçları yer almaktadır. Performans hedefi tablolarında faaliyetlerin bütçe "
        "ve bütçe dışı kaynak ihtiyacı, faaliyet maliyetleri tablolarında ise bütçe kaynak ihtiyacının ekonomik "
        "sınıflandırmaya göre dağılımı gösterilmiştir."))
    b.p("İdare Performans Tablosu", "Heading3")
    section("idare_performans", texts(
        "İdarenin performans hedeflerine göre kaynak ihtiyacı ve her hedefin toplam içindeki payı aşağıdaki "
        "tabloda özetlenmiştir."))
    caption(b, "Tablo", "{{ idare_performans.no }}", "İdare Performans Tablosu")
    wi = [W - 4 * tw(2.45) + tw(0.45), tw(2.45), tw(2.25), tw(2.45), tw(1.55)]
    wi[0] = W - sum(wi[1:])
    hdr = [("Stratejik Alan / Amaç / Performans Hedefi", "TabloBaslik"), ("Bütçe (TL)", "TabloBaslik"),
           ("Bütçe Dışı (TL)", "TabloBaslik"), ("Toplam (TL)", "TabloBaslik"), ("Pay (%)", "TabloBaslik")]

    def amounts_row(label: str, obj: str, fill: str | None, text_style: str, num_style: str) -> str:
        return row(cell(label, text_style, w=wi[0], fill=fill),
                   cell(f"{{{{ {obj}.butce }}}}", num_style, w=wi[1], fill=fill),
                   cell(f"{{{{ {obj}.butce_disi }}}}", num_style, w=wi[2], fill=fill),
                   cell(f"{{{{ {obj}.toplam }}}}", num_style, w=wi[3], fill=fill),
                   cell(f"{{{{ {obj}.pay }}}}", num_style, w=wi[4], fill=fill))

    b.table(table(wi, [
        row(*(cell(t, s, w=wi[i], fill=HEAD_FILL) for i, (t, s) in enumerate(hdr)), header=True),
        tag_row("{%tr for satir in idare_performans.satirlar %}", 5, wi),
        tag_row("{%tr if satir.tur == 'alan' %}", 5, wi),
        amounts_row("{{ satir.ad }}", "satir", GROUP_FILL, "TabloGrup", "TabloToplamSayi"),
        tag_row("{%tr elif satir.tur == 'amac' %}", 5, wi),
        amounts_row("{{ satir.ad }}", "satir", SUBGROUP_FILL, "TabloToplam", "TabloToplamSayi"),
        tag_row("{%tr elif satir.tur == 'ara' %}", 5, wi),
        amounts_row("{{ satir.ad }}", "satir", TOTAL_FILL, "TabloToplam", "TabloToplamSayi"),
        tag_row("{%tr elif satir.tur == 'alt' %}", 5, wi),
        amounts_row("{{ satir.ad }}", "satir", None, "TabloAlt", "TabloSayi"),
        tag_row("{%tr else %}", 5, wi),
        amounts_row("{{ satir.ad }}", "satir", None, "TabloMetni", "TabloSayi"),
        tag_row("{%tr endif %}", 5, wi),
        tag_row("{%tr endfor %}", 5, wi),
        amounts_row("Genel Toplam", "idare_performans.toplam", TOTAL_FILL, "TabloToplam", "TabloToplamSayi"),
    ]))
    b.tag("{%p if grafik_alan %}")
    chart_block("grafik_alan")
    b.tag("{%p endif %}")

    b.tag("{%p for alan in alanlar %}")
    b.p("Stratejik Alan {{ alan.no }}: {{ alan.ad }}", "Heading3", page_break=True)
    b.tag("{%p for amac in alan.amaclar %}")
    b.p("{{ amac.kod }}: {{ amac.ad }}", "Heading4")
    b.tag("{%p for hedef in amac.hedefler %}")
    b.p("{{ hedef.kod }} {{ hedef.ad }}", "Heading5")
    b.table(performance_target_table(W))
    b.p("", "Bosluk")
    # HEDEF KARTI (optional: only when kurum.xlsx gives card data for the target's indicators)
    b.tag("{%p if hedef.kart %}")
    wk2 = [W - tw(1.8) - tw(2.0) - tw(1.8) - tw(1.8) - tw(3.4), tw(1.8), tw(2.0), tw(1.8), tw(1.8), tw(3.4)]
    b.table(table(wk2, [
        row(cell("HEDEF KARTI", "TabloBaslik", w=W, span=6, fill=HEAD_FILL), header=True),
        row(*(cell(t, "TabloOrta", w=wk2[i], fill=SUBGROUP_FILL) for i, t in enumerate((
            "Performans Göstergesi", "Hedefe Etkisi (%)", "Başlangıç Değeri", "İzleme Yönü", "İzleme Sıklığı",
            "Veri Kaynağı"))), header=True),
        tag_row("{%tr for kart in hedef.kart %}", 6, wk2),
        row(cell("{{ kart.kod }} {{ kart.ad }}", w=wk2[0]), cell("{{ kart.agirlik }}", "TabloOrta", w=wk2[1]),
            cell("{{ kart.baslangic }}", "TabloOrta", w=wk2[2]), cell("{{ kart.yon }}", "TabloOrta", w=wk2[3]),
            cell("{{ kart.izleme }}", "TabloOrta", w=wk2[4]), cell("{{ kart.kaynak }}", w=wk2[5])),
        tag_row("{%tr endfor %}", 6, wk2),
    ]))
    b.p("", "Bosluk")
    b.tag("{%p endif %}")
    # FAALİYET MALİYETLERİ TABLOSU (one column per economic code used; when the target has bütçe dışı
    # kaynak, one per kind and their sum after them)
    wc = [tw(4.6), tw(3.0), TAG_W, tw(2.3), TAG_W, TAG_W, tw(2.3), TAG_W, tw(2.3)]
    wc[3] = W - (sum(wc) - wc[3])
    nc = len(wc)
    b.table(table(wc, [
        row(cell("FAALİYET MALİYETLERİ TABLOSU{% colspan hedef.sutun_sayisi %}", "TabloBaslik", w=W, span=nc,
                 fill=HEAD_FILL), header=True),
        row(cell("Faaliyet Adı", "TabloOrta", w=wc[0], fill=SUBGROUP_FILL, vmerge="restart"),
            cell("Sorumlu Harcama Birimi", "TabloOrta", w=wc[1], fill=SUBGROUP_FILL, vmerge="restart"),
            cell("Ekonomik Kod{{ hedef.bd_ek }} {{ yil }} (TL){% colspan hedef.kod_sayisi + hedef.bd_sayisi + 1 %}",
                 "TabloOrta", w=sum(wc[2:]), span=nc - 2, fill=SUBGROUP_FILL), header=True),
        row(cell("", "TabloOrta", w=wc[0], fill=SUBGROUP_FILL, vmerge="continue"),
            cell("", "TabloOrta", w=wc[1], fill=SUBGROUP_FILL, vmerge="continue"),
            cell("{%tc for kod in hedef.kodlar %}", "SablonKomutu", w=wc[2], fill=SUBGROUP_FILL),
            cell("{{ kod }}", "TabloOrta", w=wc[3], fill=SUBGROUP_FILL),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[4], fill=SUBGROUP_FILL),
            cell("{%tc for baslik in hedef.bd_basliklar %}", "SablonKomutu", w=wc[5], fill=SUBGROUP_FILL),
            cell("{{ baslik }}", "TabloOrta", w=wc[6], fill=SUBGROUP_FILL),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[7], fill=SUBGROUP_FILL),
            cell("Toplam Kaynak İhtiyacı", "TabloOrta", w=wc[8], fill=SUBGROUP_FILL), header=True),
        tag_row("{%tr for faaliyet in hedef.faaliyetler %}", nc, wc),
        row(cell("{{ faaliyet.kod }} {{ faaliyet.ad }}", w=wc[0]),
            cell("{{ faaliyet.birim }}", w=wc[1]),
            cell("{%tc for tutar in faaliyet.kod_tutarlari %}", "SablonKomutu", w=wc[2]),
            cell("{{ tutar }}", "TabloSayi", w=wc[3]),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[4]),
            cell("{%tc for tutar in faaliyet.bd_tutarlari %}", "SablonKomutu", w=wc[5]),
            cell("{{ tutar }}", "TabloSayi", w=wc[6]),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[7]),
            cell("{{ faaliyet.toplam }}", "TabloSayi", w=wc[8])),
        tag_row("{%tr if faaliyet.aciklama %}", nc, wc),
        row(cell("{{ faaliyet.aciklama }}{% colspan hedef.sutun_sayisi %}", "TabloNot", w=W, span=nc)),
        tag_row("{%tr endif %}", nc, wc),
        tag_row("{%tr endfor %}", nc, wc),
        row(cell("Genel Toplam", "TabloToplam", w=wc[0] + wc[1], span=2, fill=TOTAL_FILL),
            cell("{%tc for tutar in hedef.kod_toplamlari %}", "SablonKomutu", w=wc[2], fill=TOTAL_FILL),
            cell("{{ tutar }}", "TabloToplamSayi", w=wc[3], fill=TOTAL_FILL),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[4], fill=TOTAL_FILL),
            cell("{%tc for tutar in hedef.bd_toplamlari %}", "SablonKomutu", w=wc[5], fill=TOTAL_FILL),
            cell("{{ tutar }}", "TabloToplamSayi", w=wc[6], fill=TOTAL_FILL),
            cell("{%tc endfor %}", "SablonKomutu", w=wc[7], fill=TOTAL_FILL),
            cell("{{ hedef.toplam }}", "TabloToplamSayi", w=wc[8], fill=TOTAL_FILL)),
    ], auto_width=True))
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    # ------------------------------------------------------------- D. total resource need
    b.p("D. İdarenin Toplam Kaynak İhtiyacı", "Heading2", page_break=True)
    section("kaynak_ihtiyaci", texts(
        "İdarenin {{ yil }} yılı toplam kaynak ihtiyacı; performans hedeflerine yönelik faaliyetlerin "
        "maliyetleri ile harcama birimlerinin personel ve genel yönetim giderlerinden oluşmaktadır. Harcama "
        "birimleri itibarıyla kaynak ihtiyacı {{ birim_kaynak_de }}, ekonomik sınıflandırmaya göre "
        "dağılımı Toplam Kaynak İhtiyacı Tablosunda gösterilmiştir."))
    caption(b, "Tablo", "{{ birim_kaynak.no }}", "Harcama Birimlerine Göre Toplam Kaynak İhtiyacı")
    wu = [W - tw(2.3) - tw(3.9) - tw(3.3), tw(2.3), tw(3.9), tw(3.3)]

    def unit_row(name: str, count: str, obj: str, fill: str | None) -> str:
        """One row per unit (it never splits over pages): four cost lines stacked in the cells."""
        line = '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="BFBFBF"/></w:pBdr>'

        def stacked(texts: list[str], first_style: str, style: str) -> str:
            out = ""
            for i, t in enumerate(texts):
                st = first_style if i == 0 else style
                out += f'<w:p><w:pPr><w:pStyle w:val="{st}"/>{line if i == 0 else ""}</w:pPr>{r(t)}</w:p>'
            return out

        labels = ["Toplam", "Hedef", "Personel Gideri", "Genel Yönetim Gideri"]
        values = [f"{{{{ {obj}.{k} }}}}" for k in ("toplam", "hedef", "personel", "genel_yonetim")]
        return row(cell(name, "TabloToplam", w=wu[0], fill=fill),
                   cell(count, "TabloOrta", w=wu[1], fill=fill),
                   cell(w=wu[2], fill=fill, paras=stacked(labels, "TabloToplam", "TabloMetni")),
                   cell(w=wu[3], fill=fill, paras=stacked(values, "TabloToplamSayi", "TabloSayi")))

    b.table(table(wu, [
        row(*(cell(t, "TabloBaslik", w=wu[i], fill=HEAD_FILL) for i, t in
              enumerate(("Birim", "Faaliyet Sayısı", "Maliyet Türü", "{{ yil }} Yılı (TL)"))), header=True),
        tag_row("{%tr for birim in birim_kaynak.birimler %}", 4, wu),
        unit_row("{{ birim.ad }}", "{{ birim.faaliyet_sayisi }}", "birim", None),
        tag_row("{%tr endfor %}", 4, wu),
        unit_row("Genel Toplam", "{{ birim_kaynak.toplam.faaliyet_sayisi }}", "birim_kaynak.toplam", TOTAL_FILL),
    ]))
    b.p("Hedef: birimin sorumlu olduğu faaliyetlerin kaynak ihtiyacı (bütçe ve bütçe dışı). Toplam: hedef, "
        "personel gideri ve genel yönetim giderinin toplamı.", "Aciklama")
    b.tag("{%p if grafik_birim %}")
    chart_block("grafik_birim")
    b.tag("{%p endif %}")

    b.p("Toplam Kaynak İhtiyacı Tablosu", "Heading3")
    section("toplam_kaynak", texts(
        "Performans hedeflerine yönelik faaliyetlerin bütçe kaynak ihtiyacının ekonomik sınıflandırmaya göre "
        "dağılımı, bütçe dışı kaynaklar ile personel ve genel yönetim giderleri aşağıdaki tabloda "
        "gösterilmiştir."))
    caption(b, "Tablo", "{{ toplam_kaynak.no }}", "Toplam Kaynak İhtiyacı Tablosu")
    wk = [W - 3 * tw(2.6) - tw(1.6), tw(2.6), tw(2.6), tw(2.6), tw(1.6)]

    def k_row(fill, ts, ns):
        return row(cell("{{ satir.ad }}", ts, w=wk[0], fill=fill),
                   cell("{{ satir.butce }}", ns, w=wk[1], fill=fill),
                   cell("{{ satir.butce_disi }}", ns, w=wk[2], fill=fill),
                   cell("{{ satir.toplam }}", ns, w=wk[3], fill=fill),
                   cell("{{ satir.pay }}", ns, w=wk[4], fill=fill))

    b.table(table(wk, [
        row(*(cell(t, "TabloBaslik", w=wk[i], fill=HEAD_FILL) for i, t in
              enumerate(("Kaynak İhtiyacı", "Bütçe (TL)", "Bütçe Dışı (TL)", "Toplam (TL)", "Pay (%)"))),
            header=True),
        tag_row("{%tr for satir in toplam_kaynak.satirlar %}", 5, wk),
        tag_row("{%tr if satir.tur == 'grup' %}", 5, wk),
        k_row(GROUP_FILL, "TabloGrup", "TabloToplamSayi"),
        tag_row("{%tr elif satir.tur == 'ara' %}", 5, wk),
        k_row(SUBGROUP_FILL, "TabloToplam", "TabloToplamSayi"),
        tag_row("{%tr elif satir.tur == 'toplam' %}", 5, wk),
        k_row(TOTAL_FILL, "TabloToplam", "TabloToplamSayi"),
        tag_row("{%tr else %}", 5, wk),
        k_row(None, "TabloAlt", "TabloSayi"),
        tag_row("{%tr endif %}", 5, wk),
        tag_row("{%tr endfor %}", 5, wk),
    ]))
    b.tag("{%p if grafik_kod %}")
    chart_block("grafik_kod")
    b.tag("{%p endif %}")

    # ------------------------------------------------------------- 3- Ekler
    b.p("3- Ekler", "Heading1")
    b.p("Faaliyetlerden Sorumlu Harcama Birimlerine İlişkin Tablo", "Heading2")
    section("ekler", texts(
        "Harcama birimlerinin sorumlu olduğu faaliyetler, birimler alfabetik sırada olmak üzere amaç ve "
        "hedefleri ile birlikte aşağıda listelenmiştir."))
    we = [tw(6.8), W - tw(6.8)]
    b.tag("{%p for birim in ekler %}")
    b.table(table(we, [
        row(cell("SORUMLU BİRİM", "TabloBaslik", w=we[0], fill=HEAD_FILL),
            cell("{{ birim.ad_buyuk }}", "TabloBaslik", w=we[1], fill=HEAD_FILL), header=True),
        tag_row("{%tr for amac in birim.amaclar %}", 2, we),
        row(cell("{{ amac.kod }}: {{ amac.ad }}", "TabloGrup", w=W, span=2, fill=GROUP_FILL)),
        row(cell("Hedef", "TabloAraBaslik", w=we[0], fill=SUBGROUP_FILL),
            cell("Faaliyet", "TabloAraBaslik", w=we[1], fill=SUBGROUP_FILL)),
        tag_row("{%tr for hedef in amac.hedefler %}", 2, we),
        tag_row("{%tr for faaliyet in hedef.faaliyetler %}", 2, we),
        # the target cell is merged down over its activities ({% vm %}); its tcPr keeps only tcW
        row(f'<w:tc><w:tcPr><w:tcW w:w="{we[0]}" w:type="dxa"/></w:tcPr>'
            + para("{{ hedef.kod }} {{ hedef.ad }}{% vm %}", "TabloMetni") + "</w:tc>",
            cell("{{ faaliyet.kod }} {{ faaliyet.ad }}", w=we[1], valign=None)),
        tag_row("{%tr endfor %}", 2, we),
        tag_row("{%tr endfor %}", 2, we),
        tag_row("{%tr endfor %}", 2, we),
    ]))
    b.p("", "KaynakNotu")
    b.tag("{%p endfor %}")

    draft_notes_page(b, W)


def draft_notes_page(b: Body, W: int) -> None:
    """Closing "Taslak Notları" page, only in a draft: departments without data and the open errors.

    Context: ``taslak_notlari`` (None in a final document) with ``birimler``
    (names), ``hatalar`` (kural, birim, yer, mesaj) and ``hata_sayisi``.
    """
    b.tag("{%p if taslak_notlari %}")
    b.p("Taslak Notları", "Heading1")
    b.p("Bu belge taslaktır. Aşağıdaki konular giderilmeden ya da kurum.xlsx Kabul Edilen Bulgular sayfasında "
        "gerekçesiyle kabul edilmeden program kesinleşmez. Kesin belgede bu sayfa yer almaz.", "BodyText")
    b.tag("{%p if taslak_notlari.birimler %}")
    b.p("Çalışma kitabı gelmeyen ya da boş şablon gönderen birimler (tablolarda rakamları yerine "
        "\u201cveri gelmedi\u201d yazılıdır):", "BodyText")
    b.tag("{%p for ad in taslak_notlari.birimler %}")
    b.p("{{ ad }}", "ListBullet")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p if taslak_notlari.hatalar %}")
    b.p("Giderilmemiş hatalar ({{ taslak_notlari.hata_sayisi }}):", "BodyText")
    wn = [tw(1.8), tw(2.2), tw(5.2), W - tw(1.8) - tw(2.2) - tw(5.2)]
    b.table(table(wn, [
        row(*(cell(t, "TabloBaslik", w=wn[i], fill=HEAD_FILL) for i, t in
              enumerate(("Kural", "Birim", "Yer", "Açıklama"))), header=True),
        tag_row("{%tr for hata in taslak_notlari.hatalar %}", 4, wn),
        row(cell("{{ hata.kural }}", w=wn[0], valign=None), cell("{{ hata.birim }}", w=wn[1], valign=None),
            cell("{{ hata.yer }}", w=wn[2], valign=None), cell("{{ hata.mesaj }}", w=wn[3], valign=None)),
        tag_row("{%tr endfor %}", 4, wn),
    ]))
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")


def main(out: Path = TEMPLATE_PATH) -> Path:
    doc = Document()
    drop_extras(doc)
    setup_styles(doc)
    setup_numbering(doc)
    setup_settings(doc)
    setup_page(doc)
    # python-docx's default document has one empty paragraph
    for p in list(doc.element.body.findall(qn("w:p"))):
        doc.element.body.remove(p)
    build(doc)
    # the last section (the body's own sectPr) has no separate first page
    final = doc.element.body.find(qn("w:sectPr"))
    for el in final.findall(qn("w:titlePg")):
        final.remove(el)
    for tag in ("w:headerReference", "w:footerReference"):
        for el in final.findall(qn(tag)):
            if el.get(qn("w:type")) == "first":
                final.remove(el)
    cp = doc.core_properties
    cp.title = "Performans Programı Şablonu"
    cp.subject = "Performans Programı"
    cp.author = ""
    cp.comments = "docxtpl şablonu; etiketler çalışma kitaplarındaki verilerle doldurulur."
    fixed_core_properties(cp, 2024)
    import io

    buf = io.BytesIO()
    doc.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(normalize_docx(buf.getvalue()))
    return out


if __name__ == "__main__":
    path = main()
    print(f"Şablon yazıldı: {path.relative_to(ROOT)}")

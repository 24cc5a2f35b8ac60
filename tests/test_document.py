"""The program document (.docx): content, order, formats, escaping, determinism."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.section import WD_ORIENT

from generator import charts
from generator.document import (
    TEMPLATE_PATH,
    build_context,
    computed_info_rows,
    render_bytes,
    render_docx,
    suffix,
)
from generator.merge import merge
from generator.model import Activity, Department, InfoTable, Program, Target, UnitCosts
from generator.turkish import percent
from tests.factory import small_institution, small_submissions


def program(mutate=None) -> Program:
    inst = small_institution()
    subs = small_submissions(inst)
    if mutate:
        mutate(inst, subs)
    prog, _ = merge(inst, subs)
    return prog


def open_doc(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def doc_bytes() -> bytes:
    return render_bytes(program())


@pytest.fixture(scope="module")
def doc(doc_bytes):
    return open_doc(doc_bytes)


def body_blocks(d):
    """Paragraphs and tables of the body in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in d.element.body.iterchildren():
        if child.tag.endswith("}p"):
            yield Paragraph(child, d)
        elif child.tag.endswith("}tbl"):
            yield Table(child, d)


def headings(d) -> list[tuple[int, str]]:
    out = []
    for p in d.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading "):
            out.append((int(name.split()[1]), p.text))
    return out


def table_after(d, text: str, index: int = 0):
    """The ``index``-th table after the heading or caption whose text is ``text``.

    A table split where its column headers start again (its parts joined by
    a hairline paragraph, see generator.typeset) counts as one table; its
    rows are returned together.
    """
    import copy

    from docx.table import Table

    from generator.typeset import is_table_joint

    found = False
    n = 0
    for block in body_blocks(d):
        if not found:
            found = (hasattr(block, "text") and block.text == text and block.style is not None
                     and block.style.name.startswith(("Heading", "Caption")))
            continue
        if hasattr(block, "rows"):
            prev = block._tbl.getprevious()
            if prev is not None and is_table_joint(prev):
                continue  # a continuation part, already joined to its first part
            if n == index:
                tbl, joined = block._tbl, None
                nxt = tbl.getnext()
                while nxt is not None and is_table_joint(nxt) and nxt.getnext() is not None:
                    part = nxt.getnext()
                    if joined is None:
                        joined = copy.deepcopy(tbl)
                    for tr in part.tr_lst:
                        joined.append(copy.deepcopy(tr))
                    nxt = part.getnext()
                return block if joined is None else Table(joined, block._parent)
            n += 1
    raise AssertionError(f"no table after {text!r}")


def rows_text(table) -> list[list[str]]:
    """Cell texts row by row, one entry per real cell (merged cells not repeated)."""
    from docx.table import _Cell

    return [["\n".join(p.text for p in _Cell(tc, table).paragraphs) for tc in tr.tc_lst]
            for tr in table._tbl.tr_lst]


def row_starting(table, first: str) -> list[str]:
    return next(r for r in rows_text(table) if r and r[0] == first)


def test_cover_header_and_no_draft_mark(doc):
    texts = [p.text for p in doc.paragraphs[:6]]
    assert texts[:3] == ["ÖRNEK BÜYÜKŞEHİR BELEDİYESİ", "2024", "PERFORMANS PROGRAMI"]
    assert "TASLAK" not in [p.text for p in doc.paragraphs]
    header = doc.sections[-1].header
    header_text = " ".join(c.text for t in header.tables for r in t.rows for c in r.cells)
    assert "Örnek Büyükşehir Belediyesi 2024 Yılı Performans Programı" in header_text
    assert "TASLAK" not in header_text


def test_draft_is_marked_on_cover_and_header():
    d = open_doc(render_bytes(program(), draft=True))
    assert "TASLAK" in [p.text for p in d.paragraphs[:8]]
    header_text = " ".join(c.text for t in d.sections[-1].header.tables for r in t.rows for c in r.cells)
    assert "TASLAK" in header_text


def test_foreword_signature_and_team(doc):
    texts = [p.text for p in doc.paragraphs]
    i = texts.index("Değerli hemşehrilerimiz,")
    assert texts[i + 1] == "İkinci paragraf."
    assert texts.index("Ayşe IŞIK") > i and "Örnek Büyükşehir Belediye Başkanı" in texts
    assert "Ali ÇAKIR, Genel Sekreter" in texts and "İpek ŞAHİN, Uzman" in texts
    assert texts.index("Başkan") < texts.index("Ali ÇAKIR, Genel Sekreter") < texts.index("Üyeler")


def test_heading_order_and_levels(doc):
    expected = [
        (1, "1- Genel Bilgiler"), (2, "A. Görev, Yetki ve Sorumluluklar"), (2, "B. Teşkilat Yapısı"),
        (2, "C. Fiziksel Kaynaklar"), (2, "D. İnsan Kaynakları"), (2, "E. Diğer Hususlar"),
        (1, "2- Performans Bilgileri"), (2, "A. Temel Politika ve Öncelikler"), (2, "B. Amaç ve Hedefler"),
        (3, "Stratejik Hedefler ve İlişkili Birimleri"),
        (2, "C. Performans Hedef ve Göstergeleri ile Faaliyetler"), (3, "İdare Performans Tablosu"),
        (3, "Stratejik Alan 1: Altyapı ve Ulaşım"), (4, "A1: Altyapıyı geliştirmek."),
        (5, "H1.1 Yolları yapmak."), (5, "H1.2 Köprüleri onarmak."),
        (3, "Stratejik Alan 2: Çevre"), (4, "A2: Çevreyi korumak."), (5, "H2.1 Atıkları azaltmak."),
        (2, "D. İdarenin Toplam Kaynak İhtiyacı"), (3, "Toplam Kaynak İhtiyacı Tablosu"),
        (1, "3- Ekler"), (2, "Faaliyetlerden Sorumlu Harcama Birimlerine İlişkin Tablo"),
    ]
    got = headings(doc)
    positions = [got.index(h) for h in expected]
    assert positions == sorted(positions)


def test_indexes_are_fields_and_refresh_on_open(doc_bytes):
    z = zipfile.ZipFile(io.BytesIO(doc_bytes))
    body = z.read("word/document.xml").decode()
    assert 'TOC \\o "1-3"' in body and 'TOC \\h \\z \\c "Tablo"' in body
    assert body.count("SEQ Tablo") == 6  # t2, t5, matrix, idare, units, economic codes
    assert '<w:updateFields w:val="true"/>' in z.read("word/settings.xml").decode()


def test_caption_numbers_follow_document_order(doc):
    captions = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Caption"]
    tables = [c for c in captions if c.startswith("Tablo ")]
    assert tables == ["Tablo 1: Hizmet Araçları",
                      "Tablo 2: Statü, Cinsiyet ve Öğrenim Durumuna Göre Personel Analizi",
                      "Tablo 3: Harcama Birimleri Hedef Sorumluluk Matrisi",
                      "Tablo 4: İdare Performans Tablosu",
                      "Tablo 5: Harcama Birimlerine Göre Toplam Kaynak İhtiyacı",
                      "Tablo 6: Toplam Kaynak İhtiyacı Tablosu"]
    texts = [p.text for p in doc.paragraphs]
    assert any("Tablo 3'te gösterilmiştir" in t for t in texts)  # the matrix reference, Turkish suffix
    assert any("Tablo 5'te" in t for t in texts)


def test_target_table_holds_indicators_and_activities(doc):
    t = rows_text(table_after(doc, "H1.1 Yolları yapmak."))
    assert t[0] == ["PERFORMANS HEDEFİ TABLOSU"]
    assert ["PG1.1.1 Yapılan yol uzunluğu", "km", "38"] in t
    assert ["F1 Asfalt yapılması & <bakım>", "500.000", "0", "500.000"] in t
    assert ["F2 Yol kenarı ağaçlandırma", "0", "0", "0"] in t
    assert t[-1] == ["Genel Toplam", "500.000", "0", "500.000"]
    # indicators come before the activities
    flat = [r[0] for r in t]
    assert flat.index("PG1.1.1 Yapılan yol uzunluğu") < flat.index("F1 Asfalt yapılması & <bakım>")
    t2 = rows_text(table_after(doc, "H1.2 Köprüleri onarmak."))
    assert ["PG1.2.1 Onarılan köprü sayısı", "adet", "2,5"] in t2


def test_totals_are_computed_from_parts_not_typed(doc):
    # H1.2 F1 has a typed total of 70.000 over 50.000 + 10.000
    t = rows_text(table_after(doc, "H1.2 Köprüleri onarmak."))
    assert ["F1 Köprü onarımı", "50.000", "10.000", "60.000"] in t
    assert t[-1] == ["Genel Toplam", "50.000", "10.000", "60.000"]
    assert not any("70.000" in c for r in t for c in r)


def test_typed_totals_never_change_the_document():
    def typed(inst, subs):
        for s in subs:
            for a in s.activities:
                a.budget_typed, a.total_typed, a.cost_total_typed = 1, 2, 3
            s.unit_costs.activity_count_typed = 99
            s.unit_costs.target_cost_typed = 7
            s.unit_costs.total_typed = 8
            s.typed_totals = {"toplam": 123}
        inst.info_tables["t2"].rows[-1] = ["Toplam", 50, 20, 70]
        inst.profile.activity_count_typed = 77

    def untyped(inst, subs):
        for s in subs:
            for a in s.activities:
                a.budget_typed = a.total_typed = a.cost_total_typed = None
            s.unit_costs.activity_count_typed = None
        inst.control_totals = []

    assert render_bytes(program(typed)) == render_bytes(program(untyped))


def test_cost_table_columns_are_the_codes_used(doc):
    t = rows_text(table_after(doc, "H2.1 Atıkları azaltmak.", 1))
    assert t[0] == ["FAALİYET MALİYETLERİ TABLOSU"]
    header = t[2]
    # a code beyond 03/05/06 is used: only the codes with an amount (all-zero 03 and 06 dropped)
    assert header[2:] == ["05 Cari Transferler", "07 Sermaye Transferleri", "09 Yedek Ödenekler",
                          "Toplam Kaynak İhtiyacı"]
    assert row_starting(table_after(doc, "H2.1 Atıkları azaltmak.", 1), "F1 Sıfır atık eğitimi") == [
        "F1 Sıfır atık eğitimi", "Çevre Koruma ve Kontrol Dairesi Başkanlığı", "100.000", "1.000", "2",
        "101.002"]
    assert t[-1] == ["Genel Toplam", "100.000", "1.000", "2", "101.002"]
    # only the base codes where nothing else is used; the explanation row under its activity
    t11 = rows_text(table_after(doc, "H1.1 Yolları yapmak.", 1))
    assert t11[2][2:] == ["03 Mal ve Hizmet Alım Giderleri", "05 Cari Transferler", "06 Sermaye Giderleri",
                          "Toplam Kaynak İhtiyacı"]
    first = [r[0] for r in t11].index("F1 Asfalt yapılması & <bakım>")
    assert t11[first + 1] == ["Açıklama satırı"]
    assert t11[first][1:] == ["Fen İşleri Dairesi Başkanlığı", "200.000", "0", "300.000", "500.000"]


def test_cost_table_grid_matches_its_columns(doc):
    from docx.oxml.ns import qn

    tbl = table_after(doc, "H2.1 Atıkları azaltmak.", 1)._tbl
    cols = tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    assert len(cols) == 2 + 3 + 1
    assert sum(int(c.get(qn("w:w"))) for c in cols) == 9356  # the text width of the page


def test_escaping_of_special_characters():
    def mutate(inst, subs):
        subs[0].activities[0].name = "Kod {{ x }} & 'tek' \"çift\" <b>kalın</b>"

    d = open_doc(render_bytes(program(mutate)))
    texts = [p.text for p in d.paragraphs]
    assert "Şehri & insanı <birlikte> geliştirmek." in texts
    assert "\"Yaşanabilir\" bir şehir." in texts
    t = rows_text(table_after(d, "H1.1 Yolları yapmak."))
    assert ["F1 Kod {{ x }} & 'tek' \"çift\" <b>kalın</b>", "500.000", "0", "500.000"] in t


def test_annex_units_in_turkish_order_and_upper_case():
    def mutate(inst, subs):
        inst.departments.append(Department("D4-BİD", "Bilgi İşlem Dairesi Başkanlığı", [], None, 3))
        inst.targets[2].responsibility["D4-BİD"] = "i"
        subs[1].activities.append(Activity("H2.1", "F2", "Sunucu alımı", "D4-BİD", "", {"06": 5}))
        subs[1].activities.append(Activity("H2.1", "F3", "Yangın eğitimi", "D3-İDB", "", {"03": 7}))

    d = open_doc(render_bytes(program(mutate)))
    units = [rows_text(t)[0][1] for t in d.tables if rows_text(t) and rows_text(t)[0][0] == "SORUMLU BİRİM"]
    assert units == ["BİLGİ İŞLEM DAİRESİ BAŞKANLIĞI", "ÇEVRE KORUMA VE KONTROL DAİRESİ BAŞKANLIĞI",
                     "FEN İŞLERİ DAİRESİ BAŞKANLIĞI", "İTFAİYE DAİRESİ BAŞKANLIĞI"]
    fen = next(rows_text(t) for t in d.tables if rows_text(t)[0][1:] == ["FEN İŞLERİ DAİRESİ BAŞKANLIĞI"])
    assert fen[1] == ["A1: Altyapıyı geliştirmek."]
    assert fen[3:] == [["H1.1 Yolları yapmak.", "F1 Asfalt yapılması & <bakım>"],
                       ["H1.2 Köprüleri onarmak.", "F1 Köprü onarımı"]]


def test_annex_merges_a_target_over_its_activities():
    def mutate(inst, subs):
        subs[0].activities.append(Activity("H1.1", "F3", "Kaldırım yapımı", "D1-FDB", "", {"06": 1}))

    d = open_doc(render_bytes(program(mutate)))
    fen = next(t for t in d.tables if rows_text(t)[0][1:] == ["FEN İŞLERİ DAİRESİ BAŞKANLIĞI"])
    rows = rows_text(fen)
    assert rows[3] == ["H1.1 Yolları yapmak.", "F1 Asfalt yapılması & <bakım>"]
    assert rows[4] == ["", "F3 Kaldırım yapımı"]  # continuation of the merged target cell
    assert 'w:val="continue"' in fen._tbl.tr_lst[4].tc_lst[0].xml


def test_unit_resource_table(doc):
    t = rows_text(table_after(doc, "Tablo 5: Harcama Birimlerine Göre Toplam Kaynak İhtiyacı"))
    assert [r[0] for r in t] == ["Birim", "Çevre Koruma ve Kontrol Dairesi Başkanlığı",
                                 "Fen İşleri Dairesi Başkanlığı", "İtfaiye Dairesi Başkanlığı", "Genel Toplam"]
    assert t[1][1:] == ["2", "Toplam\nHedef\nPersonel Gideri\nGenel Yönetim Gideri", "101.003\n101.002\n1\n0"]
    assert t[2][1:] == ["2", "Toplam\nHedef\nPersonel Gideri\nGenel Yönetim Gideri",
                        "585.000\n560.000\n20.000\n5.000"]
    # the count is computed (the workbook typed 5 for D2-ÇDB)
    assert t[-1][1] == "4" and t[-1][3] == "686.003\n661.002\n20.001\n5.000"


def test_total_resource_table_by_economic_code(doc):
    tbl = table_after(doc, "Tablo 6: Toplam Kaynak İhtiyacı Tablosu")
    t = rows_text(tbl)
    names = [r[0] for r in t]
    for code in ("01 ", "02 ", "03 ", "04 ", "05 ", "06 ", "07 ", "08 ", "09 "):
        assert any(n.startswith(code) for n in names)
    assert row_starting(table_after(doc, "Tablo 6: Toplam Kaynak İhtiyacı Tablosu"),
                        "06 Sermaye Giderleri")[1] == "350.000"
    assert t[-1] == ["Toplam Kaynak İhtiyacı", "676.003", "10.000", "686.003", "%100,00"]  # equals the unit table
    # the guide's lines: activities, general administration (personnel + general), transfers; shares in %
    assert row_starting(tbl, "Performans Hedefleri İçin Gerekli Kaynak İhtiyacı")[1:] == [
        "651.002", "10.000", "661.002", percent(661_002 / 686_003)]
    assert row_starting(tbl, "Genel Yönetim Giderleri")[1:] == ["25.001", "0", "25.001", percent(25_001 / 686_003)]
    assert row_starting(tbl, "Personel giderleri")[1:4] == ["20.001", "0", "20.001"]
    assert row_starting(tbl, "Diğer İdarelere Transfer Edilecek Kaynaklar")[1:] == ["0", "0", "0", "%0,00"]


def test_administration_performance_table(doc):
    tbl = table_after(doc, "Tablo 4: İdare Performans Tablosu")
    t = rows_text(tbl)
    # shares of the grand total: targets, general administration (units' personnel and general
    # administration costs) and transfers to other administrations, as the guide's table
    grand = 661_002 + 25_001
    assert row_starting(tbl, "Stratejik Alan 1: Altyapı ve Ulaşım")[1:] == ["550.000", "10.000", "560.000",
                                                                           percent(560_000 / grand)]
    assert row_starting(tbl, "H1.1 Yolları yapmak.")[1:] == ["500.000", "0", "500.000", percent(500_000 / grand)]
    assert [r[0] for r in t[-6:]] == ["Performans Hedefleri Toplamı", "Genel Yönetim Giderleri",
                                      "Personel giderleri", "Diğer genel yönetim giderleri",
                                      "Diğer İdarelere Transfer Edilecek Kaynaklar", "Genel Toplam"]
    assert t[-6][1:] == ["651.002", "10.000", "661.002", percent(661_002 / grand)]
    assert t[-5][1:] == ["25.001", "0", "25.001", percent(25_001 / grand)]
    assert t[-1] == ["Genel Toplam", "676.003", "10.000", "686.003", "%100,00"]
    order = [r[0] for r in t]
    assert order.index("A1: Altyapıyı geliştirmek.") < order.index("H1.2 Köprüleri onarmak.") < \
        order.index("Stratejik Alan 2: Çevre") < order.index("H2.1 Atıkları azaltmak.")


def test_responsibility_matrix_on_a_landscape_page(doc):
    t = rows_text(table_after(doc, "Tablo 3: Harcama Birimleri Hedef Sorumluluk Matrisi"))
    assert t[0] == ["Hedef No", "D1-FDB", "D2-ÇDB", "D3-İDB"]
    assert t[1:] == [["H1.1", "S", "i", ""], ["H1.2", "S", "", ""], ["H2.1", "i", "S", "i"]]
    assert WD_ORIENT.LANDSCAPE in [s.orientation for s in doc.sections]


def test_matrix_parts_are_balanced_and_keep_every_mark_in_order():
    from generator.context import Birim, MatrisSatiri, matrix_parts

    units = [Birim(f"D{k}", "") for k in range(1, 342)]
    rows = [MatrisSatiri("H1.1", [f"m{k}" for k in range(1, 342)]), MatrisSatiri("H1.2", [""] * 341)]
    parts = matrix_parts(rows, units)
    assert [len(p.birimler) for p in parts] == [37, 38, 38, 38, 38, 38, 38, 38, 38]
    assert [u for p in parts for u in p.birimler] == units
    assert [m for p in parts for m in p.satirlar[0].isaretler] == rows[0].isaretler
    assert all([r.kod for r in p.satirlar] == ["H1.1", "H1.2"] for p in parts)
    assert [len(p.birimler) for p in matrix_parts(rows, units[:40])] == [40]  # 40 fit in one table
    assert [len(p.birimler) for p in matrix_parts(rows, units[:41])] == [20, 21]
    assert len(matrix_parts([], [])) == 1  # an institution without units still has its (empty) table


def test_a_large_institution_gets_its_matrix_in_several_tables(monkeypatch):
    """85 units: three tables of 28 or 29 unit columns, each with the target column; the first has the
    numbered caption, the others a continuation caption naming their units."""
    from generator.model import Department

    def mutate(inst, subs):
        for k in range(4, 86):
            inst.departments.append(Department(f"D{k}-XDB", f"Birim {k} Dairesi Başkanlığı", [], 0, k - 1))
        inst.targets[1].responsibility["D85-XDB"] = "i"
        inst.targets[2].responsibility["D30-XDB"] = "S"

    d = open_doc(render_bytes(program(mutate)))
    captions = [p.text for p in d.paragraphs if "Sorumluluk Matrisi" in p.text and p.style.name == "Caption"]
    assert captions == ["Tablo 3: Harcama Birimleri Hedef Sorumluluk Matrisi",
                        "Tablo 3 (devamı): Harcama Birimleri Hedef Sorumluluk Matrisi, D29-XDB – D56-XDB",
                        "Tablo 3 (devamı): Harcama Birimleri Hedef Sorumluluk Matrisi, D57-XDB – D85-XDB"]
    parts = [rows_text(table_after(d, c)) for c in captions]
    assert [len(t[0]) - 1 for t in parts] == [28, 28, 29]
    assert all([r[0] for r in t] == ["Hedef No", "H1.1", "H1.2", "H2.1"] for t in parts)
    header = [u for t in parts for u in t[0][1:]]
    assert header == ["D1-FDB", "D2-ÇDB", "D3-İDB"] + [f"D{k}-XDB" for k in range(4, 86)]
    marks = {(row[0], unit): mark for t in parts for row in t[1:] for unit, mark in zip(t[0][1:], row[1:]) if mark}
    assert marks == {("H1.1", "D1-FDB"): "S", ("H1.1", "D2-ÇDB"): "i", ("H1.2", "D1-FDB"): "S",
                     ("H1.2", "D85-XDB"): "i", ("H2.1", "D2-ÇDB"): "S", ("H2.1", "D1-FDB"): "i",
                     ("H2.1", "D3-İDB"): "i", ("H2.1", "D30-XDB"): "S"}
    assert WD_ORIENT.LANDSCAPE in [s.orientation for s in d.sections]
    # every part fits the landscape page at the table's own font; all 85 units in one table would not
    assert not any(table_after(d, c)._tbl.xpath(".//w:sz") for c in captions)
    import generator.context

    monkeypatch.setattr(generator.context, "MATRIX_UNITS_PER_TABLE", 85)
    d = open_doc(render_bytes(program(mutate)))
    assert table_after(d, captions[0])._tbl.xpath(".//w:sz")


def test_laws_matrix_and_general_information(doc):
    t = rows_text(table_after(doc, "Örnek Büyükşehir Belediyesi Faaliyetlerini Düzenleyen Kanun ve Düzenlemeler"))
    assert t == [["Yasal Mevzuat", "1. Alan", "2. Alan"], ["5393 sayılı Belediye Kanunu", "X", "X"],
                 ["2872 sayılı Çevre Kanunu", "", "X"]]
    texts = [p.text for p in doc.paragraphs]
    assert "Stratejik planı hazırlamak." in texts
    assert any(p.text == "D1-FDB" for t in doc.tables for r in t.rows for p in r.cells[0].paragraphs)


def test_info_tables_totals_and_narrative_percentages():
    def mutate(inst, subs):
        # typed totals that disagree with their parts
        inst.info_tables["t2"].rows = [["Otomobil", 1, 2, 30], ["Otobüs", 4, 0, 4], ["Toplam", 50, 20, 99]]

    d = open_doc(render_bytes(program(mutate)))
    t = rows_text(table_after(d, "Tablo 1: Hizmet Araçları"))
    assert t == [["Araç Türü", "Resmi", "Kiralık", "Toplam"], ["Otomobil", "1", "2", "3"],
                 ["Otobüs", "4", "0", "4"], ["Toplam", "5", "2", "7"]]
    texts = [p.text for p in d.paragraphs]
    assert any("personelinin %25,00'i lise, %25,00'i ön lisans ve %50,00'si lisans eğitim seviyesindedir" in x
               for x in texts)
    assert "Personelin %50,00'si kadın ve %50,00'si erkek personelden oluşmaktadır." in texts
    assert any("Kaynak: Destek Hizmetleri" == x for x in texts)


def test_info_rows_group_and_serial_numbers_not_summed():
    table = InfoTable("t1", "Hizmet Binaları", ["Sıra No", "Hizmet Binası", "Sayı"],
                      rows=[["Hizmet Binaları", None, None], [1, "Belediye Hizmet Binası", 20], [2, "İtfaiye", 41],
                            ["Park", None, None], [3, "Katlı Otopark", 5], [None, "Toplam", 1]],
                      kinds=["group", "data", "data", "group", "data", "total"])
    rows = computed_info_rows(table)
    assert rows[-1] == [None, "Toplam", 66]
    d_ctx = build_context(program(lambda inst, subs: inst.info_tables.update(t1=table)))
    t1 = d_ctx["fiziksel_tablolar"][0]
    assert [r.tur for r in t1.satirlar] == ["grup", "veri", "veri", "grup", "veri", "toplam"]
    assert t1.satirlar[0].etiket == "Hizmet Binaları"


def test_turkish_suffixes_after_numbers():
    cases = [("%27,93", "iyelik", "%27,93'ü"), ("%32,27", "iyelik", "%32,27'si"), ("%20,99", "iyelik", "%20,99'u"),
             ("%0,11", "iyelik", "%0,11'i"), ("%22,56", "iyelik", "%22,56'sı"), ("%50,00", "iyelik", "%50,00'si"),
             ("%40,00", "iyelik", "%40,00'ı"), ("%100,00", "iyelik", "%100,00'ü"),
             ("5", "yönelme", "5'e"), ("10", "yönelme", "10'a"), ("6", "yönelme", "6'ya"), ("2", "yönelme", "2'ye"),
             ("10", "bulunma", "10'da"), ("5", "bulunma", "5'te"), ("12", "bulunma", "12'de"),
             ("40", "bulunma", "40'ta"), ("3", "bulunma", "3'te"), ("1.000", "bulunma", "1.000'de")]
    assert [suffix(n, c) for n, c, _ in cases] == [e for _, _, e in cases]


def test_same_input_gives_same_bytes(tmp_path, doc_bytes):
    a = render_docx(program(), tmp_path / "a" / "program.docx")
    b = render_docx(program(), tmp_path / "b" / "program.docx")
    assert a.read_bytes() == b.read_bytes() == doc_bytes
    infos = zipfile.ZipFile(a).infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[0].filename == "[Content_Types].xml"
    assert not list(tmp_path.glob("a/.*"))  # no temporary file left behind


def test_charts_are_embedded_and_deterministic(doc):
    assert len(doc.inline_shapes) == 5  # education, status, areas, units, economic codes
    png = charts.horizontal_bars(["Bir", "İki"], [1_952_400_000, 5_000_000])
    assert png == charts.horizontal_bars(["Bir", "İki"], [1_952_400_000, 5_000_000])
    assert png.startswith(b"\x89PNG") and b"Software" not in png and b"tIME" not in png
    assert charts.money_scale([1_952_400_000]) == (1e9, "milyar TL")
    assert charts.scaled(1_952_400_000, 1e6) == "1.952,4"
    assert charts.top_n([("a", 1), ("b", 5), ("c", 3)], 2, "Diğer ({count})") == [("b", 5), ("c", 3),
                                                                                ("Diğer (1)", 1)]


def test_every_column_fits_its_longest_number_and_header_word(doc):
    """Measured with the font's advance widths: no amount wraps, no header word breaks."""
    from generator import typeset as ts

    styles = ts._Styles.read(doc.styles.element)
    checked = 0
    for tbl in doc.element.body.iter(ts.W_TBL):
        rows = ts._read_rows(tbl)
        grid = ts._grid_widths(tbl)
        assert sum(grid) == int(tbl.find(ts.W_TBLPR).find(ts._q("tblW")).get(ts.W_W))
        for row in rows:
            for c in row.cells:
                if c.rotated:
                    continue
                width = sum(grid[c.col:c.col + c.span]) - 140  # cell margins
                for p in c.tc.iter(ts.W_P):
                    text = "".join(t.text or "" for t in p.iter(ts.W_T)).strip()
                    if not text:
                        continue
                    size, bold = styles.font(p)
                    if ts._NUMBER.fullmatch(text) or row.header:
                        pieces = [text] if ts._NUMBER.fullmatch(text) else text.split()
                        for piece in pieces:
                            assert ts.text_width(piece, size, bold) <= width, (piece, width)
                            checked += 1
    assert checked > 100


def test_a_table_too_wide_for_portrait_gets_a_smaller_font_or_a_landscape_page():
    def mutate(inst, subs):
        a = subs[0].activities[0]
        for i, code in enumerate(("01", "02", "03", "04", "05", "06", "07", "08", "09")):
            a.amounts[code] = 1_000_000_000 + i

    d = open_doc(render_bytes(program(mutate)))
    from docx.oxml.ns import qn

    tbl = table_after(d, "H1.1 Yolları yapmak.", 1)._tbl
    width = int(tbl.find(qn("w:tblPr")).find(qn("w:tblW")).get(qn("w:w")))
    sizes = {int(s.get(qn("w:val"))) for s in tbl.iter(qn("w:sz"))}
    assert width > 9356 or (sizes and max(sizes) < 17)
    orient = [s.orientation for s in d.sections]
    assert WD_ORIENT.LANDSCAPE in orient


def test_every_template_name_is_provided():
    from docxtpl import DocxTemplate

    ctx = build_context(program())
    assert DocxTemplate(str(TEMPLATE_PATH)).get_undeclared_template_variables(context=ctx) == set()
    render_bytes(program(), strict=True)  # attribute names too: StrictUndefined raises on a typo


def test_a_blank_institution_renders():
    from generator.model import Institution

    inst = Institution()
    inst.profile.name, inst.profile.year = "Boş Belediye", 2025
    d = open_doc(render_bytes(Program(institution=inst)))
    assert d.paragraphs[0].text == "BOŞ BELEDİYE"


def test_template_script_is_a_deterministic_bootstrap_whose_output_renders(tmp_path):
    """tools/make_docx_template.py can rebuild a template from scratch; the committed .docx is the source."""
    from tools.make_docx_template import main

    a = main(tmp_path / "a.docx").read_bytes()
    b = main(tmp_path / "b.docx").read_bytes()
    assert a == b
    render_bytes(program(), template=tmp_path / "a.docx", strict=True)


def _word_like_edit(src, dst) -> None:
    """What saving in Word does to a template: a restyled body text, a new fixed paragraph, and
    Jinja tags split over several runs with proofing marks between them."""
    import re

    d = docx.Document(str(src))
    d.styles["Body Text"].font.size = docx.shared.Pt(12.5)
    d.styles["Body Text"].font.name = "Cambria"
    heading = next(p for p in d.paragraphs if p.text == "B. Teşkilat Yapısı")
    heading._p.addnext(docx.oxml.parse_xml(
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:pPr>'
        '<w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t>Koordinatörün Word\'de eklediği paragraf.</w:t></w:r></w:p>'))
    d.save(str(dst))
    with zipfile.ZipFile(dst) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    split = ('{{ kurum_buyuk }}', '{{ kurum_</w:t></w:r><w:proofErr w:type="spellStart"/>'
             '<w:r><w:rPr><w:b/></w:rPr><w:t>buyuk</w:t></w:r><w:proofErr w:type="spellEnd"/><w:r><w:t> }}')
    assert split[0] in xml
    xml = xml.replace(*split)
    xml = re.sub(r"<w:p>", '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">', xml)
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_word_edit_of_the_committed_template_is_what_the_build_uses(tmp_path):
    """The coordinator restyles the template in Word; no script needs to be run for the build to use it."""
    edited = tmp_path / "performans_programi.docx"
    _word_like_edit(TEMPLATE_PATH, edited)
    d = open_doc(render_bytes(program(), template=edited, strict=True))
    assert d.paragraphs[0].text == "ÖRNEK BÜYÜKŞEHİR BELEDİYESİ"
    assert d.styles["Body Text"].font.size == docx.shared.Pt(12.5)
    assert d.styles["Body Text"].font.name == "Cambria"
    texts = [p.text for p in d.paragraphs]
    assert texts[texts.index("B. Teşkilat Yapısı") + 1] == "Koordinatörün Word'de eklediği paragraf."


def test_unknown_unit_keeps_totals_consistent():
    def mutate(inst, subs):
        subs[0].activities.append(Activity("H1.1", "F9", "Dış birim işi", "D9-YOK", "", {"03": 11}))

    ctx = build_context(program(mutate))
    units = [u.ad for u in ctx["birim_kaynak"].birimler]
    assert "D9-YOK" in units  # shown under its code
    assert ctx["birim_kaynak"].toplam.toplam == "686.014"
    assert ctx["toplam_kaynak"].satirlar[-1].toplam == "686.014"


def test_new_target_renders_and_template_is_untouched(tmp_path):
    """A target without data gets empty tables; rendering never modifies the template file."""
    before = TEMPLATE_PATH.read_bytes()

    def mutate(inst, subs):
        inst.targets.append(Target("H2.2", "A2", "Yeni hedef.", {"D3-İDB": "S"}))
        subs[1].unit_costs = UnitCosts("D2-ÇDB", personnel=3, general_admin=4)

    render_docx(program(mutate), tmp_path / "x.docx")
    assert TEMPLATE_PATH.read_bytes() == before
    d = docx.Document(str(tmp_path / "x.docx"))
    assert (5, "H2.2 Yeni hedef.") in headings(d)
    assert rows_text(table_after(d, "H2.2 Yeni hedef."))[-1] == ["Genel Toplam", "0", "0", "0"]


def test_three_indicator_years_when_the_data_has_them():
    """The guide's Performans Hedefi Tablosu: t-2 gerçekleşme, t-1 tahmin, t hedef."""
    def mutate(inst, subs):
        inst.indicator_defs[0].actual_t2 = 30
        inst.indicator_defs[0].estimate_t1 = 35.5

    d = open_doc(render_bytes(program(mutate), strict=True))
    t = rows_text(table_after(d, "H1.1 Yolları yapmak."))
    assert t[2] == ["Performans Göstergeleri", "Ölçü", "2022 Gerçekleşme", "2023 Tahmin", "2024 Hedef"]
    assert t[3] == ["PG1.1.1 Yapılan yol uzunluğu", "km", "30", "35,5", "38"]
    t2 = rows_text(table_after(d, "H1.2 Köprüleri onarmak."))
    assert t2[3] == ["PG1.2.1 Onarılan köprü sayısı", "adet", "", "", "2,5"]  # same columns in every table
    # without past years: one column for the program year, as the published program
    t = rows_text(table_after(open_doc(render_bytes(program())), "H1.1 Yolları yapmak."))
    assert t[2] == ["Performans Göstergeleri", "Ölçü", "2024"] and t[3] == ["PG1.1.1 Yapılan yol uzunluğu", "km",
                                                                          "38"]


def test_context_is_typed_per_section():
    from dataclasses import fields, is_dataclass

    from generator.context import DocumentContext, Hedef, build

    ctx = build(program())
    assert isinstance(ctx, DocumentContext)
    names = ctx.names()
    assert sum(len(fields(getattr(ctx, f.name))) for f in fields(ctx)) + 1 == len(names)  # no name twice
    hedef = names["alanlar"][0].amaclar[0].hedefler[0]
    assert isinstance(hedef, Hedef) and hedef.kod == "H1.1" and hedef.toplam == "500.000"
    assert all(is_dataclass(getattr(ctx, f.name)) and getattr(ctx, f.name).__doc__ for f in fields(ctx))


def test_transfers_to_other_administrations_from_kurum(tmp_path):
    import openpyxl

    from generator.reader import read_institution
    from generator.templates import write_institution
    from tests.factory import small_institution

    inst = small_institution()
    inst.profile.transfers = 14_000
    path = write_institution(inst, tmp_path / "kurum.xlsx")
    back, findings = read_institution(path)
    assert findings == [] and back.profile.transfers == 14_000
    prog, _ = merge(back, [])
    tk = build_context(prog)["toplam_kaynak"].satirlar
    assert [(r.ad, r.butce, r.pay) for r in tk if r.ad.startswith("Diğer İdarelere")] == [
        ("Diğer İdarelere Transfer Edilecek Kaynaklar", "14.000", "%100,00")]
    # a kurum.xlsx written before the field existed reads without it
    wb = openpyxl.load_workbook(path)
    sheet = wb["Kurum"]
    row = next(r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value).startswith("Diğer İdarelere"))
    sheet.delete_rows(row)
    wb.save(path)
    back, findings = read_institution(path)
    assert findings == [] and back.profile.transfers is None


def test_target_card_when_kurum_gives_it(tmp_path):
    """The guide's optional hedef kartı: weight, baseline, direction, frequency, data source per indicator."""
    from generator.reader import read_institution
    from generator.templates import write_institution
    from tests.factory import small_institution

    inst = small_institution()
    pg = inst.indicator_defs[0]
    pg.weight, pg.baseline, pg.direction, pg.frequency, pg.data_source = 60, 12.5, "Artış", "6 ay", "Yol envanteri"
    back, findings = read_institution(write_institution(inst, tmp_path / "kurum.xlsx"))
    assert findings == []
    assert (back.indicator_defs[0].weight, back.indicator_defs[0].direction) == (60, "Artış")

    def mutate(i, subs):
        i.indicator_defs[:] = back.indicator_defs

    d = open_doc(render_bytes(program(mutate), strict=True))
    t = rows_text(table_after(d, "H1.1 Yolları yapmak.", 1))
    assert t[0] == ["HEDEF KARTI"]
    assert t[2] == ["PG1.1.1 Yapılan yol uzunluğu", "%60,00", "12,5", "Artış", "6 ay", "Yol envanteri"]
    # no card data: no card (H1.2 goes straight to its cost table)
    assert rows_text(table_after(d, "H1.2 Köprüleri onarmak.", 1))[0][0].startswith("FAALİYET MALİYETLERİ")
    assert "HEDEF KARTI" not in [p.text for t in open_doc(render_bytes(program())).tables for r in t.rows
                                 for p in r.cells[0].paragraphs]


def test_streamed_body_reads_as_the_whole_document_would(monkeypatch):
    """The body is typeset and written out while it is parsed (document._BodyStream); the bytes are
    those of typesetting the complete document: with tiny blocks (every element written out as
    soon as possible), with sections unknown in advance (nothing processed before the end) and
    when an element cannot be written alone (the rest written at the end)."""
    from generator import document

    def mutate(inst, subs):  # a landscape table, split tables and charts
        a = subs[0].activities[0]
        for i, code in enumerate(("01", "02", "03", "04", "05", "06", "07", "08", "09")):
            a.amounts[code] = 1_000_000_000 + i

    prog = program(mutate)
    from generator import typeset

    later = []
    original_later = typeset.Typesetter.scale_later

    def counting_later(self, el):
        scale = original_later(self, el)
        later.append(scale is not None)
        return scale

    with monkeypatch.context() as m:
        m.setattr(typeset.Typesetter, "scale_later", counting_later)
        streamed = render_bytes(prog, draft=True)
    assert any(later)  # a table's font scaled row by row as it was written
    written = []
    original_write = document._BodyStream._write

    def counting_write(self, el):
        written.append(self.body.index(el) if el in self.body else -1)
        return original_write(self, el)

    with monkeypatch.context() as m:
        m.setattr(document, "_BLOCK", 2000)
        m.setattr(document._BodyStream, "_write", counting_write)
        assert render_bytes(prog, draft=True) == streamed
    assert len(written) > 50 and set(written) == {0}  # written out one by one, from the front
    with monkeypatch.context() as m:
        m.setattr(document, "_static_sections", lambda *a: None)
        assert render_bytes(prog, draft=True) == streamed
    with monkeypatch.context() as m:  # every element with children written child by child
        m.setattr(document, "_BIG", 0)
        assert render_bytes(prog, draft=True) == streamed
    calls = []

    def failing_write(self, el):
        calls.append(el.tag)
        return False if len(calls) > 3 else original_write(self, el)

    with monkeypatch.context() as m:
        m.setattr(document, "_BLOCK", 2000)
        m.setattr(document._BodyStream, "_write", failing_write)
        assert render_bytes(prog, draft=True) == streamed
    doc = open_doc(streamed)
    assert WD_ORIENT.LANDSCAPE in [s.orientation for s in doc.sections] and doc.inline_shapes


def test_section_breaks_of_the_template_are_known_before_rendering():
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    from generator.document import _sections_in_text, _static_sections

    tpl = DocxTemplate(str(TEMPLATE_PATH))
    body = tpl.get_docx().element.body
    src = tpl.patch_xml(tpl.get_xml())
    sections = _static_sections(_sections_in_text(src, Environment().parse(src)), body)
    assert sections is not None and len(sections) == len(list(body.iter(sections[0].tag))) >= 2
    # a section break inside a condition: its place in the rendered body is not known in advance
    first = src.index("<w:sectPr")
    para = src.rindex("<w:p>", 0, first)
    hidden = src[:para] + "{% if x %}" + src[para:src.index("</w:p>", first) + 6] + "{% endif %}" + \
        src[src.index("</w:p>", first) + 6:]
    assert _sections_in_text(hidden, Environment().parse(hidden)) is None
    assert _static_sections(None, body) is None


def test_the_garbage_collector_is_paused_only_while_rendering(monkeypatch):
    import gc

    from generator import document

    seen = []
    original = document._fix_tables

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(document, "_fix_tables", spy)
    assert gc.isenabled()
    render_bytes(program())
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        render_bytes(program())
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()

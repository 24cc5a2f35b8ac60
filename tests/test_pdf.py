"""PDF through LibreOffice: the indexes get their page numbers."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from generator.document import render_docx
from generator.merge import merge
from generator.pdf import convert_to_pdf, find_soffice
from tests.factory import small_institution, small_submissions


def test_missing_libreoffice_gives_a_turkish_warning(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the PATH
    target = tmp_path / "program.pdf"
    assert convert_to_pdf(tmp_path / "program.docx", target) is None
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "PDF oluşturulmadı" in err
    assert not target.exists()


needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) yok")


LONG_TARGET_ACTIVITIES = 45
BIG = 1_952_400_000


def long_program():
    """The small program with a target whose tables and annex rows run over several pages."""
    from generator.model import Activity

    inst = small_institution()
    subs = small_submissions(inst)
    for i in range(2, 2 + LONG_TARGET_ACTIVITIES):
        subs[0].activities.append(Activity(
            "H1.1", f"F{i + 1}", f"Mahalle yollarının {i}. etapta asfalt, kaldırım ve yağmur suyu hatlarıyla "
            f"birlikte yenilenmesi", "D1-FDB", "",
            {"03": BIG + i, "05": 360_000_000, "06": 12_345_678 * i, "07": 1_000 + i}))
    program, _ = merge(inst, subs)
    return program


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    docx = render_docx(long_program(), folder / "program.docx", draft=True)
    rendered = docx.read_bytes()
    pdf = convert_to_pdf(docx, folder / "program.pdf")
    folder.joinpath("rendered.docx").write_bytes(rendered)  # as render_docx wrote it, before the indexes
    return pdf, folder


def pages_text(pdf) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, count + 1)]


@needs_soffice
def test_pdf_is_written(converted):
    pdf, folder = converted
    assert pdf == folder / "program.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left


@needs_soffice
def test_table_of_contents_has_the_right_page_numbers(converted):
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("pdftotext/pdfinfo (poppler-utils) yok")
    pdf, _ = converted
    pages = pages_text(pdf)

    def squash(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    toc_pages = [p for p in pages if "İçindekiler" in p or "Tablo Listesi" in p]
    entries = [(m.group(1).strip(), int(m.group(2))) for p in toc_pages for line in p.splitlines()
               if (m := re.match(r"\s*(.+?)\s*\.{4,}\s*(\d+)\s*$", line))]
    titles = [t for t, _ in entries]
    for expected in ("1- Genel Bilgiler", "2- Performans Bilgileri", "Stratejik Alan 2: Çevre", "3- Ekler",
                     "Tablo 3: Harcama Birimleri Hedef Sorumluluk Matrisi", "Tablo 6: Toplam Kaynak İhtiyacı Tablosu"):
        assert expected in titles, titles
    for title, page in entries:
        assert squash(title) in squash(pages[page - 1]), f"{title!r} is not on page {page}"
    numbers = [p for _, p in entries]
    assert len(set(numbers)) > 5 and max(numbers) <= len(pages)
    assert "TASLAK" in pages[0]


needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdfinfo")),
                                   reason="pdftotext/pdfinfo (poppler-utils) yok")


@needs_soffice
@needs_poppler
def test_no_amount_wraps_in_any_table(converted):
    """Every amount of the cost tables is printed whole on one line (a wrapped one would be split)."""
    from generator.document import money

    pdf, _ = converted
    text = "\n".join(pages_text(pdf))
    tokens = set(re.findall(r"(?<![\w.])[\d.]+(?![\w.])", text))
    program = long_program()
    amounts = {money(v) for a in program.activities for v in a.amounts.values() if v}
    amounts |= {money(a.total) for a in program.activities if a.total}
    assert len(amounts) > 100
    missing = sorted(a for a in amounts if a not in tokens)
    assert not missing, missing[:10]
    # and no amount-like fragment that is not a whole amount ("1.952.400.00" + "2")
    broken = [t for t in tokens if re.fullmatch(r"\d{1,3}(\.\d{3})+\.\d{1,2}", t)]
    assert not broken, broken[:10]


@needs_soffice
@needs_poppler
def test_continued_tables_repeat_their_column_headers(converted):
    """Every page on which a target's activity table or an annex unit continues starts with its header."""
    pdf, _ = converted
    pages = pages_text(pdf)
    activity = re.compile(r"^\s*F(\d+) Mahalle yollarının")
    perf_pages = cost_pages = annex_pages = 0
    for i, page in enumerate(pages):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        first = next((n for n, ln in enumerate(lines) if activity.match(ln)), None)
        annex = next((n for n, ln in enumerate(lines) if re.match(r"^\s*H1\.1 .*F\d+ Mahalle yollarının", ln)),
                     None)
        if annex is not None and (first is None or annex < first):
            # an annex page: the unit header above, and the target named in the first row (never blank)
            annex_pages += 1
            assert "SORUMLU BİRİM" in "\n".join(lines[:annex]) and "FEN İŞLERİ" in "\n".join(lines[:annex])
            continue
        if first is None:
            continue
        above = "\n".join(lines[:first])
        if "SORUMLU BİRİM" in above:
            raise AssertionError(f"page {i + 1}: an annex row without its target:\n{lines[first]}")
        if "Faaliyet" not in above:
            raise AssertionError(f"page {i + 1}: activities without a column header above them:\n{above}")
        if "Ekonomik Kod" in above or "Sorumlu Harcama" in above:
            cost_pages += 1
        else:
            perf_pages += 1
            assert "Bütçe" in above and "Dışı" in above and "Toplam" in above
    assert perf_pages >= 2 and cost_pages >= 2 and annex_pages >= 2, (perf_pages, cost_pages, annex_pages)


@needs_soffice
@needs_poppler
def test_no_table_header_alone_at_the_bottom_of_a_page(converted):
    pdf, _ = converted
    for i, page in enumerate(pages_text(pdf)):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        body = lines[:-1]  # the page number
        if body and body[-1].startswith("SORUMLU BİRİM"):
            raise AssertionError(f"page {i + 1} ends with an annex unit header")
        tail = " ".join(body[-2:])
        assert not tail.endswith(("Hedef Faaliyet", "Bütçe Bütçe Dışı Toplam")), f"page {i + 1}: {tail}"


@needs_soffice
def test_docx_carries_the_filled_indexes_without_an_update_prompt(converted):
    import io
    import zipfile

    import docx

    pdf, folder = converted
    data = (folder / "program.docx").read_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    assert "updateFields" not in z.read("word/settings.xml").decode()
    assert "updateFields" in zipfile.ZipFile(folder / "rendered.docx").read("word/settings.xml").decode()
    d = docx.Document(io.BytesIO(data))
    toc = [p.text for p in d.paragraphs if p.style is not None and p.style.name.startswith("toc ")]
    figures = [p.text for p in d.paragraphs if p.style is not None and p.style.name == "table of figures"]
    assert any(t.startswith("1- Genel Bilgiler\t") for t in toc), toc
    assert any(t.startswith("Tablo 3: Harcama Birimleri Hedef Sorumluluk Matrisi\t") for t in figures), figures
    assert not any("alanlar güncellendiğinde" in p.text for p in d.paragraphs)
    # the page numbers are the ones of the PDF
    if shutil.which("pdftotext"):
        pages = pages_text(pdf)
        for entry in toc + figures:
            title, _, page = entry.rpartition("\t")
            assert page.isdigit(), entry
            assert re.sub(r"\s+", " ", title) in re.sub(r"\s+", " ", pages[int(page) - 1]), entry
    body = z.read("word/document.xml").decode()
    assert 'TOC \\o "1-3"' in body  # still a field: Word can update it


@needs_soffice
def test_tagged_pdf_structure(converted):
    """Structure tags, table headers, alternative text, language, title and bookmarks."""
    import pikepdf

    pdf, _ = converted
    with pikepdf.open(pdf) as doc:
        assert doc.Root.MarkInfo.Marked
        assert str(doc.Root.Lang) == "tr-TR"
        assert "Performans Programı" in str(doc.docinfo["/Title"])
        assert doc.Root.ViewerPreferences.get("/DisplayDocTitle", True)
        with doc.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert any("Genel Bilgiler" in t for t in titles), titles
        root = doc.Root.StructTreeRoot
        role = root.get("/RoleMap", {})
        kinds: dict[str, list] = {}
        stack = [root.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kind = str(role.get(node.S, node.S)) if str(node.S) not in ("/TH", "/TD", "/Table") else str(node.S)
                kinds.setdefault(kind, []).append(node)
                if "/K" in node:
                    stack.append(node.K)
        assert {"/H1", "/H2", "/Table", "/TR", "/TH", "/TD", "/Figure"} <= set(kinds), sorted(kinds)
        assert all("/Scope" in th.get("/A", {}) for th in kinds["/TH"][:20])
        alts = [str(t.get("/Alt", "")) for t in kinds["/Table"]]
        assert all(alts) and any(a.startswith("Tablo 6: Toplam Kaynak İhtiyacı Tablosu") for a in alts)
        assert not any("Sütun genişlikleri" in a for a in alts)
        assert all(str(f.get("/Alt", "")).startswith("Grafik ") for f in kinds["/Figure"])


@pytest.fixture(scope="module")
def variants(converted, tmp_path_factory):
    """The same rendered .docx converted untagged, as PDF/A and once more tagged."""
    _, folder = converted
    out = tmp_path_factory.mktemp("variants")
    src = out / "program.docx"
    src.write_bytes((folder / "rendered.docx").read_bytes())
    untagged = convert_to_pdf(src, out / "untagged.pdf", tagged=False, fill_indexes=False)
    pdfa = convert_to_pdf(src, out / "pdfa.pdf", pdfa=True, fill_indexes=False)
    again = convert_to_pdf(src, out / "again.pdf")
    return untagged, pdfa, again, src


@needs_soffice
def test_tagged_pdf_is_at_most_one_and_a_half_times_the_untagged(converted, variants):
    pdf, _ = converted
    untagged = variants[0]
    assert pdf.stat().st_size <= 1.5 * untagged.stat().st_size, (pdf.stat().st_size, untagged.stat().st_size)


@needs_soffice
def test_pdfa_option(variants):
    import pikepdf

    pdfa = variants[1]
    with pikepdf.open(pdfa) as doc:
        xmp = doc.Root.Metadata.read_bytes().decode()
        assert re.search(r"pdfaid:part[^0-9]{0,3}2", xmp) and re.search(r"pdfaid:conformance[^A-Z]{0,3}B", xmp)
        assert "/OutputIntents" in doc.Root and doc.Root.MarkInfo.Marked
        created = re.search(r"<xmp:CreateDate>([^<]+)<", xmp).group(1)
        assert created.startswith("2023-12-01") and str(doc.docinfo["/CreationDate"]).startswith("D:20231201")


@needs_soffice
def test_same_docx_gives_the_same_pdf_and_docx_bytes(converted, variants):
    pdf, folder = converted
    again, src = variants[2], variants[3]
    assert again.read_bytes() == pdf.read_bytes()
    assert src.read_bytes() == (folder / "program.docx").read_bytes()


@needs_soffice
def test_office_started_early_takes_the_document_and_is_stopped(converted, tmp_path):
    from generator.pdf import Office

    _, folder = converted
    docx = tmp_path / "program.docx"
    docx.write_bytes(folder.joinpath("rendered.docx").read_bytes())
    with Office() as office:  # started before the document exists, as the build does
        pdf = convert_to_pdf(docx, tmp_path / "erken.pdf", office=office)
        assert office.proc is not None
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    assert office.proc.poll() is not None  # the process group is gone


def test_office_closed_unused_leaves_no_process():
    from generator.pdf import Office

    office = Office()
    office.close()  # e.g. --strict stopped the build before the document
    assert office.proc is None or office.proc.poll() is not None

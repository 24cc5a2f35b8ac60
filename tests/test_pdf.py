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


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    inst = small_institution()
    program, _ = merge(inst, small_submissions(inst))
    docx = render_docx(program, folder / "program.docx", draft=True)
    return convert_to_pdf(docx, folder / "program.pdf"), folder


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

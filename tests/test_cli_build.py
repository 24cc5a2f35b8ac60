"""python build.py build: the whole pipeline from the command line."""
from __future__ import annotations

import json

from generator import cli
from generator.document import DocumentError
from tests.factory import clean_institution, clean_submissions, write_year


def _year(tmp_path):
    inst = clean_institution()
    folder = tmp_path / "2024"
    write_year(folder, inst, clean_submissions(inst))
    return folder


def test_clean_build_writes_every_output(tmp_path, capsys):
    folder = _year(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["build", "--workbooks", str(folder), "--out", str(out), "--no-pdf", "--quiet"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["2024_birlesik.xlsx", "2024_dogrulama.json", "2024_dogrulama.xlsx", "2024_geri_bildirim",
                     "2024_performans_programi.docx"]
    # feedback only for units with findings: D1-FDB uses its ceiling within 10 % (no BRM-02 since #15)
    assert sorted(p.name for p in (out / "2024_geri_bildirim").iterdir()) == ["D2-ÇDB.xlsx"]
    report = json.loads((out / "2024_dogrulama.json").read_text(encoding="utf-8"))
    assert report["ozet"]["hata"] == 0
    printed = capsys.readouterr().out
    assert "Tamamlandı: 0 hata" in printed and "TASLAK" not in printed


def test_missing_kurum_is_a_turkish_error_not_a_traceback(tmp_path, capsys):
    assert cli.main(["build", "--workbooks", str(tmp_path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "kurum.xlsx bulunamadı" in capsys.readouterr().out


def test_broken_template_is_reported_in_turkish(tmp_path, capsys, monkeypatch):
    folder = _year(tmp_path)

    def broken(*args, **kwargs):
        raise DocumentError("Şablonda kapatılmamış etiket: {% for")

    monkeypatch.setattr("generator.document.render_docx", broken)
    code = cli.main(["build", "--workbooks", str(folder), "--out", str(tmp_path / "o"), "--no-pdf", "--quiet"])
    assert code == 2
    assert "Belge şablonu işlenemedi" in capsys.readouterr().out


def test_rules_lists_the_catalogue(capsys):
    assert cli.main(["rules"]) == 0
    printed = capsys.readouterr().out
    for code in ("OKU-01", "TOP-02", "MTR-01", "ANL-01", "BRL-01"):
        assert code in printed


def test_build_options_work_without_the_subcommand(tmp_path):
    folder = _year(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["--workbooks", str(folder), "--out", str(out), "--no-pdf", "--quiet", "--strict"]) == 0
    assert (out / "2024_performans_programi.docx").exists()


def test_build_never_modifies_its_inputs(tmp_path):
    folder = _year(tmp_path)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*.xlsx")}
    assert cli.main(["build", "--workbooks", str(folder), "--out", str(tmp_path / "out"), "--no-pdf",
                     "--quiet"]) == 0
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*.xlsx")}
    assert after == before and len(before) == 4

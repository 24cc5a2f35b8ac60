"""The command line speaks Turkish, suggests commands, refuses bad years and never overwrites kurum.xlsx."""
from __future__ import annotations

import pytest

from generator.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    captured = capsys.readouterr()
    return exc.value.code, captured.out + captured.err


def test_misspelt_command_suggests_the_right_one(capsys):
    code, text = run(capsys, "chek", "x.xlsx")
    assert code == 2
    assert "bunu mu demek istediniz: check?" in text and "kullanım:" in text
    assert "usage" not in text and "invalid choice" not in text


def test_unrecognized_arguments_in_turkish(capsys):
    code, text = run(capsys, "rules", "--fazla")
    assert code == 2
    assert "tanınmayan bağımsız değişkenler: --fazla" in text
    assert "unrecognized" not in text and "error" not in text


def test_missing_argument_in_turkish(capsys):
    code, text = run(capsys, "check")
    assert code == 2 and "şu bağımsız değişkenler gerekli: DOSYA" in text


def test_help_is_turkish(capsys):
    code, text = run(capsys, "check", "--help")
    assert code == 0
    assert "kullanım: build.py check" in text and "seçenekler:" in text
    assert "bu yardım metnini göster ve çık" in text
    assert "show this help" not in text and "usage" not in text


@pytest.mark.parametrize("value", ["25", "20250", "iki bin", "1999"])
def test_short_or_odd_year_is_refused(capsys, tmp_path, value):
    code, text = run(capsys, "templates", "--blank-kurum", "--year", value, "--out", str(tmp_path))
    assert code == 2 and "geçersiz yıl" in text
    assert not (tmp_path / "kurum.xlsx").exists()


def test_blank_kurum_names_what_it_wrote_and_never_overwrites(capsys, tmp_path):
    assert main(["templates", "--blank-kurum", "--year", "2025", "--out", str(tmp_path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    path = tmp_path / "kurum.xlsx"
    assert f"Boş kurum.xlsx yazıldı: {path}" in out.replace(" ", " ")
    before = path.read_bytes()
    assert main(["templates", "--blank-kurum", "--year", "2026", "--out", str(tmp_path)]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "zaten var; üzerine yazılmadı" in out
    assert path.read_bytes() == before

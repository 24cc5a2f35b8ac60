"""argparse in Turkish: usage, help headings and error messages, "did you mean" for commands.

argparse looks its texts up through :func:`gettext.gettext` at the moment it
uses them (module global ``argparse._``); :func:`turkish` swaps in a lookup of
the table below while the command line is parsed, so no English reaches the user.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import sys
from typing import Iterator, NoReturn, Optional

MESSAGES = {
    "usage: ": "kullanım: ",
    "positional arguments": "konumsal bağımsız değişkenler",
    "options": "seçenekler",
    "optional arguments": "seçenekler",
    "show this help message and exit": "bu yardım metnini göster ve çık",
    "%(prog)s: error: %(message)s\n": "%(prog)s: hata: %(message)s\n",
    "unrecognized arguments: %s": "tanınmayan bağımsız değişkenler: %s",
    "the following arguments are required: %s": "şu bağımsız değişkenler gerekli: %s",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "bir değer bekleniyor",
    "expected at least one argument": "en az bir değer bekleniyor",
    "expected at most one argument": "en çok bir değer bekleniyor",
    "ignored explicit argument %r": "bu seçenek değer almaz: %r",
    "invalid %(type)s value: %(value)r": "geçersiz değer: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "geçersiz seçim: %(value)r (seçenekler: %(choices)s)",
    "ambiguous option: %(option)s could match %(matches)s":
        "belirsiz seçenek: %(option)s şunlardan biri olabilir: %(matches)s",
    "not allowed with argument %s": "%s ile birlikte kullanılamaz",
    "one of the arguments %s is required": "şu bağımsız değişkenlerden biri gerekli: %s",
    "can't open '%(filename)s': %(error)s": "'%(filename)s' açılamadı: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "bilinmeyen komut %(parser_name)r (komutlar: %(choices)s)",
}


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


@contextlib.contextmanager
def turkish() -> Iterator[None]:
    """argparse speaks Turkish inside this block."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class TurkishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts are Turkish (help: "-h, --help" described in Turkish)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "konumsal bağımsız değişkenler"
        self._optionals.title = "seçenekler"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="bu yardım metnini göster ve çık")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        with turkish():
            return super().parse_args(args, namespace)

    def format_help(self) -> str:
        with turkish():
            return super().format_help()

    def format_usage(self) -> str:
        with turkish():
            return super().format_usage()

    def error(self, message: str) -> NoReturn:
        with turkish():
            self.print_usage(sys.stderr)
            self.exit(2, translate("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})


def suggest(word: str, choices: list[str]) -> Optional[str]:
    """The command ``word`` was probably meant to be ("chek" → "check")."""
    hits = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None


def year(text: str) -> int:
    """A four-digit program year (``--year 25`` is refused)."""
    if not text.isdigit() or len(text) != 4 or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"geçersiz yıl: {text!r}; dört haneli bir yıl yazın (örneğin 2025)")
    return int(text)

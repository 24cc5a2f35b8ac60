"""``rules``: the findings catalogue (code, severity, message template, description)."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

NAME = "rules"
HELP = "Doğrulama kurallarının kataloğunu listele."


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, console: Console) -> int:
    from rich.table import Table

    from ..catalogue import catalogue

    rules = catalogue()
    table = Table(title="Doğrulama kuralları", show_lines=True)
    for name in ("Kod", "Önem", "Mesaj", "Açıklama"):
        table.add_column(name)
    for code in sorted(rules):
        r = rules[code]
        table.add_row(r.code, r.severity, r.message, r.description)
    console.print(table)
    return 0

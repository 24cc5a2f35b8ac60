"""``check``: a department checks its own workbook before sending it."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import ROOT, print_findings_plain

if TYPE_CHECKING:
    from rich.console import Console

NAME = "check"
HELP = "Tek bir birim çalışma kitabını kontrol et."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="DOSYA", help="Birim çalışma kitabı (.xlsx).")
    p.add_argument("--kurum", type=Path, metavar="KURUM.XLSX",
                   help="kurum.xlsx (varsayılan: workbooks/ altındaki en yeni yıl).")
    p.add_argument("--strict", action="store_true", help="Uyarılarda da 1 ile çık.")


def run(args: argparse.Namespace, console: Console) -> int:
    from ..pipeline import KURUM_FILE, check, default_workbooks
    from ..safety import unreadable

    kurum = args.kurum
    if kurum is None:
        folder = default_workbooks(ROOT / "workbooks")
        kurum = folder / KURUM_FILE if folder and (folder / KURUM_FILE).exists() else None
    findings = check(args.file, kurum)
    print_findings_plain(findings, limit=200)  # no rich on this path: a department's check starts fast
    if unreadable([f for f in findings if f.file == args.file.name]):
        print(f"{args.file.name} okunamadı; dosyayı düzeltip yeniden deneyin.")
        return 2
    failed = any(f.is_error for f in findings) or (args.strict and findings)
    return 1 if failed else 0

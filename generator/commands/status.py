"""``status``: who sent what — the submission status of every department of the year; writes nothing."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import ROOT, print_findings, print_statuses, print_unused_files

if TYPE_CHECKING:
    from rich.console import Console

NAME = "status"
HELP = "Birimlerin teslim durumunu göster (hiçbir dosya yazmaz)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbooks", type=Path, metavar="KLASÖR", help="Yıl klasörü (kurum.xlsx ve birimler/). "
                   "Varsayılan: workbooks/ altındaki en yeni yıl.")


def run(args: argparse.Namespace, console: Console) -> int:
    from ..pipeline import KURUM_FILE, BuildConfig, default_workbooks, status

    workbooks = args.workbooks or default_workbooks(ROOT / "workbooks")
    if workbooks is None or not (workbooks / KURUM_FILE).exists():
        console.print(f"[red]Hata:[/] {KURUM_FILE} bulunamadı ({workbooks or ROOT / 'workbooks'}).")
        return 2
    got = status(BuildConfig(workbooks=workbooks))
    if got.program is None:
        print_findings(got.findings, console=console)
        console.print("[red]kurum.xlsx okunamadığı için teslim durumu çıkarılamadı.[/]")
        return 2
    print_statuses(got.statuses, console, everything=True)
    print_unused_files(got.findings, console)
    return 0

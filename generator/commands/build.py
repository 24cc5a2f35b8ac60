"""``build`` (the default): the whole pipeline on one year's workbooks."""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import ROOT, print_done, print_findings, print_statuses, print_unused_files

if TYPE_CHECKING:
    from rich.console import Console

NAME = "build"
HELP = "Programı oluştur (varsayılan komut)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workbooks", type=Path, metavar="KLASÖR", help="Yıl klasörü (kurum.xlsx ve birimler/). "
                   "Varsayılan: workbooks/ altındaki en yeni yıl.")
    p.add_argument("--out", type=Path, default=ROOT / "out", metavar="KLASÖR",
                   help="Çıktı klasörü (varsayılan: out/).")
    p.add_argument("--strict", action="store_true", help="Hata bulunursa belge üretme, 1 ile çık.")
    p.add_argument("--no-pdf", action="store_true", help="PDF dönüştürmesini atla.")
    p.add_argument("--pdfa", action="store_true",
                   help="PDF'i arşivleme için PDF/A-2b olarak üret (etiketli, erişilebilir).")
    p.add_argument("--quiet", action="store_true", help="İlerleme çubuğu gösterme.")


def run(args: argparse.Namespace, console: Console) -> int:
    from ..document import DocumentError
    from ..pipeline import KURUM_FILE, BuildConfig, build, default_workbooks

    workbooks = args.workbooks or default_workbooks(ROOT / "workbooks")
    if workbooks is None or not (workbooks / KURUM_FILE).exists():
        console.print(f"[red]Hata:[/] {KURUM_FILE} bulunamadı ({workbooks or ROOT / 'workbooks'}).")
        return 2
    cfg = BuildConfig(workbooks=workbooks, out=args.out or ROOT / "out", strict=args.strict, pdf=not args.no_pdf,
                      pdfa=args.pdfa)
    reporter = None
    if not args.quiet:
        from ..progress import RichReporter

        reporter = RichReporter()
    started = time.perf_counter()
    try:
        result = build(cfg, reporter)
    except DocumentError as exc:
        console.print(f"[red]Belge şablonu işlenemedi:[/] {exc}", highlight=False)
        return 2
    except OSError as exc:
        from ..safety import os_error_text

        console.print(f"[red]Çıktı yazılamadı:[/] {exc.filename or ''} ({os_error_text(exc)})", highlight=False)
        return 2
    finally:
        if reporter is not None:
            reporter.close()
    elapsed = time.perf_counter() - started
    print_findings(result.findings, limit=10, console=console)
    if result.statuses:  # missing, blank and failing departments are always named
        print_statuses(result.statuses, console, everything=False)
        print_unused_files(result.findings, console)
    if result.outputs:
        console.print("Çıktılar:")
        width = max(len(name) for name in result.outputs)
        for name, path in result.outputs.items():
            console.print(f"  {name:{width}} {path}", highlight=False)
    if result.program is None:
        console.print("[red]kurum.xlsx okunamadığı için program oluşturulamadı.[/]")
        return 2
    if result.failed:
        console.print("[red]--strict: hatalar giderilmeden belge üretilmedi.[/]")
        return 1
    if result.errors:
        console.print("[yellow]Hatalar olduğu için belge TASLAK olarak işaretlendi.[/]")
    for name in result.missing:
        console.print(f"[red]Eksik çıktı:[/] {name} oluşturulamadı (ayrıntı yukarıdaki uyarıda).", highlight=False)
    print_done(result.findings, len(result.outputs), elapsed, console, result.timings, result.background)
    if result.missing and cfg.strict:
        console.print("[red]--strict: istenen çıktılardan biri oluşturulamadı.[/]")
        return 1
    return 0

"""``templates``: department workbooks pre-filled from kurum.xlsx, or a blank kurum.xlsx."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..argparse_tr import year
from ._common import ROOT, print_findings, print_refused

if TYPE_CHECKING:
    from rich.console import Console

NAME = "templates"
HELP = "Birim şablonlarını kurum.xlsx'ten üret."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kurum", type=Path, metavar="KURUM.XLSX", help="kurum.xlsx yolu.")
    p.add_argument("--out", type=Path, metavar="KLASÖR",
                   help="Şablonların yazılacağı klasör (varsayılan: out/<yıl>_sablonlar).")
    p.add_argument("--blank-kurum", action="store_true", help="Boş bir kurum.xlsx yaz.")
    p.add_argument("--year", type=year, metavar="YIL",
                   help="Boş kurum.xlsx için program yılı (dört haneli, ör. 2025; yalnızca --blank-kurum ile). "
                        "Geçen yıldan yeni yıl açmak için: new-year.")
    p.add_argument("--force", action="store_true",
                   help="Var olan çalışma kitaplarının üzerine yaz (önce yedek/ klasörüne tarihli kopya alınır).")


def run(args: argparse.Namespace, console: Console) -> int:
    from ..overwrite import OverwriteRefused
    from ..pipeline import KURUM_FILE, default_workbooks, write_templates

    if args.year and not args.blank_kurum:
        console.print("[red]Hata:[/] --year yalnızca --blank-kurum ile kullanılır. Geçen yıldan yeni yılı "
                      f"açmak için: python build.py new-year {args.year}", highlight=False)
        return 2
    try:
        if args.blank_kurum:
            out = args.out or ROOT / "out"
            paths, findings = write_templates(Path(), out, blank_kurum=True, year=args.year, force=args.force)
            console.print(f"Boş kurum.xlsx yazıldı: {paths[0]}", highlight=False)
            return 0
        kurum = args.kurum
        if kurum is None:
            folder = default_workbooks(ROOT / "workbooks")
            kurum = folder / KURUM_FILE if folder else Path(KURUM_FILE)
        out = args.out or ROOT / "out" / f"{kurum.parent.name}_sablonlar"
        paths, findings = write_templates(kurum, out, force=args.force)
    except OverwriteRefused as exc:
        print_refused(exc.paths, console)
        return 2
    if findings:
        print_findings(findings, console=console)
    if not paths:
        if not any(f.is_error and f.code == "OKU-01" for f in findings):
            console.print("[red]Hata:[/] kurum.xlsx içinde birim (Birimler sayfası) bulunamadı.")
        return 2
    console.print(f"{len(paths)} çalışma kitabı yazıldı: {out}")
    return 0

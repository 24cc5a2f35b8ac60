"""``new-year``: open a program year from the previous one and say what is left to do."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..argparse_tr import year
from ._common import ROOT, print_refused

if TYPE_CHECKING:
    from rich.console import Console

NAME = "new-year"
HELP = "Geçen yıldan yeni program yılını aç."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Geçen yılın kurum.xlsx dosyasından ve birim çalışma kitaplarından yeni yılın klasörünü "
                     "yazar: planı taşır, yalnızca o yıla ait verileri temizler, geçen yılın hedeflerini önceki "
                     "yıl sütununa aktarır ve birim şablonlarını hazırlar.")
    p.add_argument("year", type=year, metavar="YIL", help="Yeni program yılı, örneğin 2025.")
    p.add_argument("--from", dest="source", type=Path, metavar="KLASÖR",
                   help="Geçen yılın klasörü (varsayılan: workbooks/ altında bu yıldan önceki en yeni yıl). "
                        "Yeni yıl bu klasörün yanına yazılır.")
    p.add_argument("--force", action="store_true",
                   help="Var olan çalışma kitaplarının üzerine yaz (önce yedek/ klasörüne tarihli kopya alınır).")
    p.add_argument("--templates-only", action="store_true",
                   help="Yeni yılın kurum.xlsx dosyasını koru, yalnızca birim şablonlarını ondan yeniden yaz "
                        "(tavanlar ya da plan değiştikten sonra).")


def run(args: argparse.Namespace, console: Console) -> int:
    from rich.markup import escape
    from rich.table import Table

    from ..newyear import NewYearError, open_new_year, shown
    from ..overwrite import OverwriteRefused
    from ..turkish import number

    source = args.source
    root = source.resolve().parent if source else ROOT / "workbooks"
    try:
        result = open_new_year(args.year, root, source=source, force=args.force,
                               templates_only=args.templates_only)
    except OverwriteRefused as exc:
        print_refused(exc.paths, console)
        return 2
    except NewYearError as exc:
        console.print(f"[red]Hata:[/] {escape(str(exc))}", highlight=False)
        return 2
    except OSError as exc:
        console.print(f"[red]Yazılamadı:[/] {exc.filename or ''} ({exc.strerror or exc})", highlight=False)
        return 2
    table = Table(title=f"{result.year} program yılı açıldı ({result.source.name} yılından)", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    if not args.templates_only:
        table.add_row("kurum.xlsx", str(shown(result.kurum)))
    table.add_row("Birim şablonları", f"{len(result.templates)} dosya, {shown(result.templates[0].parent)}"
                  if result.templates else "yok")
    table.add_row("Taşınan plan", f"{number(result.targets)} hedef, {number(result.indicators)} gösterge")
    table.add_row(f"{result.year - 1} Tahmin sütunu",
                  f"{number(result.estimates)} göstergeye {result.year - 1} hedefi aktarıldı")
    table.add_row("Geçen yılın faaliyetleri", f"{number(result.activities)} faaliyet şablonlara aktarıldı "
                  "(tutarlar boş)")
    if not args.templates_only:
        table.add_row("Temizlenenler", "\n".join(result.cleared))
    if result.backups:
        table.add_row("Yedekler", f"{len(result.backups)} dosya, {shown(result.backups[0].parent)}")
    console.print(table)
    console.print("[bold]Yapılacaklar:[/]")
    for i, item in enumerate(result.todo, start=1):
        urgent = i == 1 and not result.plan_covers_year
        console.print(f"  {i}. " + (f"[bold red]{escape(item)}[/]" if urgent else escape(item)), highlight=False)
    return 0

"""Command line: python build.py [build|templates|check] ..."""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional

from .document import DocumentError
from .argparse_tr import TurkishArgumentParser, suggest, year
from .findings import Finding
from .safety import unreadable
from .pipeline import (
    KURUM_FILE,
    BuildConfig,
    build,
    check,
    default_workbooks,
    write_templates,
)

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    p = TurkishArgumentParser(
        prog="build.py",
        description="Performans Programı üreticisi: birim çalışma kitaplarını okur, doğrular, "
                    "Word/PDF program belgesini ve raporları üretir.",
    )
    sub = p.add_subparsers(dest="command", title="komutlar", metavar="KOMUT")

    b = sub.add_parser("build", help="Programı oluştur (varsayılan komut).")
    b.add_argument("--workbooks", type=Path, metavar="KLASÖR", help="Yıl klasörü (kurum.xlsx ve birimler/). "
                   "Varsayılan: workbooks/ altındaki en yeni yıl.")
    b.add_argument("--out", type=Path, default=ROOT / "out", metavar="KLASÖR", help="Çıktı klasörü (varsayılan: out/).")
    b.add_argument("--strict", action="store_true", help="Hata bulunursa belge üretme, 1 ile çık.")
    b.add_argument("--no-pdf", action="store_true", help="PDF dönüştürmesini atla.")
    b.add_argument("--quiet", action="store_true", help="İlerleme çubuğu gösterme.")

    t = sub.add_parser("templates", help="Birim şablonlarını kurum.xlsx'ten üret.")
    t.add_argument("--kurum", type=Path, metavar="KURUM.XLSX", help="kurum.xlsx yolu.")
    t.add_argument("--out", type=Path, metavar="KLASÖR", help="Şablonların yazılacağı klasör (varsayılan: out/<yıl>_sablonlar).")
    t.add_argument("--blank-kurum", action="store_true", help="Boş bir kurum.xlsx yaz.")
    t.add_argument("--year", type=year, metavar="YIL", help="Boş kurum.xlsx için program yılı (dört haneli, ör. 2025).")

    c = sub.add_parser("check", help="Tek bir birim çalışma kitabını kontrol et.")
    c.add_argument("file", type=Path, metavar="DOSYA", help="Birim çalışma kitabı (.xlsx).")
    c.add_argument("--kurum", type=Path, metavar="KURUM.XLSX", help="kurum.xlsx (varsayılan: workbooks/ altındaki en yeni yıl).")
    c.add_argument("--strict", action="store_true", help="Uyarılarda da 1 ile çık.")
    sub.add_parser("rules", help="Doğrulama kurallarının kataloğunu listele.")
    return p


def _print_rules(console) -> None:
    from rich.table import Table

    from .findings import catalogue

    rules = catalogue()
    table = Table(title="Doğrulama kuralları", show_lines=True)
    for name in ("Kod", "Önem", "Mesaj", "Açıklama"):
        table.add_column(name)
    for code in sorted(rules):
        r = rules[code]
        table.add_row(r.code, r.severity, r.message, r.description)
    console.print(table)


def _print_findings(findings: list[Finding], limit: int = 25, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    console.print(f"Doğrulama: [bold red]{errors} hata[/], [bold yellow]{warnings} uyarı[/].")
    if not findings:
        return
    by_code = Counter((f.code, f.severity) for f in findings)
    table = Table(title="Kurallara göre bulgular", show_lines=False)
    table.add_column("Kural")
    table.add_column("Önem")
    table.add_column("Sayı", justify="right")
    for (code, sev), n in sorted(by_code.items()):
        table.add_row(code, sev, str(n))
    console.print(table)
    for f in findings[:limit]:
        where = f.where()
        console.print(f"[{'red' if f.is_error else 'yellow'}]{f.code}[/] {where}: {f.message}", markup=True,
                      highlight=False)
    if len(findings) > limit:
        console.print(f"… ve {len(findings) - limit} bulgu daha (tamamı dogrulama.json / dogrulama.xlsx).")


def _print_done(findings: list[Finding], outputs: int, elapsed: float, console) -> None:
    """One closing line: counts, outputs, elapsed time."""
    from .turkish import number

    errors = sum(f.is_error for f in findings)
    console.print(f"Tamamlandı: {errors} hata, {len(findings) - errors} uyarı, {outputs} çıktı, "
                  f"{number(elapsed, 1)} sn.", highlight=False)


def main(argv: Optional[list[str]] = None) -> int:
    from rich.console import Console

    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ["build", "templates", "check", "rules"]
    if argv and not argv[0].startswith("-") and argv[0] not in commands:
        parser = _parser()
        hint = suggest(argv[0], commands)
        parser.error(f"bilinmeyen komut: {argv[0]!r}" + (f"; bunu mu demek istediniz: {hint}?" if hint else
                                                          f" (komutlar: {', '.join(commands)})"))
    if not argv or argv[0] not in (*commands, "-h", "--help"):
        argv = ["build", *argv]  # "python build.py --strict" means "build --strict"
    args = _parser().parse_args(argv)
    console = Console()
    command = args.command or "build"
    if command == "build":
        workbooks = getattr(args, "workbooks", None) or default_workbooks(ROOT / "workbooks")
        if workbooks is None or not (workbooks / KURUM_FILE).exists():
            console.print(f"[red]Hata:[/] {KURUM_FILE} bulunamadı ({workbooks or ROOT / 'workbooks'}).")
            return 2
        cfg = BuildConfig(workbooks=workbooks, out=getattr(args, "out", None) or ROOT / "out",
                          strict=getattr(args, "strict", False), pdf=not getattr(args, "no_pdf", False))
        reporter = None
        if not getattr(args, "quiet", False):
            from .progress import RichReporter

            reporter = RichReporter()
        started = time.perf_counter()
        try:
            result = build(cfg, reporter)
        except DocumentError as exc:
            console.print(f"[red]Belge şablonu işlenemedi:[/] {exc}", highlight=False)
            return 2
        except OSError as exc:
            console.print(f"[red]Çıktı yazılamadı:[/] {exc.filename or ''} ({exc.strerror or exc})", highlight=False)
            return 2
        finally:
            if reporter is not None:
                reporter.close()
        elapsed = time.perf_counter() - started
        _print_findings(result.findings, limit=10, console=console)
        if result.outputs:
            console.print("Çıktılar:")
            for name, path in result.outputs.items():
                console.print(f"  {name:10} {path}")
        if result.program is None:
            console.print("[red]kurum.xlsx okunamadığı için program oluşturulamadı.[/]")
            return 2
        if result.failed:
            console.print("[red]--strict: hatalar giderilmeden belge üretilmedi.[/]")
            return 1
        if result.errors:
            console.print("[yellow]Hatalar olduğu için belge TASLAK olarak işaretlendi.[/]")
        _print_done(result.findings, len(result.outputs), elapsed, console)
        return 0
    if command == "templates":
        if args.blank_kurum:
            out = args.out or ROOT / "out"
            if (out / KURUM_FILE).exists():
                console.print(f"[red]Hata:[/] {out / KURUM_FILE} zaten var; üzerine yazılmadı. Başka bir "
                              f"--out klasörü verin ya da dosyayı kendiniz taşıyın.", highlight=False)
                return 2
            paths, findings = write_templates(Path(), out, blank_kurum=True, year=args.year)
            console.print(f"Boş kurum.xlsx yazıldı: {paths[0]}", highlight=False)
            return 0
        else:
            kurum = args.kurum
            if kurum is None:
                folder = default_workbooks(ROOT / "workbooks")
                kurum = folder / KURUM_FILE if folder else Path(KURUM_FILE)
            out = args.out or ROOT / "out" / f"{kurum.parent.name}_sablonlar"
            paths, findings = write_templates(kurum, out)
        if findings:
            _print_findings(findings, console=console)
        if not paths:
            if not any(f.is_error and f.code == "OKU-01" for f in findings):
                console.print("[red]Hata:[/] kurum.xlsx içinde birim (Birimler sayfası) bulunamadı.")
            return 2
        console.print(f"{len(paths)} çalışma kitabı yazıldı: {out}")
        return 0
    if command == "rules":
        _print_rules(console)
        return 0
    if command == "check":
        kurum = args.kurum
        if kurum is None:
            folder = default_workbooks(ROOT / "workbooks")
            kurum = folder / KURUM_FILE if folder and (folder / KURUM_FILE).exists() else None
        findings = check(args.file, kurum)
        _print_findings(findings, limit=200, console=console)
        if unreadable([f for f in findings if f.file == args.file.name]):
            console.print(f"[red]{args.file.name} okunamadı;[/] dosyayı düzeltip yeniden deneyin.", highlight=False)
            return 2
        failed = any(f.is_error for f in findings) or (args.strict and findings)
        return 1 if failed else 0
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""What several subcommands share: the repository root and printing findings."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from rich.console import Console

    from ..findings import Finding

ROOT = Path(__file__).resolve().parent.parent.parent


def print_findings(findings: list[Finding], limit: int = 25, console: Optional[Console] = None) -> None:
    """Counts, a table per rule and the first ``limit`` findings."""
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


def print_done(findings: list[Finding], outputs: int, elapsed: float, console: Console) -> None:
    """One closing line: counts, outputs, elapsed time."""
    from ..turkish import number

    errors = sum(f.is_error for f in findings)
    console.print(f"Tamamlandı: {errors} hata, {len(findings) - errors} uyarı, {outputs} çıktı, "
                  f"{number(elapsed, 1)} sn.", highlight=False)

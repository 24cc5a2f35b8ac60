"""What several subcommands share: the repository root and printing findings."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Optional, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from ..findings import Finding
    from ..submissions import DepartmentStatus

ROOT = Path(__file__).resolve().parent.parent.parent


def print_findings(findings: list[Finding], limit: int = 25, console: Optional[Console] = None) -> None:
    """Counts, a table per rule and the first ``limit`` findings."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    errors = sum(f.is_error and f.is_open for f in findings)
    accepted = sum(not f.is_open for f in findings)
    warnings = len(findings) - errors - accepted
    console.print(f"Doğrulama: [bold red]{errors} hata[/], [bold yellow]{warnings} uyarı[/]"
                  + (f", [bold green]{accepted} kabul edilen bulgu[/]" if accepted else "") + ".")
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
    # a consequence (details["neden"]) is printed under its cause, indented
    causes = {f"{f.code} {f.where()}" for f in findings}
    under: dict[str, list[Finding]] = {}
    for f in findings:
        if f.details.get("neden") in causes:
            under.setdefault(f.details["neden"], []).append(f)
    shown = [f for f in findings if f.details.get("neden") not in causes][:limit]

    def line(f: Finding, indent: str = "") -> None:
        color = "green" if not f.is_open else "red" if f.is_error else "yellow"
        note = f" [green](kabul edildi: {f.accepted.get('gerekce', '')})[/]" if f.accepted else ""
        console.print(f"{indent}[{color}]{f.code}[/] {f.where()}: {f.message}{note}", markup=True, highlight=False)

    for f in shown:
        line(f)
        for g in under.get(f"{f.code} {f.where()}", []):
            line(g, "    ↳ sonuç: ")
    limit = len(shown) + sum(len(under.get(f"{f.code} {f.where()}", [])) for f in shown)
    if len(findings) > limit:
        console.print(f"… ve {len(findings) - limit} bulgu daha (tamamı dogrulama.json / dogrulama.xlsx).")


def print_findings_plain(findings: list[Finding], limit: int = 200, out: Optional[TextIO] = None) -> None:
    """The report of :func:`print_findings` without rich (``check`` starts faster without it)."""
    import os
    import sys

    stream = out or sys.stdout
    color = stream.isatty() and not os.environ.get("NO_COLOR")

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if color else text

    errors = sum(f.is_error and f.is_open for f in findings)
    accepted = sum(not f.is_open for f in findings)
    warnings = len(findings) - errors - accepted
    print(f"Doğrulama: {paint(f'{errors} hata', '1;31')}, {paint(f'{warnings} uyarı', '1;33')}"
          + (f", {paint(f'{accepted} kabul edilen bulgu', '1;32')}" if accepted else "") + ".", file=stream)
    if not findings:
        return
    by_code = Counter((f.code, f.severity) for f in findings)
    rows = [("Kural", "Önem", "Sayı")] + [(code, sev, str(n)) for (code, sev), n in sorted(by_code.items())]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print("Kurallara göre bulgular", file=stream)
    for i, (code, sev, n) in enumerate(rows):
        print(f"  {code:<{widths[0]}}  {sev:<{widths[1]}}  {n:>{widths[2]}}", file=stream)
        if i == 0:
            print("  " + "  ".join("─" * w for w in widths), file=stream)
    for f in findings[:limit]:
        code = "32" if not f.is_open else "31" if f.is_error else "33"
        note = paint(f" (kabul edildi: {f.accepted.get('gerekce', '')})", "32") if f.accepted else ""
        print(f"{paint(f.code, code)} {f.where()}: {f.message}{note}", file=stream)
    if len(findings) > limit:
        print(f"… ve {len(findings) - limit} bulgu daha (tamamı dogrulama.json / dogrulama.xlsx).", file=stream)


def print_done(findings: list[Finding], outputs: int, elapsed: float, console: Console,
               timings: Optional[dict[str, float]] = None, background: Collection[str] = ()) -> None:
    """Closing lines: the time of each stage (those in ``background`` ran in a worker process beside
    the others), then counts, outputs, elapsed time."""
    from ..turkish import number

    if timings:
        console.print("Süreler: " + " · ".join(
            f"{stage} {number(t, 1)} sn" + (" (arka planda)" if stage in background else "")
            for stage, t in timings.items()), highlight=False)
    errors = sum(f.is_error and f.is_open for f in findings)
    warnings = sum(not f.is_error and f.is_open for f in findings)
    console.print(f"Tamamlandı: {errors} hata, {warnings} uyarı, {outputs} çıktı, "
                  f"{number(elapsed, 1)} sn.", highlight=False)


def print_statuses(statuses: list[DepartmentStatus], console: Console, everything: bool = True) -> None:
    """The submission status: a table of every department (``everything``),
    then the counts per state, and the departments that are missing, blank or
    failing are always named one by one (never cut short)."""
    from rich.table import Table

    from ..submissions import ACCEPTED, BLANK, FAILING, MISSING, OK, WARNED, saved_text
    from ..turkish import money, number

    color = {MISSING: "red", BLANK: "red", FAILING: "red", WARNED: "yellow", OK: "green", ACCEPTED: "green"}
    if everything:
        table = Table(title="Birimlerin teslim durumu", show_lines=True)
        table.add_column("Birim", min_width=14)
        table.add_column("Durum", no_wrap=True)
        table.add_column("Dosya, kaydedilme, şablon sürümü", min_width=16)
        table.add_column("Hazırlayan", min_width=14)
        for name in ("Hata", "Uyarı", "Kabul", "Faaliyet"):
            table.add_column(name, justify="right", no_wrap=True)
        table.add_column("Toplam (TL)", justify="right", no_wrap=True)
        for s in statuses:
            file = "\n".join(x for x in (s.file, saved_text(s.saved_at) if s.file else "", s.template_version) if x)
            file += "".join(f"\n[dim]kullanılmadı: {o}[/]" for o in s.other_files)
            who = "\n".join(x for x in (s.preparer, s.phone, s.email) if x)
            table.add_row(f"[bold]{s.code}[/]\n{s.name}", f"[{color[s.state]}]{s.state}[/]", file or "—", who,
                          number(s.errors), number(s.warnings), number(s.accepted),
                          number(s.activities) if s.file else "–",
                          money(s.total) if s.submitted else "veri gelmedi")
        console.print(table)
    counts = Counter(s.state for s in statuses)
    summary = ", ".join(f"[{color[st]}]{counts[st]} {st}[/]" for st in (MISSING, BLANK, FAILING, WARNED, OK, ACCEPTED)
                        if counts[st])
    console.print(f"Teslim durumu ({len(statuses)} birim): {summary}.", highlight=False)
    for state, label in ((MISSING, "Çalışma kitabı gelmeyen"), (BLANK, "Boş şablon gönderen"),
                         (FAILING, "Hatalı")):
        rows = [s for s in statuses if s.state == state]
        if not rows:
            continue
        console.print(f"[{color[state]}]{label} birimler ({len(rows)}):[/]", highlight=False)
        for s in rows:
            extra = f" — {s.file}: {s.errors} hata" if state == FAILING else (f" — {s.file}" if s.file else "")
            console.print(f"  {s.code} {s.name}{extra}", highlight=False)
    for s in statuses:
        if s.other_files:
            console.print(f"{s.code}: \"{s.file}\" kullanıldı; kullanılmayan: "
                          + ", ".join(f'"{o}"' for o in s.other_files), highlight=False)


def print_refused(paths: list[Path], console: Console) -> None:
    """Existing workbooks that a command would have replaced (nothing was written)."""
    n = len(paths)
    console.print(f"[red]Hata:[/] {n} çalışma kitabı zaten var; üzerine yazılmadı:", highlight=False)
    for path in paths[:10]:
        console.print(f"  {path}", highlight=False)
    if n > 10:
        console.print(f"  … ve {n - 10} dosya daha", highlight=False)
    console.print("Bilerek yenilemek için --force ekleyin (var olan dosyalar önce yedek/ klasörüne tarihli "
                  "olarak kopyalanır).", highlight=False)


def print_unused_files(findings: list[Finding], console: Console) -> None:
    """Every file of birimler/ that was skipped or could not be read, always named."""
    from ..pipeline import KURUM_FILE
    from ..safety import UNREADABLE

    unused = [f for f in findings
              if f.code in ("BRL-07", "BRL-08") or (f.code in UNREADABLE and f.file and f.file != KURUM_FILE)]
    if not unused:
        return
    console.print(f"[yellow]Kullanılmayan dosyalar ({len(unused)}):[/]", highlight=False)
    for f in unused:
        console.print(f"  {f.file}: {f.message}", highlight=False)

"""Golden outputs of the sample (workbooks/2024): what a build must keep producing.

``python -m tests.golden --update`` rebuilds the sample and rewrites the
expectations under ``tests/golden/expected/`` and the findings table in the
README. Run it only when an output changes on purpose, look at the diff
(``git diff tests/golden README.md``) and say so in the commit message.
``tests/test_golden.py`` compares a fresh build with the committed files.

What is kept:

* ``findings.tsv``: every finding of the sample (code, severity, file, sheet,
  cell, message), in the build's order; the README lists the same
  (code, file, sheet, cell) tuples between the ``golden-findings`` markers.
* ``docx/NN_<heading>.txt``: the program document's text, one file per
  section (split before every level-1 and level-2 heading); tables as rows of
  cells separated by `` | ``.
* ``birlesik/NN_<sheet>.tsv``: every sheet of the consolidated workbook, cell
  values row by row (charts and formats are not compared).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workbooks" / "2024"
EXPECTED = Path(__file__).resolve().parent / "expected"
README = ROOT / "README.md"
README_BEGIN = "<!-- golden-findings: python -m tests.golden --update -->"
README_END = "<!-- /golden-findings -->"
UPDATE_COMMAND = "python -m tests.golden --update"


@dataclass
class Snapshot:
    """The compared outputs of one build, as text files by relative path."""

    files: dict[str, str] = field(default_factory=dict)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (code, file, sheet, cell)


def build_sample(out: Path) -> Snapshot:
    """Build the sample into ``out`` (no PDF) and return its snapshot."""
    from generator.pipeline import BuildConfig, build

    result = build(BuildConfig(workbooks=SAMPLE, out=out, pdf=False))
    snap = Snapshot()
    snap.findings = [(f.code, f.file, f.sheet, f.cell) for f in result.findings]
    snap.files["findings.tsv"] = _tsv([("kod", "önem", "dosya", "sayfa", "hücre", "mesaj")] + [
        (f.code, str(f.severity), f.file, f.sheet, f.cell, f.message) for f in result.findings])
    for name, text in docx_sections(result.outputs["docx"]).items():
        snap.files[f"docx/{name}"] = text
    for name, text in workbook_sheets(result.outputs["birlesik"]).items():
        snap.files[f"birlesik/{name}"] = text
    return snap


def _slug(text: str, limit: int = 40) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:limit].rstrip("_") or "bolum"


def _tsv(rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def docx_sections(path: Path) -> dict[str, str]:
    """The document's text split before every Heading 1 and Heading 2."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    sections: list[tuple[str, list[str]]] = [("kapak", [])]
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(block, doc)
            style = p.style.name if p.style is not None else ""
            text = p.text.strip()
            if style in ("Heading 1", "Heading 2") and text:
                sections.append((text, []))
            if text:
                sections[-1][1].append(f"[{style}] {text}" if style.startswith("Heading") else text)
        elif tag == "tbl":
            lines = sections[-1][1]
            for row in Table(block, doc).rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    text = " / ".join(q.text.strip() for q in cell.paragraphs if q.text.strip())
                    if not cells or cells[-1] != text:
                        cells.append(text)
                lines.append(" | ".join(cells))
            lines.append("")
    return {f"{i:02d}_{_slug(title)}.txt": "\n".join(lines).rstrip("\n") + "\n"
            for i, (title, lines) in enumerate(sections)}


def workbook_sheets(path: Path) -> dict[str, str]:
    """Each sheet's cell values as TSV (numbers as Python writes them)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out = {}
        for i, ws in enumerate(wb.worksheets):
            rows = [tuple(_cell_text(v) for v in row) for row in ws.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            out[f"{i:02d}_{_slug(ws.title)}.tsv"] = f"# {ws.title}\n" + _tsv(rows)
        return out
    finally:
        wb.close()


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def expected_files() -> dict[str, str]:
    return {p.relative_to(EXPECTED).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(EXPECTED.rglob("*")) if p.is_file()}


def readme_findings(text: str | None = None) -> list[tuple[str, str, str, str]]:
    """The (code, file, sheet, cell) rows of the README's findings table."""
    text = README.read_text(encoding="utf-8") if text is None else text
    start, end = text.index(README_BEGIN), text.index(README_END)
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[A-ZÇĞİÖŞÜ]{3}-\d{2}", cells[0]):
            rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def readme_table(findings: list[tuple[str, str, str, str]]) -> str:
    lines = [README_BEGIN, "", "| kod | dosya | sayfa | hücre |", "|---|---|---|---|"]
    lines += [f"| {code} | {file} | {sheet} | {cell} |" for code, file, sheet, cell in findings]
    return "\n".join(lines + ["", README_END])


def update(snap: Snapshot) -> list[str]:
    """Rewrite the expectations and the README table; the changed paths."""
    changed = []
    old = expected_files()
    for name in sorted(set(old) - set(snap.files)):
        (EXPECTED / name).unlink()
        changed.append(f"- tests/golden/expected/{name}")
    for name, text in sorted(snap.files.items()):
        if old.get(name) != text:
            path = EXPECTED / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(f"{'M' if name in old else '+'} tests/golden/expected/{name}")
    readme = README.read_text(encoding="utf-8")
    start, end = readme.index(README_BEGIN), readme.index(README_END) + len(README_END)
    new = readme[:start] + readme_table(snap.findings) + readme[end:]
    if new != readme:
        README.write_text(new, encoding="utf-8")
        changed.append("M README.md (findings table)")
    return changed

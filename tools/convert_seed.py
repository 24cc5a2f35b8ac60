#!/usr/bin/env python3
"""Convert the published Balıkesir 2024 program text into the sample workbooks.

    python tools/convert_seed.py [SEED.txt] [--out workbooks/2024]

Reads ../shared/seed/balikesir_2024_performans_programi.txt (tools/seed_parse.py),
keeps the published numbers (a published total that disagrees with its parts
stays as a typed total over the formula) and writes kurum.xlsx plus one
workbook per department with the project's own template writer. The product
never reads the seed at run time; this script only makes the sample
reproducible.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from seed_parse import drop_matching_typed, parse_seed

from generator.pipeline import DEPARTMENTS_DIR, KURUM_FILE
from generator.templates import department_filename, write_department, write_institution

DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "balikesir_2024_performans_programi.txt"


def convert(seed: Path, out: Path) -> list[Path]:
    inst, submissions = parse_seed(seed)
    drop_matching_typed(inst, submissions)
    written = [write_institution(inst, out / KURUM_FILE)]
    by_code = {s.department: s for s in submissions}
    for dept in inst.departments:
        path = out / DEPARTMENTS_DIR / department_filename(dept, inst.profile.year)
        written.append(write_department(inst, dept.code, path, by_code.get(dept.code)))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=ROOT / "workbooks" / "2024")
    args = ap.parse_args(argv)
    if not args.seed.exists():
        print(f"Kaynak metin bulunamadı: {args.seed}", file=sys.stderr)
        return 2
    paths = convert(args.seed, args.out)
    print(f"{len(paths)} çalışma kitabı yazıldı: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

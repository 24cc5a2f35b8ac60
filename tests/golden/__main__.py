"""python -m tests.golden --update: rebuild the sample and rewrite the golden files."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from . import UPDATE_COMMAND, build_sample, update


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.golden",
                                description="Örnek (workbooks/2024) çıktılarının beklenen hallerini yeniden yazar.")
    p.add_argument("--update", action="store_true",
                   help="tests/golden/expected/ ve README'deki bulgu tablosunu güncelle.")
    args = p.parse_args(argv)
    if not args.update:
        p.print_help()
        return 2
    with tempfile.TemporaryDirectory(prefix="pp-golden-") as tmp:
        changed = update(build_sample(Path(tmp)))
    print("\n".join(changed) if changed else "Değişiklik yok.")
    print(f"({UPDATE_COMMAND}; farkı git diff ile inceleyin)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

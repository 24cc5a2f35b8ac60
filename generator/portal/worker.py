"""Check an uploaded workbook in a separate process with time and memory limits.

The portal never parses an uploaded file in its own process: it runs
``python -m generator.portal.worker`` with ``resource.setrlimit`` limits (CPU
seconds, address space, file size) and a wall-clock timeout, and reads the
findings back as JSON. A hostile or broken file can at worst kill the worker.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

CPU_SECONDS = 60
WALL_SECONDS = 90
MEMORY_BYTES = 1536 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
OUT_OF_MEMORY = 3  # the worker's exit code when the address-space limit stopped it
# what a process says when the address-space limit stops it while loading code
_MEMORY_SIGNS = (b"MemoryError", b"failed to map segment", b"Cannot allocate memory")


@dataclass
class CheckResult:
    findings: list[dict] = field(default_factory=list)
    department: str = ""
    year: Optional[int] = None
    prepared_by: str = ""
    failure: str = ""  # Turkish reason when the worker itself failed

    @property
    def ok(self) -> bool:
        return not self.failure


def _limits(cpu: int, memory: int) -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_check(stored: Path, display_name: str, kurum: Optional[Path], *, cpu: int = CPU_SECONDS,
              wall: int = WALL_SECONDS, memory: int = MEMORY_BYTES) -> CheckResult:
    """Check ``stored`` (the upload) as if it were named ``display_name``."""
    with tempfile.TemporaryDirectory(prefix="portal-check-") as tmp:
        copy = Path(tmp) / display_name
        shutil.copyfile(stored, copy)
        cmd = [sys.executable, "-m", "generator.portal.worker", str(copy)]
        if kurum is not None:
            cmd.append(str(Path(kurum).resolve()))
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
        env["PYTHONPATH"] = str(ROOT)
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=wall, cwd=tmp, env=env,
                                  preexec_fn=lambda: _limits(cpu, memory))
        except subprocess.TimeoutExpired:
            return CheckResult(failure="dosyanın denetimi zaman sınırını aştı")
    if proc.returncode != 0:
        if proc.returncode < 0:  # killed by a signal: CPU limit (SIGXCPU/SIGKILL)
            return CheckResult(failure="dosyanın denetimi zaman sınırını aştı")
        if proc.returncode == OUT_OF_MEMORY or any(m in proc.stderr for m in _MEMORY_SIGNS):
            return CheckResult(failure="dosyanın denetimi bellek sınırını aştı")
        return CheckResult(failure="dosya denetlenemedi")
    data = json.loads(proc.stdout)
    return CheckResult(findings=data["findings"], department=data["department"], year=data["year"],
                       prepared_by=data["prepared_by"])


def check_file(path: Path, kurum: Optional[Path]) -> dict:
    """``pipeline.check`` of one workbook, as JSON-ready data; findings that
    kurum.xlsx accepts (Kabul Edilen Bulgular) carry ``accepted``."""
    from generator.pipeline import check
    from generator.reader import read_department

    sub, _ = read_department(path)
    findings = check(path, kurum)
    if kurum is not None:
        from generator.acceptance import matches
        from generator.reader import read_institution

        inst, _ = read_institution(kurum)
        for f in findings:
            acc = next((a for a in (inst.acceptances if inst else []) if matches(a, f)), None)
            if acc is not None:
                f.accepted = {"gerekce": acc.reason, "kabul_eden": acc.accepted_by}
    return {
        "findings": [f.to_dict() for f in findings],
        "department": sub.department if sub else "",
        "year": sub.year if sub else None,
        "prepared_by": sub.prepared_by if sub else "",
    }


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    kurum = Path(argv[1]) if len(argv) > 1 else None
    try:
        data = check_file(path, kurum)
    except MemoryError:
        return OUT_OF_MEMORY
    json.dump(data, sys.stdout, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

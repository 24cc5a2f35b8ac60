#!/usr/bin/env python3
"""Benchmark of the build on synthetic programs of 1×, 10× and 100× the sample's size.

    python bench/bench.py                    # sizes 1,10 ; best of 1
    python bench/bench.py --sizes 1,10,100 --repeat 3
    python bench/bench.py --sizes 10 --profile   # cProfile of the build stages

The real sample (the newest year in workbooks/, or --sample DIR) is measured
first. For every size the synthetic program (generator.synthetic) is written as real
workbooks into a temporary folder (kurum.xlsx + birimler/*.xlsx; writing is
setup and not measured). A fresh Python process then times each stage of the
build on those files, so its peak memory belongs to that size alone:

  read        pipeline.read_all: kurum.xlsx and every department workbook
  merge+val   merge.merge + validate.validate
  reports     report.write_reports (dogrulama.json / .xlsx)
  birlesik    consolidated.write_consolidated (<year>_birlesik.xlsx)
  docx        document.render_docx (up to --docx-max-scale, default 100×)
  build       sum of the stages above (the build without PDF)
  pdf         pdf.convert_to_pdf (LibreOffice): sample and 1× only unless --pdf-all
  calamine    the fastest reading floor: python-calamine loads every sheet of the
              same files and the sheet XML is scanned for formula cells
              (backend.scan_sheet), which any exact reader has to pay
  guard       safety.inspect of every file (the package guard the reader runs first)
  read/cal    read / calamine (aim: at most 1,5); -guard: (read - guard) / calamine;
              cpu r/c: the same ratio in CPU seconds of the measuring process.
              After the build runs, read and floor are measured alternately
              (7 rounds, 3 where a read takes over 2 s); each is the best of all
  openpyxl    openpyxl.load_workbook(p, read_only=True) + iterating all rows of
              all sheets (the previous backend), sizes up to --openpyxl-max-scale
  check1      pipeline.check of the largest department workbook with kurum.xlsx
  check cmd   `python build.py check <largest> --kurum kurum.xlsx` as a whole
              process: median of --cmd-runs runs (kurum.xlsx index cached after
              the first, which is shown as "cold")
  build cmd   `python build.py build --no-pdf --quiet` as a whole process (median
              of --repeat runs), sizes up to --cmd-max-scale, each with an empty
              cache folder (a first build); "again": the same build run again
              with the cache it filled (charts and unchanged feedback workbooks
              are not drawn or written again); its CPU seconds
              include its worker processes (charts, feedback and consolidated
              workbooks are written beside the document)
  tree MiB    peak memory of the build command's processes together (the
              build and its workers: summed PSS, sampled every 0,1 s)
  +pdf cmd    the sample's whole build with its PDF (LibreOffice started at build
              start), one run

Stages whose module does not exist yet are shown as "-" with a note. Peak
memory: tracemalloc (Python allocations, one extra pass, --no-tracemalloc to
skip) and the maximum resident set size of the measuring process
(resource.getrusage; before the tracemalloc pass).

This is a script, not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import json
import math
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("read", "merge+val", "reports", "birlesik", "docx")
AIM_BUILD_1X = 2.5  # seconds, sample build without PDF as a whole process, 2-core machine
AIM_CHECK = 0.3  # seconds, `build.py check` of one department workbook as a whole process (median)
AIM_READ_RATIO = 1.5  # read / calamine floor
AIM_BUILD_100X = 60.0  # seconds, 100× build without PDF
AIM_PEAK_100X_MIB = 1024  # peak memory of the 100× build: its largest process, and its processes together


def _optional(module: str, name: str):
    try:
        return getattr(importlib.import_module(f"generator.{module}"), name)
    except (ImportError, AttributeError):
        return None


# ---------------------------------------------------------------------------
# child: measure one size
# ---------------------------------------------------------------------------

def _openpyxl_load(files: list[Path]) -> int:
    import openpyxl

    cells = 0
    for p in files:
        wb = openpyxl.load_workbook(p, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    return cells


def _calamine_floor(files: list[Path]) -> int:
    """python-calamine values of every sheet + the formula scan of every worksheet part."""
    import zipfile

    import python_calamine

    from generator.backend import scan_sheet

    cells = 0
    for p in files:
        wb = python_calamine.load_workbook(str(p))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
        with zipfile.ZipFile(p) as z:
            for part in z.namelist():
                if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                    scan_sheet(z.read(part))
    return cells


def _median(values: list[float]) -> float:
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


_PYCACHE = tempfile.mkdtemp(prefix="bench_pycache_")


def _tree_memory_mib(root: int) -> tuple[float, float]:
    """Memory of ``root`` and all its descendants (MiB): their proportional set sizes together (the
    build with its worker processes, shared library pages counted once) and the largest peak
    resident set size (VmHWM) of one of them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, largest, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        largest = max(largest, int(line.split()[1]))
                        break
        except OSError:
            continue
    return total / 1024, largest / 1024


def _run_cmd(args: list[str], cache: str) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds (user + system), the largest peak resident set size of one of its
    processes (MiB) and the peak memory of the whole process tree (summed PSS, MiB, sampled every
    0,1 s) of one command.

    Python caches compiled modules as it normally does (in a private
    PYTHONPYCACHEPREFIX, even where PYTHONDONTWRITEBYTECODE is set), so a
    command is measured the way a user runs it the second time. CPU
    seconds include the command's worker processes. ``cache`` is the
    generator's cache folder (generator/cache.py) for this run: an empty one
    measures a first build, a filled one a build run again."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PP_NO_CACHE")}
    env.update(PYTHONHASHSEED="0", PYTHONPYCACHEPREFIX=_PYCACHE, XDG_CACHE_HOME=cache)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    tree = largest = 0.0
    while proc.poll() is None:
        together, one = _tree_memory_mib(proc.pid)
        tree, largest = max(tree, together), max(largest, one)
        time.sleep(0.1)
    wall = time.perf_counter() - t
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime - cpu, largest, tree


class _Build:
    """The build stages on one folder, each timed."""

    def __init__(self, folder: Path, out: Path, docx: bool = True):
        from generator.pipeline import BuildConfig

        self.cfg = BuildConfig(workbooks=folder, out=out)
        self.merge = _optional("merge", "merge")
        self.validate = _optional("validate", "validate")
        self.write_reports = _optional("report", "write_reports")
        self.write_consolidated = _optional("consolidated", "write_consolidated")
        self.render_docx = _optional("document", "render_docx") if docx else None
        self.convert_to_pdf = _optional("pdf", "convert_to_pdf")
        self.notes: list[str] = []
        if self.merge is None:
            self.notes.append("generator.merge yok: program, denetimsiz birleştirmeyle "
                              "(synthetic.plain_program) kuruldu")
        if self.validate is None:
            self.notes.append("generator.validate yok: doğrulama ölçülmedi")
        if self.write_reports is None:
            self.notes.append("generator.report yok: raporlar ölçülmedi")
        if not docx:
            self.notes.append(".docx ve PDF --docx-max-scale üstündeki boyutlarda ölçülmedi")
        elif self.render_docx is None:
            self.notes.append("generator.document yok: .docx ölçülmedi")

    def _failed(self, stage: str, exc: Exception) -> None:
        note = f"{stage} hata verdi, ölçülmedi: {type(exc).__name__}: {exc}"
        if note not in self.notes:
            self.notes.append(note)

    def _stage(self, times: dict[str, float], name: str, fn, *args, **kwargs):
        t = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
        except Exception as exc:
            self._failed(name, exc)
            return None
        times[name] = time.perf_counter() - t
        return out

    def run(self, times: dict[str, float], pdf: bool = False) -> dict:
        from generator.findings import sort_findings
        from generator.pipeline import read_all
        from generator.progress import NullReporter
        from generator.synthetic import plain_program

        info: dict = {}
        t, c = time.perf_counter(), time.process_time()
        inst, subs, findings = read_all(self.cfg, NullReporter())
        times["read"] = time.perf_counter() - t
        times["read_cpu"] = time.process_time() - c

        t = time.perf_counter()
        program = None
        if self.merge is not None:
            try:
                program, f = self.merge(inst, subs)
                findings += f
            except Exception as exc:  # a module being written: measure the rest
                self._failed("merge", exc)
        if program is None:
            program = plain_program(inst, subs)
        if self.validate is not None:
            try:
                findings += self.validate(program)
            except Exception as exc:
                self._failed("validate", exc)
        findings = sort_findings(findings)
        times["merge+val"] = time.perf_counter() - t
        info["activities"] = len(program.activities)
        info["findings"] = len(findings)
        info["errors"] = sum(f.is_error for f in findings)

        year = program.year
        out = self.cfg.out
        if self.write_reports is not None:
            self._stage(times, "reports", self.write_reports, program, findings, out)
        if self.write_consolidated is not None:
            self._stage(times, "birlesik", self.write_consolidated, program, findings, out / f"{year}_birlesik.xlsx")
        if self.render_docx is not None:
            docx = self._stage(times, "docx", self.render_docx, program, out / f"{year}_performans_programi.docx",
                               draft=bool(info["errors"]))
            if docx is not None and pdf and self.convert_to_pdf is not None:
                self._stage(times, "pdf", self.convert_to_pdf, docx, out / f"{year}_performans_programi.pdf")
        return info


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = {k for r in runs for k in r}
    return {k: min(r[k] for r in runs if k in r) for k in keys}


def measure(folder: Path, repeat: int, pdf: bool, trace: bool, profile: bool, docx: bool = True,
            openpyxl: bool = True) -> dict:
    from generator.pipeline import check, department_files

    files = [folder / "kurum.xlsx", *department_files(folder / "birimler")]
    result: dict = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    with tempfile.TemporaryDirectory(prefix="bench_out_") as out:
        build = _Build(folder, Path(out), docx=docx)
        result["notes"] = build.notes
        runs = []
        for i in range(repeat):
            times: dict[str, float] = {}
            result.update(build.run(times, pdf=pdf and i == 0))
            runs.append(times)
        result["times"] = _best(runs)

        # reading and its floor measured alternately, under the same conditions (a read measured
        # inside a build run follows the previous run's document stage and its heap); the best of
        # each, the read's together with the runs' own
        from generator.pipeline import read_all
        from generator.progress import NullReporter

        times = result["times"]
        rounds = max(repeat, 7 if times.get("read", 0) < 2 else 3)
        for _ in range(rounds):
            t, c = time.perf_counter(), time.process_time()
            read_all(build.cfg, NullReporter())
            times["read"] = min(times.get("read", math.inf), time.perf_counter() - t)
            times["read_cpu"] = min(times.get("read_cpu", math.inf), time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            result["cells"] = _calamine_floor(files)
            times["calamine"] = min(times.get("calamine", math.inf), time.perf_counter() - t)
            times["calamine_cpu"] = min(times.get("calamine_cpu", math.inf), time.process_time() - c)
        from generator import safety

        guard = []
        for _ in range(max(repeat, 3)):
            t = time.perf_counter()
            for p in files:
                safety.inspect(p)
            guard.append(time.perf_counter() - t)
        result["times"]["guard"] = min(guard)
        if openpyxl:
            base = []
            for _ in range(repeat):
                t = time.perf_counter()
                _openpyxl_load(files)
                base.append(time.perf_counter() - t)
            result["times"]["openpyxl"] = min(base)

        largest = max(files[1:], key=lambda p: p.stat().st_size) if len(files) > 1 else None
        if largest is not None and _optional("validate", "validate") is not None:
            runs_c: dict[str, float] = {}
            for i in range(max(repeat, 3)):
                times = {}
                build._stage(times, "check1", check, largest, folder / "kurum.xlsx")
                if "check1" in times:
                    runs_c[str(i)] = times["check1"]
            if runs_c:
                result["times"]["check1"] = min(runs_c.values())
            result["check1_file"] = f"{largest.name} ({largest.stat().st_size // 1024} KiB)"
        elif largest is not None:
            result["notes"].append("generator.validate yok: tek birim kontrolü ölçülmedi")

        result["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if trace:
            tracemalloc.start()
            build.run({})
            result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            build.run({})
            prof.disable()
            s = io.StringIO()
            stats = pstats.Stats(prof, stream=s).sort_stats("cumulative")
            stats.print_stats(35)
            s.write("\n--- tottime ---\n")
            stats.sort_stats("tottime").print_stats(25)
            result["profile"] = s.getvalue()
    return result


# ---------------------------------------------------------------------------
# parent: set up, spawn, print
# ---------------------------------------------------------------------------

def _fmt_s(v) -> str:
    return "-" if v is None else (f"{v:.2f}" if v < 100 else f"{v:.0f}")


def _print_table(results: list[tuple[str, int, dict]]) -> None:
    """results: (label, scale, measurement); scale 0 for the real sample."""
    cols = ["size", "units", "acts", "MiB in", "read", "guard", "calamine", "read/cal", "-guard", "cpu r/c",
            "merge+val",
            "reports", "birlesik", "docx", "build", "pdf", "openpyxl", "check1", "check cmd", "cpu", "build cmd", "cpu",
            "again", "cpu",
            "+pdf cmd", "peak MiB",
            "rss MiB", "tree MiB"]
    rows = []
    for label, _, r in results:
        t = r["times"]
        build = sum(t.get(s, 0) for s in STAGES)
        cmd = r.get("cmd", {})
        rows.append([
            label, str(r["units"]), str(r["activities"]), f"{r['bytes'] / 2**20:.1f}",
            _fmt_s(t.get("read")), _fmt_s(t.get("guard")), _fmt_s(t.get("calamine")),
            f"{t['read'] / t['calamine']:.2f}" if t.get("calamine") and "read" in t else "-",
            f"{(t['read'] - t.get('guard', 0)) / t['calamine']:.2f}" if t.get("calamine") and "read" in t else "-",
            f"{t['read_cpu'] / t['calamine_cpu']:.2f}" if t.get("calamine_cpu") and "read_cpu" in t else "-",
            *(_fmt_s(t.get(s)) for s in STAGES[1:]), _fmt_s(build), _fmt_s(t.get("pdf")),
            _fmt_s(t.get("openpyxl")), _fmt_s(t.get("check1")),
            _fmt_s(cmd.get("check")) + (f" ({_fmt_s(cmd['check_cold'])})" if "check_cold" in cmd else ""),
            _fmt_s(cmd.get("check_cpu")), _fmt_s(cmd.get("build")), _fmt_s(cmd.get("build_cpu")),
            _fmt_s(cmd.get("build_warm")), _fmt_s(cmd.get("build_warm_cpu")),
            _fmt_s(cmd.get("build_pdf")),
            f"{r['tracemalloc_peak_mib']:.0f}" if "tracemalloc_peak_mib" in r else "-",
            f"{max(r['maxrss_mib'], cmd.get('build_rss_mib', 0)):.0f}",
            f"{cmd['build_tree_mib']:.0f}" if "build_tree_mib" in cmd else "-",
        ])
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.rjust(w) for c, w in zip(cols, widths)))
    for row in rows:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths)))
    print("stage times in seconds (best of --repeat) inside one process; build = read + merge+val + reports + "
          "birlesik + docx;\ncpu r/c: read / calamine in CPU seconds of this process (best of each; steadier "
          "than the wall-time ratio on a loaded machine);\n"
          "check cmd / build cmd: whole processes (median; check's first, cold run in "
          "parentheses), build cmd without PDF (first build: empty cache), again: the same build run again\n"
          "(charts and feedback workbooks from the cache), +pdf cmd with PDF (sample, one run);\n"
          "cpu: user + system CPU seconds of the command (median), what the machine's load does not change;\n"
          "rss MiB: the larger of the measuring process and the build command (one process);\n"
          "tree MiB: peak of the build command's processes together (summed PSS: the build and its workers)")

    base = next((r for _, scale, r in results if scale == 1), None)
    if base is not None and any(scale > 1 for _, scale, _ in results):
        print("\ngrowth: time(k×) / (k × time(1×)); 1.00 = linear")
        for label, scale, r in results:
            if scale <= 1:
                continue
            parts = []
            for s in (*STAGES, "calamine"):
                a, b = base["times"].get(s), r["times"].get(s)
                if a and b:
                    parts.append(f"{s} {b / (scale * a):.2f}")
            print(f"  {label}: " + ", ".join(parts))
    print()
    for label, scale, r in results:
        t, cmd = r["times"], r.get("cmd", {})
        if t.get("calamine") and "read" in t:
            ratio = t["read"] / t["calamine"]
            bare = (t["read"] - t.get("guard", 0)) / t["calamine"]
            cpu = (f", {t['read_cpu'] / t['calamine_cpu']:.2f}× in CPU seconds"
                   if t.get("calamine_cpu") and "read_cpu" in t else "")
            print(f"aim: {label} reading at most {AIM_READ_RATIO:.1f}× the calamine+scan floor: "
                  f"{'met' if ratio <= AIM_READ_RATIO else 'NOT met'} ({ratio:.2f}× with the package guard, "
                  f"{bare:.2f}× without it{cpu})")
        if scale <= 1 and "build" in cmd:
            print(f"aim: {label} build without PDF under {AIM_BUILD_1X} s as a whole process: first build "
                  f"{'met' if cmd['build'] <= AIM_BUILD_1X else 'NOT met'} ({cmd['build']:.2f} s wall, "
                  f"{cmd['build_cpu']:.2f} s CPU); run again "
                  f"{'met' if cmd['build_warm'] <= AIM_BUILD_1X else 'NOT met'} ({cmd['build_warm']:.2f} s wall, "
                  f"{cmd['build_warm_cpu']:.2f} s CPU)")
        if scale >= 100:
            total = cmd.get("build", sum(t.get(s, 0) for s in STAGES))
            rss = max(r["maxrss_mib"], cmd.get("build_rss_mib", 0), cmd.get("build_tree_mib", 0))
            print(f"aim: {label} build without PDF under {AIM_BUILD_100X:.0f} s: "
                  f"{'met' if total <= AIM_BUILD_100X else 'NOT met'} ({total:.1f} s); "
                  f"peak under {AIM_PEAK_100X_MIB} MiB: {'met' if rss < AIM_PEAK_100X_MIB else 'NOT met'} "
                  f"({rss:.0f} MiB)")
        if "check" in cmd:
            print(f"aim: {label} `build.py check` under {AIM_CHECK} s (median, whole process): "
                  f"{'met' if cmd['check'] <= AIM_CHECK else 'NOT met'} ({cmd['check']:.2f} s wall, "
                  f"{cmd['check_cpu']:.2f} s CPU; "
                  f"{r.get('check1_file', '')})")
    notes = sorted({n for _, _, r in results for n in r.get("notes", [])})
    for n in notes:
        print(f"note: {n}")


def _commands(folder: Path, args, scale: int, pdf: bool = False) -> dict:
    """Whole-process times of `build.py check` and `build.py build --no-pdf` on ``folder``."""
    from generator.pipeline import department_files

    out: dict = {}
    depts = department_files(folder / "birimler")
    if depts:
        largest = max(depts, key=lambda p: p.stat().st_size)
        check = ["check", str(largest), "--kurum", str(folder / "kurum.xlsx")]
        with tempfile.TemporaryDirectory(prefix="bench_cache_") as cache:
            out["check_cold"] = _run_cmd(check, cache)[0]  # fills the kurum.xlsx cache
            runs = [_run_cmd(check, cache) for _ in range(args.cmd_runs)]
        out["check"] = _median([r[0] for r in runs])
        out["check_cpu"] = _median([r[1] for r in runs])
    if scale <= args.cmd_max_scale:
        build = ["build", "--workbooks", str(folder), "--no-pdf", "--quiet"]
        with tempfile.TemporaryDirectory(prefix="bench_cmd_") as tmp:
            cold, warm = [], []
            for _ in range(max(args.repeat, 1)):
                with tempfile.TemporaryDirectory(prefix="bench_cache_") as cache:
                    cold.append(_run_cmd([*build, "--out", tmp], cache))  # first build: empty cache
                    warm.append(_run_cmd([*build, "--out", tmp], cache))  # run again: charts, feedback cached
        out["build"] = _median([r[0] for r in cold])
        out["build_cpu"] = _median([r[1] for r in cold])
        out["build_warm"] = _median([r[0] for r in warm])
        out["build_warm_cpu"] = _median([r[1] for r in warm])
        out["build_rss_mib"] = max(r[2] for r in cold + warm)
        out["build_tree_mib"] = max(r[3] for r in cold + warm)
        if pdf:  # LibreOffice started at build start: the whole build with its PDF
            with tempfile.TemporaryDirectory(prefix="bench_cmd_") as tmp, \
                    tempfile.TemporaryDirectory(prefix="bench_cache_") as cache:
                out["build_pdf"] = _run_cmd(["build", "--workbooks", str(folder), "--out", tmp, "--quiet"],
                                            cache)[0]
    return out


def _measure_in_child(folder: Path, tmp: Path, args, pdf: bool, docx: bool = True, openpyxl: bool = True) -> dict:
    """Measure ``folder`` in a fresh process (so peak memory is this folder's)."""
    result_file = tmp / "result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_measure", str(folder),
           "--_result", str(result_file), "--repeat", str(args.repeat)]
    if pdf and docx:
        cmd.append("--_pdf")
    if not docx:
        cmd.append("--_no_docx")
    if not openpyxl:
        cmd.append("--_no_openpyxl")
    if args.no_tracemalloc:
        cmd.append("--no-tracemalloc")
    if args.profile:
        cmd.append("--profile")
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(result_file.read_text(encoding="utf-8"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1,10", help="comma-separated multiples of the sample (default 1,10)")
    p.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    p.add_argument("--pdf-all", action="store_true", help="convert to PDF at every size, not only 1×")
    p.add_argument("--no-pdf", action="store_true", help="no PDF conversion at all")
    p.add_argument("--no-tracemalloc", action="store_true", help="skip the tracemalloc pass")
    p.add_argument("--profile", action="store_true", help="cProfile one build per size and print the top")
    p.add_argument("--keep", type=Path, help="write the workbooks here and keep them (default: temporary)")
    p.add_argument("--reuse", action="store_true", help="with --keep: use workbooks already written there")
    p.add_argument("--json", type=Path, help="also write the raw results as JSON")
    p.add_argument("--sample", type=Path, help="real workbooks to measure too (default: newest year in workbooks/)")
    p.add_argument("--no-sample", action="store_true", help="do not measure the real sample")
    p.add_argument("--_measure", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--_result", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--_pdf", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--_no_docx", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--_no_openpyxl", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--docx-max-scale", type=int, default=100,
                   help="render .docx only up to this size (default 100)")
    p.add_argument("--openpyxl-max-scale", type=int, default=10,
                   help="time the openpyxl load (previous backend) up to this size (default 10)")
    p.add_argument("--cmd-runs", type=int, default=7, help="runs of the check command (median; default 7)")
    p.add_argument("--cmd-max-scale", type=int, default=100,
                   help="time `build.py build` as a whole process up to this size (default 100)")
    p.add_argument("--no-cmd", action="store_true", help="do not time the commands as whole processes")
    args = p.parse_args(argv)

    if args._measure:  # child process
        r = measure(args._measure, max(args.repeat, 1), args._pdf, not args.no_tracemalloc, args.profile,
                    docx=not args._no_docx, openpyxl=not args._no_openpyxl)
        args._result.write_text(json.dumps(r), encoding="utf-8")
        return 0

    from generator.pipeline import default_workbooks
    from generator.synthetic import synthetic_institution, write_synthetic_workbooks

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results: list[tuple[str, int, dict]] = []
    sample = None if args.no_sample else (args.sample or default_workbooks(ROOT / "workbooks"))
    if sample is not None and (sample / "kurum.xlsx").exists():
        with tempfile.TemporaryDirectory(prefix="bench_sample_") as tmp:
            t = time.perf_counter()
            r = _measure_in_child(sample, Path(tmp), args, pdf=not args.no_pdf)
            print(f"[sample] {sample} measured in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
            from generator.reader import read_institution

            r["units"] = len(read_institution(sample / "kurum.xlsx")[0].departments)
            if not args.no_cmd:
                r["cmd"] = _commands(sample, args, 1, pdf=not args.no_pdf)
            if "profile" in r:
                print(f"\n===== cProfile sample =====\n{r.pop('profile')}")
            results.append((f"sample {sample.name}", 0, r))
    for scale in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench_{scale}x_") as tmp:
            folder = (args.keep / f"{scale}x" / "2024") if args.keep else Path(tmp) / "2024"
            t = time.perf_counter()
            if args.keep and args.reuse and (folder / "kurum.xlsx").exists():
                print(f"[{scale}×] workbooks reused: {folder}", file=sys.stderr, flush=True)
            else:
                write_synthetic_workbooks(folder, scale)
                print(f"[{scale}×] workbooks written in {time.perf_counter() - t:.1f} s (setup, not measured): "
                      f"{folder}", file=sys.stderr, flush=True)
            setup = time.perf_counter() - t
            t = time.perf_counter()
            r = _measure_in_child(folder, Path(tmp), args,
                                  pdf=not args.no_pdf and (scale == 1 or args.pdf_all),
                                  docx=scale <= args.docx_max_scale, openpyxl=scale <= args.openpyxl_max_scale)
            print(f"[{scale}×] measured in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
            r["units"] = len(synthetic_institution(scale).departments)
            r["setup_s"] = setup
            if not args.no_cmd:
                r["cmd"] = _commands(folder, args, scale)
            if "profile" in r:
                print(f"\n===== cProfile {scale}× =====\n{r.pop('profile')}")
            results.append((f"{scale}×", scale, r))
    print()
    _print_table(results)
    if args.json:
        args.json.write_text(json.dumps([{"label": label, "scale": s, **r} for label, s, r in results], indent=2),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

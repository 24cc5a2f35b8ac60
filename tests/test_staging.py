"""Outputs of one build appear together or not at all; killed builds leave nothing behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import pdf as pdf_module
from generator.cli import main
from generator.pipeline import BuildConfig, build
from generator.staging import MANIFEST, STAGE_PREFIX, Stage, recover
from tests.factory import clean_institution, clean_submissions, small_institution, small_submissions, write_year

ROOT = Path(__file__).resolve().parent.parent
ALL = ["2024_birlesik.xlsx", "2024_dogrulama.json", "2024_dogrulama.xlsx", "2024_geri_bildirim",
       "2024_performans_programi.docx"]
FILES = [n for n in ALL if "." in n]


@pytest.fixture
def year(tmp_path):
    inst = clean_institution()
    return write_year(tmp_path / "2024", inst, clean_submissions(inst))


def old_outputs(out: Path) -> dict[str, bytes]:
    """Outputs of an earlier build: files, and the feedback folder with one workbook."""
    out.mkdir(parents=True, exist_ok=True)
    files = {name: f"eski {name}".encode() for name in [*FILES, "2024_performans_programi.pdf"]}
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "2024_geri_bildirim").mkdir()
    (out / "2024_geri_bildirim" / "eski.xlsx").write_bytes(b"eski geri bildirim")
    return snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def listing(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def test_build_replaces_every_output_and_leaves_no_temporaries(year, tmp_path):
    out = tmp_path / "out"
    old_outputs(out)
    (out / ".2024_dogrulama.json.ab12cd34.json").write_text("yarım")  # atomic_path temporary of a killed build
    (out / ".~lock.2024_performans_programi.docx#").write_text("lock")  # LibreOffice lock file
    dead = out / f"{STAGE_PREFIX}999999-kalan"  # the stage of a build killed before it finished
    dead.mkdir()
    (dead / "2024_dogrulama.json").write_text("{}")
    (out / "benim_notum.txt").write_text("kullanıcının dosyası")
    result = build(BuildConfig(workbooks=year, out=out, pdf=False))
    # no PDF was asked for: the old one would not belong to the new document, so it is gone too
    assert listing(out) == [*ALL, "benim_notum.txt"]
    assert all((out / n).read_bytes() != f"eski {n}".encode() for n in FILES)
    assert not (out / "2024_geri_bildirim" / "eski.xlsx").exists()  # the folder was replaced as a whole
    assert sorted(p.name for p in result.outputs.values()) == ALL
    assert all(p.parent == out for p in result.outputs.values())


def test_a_late_crash_changes_nothing(year, tmp_path, monkeypatch):
    out = tmp_path / "out"
    before = old_outputs(out)
    import generator.document as document

    def crash(*args, **kwargs):
        raise RuntimeError("çöktü")

    monkeypatch.setattr(document, "render_docx", crash)
    with pytest.raises(RuntimeError):
        build(BuildConfig(workbooks=year, out=out, pdf=False))
    assert snapshot(out) == before  # no new report beside the old document


def test_strict_stop_removes_the_old_document_of_the_year(tmp_path):
    inst = small_institution()
    folder = write_year(tmp_path / "2024", inst, small_submissions(inst))  # has errors
    out = tmp_path / "out"
    old_outputs(out)
    result = build(BuildConfig(workbooks=folder, out=out, strict=True, pdf=False))
    assert result.failed
    assert listing(out) == ["2024_dogrulama.json", "2024_dogrulama.xlsx", "2024_geri_bildirim"]


def test_report_links_point_from_the_final_folder(year, tmp_path):
    import zipfile

    from tests.factory import dept_path, edit_cells

    edit_cells(dept_path(year, "D1-FDB"), {("Faaliyetler", "E5"): "çok"})
    out = tmp_path / "out"
    build(BuildConfig(workbooks=year, out=out, pdf=False, docx=False, consolidated=False))
    rels = "".join(zipfile.ZipFile(out / "2024_dogrulama.xlsx").read(n).decode()
                   for n in zipfile.ZipFile(out / "2024_dogrulama.xlsx").namelist() if n.endswith(".rels"))
    assert 'Target="..\\2024\\birimler\\2024_D1-FDB.xlsx' in rels  # xlsxwriter writes backslashes


KILL_SCRIPT = r"""
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import generator.document as document
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
document.render_docx = die
from generator.pipeline import BuildConfig, build
build(BuildConfig(workbooks=Path(sys.argv[1]), out=Path(sys.argv[2]), pdf=False))
"""


def test_kill_9_mid_build_leaves_the_old_outputs_and_the_next_build_cleans_up(year, tmp_path):
    out = tmp_path / "out"
    before = old_outputs(out)
    # no pipes: a helper process of the build (chart worker, LibreOffice) must not keep the test waiting
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(year), str(out), str(ROOT)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(STAGE_PREFIX)} == before
    assert [p for p in out.iterdir() if p.name.startswith(STAGE_PREFIX)]  # its stage is left behind ...
    build(BuildConfig(workbooks=year, out=out, pdf=False))
    assert listing(out) == ALL  # ... and the next build removes it


def test_a_swap_killed_half_way_is_finished_by_the_next_build(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "2024_dogrulama.json").write_text("eski")
    (out / "2024_performans_programi.pdf").write_text("eski pdf")
    stage = out / f"{STAGE_PREFIX}999999-yarim"
    stage.mkdir()
    (stage / "2024_dogrulama.xlsx").write_text("yeni xlsx")  # the json was already moved
    (out / "2024_dogrulama.json").write_text("yeni json")
    (stage / MANIFEST).write_text(json.dumps({"move": ["2024_dogrulama.json", "2024_dogrulama.xlsx"],
                                              "remove": ["2024_performans_programi.pdf"]}))
    recover(out)
    assert listing(out) == ["2024_dogrulama.json", "2024_dogrulama.xlsx"]
    assert (out / "2024_dogrulama.xlsx").read_text() == "yeni xlsx"


def test_stage_of_a_running_build_is_left_alone(tmp_path):
    out = tmp_path / "out"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stage = out / f"{STAGE_PREFIX}{other.pid}-calisiyor"
        stage.mkdir(parents=True)
        recover(out)
        assert stage.exists()
    finally:
        other.kill()
        other.wait()
    recover(out)
    assert not stage.exists()


def test_stage_context_removes_itself_on_error(tmp_path):
    with pytest.raises(ValueError):
        with Stage(tmp_path) as stage:
            (stage.dir / "x").write_text("x")
            raise ValueError
    assert list(tmp_path.iterdir()) == []


# --- PDF: one retry, a missing PDF named and failing --strict ------------------------------------

@pytest.fixture
def fake_soffice(monkeypatch):
    class Calls(list):
        always_fail = False

    calls = Calls()

    def convert(soffice, python, docx, out, profile, timeout, tagged, pdfa=False, office=None):
        calls.append(out)
        if len(calls) == 1 or calls.always_fail:
            return None  # failure
        out.write_bytes(b"%PDF-1.7 deneme")
        return []  # no index entries
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf_module, "find_uno_python", lambda soffice: "/usr/bin/python3")
    monkeypatch.setattr(pdf_module, "_convert_uno", convert)
    monkeypatch.setattr(pdf_module, "compact_pdf", lambda *args: False)  # the fake PDF is kept as made
    import generator.typeset as typeset

    monkeypatch.setattr(typeset, "table_descriptions", lambda data: [])
    return calls


def test_failed_pdf_conversion_is_retried_once(fake_soffice, tmp_path, capsys):
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"docx")
    got = pdf_module.convert_to_pdf(docx, tmp_path / "a.pdf")
    assert got == tmp_path / "a.pdf" and got.read_bytes() == b"%PDF-1.7 deneme"
    assert len(fake_soffice) == 2
    assert "bir kez daha deneniyor" in capsys.readouterr().err


def test_missing_pdf_is_named_and_fails_strict(fake_soffice, year, tmp_path, capsys):
    fake_soffice.always_fail = True
    out = tmp_path / "out"
    code = main(["build", "--workbooks", str(year), "--out", str(out), "--quiet"])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "Eksik çıktı: 2024_performans_programi.pdf" in text
    assert len(fake_soffice) == 2
    code = main(["build", "--workbooks", str(year), "--out", str(out), "--quiet", "--strict"])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 1 and "Eksik çıktı: 2024_performans_programi.pdf" in text
    assert "2024_performans_programi.pdf" not in listing(out)


def test_converter_children_die_with_the_build(tmp_path):
    """soffice is started with PR_SET_PDEATHSIG: a build killed with -9 takes it along."""
    pid_file = tmp_path / "pid"
    script = (f"import subprocess, sys, time; sys.path.insert(0, {str(ROOT)!r}); "
              "from generator.pdf import _die_with_parent; "
              "p = subprocess.Popen(['sleep', '120'], start_new_session=True, preexec_fn=_die_with_parent); "
              f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.time() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the converter outlived the build")


def test_stale_libreoffice_profiles_are_removed(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
    stale = tmp_path / f"{pdf_module.PROFILE_PREFIX}{finished}-abc"
    (stale / "profil").mkdir(parents=True)
    mine = tmp_path / f"{pdf_module.PROFILE_PREFIX}{os.getpid()}-def"
    mine.mkdir()
    conversion = tmp_path / f"pp-donusum-{finished}-ghi"  # an .xls/.ods conversion of a killed run
    conversion.mkdir()
    pdf_module._clean_stale_profiles()
    assert not stale.exists() and not conversion.exists() and mine.exists()


def test_a_script_without_a_main_guard_builds_once(tmp_path):
    """The build's worker processes do not run the calling script again (generator/background.py)."""
    inst = small_institution()
    folder = write_year(tmp_path / "2024", inst, small_submissions(inst))
    runs = tmp_path / "calisma.txt"
    script = tmp_path / "betik.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from pathlib import Path\n"
        "from generator.pipeline import BuildConfig, build\n"
        f"with open({str(runs)!r}, 'a') as f:\n"
        "    f.write('x')\n"
        f"r = build(BuildConfig(workbooks=Path({str(folder)!r}), out=Path({str(tmp_path / 'out')!r}), pdf=False))\n"
        "print(sorted(r.background))\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert runs.read_text() == "x"
    assert "grafikler" in done.stdout or "geri bildirim" in done.stdout  # the workers did work

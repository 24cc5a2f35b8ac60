"""The build's worker processes (generator/background.py) and what they import."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def test_the_writing_worker_starts_without_openpyxl():
    assert _run("import sys\nfrom generator import background\nbackground.warm_up_writers()\n"
                "print('openpyxl' in sys.modules, 'numpy' in sys.modules)") == ["False False"]


def test_feedback_imports_openpyxl_without_numpy_and_numpy_stays_importable():
    code = """
from generator import feedback
openpyxl = feedback._openpyxl()
print("numpy in openpyxl:", openpyxl.compat.numbers.NUMPY)
import numpy
print("numpy afterwards:", numpy.__name__)
"""
    assert _run(code) == ["numpy in openpyxl: False", "numpy afterwards: numpy"]


def test_numpy_already_imported_is_left_alone():
    code = """
import numpy
from generator.background import numpy_hidden
with numpy_hidden():
    import numpy as again
print(again is numpy)
"""
    assert _run(code) == ["True"]


def test_a_library_version_is_found_without_importing_the_library():
    code = """
import sys
from generator.cache import library_version
versions = [library_version(n) for n in ("openpyxl", "matplotlib", "pillow", "python-docx")]
print(all(v != "?" for v in versions), [m for m in ("openpyxl", "matplotlib", "PIL", "docx") if m in sys.modules])
"""
    assert _run(code) == ["True []"]

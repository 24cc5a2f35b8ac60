"""The build's worker processes (generator/background.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_writing_worker_imports_openpyxl_without_numpy_and_numpy_stays_importable():
    code = """
import sys
from generator import background
background.warm_up_writers()
import openpyxl.compat.numbers as n
print("numpy in openpyxl:", n.NUMPY)
import numpy
print("numpy afterwards:", numpy.__name__)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["numpy in openpyxl: False", "numpy afterwards: numpy"]


def test_numpy_already_imported_is_left_alone():
    code = """
import numpy
from generator.background import _numpy_hidden
with _numpy_hidden():
    import numpy as again
print(again is numpy)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"

#!/usr/bin/env python3
"""Performans Programı: build the program from the workbooks in workbooks/.

    python build.py                 # build the newest year in workbooks/
    python build.py templates       # department workbooks from kurum.xlsx
    python build.py check FILE.xlsx # check one department workbook
"""
import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())

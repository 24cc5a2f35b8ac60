"""Performans Programı generator."""

__version__ = "0.1.0"

# Stamped into every department workbook; the reader rejects other versions.
TEMPLATE_VERSION = "PP-ŞABLON-1"

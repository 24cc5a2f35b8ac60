#!/usr/bin/env bash
# Shared setup: LibreOffice (for the PDF) and the Python virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
# python3-uno lets generator/pdf.py update the table of contents' page numbers; fonts-liberation2
# stands in for Arial (same metrics, same page breaks as Word); poppler-utils
# (pdftotext) lets tests/test_pdf.py check them; libreoffice-calc-nogui converts departments'
# .xls/.ods workbooks to .xlsx (generator/convert.py).
LO_PKGS="libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fonts-liberation2 poppler-utils"
has_calc() {
  local soffice
  soffice=$(command -v soffice || command -v libreoffice) || return 1
  [ -e "$(dirname "$(readlink -f "$soffice")")/libsclo.so" ]
}
if { ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; } || ! has_calc ||
  ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "LibreOffice kuruluyor (PDF ve .xls/.ods dönüştürme için)..." >&2
    (apt-get install -y -q --no-install-recommends $LO_PKGS >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $LO_PKGS >/dev/null 2>&1; }) ||
      echo "Uyarı: LibreOffice kurulamadı; PDF üretilmeyecek." >&2
  else
    echo "Uyarı: LibreOffice yok ve kurulamıyor (root/apt-get gerekli); PDF üretilmeyecek." >&2
  fi
fi
# Chromium and its driver run the web portal's browser test (tests/test_portal_browser.py).
WEB_PKGS="chromium chromium-driver"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium kuruluyor (portalın tarayıcı testi için)..." >&2
    (apt-get install -y -q --no-install-recommends $WEB_PKGS >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $WEB_PKGS >/dev/null 2>&1; }) ||
      echo "Uyarı: Chromium kurulamadı; portalın tarayıcı testi çalışmayacak." >&2
  else
    echo "Uyarı: Chromium yok ve kurulamıyor (root/apt-get gerekli); portalın tarayıcı testi çalışmayacak." >&2
  fi
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# The project, its test tools and the web portal (pyproject.toml: dependencies, "test" and "web" extras), installed
# editable so that `performans` runs this checkout. Skipped when nothing changed since the last
# install (the stamp is newer than pyproject.toml).
STAMP=.venv/.performans-installed
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ ! -x .venv/bin/performans ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,web]"
  touch "$STAMP"
fi

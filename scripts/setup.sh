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
# apt_install NAME PURPOSE CONSEQUENCE PACKAGES...: install with apt-get (refreshing the package
# lists once if a package is not found) when running as root; otherwise say what will not work.
apt_install() {
  local name=$1 purpose=$2 consequence=$3
  shift 3
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "$name kuruluyor ($purpose)..." >&2
    (apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }) ||
      echo "Uyarı: $name kurulamadı; $consequence." >&2
  else
    echo "Uyarı: $name yok ve kurulamıyor (root/apt-get gerekli); $consequence." >&2
  fi
}
if { ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; } || ! has_calc ||
  ! /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  # shellcheck disable=SC2086  # the package list splits into words on purpose
  apt_install LibreOffice "PDF ve .xls/.ods dönüştürme için" "PDF üretilmeyecek" $LO_PKGS
fi
# Chromium and its driver run the web portal's browser test (tests/test_portal_browser.py).
WEB_PKGS="chromium chromium-driver"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  apt_install Chromium "portalın tarayıcı testi için" "portalın tarayıcı testi çalışmayacak" $WEB_PKGS
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

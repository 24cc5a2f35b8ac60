#!/usr/bin/env bash
# Shared setup: LibreOffice (for the PDF) and the Python virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "LibreOffice kuruluyor (PDF için)..." >&2
    (apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends libreoffice-writer-nogui >/dev/null 2>&1; }) ||
      echo "Uyarı: LibreOffice kurulamadı; PDF üretilmeyecek." >&2
  else
    echo "Uyarı: LibreOffice yok ve kurulamıyor (root/apt-get gerekli); PDF üretilmeyecek." >&2
  fi
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt

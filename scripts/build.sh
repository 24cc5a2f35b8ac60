#!/usr/bin/env bash
# Set up and build the sample program: out/2024_performans_programi.docx/.pdf and reports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python build.py "$@"

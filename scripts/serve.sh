#!/usr/bin/env bash
# Set up and start the web portal on http://127.0.0.1:8000/ (data in portal-data/).
# The first start creates the demo year from the sample and prints the demo accounts once.
# Options: --host, --port, --no-demo, --no-pdf; global ones before "serve" via PORTAL_ARGS,
# e.g. PORTAL_ARGS="--data /srv/portal" scripts/serve.sh --port 8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck disable=SC2086
exec .venv/bin/python -m generator.portal ${PORTAL_ARGS:-} serve "$@"

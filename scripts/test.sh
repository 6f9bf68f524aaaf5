#!/usr/bin/env bash
# One command for a fresh machine: set up, build, run every test, then execute every notebook headless in the
# smoke setting (a handful of steps; same code path), failing on any failed cell.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh
mvn -B -ntp verify
scripts/notebook-setup.sh
VIDEOLDM_NOTEBOOK_MODE=smoke scripts/run-notebooks.sh

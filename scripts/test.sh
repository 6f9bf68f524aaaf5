#!/usr/bin/env bash
# One command for a fresh machine: set up, build, run every test, check the notebooks' Java kernel (20 starts with
# jupyter_client, all must answer; HTML/PNG/SVG display; live output; interrupt), then execute every notebook
# headless in the smoke setting (a handful of steps; same code path), failing on any failed cell. Nothing is retried.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh
mvn -B -ntp verify
mvn -B -ntp -f kernel/pom.xml verify
scripts/notebook-setup.sh
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" scripts/kernel-check.py --kernel videoldm-java --starts 20 --cwd notebooks --jars ../target/videoldm.jar '../target/lib/*.jar'
VIDEOLDM_NOTEBOOK_MODE=smoke scripts/run-notebooks.sh

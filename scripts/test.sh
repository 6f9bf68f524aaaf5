#!/usr/bin/env bash
# One command for a fresh machine: set up, build, and run every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh
mvn -B -ntp verify

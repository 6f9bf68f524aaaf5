#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine: JDK 17 and Maven (from the OS packages) if missing.
# The notebooks' Jupyter + Java kernel are set up by scripts/notebook-setup.sh.
set -euo pipefail
need=()
# Read whole outputs into variables: `cmd | head`/`grep -q` under pipefail fails at random when cmd gets SIGPIPE.
java_version="$(java -version 2>&1 || true)"
[[ "$java_version" =~ version\ \"(1[7-9]|2[0-9]) ]] || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
java -version 2>&1 | sed -n 1p
mvn -v 2>/dev/null | sed -n 1p

#!/usr/bin/env bash
# Executes notebooks headless in place (outputs saved into the .ipynb), failing on any failed cell.
# VIDEOLDM_NOTEBOOK_MODE=smoke runs the fast smoke setting (few steps) and writes the executed copies
# to target/notebooks/ instead, leaving the committed notebooks untouched.
# The kernel is the one the notebooks name (videoldm-java, registered by scripts/notebook-setup.sh);
# VIDEOLDM_KERNEL=NAME runs them on another, e.g. IJava's 'java'. A kernel that does not answer fails the run:
# there are no retries (docs/kernel.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${VIDEOLDM_NOTEBOOK_MODE:-full}"
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/[0-9]*.ipynb)
kernel=()
[ -z "${VIDEOLDM_KERNEL:-}" ] || kernel=(--ExecutePreprocessor.kernel_name="$VIDEOLDM_KERNEL")
mkdir -p target/notebooks
status=0
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb")"
  if [ "$mode" = smoke ]; then out=(--output-dir target/notebooks --output "$name"); else out=(--inplace); fi
  start=$(date +%s)
  if VIDEOLDM_NOTEBOOK_MODE="$mode" jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.timeout=3600 --ExecutePreprocessor.startup_timeout=25 "${kernel[@]}" \
      "${out[@]}" "$nb" > "target/notebooks/$name.log" 2>&1; then
    # IJava's classpath magics return every jar with its absolute path: drop those outputs from the saved notebook.
    if [ "$mode" = smoke ]; then saved="target/notebooks/$name"; else saved="$nb"; fi
    /usr/bin/python3 - "$saved" <<'PY'
import json, sys
path = sys.argv[1]
nb = json.load(open(path, encoding="utf-8"))
for cell in nb["cells"]:
    if cell["cell_type"] == "code" and "".join(cell["source"]).lstrip().startswith("%jar"):
        cell["outputs"] = []
with open(path, "w", encoding="utf-8") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
    f.write("\n")
PY
    echo "notebook $name: ok in $(( $(date +%s) - start )) s ($mode)"
  else
    echo "notebook $name: FAILED (log: target/notebooks/$name.log)" >&2
    grep -E "Error|Exception|Kernel didn't respond|Kernel died" "target/notebooks/$name.log" | head -20 >&2 || true
    status=1
  fi
done
exit $status

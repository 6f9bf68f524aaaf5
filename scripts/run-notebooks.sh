#!/usr/bin/env bash
# Executes notebooks headless in place (outputs saved into the .ipynb), failing on any failed cell.
# VIDEOLDM_NOTEBOOK_MODE=smoke runs the fast smoke setting (few steps) and writes the executed copies
# to target/notebooks/ instead, leaving the committed notebooks untouched.
# The Java kernel sometimes never answers kernel_info (about one start in three seen here: it never sees the
# requests) or dies before answering; such a start is abandoned after 20 s and retried, up to 8 times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${VIDEOLDM_NOTEBOOK_MODE:-full}"
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/[0-9]*.ipynb)
mkdir -p target/notebooks
status=0
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb")"
  if [ "$mode" = smoke ]; then out=(--output-dir target/notebooks --output "$name"); else out=(--inplace); fi
  ok=0
  for attempt in 1 2 3 4 5 6 7 8; do
    start=$(date +%s)
    if VIDEOLDM_NOTEBOOK_MODE="$mode" jupyter nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=3600 --ExecutePreprocessor.startup_timeout=20 \
        "${out[@]}" "$nb" > "target/notebooks/$name.log" 2>&1; then
      # The classpath magics list every jar with its absolute path: drop those outputs from the saved notebook.
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
      ok=1
      break
    fi
    if grep -qE "Kernel didn't respond in|Kernel died before replying to kernel_info" "target/notebooks/$name.log"; then
      echo "notebook $name: kernel did not start (attempt $attempt), retrying" >&2
      continue
    fi
    break
  done
  if [ $ok -ne 1 ]; then
    echo "notebook $name: FAILED (log: target/notebooks/$name.log)" >&2
    grep -E "Error|Exception" "target/notebooks/$name.log" | head -20 >&2 || true
    status=1
  fi
done
exit $status

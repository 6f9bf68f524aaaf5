#!/usr/bin/env bash
# Sets up Jupyter with a Java kernel for the notebooks:
#  - Jupyter from the OS packages on Debian/Ubuntu (conda users: environment.yml provides it),
#  - the rapaio Java kernel from Maven Central, registered for this user,
#  - the project built, so notebooks find target/videoldm.jar and target/lib/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c "import nbformat, nbclient, nbconvert, jupyter_client, notebook" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "notebook-setup: installing Jupyter from the OS packages" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      jupyter-nbconvert python3-nbclient jupyter-client jupyter-notebook python3-ipykernel
  else
    echo "notebook-setup: no Jupyter found; create the conda environment first (conda env create -f environment.yml)" >&2
    exit 1
  fi
fi
kernel_version=3.0.1
kernel_jar="target/kernel/rapaio-jupyter-kernel-$kernel_version.jar"
if [ ! -f "$kernel_jar" ]; then
  mvn -q -B -ntp dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" -DoutputDirectory=target/kernel
fi
mvn -q -B -ntp -DskipTests package
java -jar "$kernel_jar" -i -auto >/dev/null
spec="$(jupyter kernelspec list --json | "$py" -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"]["rapaio-jupyter-kernel"]["resource_dir"])')"
# JVM flags for the kernel: enough heap for toy training, and DJL's thread counts.
threads="${VIDEOLDM_THREADS:-$(nproc)}"
"$py" - "$spec/kernel.json" "$threads" <<'PY'
import json, os, sys
path, threads = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
jar = [a for a in spec["argv"] if a.endswith(".jar")][0]
# The foreign-function module lets the library switch off NNPACK in libtorch (see util.TorchFlags).
spec["argv"] = ["java", "-Xmx12g", "--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED",
                f"-Dai.djl.pytorch.num_threads={threads}", "-Dai.djl.pytorch.num_interop_threads=1", "-jar", jar, "{connection_file}"]
spec["display_name"] = "Java"
env = spec.setdefault("env", {})
# MKL inside libtorch: fixed thread count and alignment-independent kernels, so training resumes bit for bit.
env.update({"MKL_DYNAMIC": "FALSE", "MKL_CBWR": "AUTO,STRICT"})
# OpenMP threads that spin while waiting made training steps 10-50x slower on shared cores; passive waiting does not.
env["OMP_WAIT_POLICY"] = "PASSIVE"
# The kernel's Maven resolver cache (for %dependency), kept out of the notebooks folder.
env["RJK_MIMA_CACHE"] = os.path.join(os.path.expanduser("~"), ".cache", "rapaio-jupyter-kernel", "mima_cache")
json.dump(spec, open(path, "w"), indent=2)
PY
echo "notebook-setup: kernel 'rapaio-jupyter-kernel' registered ($spec)"
echo "notebook-setup: start with: jupyter notebook notebooks/"

#!/usr/bin/env bash
# Sets up Jupyter with the project's Java kernel for the notebooks:
#  - Jupyter from the OS packages on Debian/Ubuntu (conda users: environment.yml provides it),
#  - the project built, so notebooks find target/videoldm.jar and target/lib/,
#  - the kernel (kernel/: JShell on IJava's jupyter-jvm-basekernel) built and registered for this user as
#    'videoldm-java'.
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
mvn -q -B -ntp -DskipTests package
# The project's kernel (kernel/, see docs/kernel.md), one jar registered inside its kernelspec, so that it does not
# depend on this checkout's build folders: kernel.json names it relative to the installed kernelspec.
mvn -q -B -ntp -f kernel/pom.xml -DskipTests package
stage=target/kernelspec/videoldm-java
rm -rf "$stage"
mkdir -p "$stage"
cp kernel/target/videoldm-kernel.jar "$stage/"
# JVM flags for the kernel: enough heap for toy training, and DJL's thread counts.
threads="${VIDEOLDM_THREADS:-$(nproc)}"
"$py" - "$stage/kernel.json" "$threads" <<'PY'
import json, sys
path, threads = sys.argv[1], sys.argv[2]
spec = {
    # The foreign-function module lets the library switch off NNPACK in libtorch (see util.TorchFlags).
    "argv": ["java", "-Xmx12g", "--add-modules", "jdk.incubator.foreign", "--enable-native-access=ALL-UNNAMED",
             f"-Dai.djl.pytorch.num_threads={threads}", "-Dai.djl.pytorch.num_interop_threads=1",
             "-jar", "{resource_dir}/videoldm-kernel.jar", "{connection_file}"],
    "display_name": "Java (videoldm)",
    "language": "java",
    # Interrupt arrives as a message on the control channel; a SIGINT would end the JVM.
    "interrupt_mode": "message",
    "env": {
        # MKL inside libtorch: fixed thread count and alignment-independent kernels, so training resumes bit for bit.
        "MKL_DYNAMIC": "FALSE", "MKL_CBWR": "AUTO,STRICT",
        # OpenMP threads that spin while waiting made training steps 10-50x slower on shared cores; passive waiting does not.
        "OMP_WAIT_POLICY": "PASSIVE",
        # glibc keeps freed tensor memory instead of returning it to the kernel each step (fewer page faults).
        "MALLOC_TRIM_THRESHOLD_": "4294967296", "MALLOC_TOP_PAD_": "268435456", "MALLOC_MMAP_THRESHOLD_": "33554432",
    },
}
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
PY
jupyter kernelspec install --user --replace --name videoldm-java "$stage" >/dev/null
spec="$(jupyter kernelspec list --json 2>/dev/null | "$py" -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"]["videoldm-java"]["resource_dir"])')"
echo "notebook-setup: kernel 'videoldm-java' (Java (videoldm)) registered in $spec"
echo "notebook-setup: start with: jupyter notebook notebooks/"

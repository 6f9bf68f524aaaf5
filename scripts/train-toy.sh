#!/usr/bin/env bash
# Trains the shipped toy networks from scratch, stage after stage, into checkpoints/toy-training/ (a run folder per
# stage, and checkpoints/ with the networks and model cards: the layout of runs/), then copies the networks to
# checkpoints/toy/. Every stage resumes where it stopped, so running this again after an interruption continues the
# same training bit for bit. Hours of CPU in all (the
# model cards give each stage's time); the same commands with --scale paper are the paper-like setting for a GPU.
#
#   scripts/train-toy.sh            # everything, then copy into checkpoints/toy
#   scripts/train-toy.sh image-ldm  # one stage (its parents must be in checkpoints/toy-training/checkpoints)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Procedural scenes (lanes, cars, day and night, weather) mixed half and half with the real drives; datasets/holdout.txt
# keeps one whole real drive, the later 30% of the others and 15% of the procedural clips out of training.
data="${VIDEOLDM_TOY_DATA:-synthetic:2000+../shared/datasets/driving}"
# The run folders (trainer state, loss logs) and finished networks live in checkpoints/toy-training/, which is kept in
# the repository while the chain is unfinished: hours of CPU are spread over sessions, and each resumes exactly.
state="${VIDEOLDM_TOY_STATE:-checkpoints/toy-training}"
run() { echo "== ./videoldm train $*" >&2; ./videoldm train "$@" --data "$data" --run-dir "$state/$1" --out "$state/checkpoints"; }
# Each stage's toy defaults are the shipped settings (steps, batch, learning rate): the notebooks in full mode train
# exactly these runs in runs/, and resume them when this folder is copied there (cp -r checkpoints/toy-training/. runs/).
stage() {
  case "$1" in
    autoencoder|detector|image-ldm|temporal|decoder|prediction|interpolation|upsampler) run "$1" ;;
    *) echo "train-toy: unknown stage '$1'" >&2; exit 2 ;;
  esac
}
if [ $# -gt 0 ]; then
  for s in "$@"; do stage "$s"; done
  exit 0
fi
for s in autoencoder detector image-ldm temporal decoder prediction interpolation upsampler; do stage "$s"; done
mkdir -p checkpoints/toy
cp "$state"/checkpoints/*.safetensors "$state"/checkpoints/*.md checkpoints/toy/
echo "train-toy: networks copied to checkpoints/toy" >&2

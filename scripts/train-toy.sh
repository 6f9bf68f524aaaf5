#!/usr/bin/env bash
# Trains the shipped toy networks from scratch, stage after stage, into checkpoints/toy-training/ (a run folder per
# stage, and checkpoints/ with the networks and model cards: the layout of runs/), then copies the networks to
# checkpoints/toy/. Every stage resumes where it stopped, so running this again after an interruption continues the
# same training bit for bit. Hours of CPU in all (the
# model cards give each stage's time); the same commands with --scale paper are the paper-like setting for a GPU.
#
#   scripts/train-toy.sh            # everything, then copy into checkpoints/toy
#   scripts/train-toy.sh image-ldm  # one stage (its parents must be in checkpoints/toy-training/checkpoints)
#   scripts/train-toy.sh t2v        # the toy text-to-video model (after the autoencoder) into checkpoints/toy-t2v
#   scripts/train-toy.sh sim        # the toy driving simulator (after image-ldm) into checkpoints/toy-sim
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Procedural scenes (lanes, cars, day and night, weather) mixed half and half with the real drives; datasets/holdout.txt
# keeps one whole real drive, the later 30% of the others and 15% of the procedural clips out of training.
data="${VIDEOLDM_TOY_DATA:-synthetic:2000+../shared/datasets/driving}"
# The run folders (trainer state, loss logs) and finished networks live in checkpoints/toy-training/, which is kept in
# the repository while the chain is unfinished: hours of CPU are spread over sessions, and each resumes exactly.
state="${VIDEOLDM_TOY_STATE:-checkpoints/toy-training}"
# A finished stage leaves FINISHED in its run folder (the stage itself writes it, and does not train again when it
# finds it); its trainer state (tens of MB) is then not kept in the repository. Checked here too, to skip the start-up.
run() {
  if [ -f "$state/$1/FINISHED" ]; then echo "== $1: finished earlier ($(head -1 "$state/$1/FINISHED"))" >&2; return; fi
  echo "== ./videoldm train $*" >&2
  ./videoldm train "$@" --data "$data" --run-dir "$state/$1" --out "$state/checkpoints"
}
# Each stage's toy defaults are the shipped settings (steps, batch, learning rate): the notebooks in full mode train
# exactly these runs in runs/, and resume them when this folder is copied there (cp -r checkpoints/toy-training/. runs/).
# Text-to-video (the paper's second application, at toy scale): a toy CLIP whose text tower conditions a text-to-image LDM
# (SD's layout; started from the unconditional image LDM, so only its cross-attention keys and values start fresh, and
# trained a third as long), then temporal alignment with the spatial layers frozen. Its own folder, with the finished
# autoencoder.
t2v() {
  local d="$state/t2v"
  mkdir -p "$d/checkpoints"
  cp "$state"/checkpoints/autoencoder.safetensors "$state"/checkpoints/autoencoder.md "$d/checkpoints/"
  for s in clip image-ldm temporal; do
    # the real drives' hand-written captions; procedural clips are captioned from their scenes
    local extra=(--captions datasets/captions/driving.txt)
    [ "$s" = image-ldm ] && extra+=(--init-from "$state/checkpoints/image_ldm.safetensors" --steps 4000)
    echo "== ./videoldm train $s ${extra[*]} (text-to-video)" >&2
    ./videoldm train "$s" "${extra[@]}" --data "$data" --run-dir "$d/$s" --out "$d/checkpoints"
  done
  mkdir -p checkpoints/toy-t2v/tokenizer
  cp "$d"/checkpoints/{autoencoder,image_ldm,video_ldm,text_encoder}.{safetensors,md} checkpoints/toy-t2v/
  cp "$d"/checkpoints/tokenizer/* checkpoints/toy-t2v/tokenizer/
  rm -rf checkpoints/toy-t2v/clip_toy && cp -r "$d"/checkpoints/clip_toy "$d"/checkpoints/clip_toy.md checkpoints/toy-t2v/
  echo "train-toy: text-to-video networks copied to checkpoints/toy-t2v" >&2
  # Personalised text-to-video: DreamBooth on the look of one real drive (the night drive, which the procedural
  # scenes do not imitate), the base temporal layers kept; the clip stays where it is, only its frames are read.
  local subject="${VIDEOLDM_TOY_SUBJECT:-../shared/datasets/driving/udacity_p1_pr6_night.baseline.mp4}"
  if [ -f "$subject" ]; then
    echo "== ./videoldm train dreambooth --subject $subject (personalised text-to-video)" >&2
    ./videoldm train dreambooth --subject "$subject" --instance-prompt "a sks road" --class-prompt "a road" \
      --checkpoints "$d/checkpoints" --out "$d/dreambooth-checkpoints" --run-dir "$d/dreambooth"
  fi
}
# Driving simulation (Sec. 4.1, notebook 08): the image LDM, its temporal layers and the prediction model again, now on
# scene labels (the image LDM started from the unconditional one, so only the label embedding starts fresh, and trained a
# third as long), and the box-conditioned image LDM. Their own folder: the labelled networks share the unconditional
# ones' file names.
sim() {
  local d="$state/sim"
  mkdir -p "$d/checkpoints"
  cp "$state"/checkpoints/autoencoder.safetensors "$state"/checkpoints/autoencoder.md "$d/checkpoints/"
  for s in image-ldm temporal prediction box-ldm; do
    local extra=()
    [ "$s" = box-ldm ] || extra+=(--labels=datasets/labels/driving.txt)
    [ "$s" = image-ldm ] && extra+=(--init-from "$state/checkpoints/image_ldm.safetensors" --steps 4000)
    echo "== ./videoldm train $s ${extra[*]} (simulation)" >&2
    ./videoldm train "$s" "${extra[@]}" --data "$data" --run-dir "$d/$s" --out "$d/checkpoints"
  done
  mkdir -p checkpoints/toy-sim
  cp "$d"/checkpoints/{autoencoder,image_ldm,video_ldm,prediction,box_ldm}.{safetensors,md} checkpoints/toy-sim/
  echo "train-toy: simulation networks copied to checkpoints/toy-sim" >&2
}
stage() {
  case "$1" in
    autoencoder|detector|image-ldm|temporal|decoder|prediction|interpolation|upsampler) run "$1" ;;
    t2v) t2v ;;
    sim) sim ;;
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

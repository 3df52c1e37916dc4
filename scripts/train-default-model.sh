#!/usr/bin/env bash
# Reproduces the shipped default model: synthetic training data from `radscreen synth`, then
# `radscreen train` on the CPU. Prints where the model went; copying it into
# crates/radscreen-model/weights/default/ ships it.
#   scripts/train-default-model.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/var/tmp/radscreen-default-model}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
rm -rf "$work" && mkdir -p "$work"
"$bin" synth --out "$work/data" --count 2400 --seed 7 --size 128
time "$bin" train --manifest "$work/data/manifest.csv" --out "$work/model" --device cpu \
  --epochs 14 --seed 2024 --ct-windows 60:200,400:1800,-750:400 --id radscreen-synth-v2
echo "model: $work/model (ship: cp $work/model/{model.safetensors,config.json,train-log.csv} crates/radscreen-model/weights/default/)"

#!/usr/bin/env bash
# Everything issue 18 measures on a lent GPU machine, in one call (device time is scarce):
# radscreen's inference in f32 and f16 at the shipped input (128²) and at 512², batches 1-128,
# beside PyTorch eager on the same network and weights; f16/f32 parity of `screen` on
# sample-data; end-to-end screening of a generated folder on the GPU and on the CPU (decode
# vs inference bound); a training run on the GPU beside the CPU; cold/warm time to first result.
#
#   scripts/gpu/device-session.sh OUT_DIR
#
# Run from the checkout root with .gpu/radscreen.xz (a stripped release build) and
# .gl/libvulkan1_*.deb beside it (docs/benchmarks.md, "GPU"). Stages run in order of
# importance and each has a time limit; a stage that would start after BUDGET seconds
# (default 500) is skipped and says so, so the call returns inside the device tool's limit.
set -uo pipefail
dest=${1:?usage: device-session.sh OUT_DIR}
mkdir -p "$dest"
# everything is written to a work folder and packed into OUT_DIR/session.tar.gz at the end
# (the device tool brings back only a few files)
out=$(mktemp -d)
trap 'tar czf "$dest/session.tar.gz" -C "$out" . && cp "$out/stages.log" "$dest/" 2>/dev/null' EXIT
budget=${BUDGET:-500}
t0=$(date +%s)
log="$out/stages.log"
elapsed() { echo $(($(date +%s) - t0)); }
# stage NAME LIMIT CMD...: runs CMD with a time limit, stdout to OUT/NAME.out, stderr to .err
stage() {
  local name=$1 limit=$2
  shift 2
  # ONLY=REGEX runs the matching stages alone (a rerun of what a short call missed)
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then
    return 0
  fi
  if [ "$(elapsed)" -ge "$budget" ]; then
    echo "skip $name: $(elapsed) s elapsed, budget $budget s" | tee -a "$log"
    return 0
  fi
  local s
  s=$(date +%s%N)
  timeout "$limit" "$@" > "$out/$name.out" 2> "$out/$name.err"
  local rc=$?
  local ms=$((($(date +%s%N) - s) / 1000000))
  printf '%-28s rc=%-3s %8s ms  (at %s s)\n' "$name" "$rc" "$ms" "$(elapsed)" | tee -a "$log"
}

# ---- set-up: the Vulkan loader, the binary, what the machine is
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export XDG_RUNTIME_DIR=/tmp RADSCREEN_KEY=device-session-throwaway-key
# pick_icd: which Vulkan driver manifest works on this machine
. scripts/gpu/vulkan-driver.sh
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('.gpu/radscreen.xz'), open('/tmp/radscreen','wb'))"
chmod +x /tmp/radscreen
R=/tmp/radscreen
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  lscpu | grep -E 'Model name|^CPU\(s\)'
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  $R --version
} > "$out/machine.txt" 2>&1
cat "$out/machine.txt"
{
  ls -l /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1
  cat /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/nvidia/share/vulkan/icd.d/*.json 2>&1
  ldconfig -p | grep -E 'nvidia|vulkan'
  export VK_LOADER_DEBUG=error,warn
  pick_icd && echo "driver manifest: ${VK_DRIVER_FILES:-the default search}" || echo "no manifest works"
} > "$out/vk-probe.txt" 2>&1
unset VK_LOADER_DEBUG
pick_icd > /dev/null 2>&1
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}" | tee -a "$out/vk-probe.txt"
# DEV=vulkan measures a build with `--features vulkan` pinned to Vulkan (SPIR-V shaders, which
# give CubeCL the cooperative-matrix convolution kernels that WGSL cannot express)
DEV=${DEV:-gpu}
# which kernel autotune picked for each shape (cmma = the GPU's matrix units), for the record
cat > cubecl.toml <<TOML
[autotune.logger]
file = "$out/autotune.log"
level = "minimal"
TOML
# a pinned API that cannot even screen sample-data ends the call here: nothing after it would run
if [ "$DEV" != gpu ] && { [ -z "${ONLY:-}" ] || [[ smoke-$DEV =~ $ONLY ]]; }; then
  stage "smoke-$DEV" 90 $R screen sample-data --out /tmp/smoke --device "$DEV" --quiet
  if ! [ -s /tmp/smoke/findings.csv ]; then
    echo "--device $DEV cannot screen sample-data: stopping" | tee -a "$log"
    tail -n 20 "$out/smoke-$DEV.err"
    exit 1
  fi
fi
TORCH="python3 benches/peers/torch_infer.py --batches 1,8,32,128 --seconds 1 --json"

# ---- 1. inference, both precisions, both sizes; end to end on sample-data; cold starts;
#         one training epoch on sample-data (the bench's own rows); then 512² inputs
stage bench-gpu 200 $R bench sample-data --device $DEV --precisions f32,f16 --batches 1,8,32,128 \
  --seconds 1 --json --no-train --save-inputs "$out/parity"
# 512² at batch 128 would need a 2 GiB activation buffer, over wgpu's largest buffer
stage bench-gpu-512 150 $R bench sample-data --device $DEV --precisions f32,f16 --sizes 512 \
  --batches 1,8,32 --seconds 1 --json --no-train --no-cold-start
stage screen-auto 60 $R screen sample-data --out /tmp/screen-auto --device auto
cp /tmp/screen-auto/run.json "$out/run-auto.json" 2>/dev/null
# ---- 2. PyTorch eager, same network and weights (parity checked at the shipped size)
stage torch-fp32-128 60 $TORCH --precision fp32 --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy"
stage torch-fp16-128 60 $TORCH --precision fp16 --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy"
stage torch-fp32-512 60 $TORCH --precision fp32 --size 512
stage torch-fp16-512 60 $TORCH --precision fp16 --size 512
# ---- 2b. the default build (WGSL shaders) beside the `--features vulkan` build, when both came
if [ -f .gpu/radscreen-wgsl.xz ]; then
  python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('.gpu/radscreen-wgsl.xz'), open('/tmp/radscreen-wgsl','wb'))"
  chmod +x /tmp/radscreen-wgsl
  stage bench-wgsl 90 /tmp/radscreen-wgsl bench sample-data --device gpu --precisions f32,f16 \
    --batches 32,128 --seconds 1 --json --no-train --no-cold-start
fi
# ---- 3. f16/f32 parity of the screening itself on sample-data
for p in f32 f16; do
  stage "screen-sample-$p" 90 $R screen sample-data --out "/tmp/screen-$p" --device $DEV --precision $p --quiet
  cp "/tmp/screen-$p/findings.csv" "$out/findings-$p.csv" 2>/dev/null
  cp "/tmp/screen-$p/run.json" "$out/run-$p.json" 2>/dev/null
done
# ---- 4. end to end on a generated folder of 512² images (16 cores decode; GPU infers)
stage synth 120 $R synth --out /tmp/gen --count 1200 --seed 18 --size 512
stage bench-gen-gpu 120 $R bench /tmp/gen --device $DEV --batches 64 --no-train --no-cold-start --seconds 1 --json
stage bench-gen-cpu 120 $R bench /tmp/gen --device cpu --batches 16 --no-train --no-cold-start --seconds 1 --json
# ---- 5. training on the GPU beside the CPU (same data, 2 epochs each)
stage train-gpu 150 $R train --manifest /tmp/gen/manifest.csv --out /tmp/train-gpu --device $DEV --epochs 2 --patience 9 --quiet
cp /tmp/train-gpu/train-log.csv "$out/train-gpu-log.csv" 2>/dev/null
stage train-cpu 150 $R train --manifest /tmp/gen/manifest.csv --out /tmp/train-cpu --device cpu --epochs 1 --patience 9 --quiet
cp /tmp/train-cpu/train-log.csv "$out/train-cpu-log.csv" 2>/dev/null
echo "total $(elapsed) s" | tee -a "$log"
tail -n 3 "$out"/*.err 2>/dev/null | tail -n 60

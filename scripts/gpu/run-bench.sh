#!/usr/bin/env bash
# One-shot GPU benchmark for a machine with no Rust toolchain and no network: takes a release
# `radscreen` built elsewhere (x86-64 Linux) and Debian's libvulkan1 .deb (or an unpacked
# libvulkan.so.1) beside it, runs `radscreen bench` on the GPU, then the PyTorch equivalent of
# the same network with the same weights on the same GPU (parity-checked on radscreen's own
# inputs), in fp32 and fp16, and prints both with the ratio. Nothing is installed system-wide.
#
#   scripts/gpu/run-bench.sh BUNDLE_DIR [OUT_DIR]
#
# BUNDLE_DIR holds `radscreen` (or `radscreen.xz`) and `libvulkan1_*.deb` (or `libvulkan.so.1`).
# Run from a radscreen checkout (for sample-data/ and benches/peers/). Env: DEVICE (default gpu),
# ALLOW_SOFTWARE_GPU=1 (accept lavapipe: for testing this script without a GPU), SECONDS_PER
# (default 3), BATCHES (default 1,8,32,128), PRECISIONS (default f32,f16), TORCH_DEVICE (default
# cuda when available). scripts/gpu/device-session.sh measures more (512² inputs, end to end on a
# generated folder, training) in one call.
# Build the bundle: see docs/benchmarks.md ("GPU").
set -euo pipefail
# resolve the arguments against the caller's folder before moving to the checkout
bundle=$(cd "${1:?usage: run-bench.sh BUNDLE_DIR [OUT_DIR]}" && pwd)
out=${2:-/tmp/radscreen-gpu-bench}
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin="$bundle/radscreen"
if [ ! -x "$bin" ]; then
  [ -f "$bundle/radscreen.xz" ] || { echo "no radscreen or radscreen.xz in $bundle" >&2; exit 2; }
  python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" \
    "$bundle/radscreen.xz" "$work/radscreen"
  chmod +x "$work/radscreen"
  bin="$work/radscreen"
fi
# Vulkan loader: an unpacked libvulkan.so.1, or the .deb unpacked here (dpkg -x needs no root).
if [ -e "$bundle/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$bundle${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
elif compgen -G "$bundle/libvulkan1_*.deb" >/dev/null; then
  for deb in "$bundle"/libvulkan1_*.deb; do dpkg -x "$deb" "$work/vk"; done
  export LD_LIBRARY_PATH="$work/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# A Vulkan driver manifest that works here (NVIDIA containers may name a GLX library that
# gives the loader no instance; scripts/gpu/vulkan-driver.sh). A caller's own choice stands.
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  . scripts/gpu/vulkan-driver.sh
  pick_icd > /dev/null 2>&1 || echo "no Vulkan driver manifest makes an instance here" >&2
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
fi
extra=()
[ "${ALLOW_SOFTWARE_GPU:-0}" = 1 ] && extra+=(--allow-software-gpu)
echo "radscreen bench on ${DEVICE:-gpu} ..." >&2
"$bin" bench sample-data --device "${DEVICE:-gpu}" ${extra[@]+"${extra[@]}"} --seconds "${SECONDS_PER:-3}" \
  --batches "${BATCHES:-1,8,32,128}" --precisions "${PRECISIONS:-f32,f16}" --json \
  --save-inputs "$out/parity" > "$out/radscreen.json"

if python3 -c 'import torch, numpy' 2>/dev/null; then
  targs=()
  [ -n "${TORCH_DEVICE:-}" ] && targs+=(--device "$TORCH_DEVICE")
  for p in fp32 fp16; do
    echo "PyTorch $p ..." >&2
    # a failed parity check exits non-zero after printing its numbers: keep them
    python3 benches/peers/torch_infer.py --seconds "${SECONDS_PER:-3}" --batches "${BATCHES:-1,8,32,128}" \
      --precision $p --json ${targs[@]+"${targs[@]}"} \
      --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy" > "$out/torch-$p.json" || true
  done
else
  echo "PyTorch (with numpy) is not installed here: radscreen's numbers only" >&2
fi

python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
r = json.load(open(out / "radscreen.json"))
d = r["device"]
print(f"radscreen {r['radscreen_version']}: {d['backend']} on {d['adapter']}, {r['model']['inference']}"
      + (f" ({d['fallback_reason']})" if d.get("fallback_reason") else ""))
torch = {}
for p in ("fp32", "fp16"):
    f = out / f"torch-{p}.json"
    if f.exists() and f.stat().st_size:
        t = json.load(open(f))
        torch[p] = t
        print(f"PyTorch {t['version']} on {t['device']}, {p} eager; parity max |dp| {t['parity_max_abs']:.2e}")
print(f"{'prec':>5}{'batch':>6}{'radscreen img/s':>17}{'ms/batch':>10}{'PyTorch img/s':>15}{'ratio':>8}")
for row in r["inference"]:
    line = f"{row['precision']:>5}{row['batch']:>6}{row['images_per_s']:>17.1f}{row['ms_per_batch']:>10.2f}"
    t = torch.get("fp" + row["precision"][1:])
    v = t and t["images_per_s"].get(str(row["batch"]))
    if v:
        line += f"{v:>15.1f}{row['images_per_s'] / v:>8.2f}"
    print(line)
e = r["end_to_end"]
print(f"end to end on sample-data: {e['images_per_s']:.1f} images/s; cold start: "
      + ", ".join(f"{c['label']} {c['seconds']:.2f} s" for c in r["cold_start"]))
PY

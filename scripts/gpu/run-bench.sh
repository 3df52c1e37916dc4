#!/usr/bin/env bash
# One-shot GPU benchmark for a machine with no Rust toolchain and no network: takes a release
# `radscreen` built elsewhere (x86-64 Linux) and Debian's libvulkan1 .deb (or an unpacked
# libvulkan.so.1) beside it, runs `radscreen bench` on the GPU, then the PyTorch equivalent of
# the same network with the same weights on the same GPU (parity-checked on radscreen's own
# inputs), and prints both with the ratio. Nothing is installed system-wide.
#
#   scripts/gpu/run-bench.sh BUNDLE_DIR [OUT_DIR]
#
# BUNDLE_DIR holds `radscreen` (or `radscreen.xz`) and `libvulkan1_*.deb` (or `libvulkan.so.1`).
# Run from a radscreen checkout (for sample-data/ and benches/peers/). Env: DEVICE (default gpu),
# ALLOW_SOFTWARE_GPU=1 (accept lavapipe: for testing this script without a GPU), SECONDS_PER
# (default 3), BATCHES (default 1,8,32), TORCH_DEVICE (default cuda when available).
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
# NVIDIA's container images keep the ICD manifest outside the loader's search path.
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nv_icd" ] && export VK_DRIVER_FILES="$nv_icd"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
fi
extra=()
[ "${ALLOW_SOFTWARE_GPU:-0}" = 1 ] && extra+=(--allow-software-gpu)
echo "radscreen bench on ${DEVICE:-gpu} ..." >&2
"$bin" bench sample-data --device "${DEVICE:-gpu}" ${extra[@]+"${extra[@]}"} --seconds "${SECONDS_PER:-3}" \
  --batches "${BATCHES:-1,8,32}" --json --save-inputs "$out/parity" > "$out/radscreen.json"

if python3 -c 'import torch, numpy' 2>/dev/null; then
  echo "PyTorch ..." >&2
  targs=()
  [ -n "${TORCH_DEVICE:-}" ] && targs+=(--device "$TORCH_DEVICE")
  python3 benches/peers/torch_infer.py --seconds "${SECONDS_PER:-3}" --batches "${BATCHES:-1,8,32}" \
    --json ${targs[@]+"${targs[@]}"} --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy" \
    > "$out/torch.json"
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
t = json.load(open(out / "torch.json")) if (out / "torch.json").exists() else None
if t:
    print(f"PyTorch {t['version']} on {t['device']}, fp32 eager; parity max |dp| {t['parity_max_abs']:.2e}")
print(f"{'batch':>6}{'radscreen img/s':>17}{'ms/batch':>10}" + (f"{'PyTorch img/s':>15}{'ratio':>8}" if t else ""))
for row in r["inference"]:
    line = f"{row['batch']:>6}{row['images_per_s']:>17.1f}{row['ms_per_batch']:>10.2f}"
    v = t and t["images_per_s"].get(str(row["batch"]))
    if v:
        line += f"{v:>15.1f}{row['images_per_s'] / v:>8.2f}"
    print(line)
e = r["end_to_end"]
print(f"end to end on sample-data: {e['images_per_s']:.1f} images/s; cold start: "
      + ", ".join(f"{c['label']} {c['seconds']:.2f} s" for c in r["cold_start"]))
PY

#!/usr/bin/env bash
# radscreen beside its peers, in one run, on the same machine and inputs:
#   decode   radscreen bench (one thread)   vs pydicom 3.0.2 + pylibjpeg (one core), per syntax
#   infer    radscreen bench (--device)     vs ONNX Runtime (CPU, same network and weights,
#            parity-checked on radscreen's own inputs) and PyTorch where it is installed
# Prints radscreen/peer ratios (> 1: radscreen is faster) and writes everything to OUT.
#   scripts/bench-peers.sh [DATA=sample-data] [OUT=/var/tmp/radscreen-peers]
# Env: RADSCREEN_BIN (default target/release/radscreen), DEVICE (default cpu), SECONDS_PER (3),
#      PEERS_VENV (default ~/.cache/radscreen/peers-venv), PYTHON (default python3),
#      TORCH_DEVICE (cuda|cpu; default: cuda when available).
# Paired rounds (inference only, radscreen against ONNX Runtime): ROUNDS=N (at least 5 for a
# number worth quoting) alternates the two N times per input size, swapping which goes first
# each round so that a drift in the machine's speed falls on both, then prints per batch size
# the median radscreen/ONNX Runtime ratio and its range over the rounds.
# SIZES=128,512 adds input sides (default: the model's own). BATCHES (default 1,8,32).
# Against another radscreen instead of ONNX Runtime (an A/B of two builds or settings, in the
# same alternating rounds): BASELINE_BIN=path/to/old/radscreen and/or BASELINE_ENV="VAR=value ..."
# (the environment of the baseline's runs, e.g. RADSCREEN_CPU_KERNEL=avx2; with BASELINE_ENV
# alone the baseline is the same binary). The ratio is then radscreen / baseline.
set -euo pipefail
# resolve the arguments against the caller's folder before moving to the checkout
data=$(cd "${1:-$(dirname "$0")/../sample-data}" && pwd)
out=${2:-/var/tmp/radscreen-peers}
mkdir -p "$out" && out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
bin=${RADSCREEN_BIN:-target/release/radscreen}
device=${DEVICE:-cpu}
secs=${SECONDS_PER:-3}
venv=${PEERS_VENV:-$HOME/.cache/radscreen/peers-venv}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
mkdir -p "$out"

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --only-binary :all: \
  -r benches/peers/requirements.txt -r benches/peers/requirements-infer.txt >&2

if [ "${ROUNDS:-0}" -gt 0 ]; then
  batches=${BATCHES:-1,8,32}
  rounds="$out/rounds" && rm -rf "$rounds" && mkdir -p "$rounds"
  IFS=, read -r -a sizes <<< "${SIZES:-0}"
  for ((r = 1; r <= ROUNDS; r++)); do
    for size in "${sizes[@]}"; do
      rs() {
        local sz=()
        [ "$size" != 0 ] && sz=(--sizes "$size")
        "$bin" bench "$data" --device "$device" --seconds "$secs" --json --no-train \
          --no-cold-start --batches "$batches" ${sz[@]+"${sz[@]}"} > "$rounds/radscreen-$size-$r.json"
      }
      ox() {
        local sz=()
        if [ -n "${BASELINE_BIN:-}${BASELINE_ENV:-}" ]; then
          [ "$size" != 0 ] && sz=(--sizes "$size")
          # shellcheck disable=SC2086 # BASELINE_ENV is a list of VAR=value words
          env ${BASELINE_ENV:-} "${BASELINE_BIN:-$bin}" bench "$data" --device "$device" \
            --seconds "$secs" --json --no-train --no-cold-start --batches "$batches" \
            ${sz[@]+"${sz[@]}"} > "$rounds/baseline-$size-$r.json"
          return
        fi
        [ "$size" != 0 ] && sz=(--size "$size")
        "$venv/bin/python" benches/peers/onnx_infer.py --seconds "$secs" --json \
          --batches "$batches" ${sz[@]+"${sz[@]}"} > "$rounds/onnxruntime-$size-$r.json"
      }
      echo "round $r/$ROUNDS, size ${size/#0/model}: $( ((r % 2)) && echo radscreen first || echo the peer first)" >&2
      if ((r % 2)); then rs; ox; else ox; rs; fi
    done
  done
  "$venv/bin/python" - "$rounds" <<'PY'
import json, pathlib, statistics, sys
d = pathlib.Path(sys.argv[1])
ratios = {}  # (size, batch) -> [ratio per round]
baseline = any(d.glob("baseline-*.json"))
for f in sorted(d.glob("radscreen-*.json")):
    _, size, r = f.stem.split("-")
    rs = json.load(open(f))
    if baseline:
        b = json.load(open(d / f"baseline-{size}-{r}.json"))
        peer_rate = {(x["size"], x["batch"]): x["images_per_s"] for x in b["inference"]}
    else:
        ort = json.load(open(d / f"onnxruntime-{size}-{r}.json"))
        peer_rate = {(row["size"], int(k)): v for row in rs["inference"]
                     for k, v in ort["images_per_s"].items()}
    for row in rs["inference"]:
        peer = peer_rate.get((row["size"], row["batch"]))
        if peer:
            ratios.setdefault((row["size"], row["batch"]), []).append(row["images_per_s"] / peer)
kernels = lambda j: j["model"].get("cpu_kernel") or ""
if baseline:
    print(f"radscreen ({kernels(rs)}) / baseline ({kernels(b)}), paired rounds, device {rs['device']['backend']}")
else:
    print(f"radscreen / ONNX Runtime {ort['version']} ({ort['threads']} threads), paired rounds, "
          f"device {rs['device']['backend']} ({rs['model']['inference']}"
          f"{', ' + kernels(rs) + ' kernels' if kernels(rs) else ''})")
print(f"  {'size':>5}{'batch':>6}{'rounds':>7}{'median':>8}  range")
for (size, batch), v in sorted(ratios.items()):
    print(f"  {size:>5}{batch:>6}{len(v):>7}{statistics.median(v):>8.2f}  {min(v):.2f}-{max(v):.2f}")
PY
  exit 0
fi

echo "radscreen bench ($device) ..." >&2
extra=()
[ "${ALLOW_SOFTWARE_GPU:-0}" = 1 ] && extra+=(--allow-software-gpu)
"$bin" bench "$data" --device "$device" ${extra[@]+"${extra[@]}"} --seconds "$secs" --json \
  --save-inputs "$out/parity" > "$out/radscreen.json"
echo "pydicom decode ..." >&2
"$venv/bin/python" benches/peers/pydicom_folder.py "$data" "$secs" > "$out/pydicom.json"
echo "ONNX Runtime ..." >&2
"$venv/bin/python" benches/peers/onnx_infer.py --seconds "$secs" --json \
  --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy" > "$out/onnxruntime.json"
if "$venv/bin/python" -c 'import torch' 2>/dev/null || python3 -c 'import torch' 2>/dev/null; then
  py="$venv/bin/python"
  "$py" -c 'import torch' 2>/dev/null || py=python3
  echo "PyTorch ..." >&2
  targs=()
  [ -n "${TORCH_DEVICE:-}" ] && targs+=(--device "$TORCH_DEVICE")
  "$py" benches/peers/torch_infer.py --seconds "$secs" --json ${targs[@]+"${targs[@]}"} \
    --parity "$out/parity/inputs.npy" "$out/parity/probabilities.npy" > "$out/torch.json"
else
  echo "PyTorch not installed: skipped" >&2
  rm -f "$out/torch.json"
fi

"$venv/bin/python" - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
r = json.load(open(out / "radscreen.json"))
py = json.load(open(out / "pydicom.json"))
ort = json.load(open(out / "onnxruntime.json"))
dev = r["device"]
print(f"machine: {r['machine']['cpu']} ({r['machine']['threads']} threads); radscreen device: "
      f"{dev['backend']} ({dev['adapter']}), inference path {r['model']['inference']}")
print(f"\ndecode, one core, frames/s{'':<22}{'radscreen':>10}{'pydicom':>10}{'ratio':>8}")
for row in r["decode"]:
    p = py.get(row["transfer_syntax"])
    if p:
        print(f"  {row['name']:<44}{row['frames_per_s']:>10.1f}{p['frames_per_s']:>10.1f}"
              f"{row['frames_per_s'] / p['frames_per_s']:>8.2f}")
peers = [("ONNX Runtime " + ort["version"] + f" ({ort['threads']} threads)", ort)]
tp = out / "torch.json"
if tp.exists():
    t = json.load(open(tp))
    peers.append((f"PyTorch {t['version']} ({t.get('device', '?')}, fp32 eager)", t))
for name, p in peers:
    print(f"\ninference images/s vs {name}; parity max |dp| = {p['parity_max_abs']:.2e}")
    print(f"  {'batch':>5}{'radscreen':>12}{'peer':>12}{'ratio':>8}")
    for row in r["inference"]:
        v = p["images_per_s"].get(str(row["batch"]))
        if v:
            print(f"  {row['batch']:>5}{row['images_per_s']:>12.1f}{v:>12.1f}"
                  f"{row['images_per_s'] / v:>8.2f}")
PY

#!/usr/bin/env bash
# End-to-end screening benchmark (issue 6): `radscreen screen` on sample-data and on generated
# folders of 500, 2,000 and 5,000 images, on the CPU. First the decode-alone and inference-alone
# rates from `radscreen bench` (the stages the pipeline is compared with), then per folder
# images/s, that rate over the slower stage, and peak resident memory (run.json's
# timings.peak_rss_bytes, the process's VmHWM).
# Each folder is screened twice: the report on the disk (WORK_DIR, replacing the previous run's
# report) and on tmpfs (/dev/shm, when there is one). The second measures radscreen alone: on
# ext4, creating files soon after deleting many (the replaced report's heatmaps) is slower,
# because the allocator skips recently freed inodes (docs/benchmarks.md).
#   scripts/bench-screen.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/var/tmp/radscreen-bench-screen}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
mkdir -p "$work"
for n in 500 2000 5000; do
  # same options as sample-data (mixed transfer syntaxes), a different seed per size
  [ -f "$work/data-$n/manifest.csv" ] ||
    "$bin" synth --out "$work/data-$n" --count "$n" --seed "$n" --size 128 --transfer-syntax mixed
done
echo "stage rates on sample-data (radscreen bench, no training or cold start):"
"$bin" bench sample-data --device cpu --no-train --no-cold-start --batches 16 --json \
  > "$work/bench.json" 2>/dev/null
python3 - "$work/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["end_to_end"]
d, i = r["decode_images_per_s"], r["inference_images_per_s"]
print(f"decode+preprocess alone {d:.1f} images/s, inference alone (batch 16) {i:.1f} images/s")
print(f"pipeline without the report (bench end to end) {r['images_per_s']:.1f} images/s ="
      f" {r['pipeline_efficiency']:.2f} x the slower stage; both on the same cores at most"
      f" {r['shared_cpu_bound_images_per_s']:.1f}")
PY
echo
shm=/dev/shm/radscreen-bench-screen-$$
printf '%-12s %-6s %8s %8s %10s %8s %12s\n' folder report files images images/s "x slower" "peak RSS MiB"
for d in sample-data "$work/data-500" "$work/data-2000" "$work/data-5000"; do
  for where in disk tmpfs; do
    if [ "$where" = disk ]; then out="$work/report-$(basename "$d")"
    elif [ -d /dev/shm ]; then out="$shm/report"; rm -rf "$shm"
    else continue; fi
    "$bin" screen "$d" --out "$out" --device cpu --quiet
    python3 - "$d" "$out/run.json" "$work/bench.json" "$where" <<'PY'
import json, sys
t = json.load(open(sys.argv[2]))
r = json.load(open(sys.argv[3]))["end_to_end"]
slower = min(r["decode_images_per_s"], r["inference_images_per_s"])
c, tm = t["counts"], t["timings"]
rss = tm.get("peak_rss_bytes") or 0
name = sys.argv[1].rstrip("/").rsplit("/", 1)[-1]
print(f'{name:<12} {sys.argv[4]:<6} {c["files"]:>8} {c["images"]:>8} {tm["images_per_s"]:>10.1f}'
      f' {tm["images_per_s"] / slower:>8.2f} {rss / 2**20:>12.0f}')
PY
  done
done
rm -rf "$shm"

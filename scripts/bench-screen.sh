#!/usr/bin/env bash
# End-to-end screening benchmark (issue 6): `radscreen screen` on sample-data and on generated
# folders of 500, 2,000 and 5,000 images, on the CPU, compared with the stages alone.
# In each of ROUNDS rounds (default 5): first the decode-alone and inference-alone rates from
# `radscreen bench` (the stages the pipeline is compared with), then every folder screened with
# the report on the disk (WORK_DIR, replacing the previous run's report, as a re-run does) and
# on tmpfs (/dev/shm, when there is one: radscreen without the file system; on ext4, creating
# files soon after deleting many is slower, docs/benchmarks.md). sample-data, a 0.2-s run, is
# screened three times per round and place. Each run's images/s is divided by the slower stage
# of its own round (the machine's speed drifts by a few per cent over minutes).
# Prints per folder and place the median over the runs, the range, how many runs reached 0.8x,
# and peak resident memory (run.json's timings.peak_rss_bytes, the process's VmHWM); every run
# is kept in WORK_DIR/screen-runs.csv.
#   scripts/bench-screen.sh [WORK_DIR]        ROUNDS=N to change the number of rounds
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/var/tmp/radscreen-bench-screen}
rounds=${ROUNDS:-5}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
mkdir -p "$work"
for n in 500 2000 5000; do
  # same options as sample-data (mixed transfer syntaxes), a different seed per size
  [ -f "$work/data-$n/manifest.csv" ] ||
    "$bin" synth --out "$work/data-$n" --count "$n" --seed "$n" --size 128 --transfer-syntax mixed
done
runs="$work/screen-runs.csv"
echo "round,folder,report,files,images,images_per_s,decode_images_per_s,inference_images_per_s,ratio,peak_rss_mib" > "$runs"
shm=/dev/shm/radscreen-bench-screen-$$
for round in $(seq "$rounds"); do
  echo "round $round of $rounds: stage rates (radscreen bench on sample-data), then the folders" >&2
  "$bin" bench sample-data --device cpu --no-train --no-cold-start --batches 16 --seconds 2 --json \
    > "$work/bench-$round.json" 2>/dev/null
  for d in sample-data "$work/data-500" "$work/data-2000" "$work/data-5000"; do
    reps=1; [ "$d" = sample-data ] && reps=3
    for where in disk tmpfs; do
      for _ in $(seq "$reps"); do
        if [ "$where" = disk ]; then out="$work/report-$(basename "$d")"
        elif [ -d /dev/shm ]; then out="$shm/report"; rm -rf "$shm"
        else continue; fi
        "$bin" screen "$d" --out "$out" --device cpu --quiet
        python3 - "$d" "$out/run.json" "$work/bench-$round.json" "$where" "$round" >> "$runs" <<'PY'
import json, sys
t = json.load(open(sys.argv[2]))
r = json.load(open(sys.argv[3]))["end_to_end"]
d, i = r["decode_images_per_s"], r["inference_images_per_s"]
c, tm = t["counts"], t["timings"]
name = sys.argv[1].rstrip("/").rsplit("/", 1)[-1]
print(f'{sys.argv[5]},{name},{sys.argv[4]},{c["files"]},{c["images"]},{tm["images_per_s"]:.1f},'
      f'{d:.1f},{i:.1f},{tm["images_per_s"] / min(d, i):.3f},'
      f'{(tm.get("peak_rss_bytes") or 0) / 2**20:.0f}')
PY
      done
    done
  done
done
rm -rf "$shm"
python3 - "$runs" <<'PY'
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1])))
f = lambda k: [float(r[k]) for r in rows]
print(f"stages alone over {len(set(r['round'] for r in rows))} rounds: inference (batch 16) "
      f"{min(f('inference_images_per_s')):.0f}-{max(f('inference_images_per_s')):.0f} images/s, "
      f"decode + preprocess {min(f('decode_images_per_s')):.0f}-{max(f('decode_images_per_s')):.0f}")
print(f"{'folder':<12} {'report':<6} {'runs':>4} {'images':>6} {'images/s':>9} {'x slower':>8}"
      f" {'range':>11} {'>=0.8':>5} {'peak RSS MiB':>12}")
seen = []
for r in rows:
    if (r["folder"], r["report"]) not in seen:
        seen.append((r["folder"], r["report"]))
for folder, where in seen:
    g = [r for r in rows if (r["folder"], r["report"]) == (folder, where)]
    ratio = [float(r["ratio"]) for r in g]
    rss = [float(r["peak_rss_mib"]) for r in g]
    print(f"{folder:<12} {where:<6} {len(g):>4} {g[0]['images']:>6}"
          f" {st.median(float(r['images_per_s']) for r in g):>9.1f} {st.median(ratio):>8.2f}"
          f" {min(ratio):>5.2f}-{max(ratio):<5.2f} {sum(x >= 0.8 for x in ratio):>5}"
          f" {min(rss):>5.0f}-{max(rss):<6.0f}")
PY

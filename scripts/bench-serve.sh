#!/usr/bin/env bash
# The DICOM node under load (issue 17): Orthanc pushes N synthetic images (default 500) to
# `radscreen serve`, which spools them, screens each study once it is quiet and sends its SR
# and SEG back to Orthanc. Measured: images/s received (Orthanc's C-STORE job), images/s
# screened (the node's batch screening times), end to end (push start to the last result
# stored in Orthanc), the node's peak resident memory (VmHWM); and `radscreen screen --dicom` on the
# same files for the throughput ratio. Needs Orthanc, curl and jq (Debian: orthanc curl jq).
#   scripts/bench-serve.sh [WORK_DIR]      N=500 QUIET=2 RADSCREEN_BIN=target/release/radscreen
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/var/tmp/radscreen-bench-serve}
n=${N:-500}
quiet=${QUIET:-2}
bin=${RADSCREEN_BIN:-target/release/radscreen}
[ -x "$bin" ] || cargo build --release -p radscreen-cli
mkdir -p "$work"
data="$work/data-$n"
# 128-pixel images in mixed transfer syntaxes, as sample-data (a study is a series of 1-8 images)
[ -f "$data/manifest.csv" ] ||
  "$bin" synth --out "$data" --count "$n" --seed 17 --size 128 --transfer-syntax mixed >&2
files=$(find "$data" -name '*.dcm' | wc -l)

# radscreen screen --dicom on the same files: the throughput the node is compared with, as
# the screening loop's rate (run.json) and as the whole command's wall time (the same work as
# a node batch: screening, report and DICOM results)
rm -rf "$work/screen-report"
s0=$(date +%s.%N)
"$bin" screen "$data" --out "$work/screen-report" --device cpu --quiet --dicom
s1=$(date +%s.%N)
screen_ips=$(jq '.timings.images_per_s' "$work/screen-report/run.json")
images=$(jq '.counts.images' "$work/screen-report/run.json")
screen_wall=$(python3 -c "print($s1 - $s0)")

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); dicom=$(port); node=$(port)
db="$work/orthanc"; rm -rf "$db" "$work/spool"; mkdir -p "$db"
cat > "$db/orthanc.json" <<JSON
{"Name": "bench", "StorageDirectory": "$db/db", "IndexDirectory": "$db/db",
 "HttpPort": $http, "DicomPort": $dicom, "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
 "AuthenticationEnabled": false, "Plugins": [], "DicomAlwaysAllowStore": true,
 "DicomCheckCalledAet": false, "DicomModalities": {"radscreen": ["RADSCREEN", "127.0.0.1", $node]}}
JSON
Orthanc "$db/orthanc.json" 2> "$db/orthanc.log" & orthanc_pid=$!
"$bin" serve --port "$node" --spool "$work/spool" --send-to "ORTHANC@127.0.0.1:$dicom" \
  --allow ORTHANC --quiet-seconds "$quiet" --device cpu 2> "$work/serve.log" & serve_pid=$!
trap 'kill $orthanc_pid $serve_pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$http/system" >/dev/null; do sleep 0.2; done
until (exec 3<>"/dev/tcp/127.0.0.1/$node") 2>/dev/null; do sleep 0.2; done
find "$data" -name '*.dcm' -print0 |
  xargs -0 -n 50 -P 2 sh -c 'for f; do curl -sf -X POST "http://127.0.0.1:'"$http"'/instances" --data-binary @"$f" >/dev/null; done' sh
studies=$(curl -sf "http://127.0.0.1:$http/studies")
nstudies=$(echo "$studies" | jq length)
t0=$(date +%s.%N)
curl -sf -X POST "http://127.0.0.1:$http/modalities/radscreen/store" \
  -d "{\"Resources\": $studies, \"Synchronous\": true}" >/dev/null
t1=$(date +%s.%N)
# done when Orthanc holds an SR series and a SEG series for every study (two cheap queries a
# second: polling must not take CPU from the node it measures)
count() {
  curl -sf -X POST "http://127.0.0.1:$http/tools/find" \
    -d "{\"Level\": \"Series\", \"Query\": {\"Modality\": \"$1\"}}" | jq length
}
until [ "$(count SR)" -ge "$nstudies" ] && [ "$(count SEG)" -ge "$nstudies" ]; do sleep 1; done
t2=$(date +%s.%N)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$serve_pid/status")
# and each study has its own SR and SEG
for s in $(echo "$studies" | jq -r '.[]'); do
  m=$(curl -sf "http://127.0.0.1:$http/studies/$s/series" | jq -r '[.[].MainDicomTags.Modality] | join(",")')
  case ",$m," in *,SR,*) case ",$m," in *,SEG,*) continue;; esac;; esac
  echo "study $s came back without its SR and SEG ($m)" >&2; exit 1
done
python3 - "$work/serve.log" "$files" "$images" "$t0" "$t1" "$t2" "$rss" "$screen_ips" "$nstudies" "$screen_wall" <<'PY'
import re, sys
log, files, images, t0, t1, t2, rss, screen_ips, nstudies, screen_wall = sys.argv[1:]
files, images, nstudies = int(files), int(images), int(nstudies)
t0, t1, t2, screen_ips, screen_wall = float(t0), float(t1), float(t2), float(screen_ips), float(screen_wall)
secs = [float(x) for x in re.findall(r" in ([0-9.]+) s; \d+ result objects", open(log).read())]
screened = sum(secs)
print(f"files {files}, images {images}, studies {nstudies}")
print(f"received: {files / (t1 - t0):.1f} images/s ({t1 - t0:.1f} s for Orthanc's C-STORE job)")
print(f"screened: {images / screened:.1f} images/s in {len(secs)} batches ({screened:.1f} s screening)")
node = images / screened
print(f"radscreen screen --dicom on the same files: {images / screen_wall:.1f} images/s over the "
      f"command's wall ({screen_wall:.1f} s); ratio {node / (images / screen_wall):.2f}")
print(f"  its screening loop alone (run.json): {screen_ips:.1f} images/s; ratio {node / screen_ips:.2f}")
print(f"end to end: {t2 - t0:.1f} s from push start to the last SR and SEG in Orthanc "
      f"({files / (t2 - t0):.1f} images/s)")
print(f"serve peak RSS: {int(rss) / 1024:.0f} MiB")
PY

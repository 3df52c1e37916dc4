#!/usr/bin/env python3
"""Writes a model whose weights lie on the line between a starting model and a model fine-tuned
from it (`radscreen train --init`): (1 - ALPHA) * START + ALPHA * FINETUNED, tensor by tensor.
ALPHA 0 is the starting model, 1 the fine-tuned one. Weight-space ensembling of a fine-tuned
network with its start ("WiSE-FT", Wortsman et al., CVPR 2022) keeps more of the start's
behaviour on data the fine-tuning moved away from; it is valid only along one fine-tuning run,
where both ends share a basin.

  scripts/interpolate-models.py START_DIR FINETUNED_DIR ALPHA OUT_DIR [ID]

Both folders hold model.safetensors and config.json with the same network, except that a
one-head start may have been widened into the fine-tuned run's group heads: its head is then
repeated as `--init` repeats it. config.json is the fine-tuned model's, with the id ID (default:
the fine-tuned one's suffixed with -wiseALPHA) and
`training.interpolated` recording both ends' SHA-256 and ALPHA; its thresholds are the fine-tuned
model's own and do not fit the interpolated scores: re-derive them (scripts/rethreshold.py)
before screening with them. Standard library only.
"""
import hashlib
import json
import struct
import sys
from array import array
from pathlib import Path


def read(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", None)
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            sys.exit(f"{path}: {name} is {t['dtype']}, only F32 is read")
        a, b = t["data_offsets"]
        v = array("f")
        v.frombytes(raw[8 + n + a:8 + n + b])
        if sys.byteorder != "little":
            v.byteswap()
        tensors[name] = (t["shape"], v)
    return meta, tensors, hashlib.sha256(raw).hexdigest()


def write(path, meta, tensors):
    header, blobs, at = {}, [], 0
    if meta is not None:
        header["__metadata__"] = meta
    for name in sorted(tensors):
        shape, v = tensors[name]
        if sys.byteorder != "little":
            v = array("f", v)
            v.byteswap()
        b = v.tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # the data starts 8-byte aligned
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__.split("\n\n")[1])
    start_dir, fine_dir, alpha, out = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
    new_id = sys.argv[5] if len(sys.argv) == 6 else None
    if not 0.0 <= alpha <= 1.0:
        sys.exit(f"ALPHA must be in 0..1, not {alpha}")
    _, start, start_sha = read(start_dir / "model.safetensors")
    meta, fine, fine_sha = read(fine_dir / "model.safetensors")
    if set(start) != set(fine):
        sys.exit(f"the two networks differ in their tensors: {sorted(set(start) ^ set(fine))}")
    mixed = {}
    for name, (shape, f) in fine.items():
        s_shape, s = start[name]
        if s_shape != shape:
            # a one-head start widened into group heads: [findings, ...] repeated along dim 0
            if s_shape[1:] != shape[1:] or shape[0] % s_shape[0] != 0:
                sys.exit(f"{name}: shapes {s_shape} and {shape} are not one network")
            s = s * (shape[0] // s_shape[0])
        mixed[name] = (shape, array("f", ((1.0 - alpha) * a + alpha * b for a, b in zip(s, f))))
    out.mkdir(parents=True, exist_ok=True)
    write(out / "model.safetensors", meta, mixed)
    config = json.loads((fine_dir / "config.json").read_text())
    config["id"] = new_id or f"{config['id']}-wise{alpha:g}"
    training = config.get("training") or {}
    training["interpolated"] = {"start": start_sha, "finetuned": fine_sha, "alpha": alpha}
    config["training"] = training
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    print(f"wrote {out} ({len(mixed)} tensors, alpha {alpha:g})")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError) as e:  # a missing file, bad JSON/CSV, a missing column
        sys.exit(f"{Path(sys.argv[0]).name}: {type(e).__name__}: {e}")

#!/usr/bin/env python3
"""Reads radscreen's DICOM results back with highdicom and checks them against the report.

usage: check_dicom_results.py REPORT_DIR SCREENED_DIR [--keep-phi]

For every ok row of REPORT_DIR/findings.csv and every finding: the study's SR holds one
measurement group on that image with the same probability, Present exactly where the row is
flagged, and (flagged and located) an SCOORD circle centred on the strongest predicted lesion
of predicted_lesions.csv. The SEGs' frames equal the disks of the flagged findings' predicted
lesions on their source images, and hold nothing else. Without --keep-phi the outputs carry no
patient name, ID or birth date. Prints one line per problem and exits 1 if there was any.
"""
import csv
import glob
import os
import sys
from collections import defaultdict

import highdicom as hd
import numpy as np
import pydicom

report, root = sys.argv[1], sys.argv[2]
keep_phi = "--keep-phi" in sys.argv[3:]
problems = []

with open(os.path.join(report, "findings.csv"), newline="") as f:
    rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
findings = [k[len("score_"):] for k in rows[0] if k.startswith("score_")] if rows else []
lesions = defaultdict(list)
with open(os.path.join(report, "predicted_lesions.csv"), newline="") as f:
    for l in csv.DictReader(f):
        lesions[(l["path"], int(l["frame"]), l["finding"])].append(
            (float(l["score"]), float(l["row"]), float(l["col"]), float(l["radius_px"])))

uid_of = {}
for r in rows:
    if r["path"] not in uid_of:
        uid_of[r["path"]] = pydicom.dcmread(os.path.join(root, r["path"]), stop_before_pixels=True).SOPInstanceUID
path_of = {u: p for p, u in uid_of.items()}

# Every measurement group of every SR, keyed by (path, frame, finding).
groups = {}
out = os.path.join(report, "dicom")
srs = sorted(glob.glob(os.path.join(out, "*.sr.dcm")))
segs = sorted(glob.glob(os.path.join(out, "*.seg*.dcm")))
for p in srs:
    sr = hd.sr.srread(p)
    if not keep_phi and (str(sr.get("PatientName", "")) or sr.get("PatientID", "") or sr.get("PatientBirthDate", "")):
        problems.append(f"{p}: patient identifiers written without --keep-phi")
    report_tree = sr.content
    for g in list(report_tree.get_image_measurement_groups()) + list(report_tree.get_planar_roi_measurement_groups()):
        name = g.tracking_identifier.rsplit(" ", 1)[0]
        if hasattr(g, "roi") and g.roi is not None:
            ref = g.roi.ContentSequence[0].ReferencedSOPSequence[0]
            circle = np.asarray(g.roi.value, dtype=float)
        else:
            ref = g.source_images[0].ReferencedSOPSequence[0]
            circle = None
        frame = int(ref.get("ReferencedFrameNumber", 1)) - 1
        key = (path_of.get(ref.ReferencedSOPInstanceUID), frame, name)
        if key in groups:
            problems.append(f"{p}: two groups for {key}")
        measurements = g.get_measurements()
        evaluations = g.get_qualitative_evaluations()
        groups[key] = (
            float(measurements[0].value),
            evaluations[0].value.meaning,
            g.finding_type.meaning,
            circle,
        )

for r in rows:
    for f in findings:
        key = (r["path"], int(r["frame"]), f)
        if key not in groups:
            problems.append(f"{key}: no measurement group")
            continue
        prob, present, meaning, circle = groups.pop(key)
        if abs(prob - float(r[f"score_{f}"])) > 1e-6:
            problems.append(f"{key}: probability {prob} vs findings.csv {r['score_' + f]}")
        flagged = r[f"flag_{f}"] == "1"
        if (present == "Present") != flagged:
            problems.append(f"{key}: {present} but flag_{f}={r['flag_' + f]}")
        expected_meaning = {"tumor": "Neoplasm", "fracture": "Fracture"}.get(f, f)
        if meaning != expected_meaning:
            problems.append(f"{key}: finding coded as {meaning}")
        located = sorted(lesions.get(key, []), reverse=True)
        if flagged and located:
            _, row, col, rad = located[0]
            if circle is None:
                problems.append(f"{key}: flagged and located but no SCOORD")
            elif abs(circle[0][0] - (col + 0.5)) > 1e-3 or abs(circle[0][1] - (row + 0.5)) > 1e-3 \
                    or abs(circle[1][0] - circle[0][0] - max(rad, 0.5)) > 1e-3:
                problems.append(f"{key}: SCOORD {circle.tolist()} vs lesion row {row} col {col} radius {rad}")
        elif circle is not None:
            problems.append(f"{key}: SCOORD on an image not flagged and located")
for key in groups:
    problems.append(f"{key}: measurement group for no ok row of findings.csv")

# SEG frames against the lesions' disks.
def disk(rows_, cols_, ls):
    m = np.zeros((rows_, cols_), bool)
    yy, xx = np.mgrid[0:rows_, 0:cols_]
    for _, row, col, rad in ls:
        rad = max(rad, 0.5)
        m |= (yy - row) ** 2 + (xx - col) ** 2 <= rad * rad
    return m

seen = set()
for p in segs:
    seg = hd.seg.segread(p)
    if not keep_phi and (str(seg.get("PatientName", "")) or seg.get("PatientID", "")):
        problems.append(f"{p}: patient identifiers written without --keep-phi")
    labels = {n: seg.get_segment_description(n).segment_label for n in seg.segment_numbers}
    pixels = seg.pixel_array
    if pixels.ndim == 2:
        pixels = pixels[None]
    for i, fg in enumerate(seg.PerFrameFunctionalGroupsSequence):
        src = fg.DerivationImageSequence[0].SourceImageSequence[0]
        n = int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        frame = int(src.get("ReferencedFrameNumber", 1)) - 1
        key = (path_of.get(src.ReferencedSOPInstanceUID), frame, labels[n])
        row = next((r for r in rows if r["path"] == key[0] and int(r["frame"]) == frame), None)
        if row is None:
            problems.append(f"{p}: frame {i + 1} references no ok row")
            continue
        flagged = row[f"flag_{key[2]}"] == "1"
        want = disk(seg.Rows, seg.Columns, lesions.get(key, [])) if flagged else np.zeros((seg.Rows, seg.Columns), bool)
        got = pixels[i].astype(bool)
        if not np.array_equal(got, want):
            problems.append(f"{p}: frame {i + 1} ({key}) differs from the lesions in {int((got != want).sum())} pixels")
        seen.add(key)
for r in rows:
    for f in findings:
        key = (r["path"], int(r["frame"]), f)
        if r[f"flag_{f}"] == "1" and lesions.get(key) and key not in seen:
            problems.append(f"{key}: flagged and located but in no SEG frame")

studies = {pydicom.dcmread(os.path.join(root, r["path"]), stop_before_pixels=True).StudyInstanceUID for r in rows}
if len(srs) != len(studies):
    problems.append(f"{len(srs)} SRs for {len(studies)} studies")
for line in problems:
    print(line)
print(f"checked {len(srs)} SR, {len(segs)} SEG, {len(rows)} rows x {len(findings)} findings: {len(problems)} problems")
sys.exit(1 if problems else 0)

//! Tests of the radiograph phantoms (`xr.rs`), kept apart to keep that file readable.

use super::*;

/// A mitred chain projects like one bent tube: its joints are no brighter than its middle
/// (with round caps each joint doubled the bone in a disc of the tube's radius).
#[test]
fn a_chained_rib_has_no_beads_at_its_joints() {
    let pts: Vec<(f32, f32)> = (0..=6)
        .map(|k| {
            let x = 14.0 + k as f32 * 26.0;
            (x, -18.0 + 0.0022 * (x - 100.0).powi(2))
        })
        .collect();
    let (sp, c0) = (0.5, 100.0);
    let mut img = Canvas::new(500, 500, 0.0);
    for b in chain(&pts, 5.0, 0.35) {
        draw_bone(&mut img, &b, sp, c0);
    }
    // the brightest pixel within 2 mm of a point of the axis
    let peak = |(x, y): (f32, f32)| {
        let (cx, cy) = (c0 + x / sp, c0 + y / sp);
        let mut m = 0.0f32;
        for r in (cy - 4.0) as usize..=(cy + 4.0) as usize {
            for c in (cx - 4.0) as usize..=(cx + 4.0) as usize {
                m = m.max(img.get(r, c));
            }
        }
        m
    };
    for k in 1..6 {
        let mid = |a: (f32, f32), b: (f32, f32)| (0.5 * (a.0 + b.0), 0.5 * (a.1 + b.1));
        let (joint, middle) = (peak(pts[k]), peak(mid(pts[k - 1], pts[k])));
        assert!(middle > 0.0, "piece {k} is off the canvas");
        assert!(
            (joint - middle).abs() < 0.15 * middle,
            "joint {k}: {joint} against {middle} mid-piece"
        );
    }
}

/// A comminuted break's record covers both of its lines: every pixel the break darkens
/// strongly lies inside the circle (the second line, 2.2 radii along the bone, used to fall
/// outside it on wide bones).
#[test]
fn a_comminuted_break_lies_inside_its_record() {
    let (sp, c0) = (0.5, 250.0);
    for (r_out, angle) in [(12.0, 0.1), (8.0, -0.15), (5.0, 0.0)] {
        let f = Break {
            at: 0.5,
            angle,
            pattern: Pattern::Comminuted,
            shift: 0.0,
        };
        let whole = Bone {
            p0: (-100.0, 0.0),
            p1: (100.0, 0.0),
            r_out,
            r_in: 0.5 * r_out,
            fracture: None,
            mitre: [None, None],
        };
        let broken = Bone {
            fracture: Some(f),
            ..whole
        };
        let (mut a, mut b) = (Canvas::new(500, 500, 0.0), Canvas::new(500, 500, 0.0));
        draw_bone(&mut a, &whole, sp, c0);
        draw_bone(&mut b, &broken, sp, c0);
        let ((x, y), radius) = break_circle(&broken, &f);
        let (cx, cy, rad) = (c0 + x / sp, c0 + y / sp, radius / sp);
        let drop: Vec<f32> = a.px.iter().zip(&b.px).map(|(p, q)| p - q).collect();
        let most = drop.iter().cloned().fold(0.0f32, f32::max);
        assert!(most > 0.0, "the break darkens nothing");
        let mut lines = 0;
        for (i, d) in drop.iter().enumerate() {
            let (r, c) = ((i / 500) as f32, (i % 500) as f32);
            // away from the far end, which the distal part's 0.5-mm shift moves
            if *d > 0.5 * most && ((c - c0) * sp).abs() < 80.0 {
                lines += 1;
                let out = (c - cx).hypot(r - cy);
                assert!(
                    out <= rad + 1.0,
                    "r_out {r_out}: pixel ({r}, {c}) darkened, {out:.1} px from the record's centre (radius {rad:.1})"
                );
            }
        }
        assert!(lines > 20, "only {lines} darkened pixels");
    }
}

/// The first `count` chest plans (tumour- and fracture-free) of a seed's stream.
fn chests(seed: u64, count: usize) -> Vec<XrImage> {
    let mut rng = Rng::keyed(seed, &[]);
    let mut out = Vec::new();
    for k in 0.. {
        let spec = crate::lesion::PhantomSpec {
            size: 512,
            slices: 1,
            female: k % 2 == 0,
            age: 50,
            tumor: false,
            fracture: false,
            size_range: (10.0, 40.0),
            contrast_range: (30.0, 200.0),
            ground_glass_rate: 0.0,
        };
        let img = XrImage::plan(&mut rng, &spec);
        if img.part == Part::Chest {
            out.push(img);
        }
        if out.len() == count {
            break;
        }
    }
    out
}

/// A noise-free render, and its stored value at (x, y) mm.
fn noise_free(img: &XrImage) -> impl Fn((f32, f32)) -> f32 {
    let (canvas, _) = img.render(&mut Rng::keyed(1, &[]), 0.0);
    let (sp, c0) = (img.spacing(), img.size as f32 / 2.0);
    move |(x, y)| canvas.get((c0 + y / sp) as usize, (c0 + x / sp) as usize)
}

/// The lung fields stand apart from the mediastinum as on a real film: a lung's centre stores
/// less than 60 % of the spine's value beside it, more than a quarter of the stored range below
/// it. (Until 2026-12-07 soft tissue attenuated a fifth as much as water and the film stored
/// `1 − e^(−∫μ)`: 76-78 % and 17 %, and the display stage put the lungs at 0.73-0.88.)
#[test]
fn chest_films_have_dark_lungs() {
    for img in chests(11, 8) {
        let lung = img.soft[1].0;
        let at = noise_free(&img);
        let (l, m) = (at((lung.x, lung.y)), at((0.0, lung.y)));
        assert!(
            l < 0.6 * m && m - l > 0.25 * 4095.0,
            "lung {l:.0}, mediastinum {m:.0}"
        );
    }
}

/// The heart fills the lung it overlaps and adds nothing where there is no lung: outside
/// the lungs a film's soft tissue with it equals that without it.
#[test]
fn the_heart_displaces_lung_only() {
    for img in chests(11, 4) {
        let mut bare = img.clone();
        bare.fills = None;
        let heart = img.fills.expect("a chest film has a heart");
        let (with, without) = (img.soft_tissue(), bare.soft_tissue());
        let (sp, c0) = (img.spacing(), img.size as f32 / 2.0);
        let lungs = [img.soft[1].0, img.soft[2].0];
        let (mut over_lung, mut elsewhere) = (0, 0);
        for r in 0..img.size {
            for c in 0..img.size {
                // pixel centres, as `Canvas::radial` measures them
                let (x, y) = ((c as f32 - c0) * sp, (r as f32 - c0) * sp);
                let (a, b) = (with.get(r, c), without.get(r, c));
                let lung = lungs.iter().map(|l| l.rho2(x, y)).fold(f32::MAX, f32::min);
                if heart.rho2(x, y) < 0.8 && lung < 0.8 {
                    over_lung += 1;
                    assert!(a > b + 0.2, "heart over lung at ({r}, {c}): {a} vs {b}");
                } else if lung > 1.05 {
                    elsewhere += 1;
                    assert_eq!(a, b, "heart outside the lungs at ({r}, {c})");
                }
            }
        }
        assert!(
            over_lung > 100 && elsewhere > 1000,
            "{over_lung} / {elsewhere}"
        );
    }
}

/// A nodule's record states the rise it makes in the stored film, within the unsharp
/// mask's gain and the blur.
#[test]
fn a_chest_nodules_record_states_its_rise() {
    for img in chests(11, 4) {
        let lung = img.soft[1].0;
        let mut with = img.clone();
        with.nodule = Some((lung.x, lung.y, 24.0, 60.0, Margin::Round));
        let (a, lesions) = with.render(&mut Rng::keyed(1, &[]), 0.0);
        let (b, _) = img.render(&mut Rng::keyed(1, &[]), 0.0);
        let l = &lesions[0];
        let rise = a.get(l.row as usize, l.col as usize) - b.get(l.row as usize, l.col as usize);
        assert!(
            rise > 0.8 * l.contrast && rise < 2.2 * l.contrast,
            "rise {rise:.0} against a recorded contrast of {:.0}",
            l.contrast
        );
    }
}

/// A chest film's ribs stay inside the body's outline (they used to reach past it at the
/// top of the chest, into the air).
#[test]
fn chest_ribs_lie_inside_the_body() {
    for img in chests(5, 20) {
        let body = img.soft[0].0;
        for b in img
            .bones
            .iter()
            .filter(|b| b.mitre.iter().any(Option::is_some))
        {
            for p in [b.p0, b.p1] {
                // the tube's outer edge, not only its axis
                let inner = Ellipse::new(body.x, body.y, body.rx - b.r_out, body.ry - b.r_out, 0.0);
                assert!(
                    inner.rho2(p.0, p.1) < 1.0,
                    "rib end {p:?} outside a body of half-width {}",
                    body.rx
                );
            }
        }
    }
}

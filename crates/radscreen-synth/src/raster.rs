//! A small float canvas with the drawing primitives the phantoms are made of: rotated ellipses
//! (set, add or multiply), radial-profile lesions, separable blur and correlated noise.

use crate::rng::Rng;

/// How a shape combines with what is already drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Paint {
    /// Replace the value.
    Set(f32),
    /// Add to the value.
    Add(f32),
}

/// A row-major `[rows, cols]` image of `f32` values.
#[derive(Clone, Debug)]
pub struct Canvas {
    /// Height, in pixels.
    pub rows: usize,
    /// Width, in pixels.
    pub cols: usize,
    /// The values, row by row.
    pub px: Vec<f32>,
}

/// A rotated ellipse in pixel coordinates (`x` = column, `y` = row).
#[derive(Clone, Copy, Debug)]
pub struct Ellipse {
    pub x: f32,
    pub y: f32,
    pub rx: f32,
    pub ry: f32,
    /// Rotation in radians.
    pub angle: f32,
}

impl Ellipse {
    pub fn new(x: f32, y: f32, rx: f32, ry: f32, angle: f32) -> Self {
        Self {
            x,
            y,
            rx: rx.max(0.01),
            ry: ry.max(0.01),
            angle,
        }
    }

    pub fn circle(x: f32, y: f32, r: f32) -> Self {
        Self::new(x, y, r, r, 0.0)
    }

    /// Same centre and angle, radii scaled.
    pub fn scaled(&self, s: f32) -> Self {
        Self::new(self.x, self.y, self.rx * s, self.ry * s, self.angle)
    }

    /// Radii shrunk by `d` pixels.
    pub fn inset(&self, d: f32) -> Self {
        Self::new(self.x, self.y, self.rx - d, self.ry - d, self.angle)
    }

    /// Normalised squared radius of a point: < 1 inside.
    #[inline]
    pub fn rho2(&self, x: f32, y: f32) -> f32 {
        let (s, c) = self.angle.sin_cos();
        let dx = x - self.x;
        let dy = y - self.y;
        let u = (dx * c + dy * s) / self.rx;
        let v = (-dx * s + dy * c) / self.ry;
        u * u + v * v
    }
}

impl Canvas {
    /// A `rows x cols` canvas filled with `value`.
    pub fn new(rows: usize, cols: usize, value: f32) -> Self {
        Self {
            rows,
            cols,
            px: vec![value; rows * cols],
        }
    }

    /// The value at row `r`, column `c`.
    #[inline]
    pub fn get(&self, r: usize, c: usize) -> f32 {
        self.px[r * self.cols + c]
    }

    /// Clipped bounding box `(r0, r1, c0, c1)` (half-open) of a disc of radius `rad` at (x, y).
    fn bbox(&self, x: f32, y: f32, rad: f32) -> Option<(usize, usize, usize, usize)> {
        if !(x.is_finite() && y.is_finite() && rad.is_finite()) {
            return None;
        }
        let r0 = (y - rad - 1.0).floor().max(0.0) as usize;
        let r1 = ((y + rad + 2.0).ceil().max(0.0) as usize).min(self.rows);
        let c0 = (x - rad - 1.0).floor().max(0.0) as usize;
        let c1 = ((x + rad + 2.0).ceil().max(0.0) as usize).min(self.cols);
        (r0 < r1 && c0 < c1).then_some((r0, r1, c0, c1))
    }

    /// Paints an ellipse.
    pub fn ellipse(&mut self, e: &Ellipse, paint: Paint) {
        let Some((r0, r1, c0, c1)) = self.bbox(e.x, e.y, e.rx.max(e.ry)) else {
            return;
        };
        let (s, c) = e.angle.sin_cos();
        let (irx, iry) = (1.0 / e.rx, 1.0 / e.ry);
        for r in r0..r1 {
            let dy = r as f32 - e.y;
            let row = &mut self.px[r * self.cols..(r + 1) * self.cols];
            for (col, v) in row.iter_mut().enumerate().take(c1).skip(c0) {
                let dx = col as f32 - e.x;
                let u = (dx * c + dy * s) * irx;
                let w = (-dx * s + dy * c) * iry;
                if u * u + w * w < 1.0 {
                    match paint {
                        Paint::Set(x) => *v = x,
                        Paint::Add(x) => *v += x,
                    }
                }
            }
        }
    }

    /// Paints an elliptical ring between `e` and `e` shrunk by `width` pixels.
    pub fn ring(&mut self, e: &Ellipse, width: f32, paint: Paint) {
        let inner = e.inset(width);
        let Some((r0, r1, c0, c1)) = self.bbox(e.x, e.y, e.rx.max(e.ry)) else {
            return;
        };
        for r in r0..r1 {
            for col in c0..c1 {
                let (x, y) = (col as f32, r as f32);
                if e.rho2(x, y) < 1.0 && inner.rho2(x, y) >= 1.0 {
                    let v = &mut self.px[r * self.cols + col];
                    match paint {
                        Paint::Set(p) => *v = p,
                        Paint::Add(p) => *v += p,
                    }
                }
            }
        }
    }

    /// Adds `f(d)` to each pixel whose distance from (x, y) is below `reach`, where `d` is the
    /// distance divided by the radial profile `radius(theta)`.
    pub fn radial<R, F>(&mut self, x: f32, y: f32, reach: f32, radius: R, f: F)
    where
        R: Fn(f32) -> f32,
        F: Fn(f32) -> f32,
    {
        self.radial_with(x, y, reach, radius, |d, old| old + f(d));
    }

    /// As [`Canvas::radial`], but sets each pixel to `f(d, old value)`.
    pub fn radial_with<R, F>(&mut self, x: f32, y: f32, reach: f32, radius: R, f: F)
    where
        R: Fn(f32) -> f32,
        F: Fn(f32, f32) -> f32,
    {
        let Some((r0, r1, c0, c1)) = self.bbox(x, y, reach) else {
            return;
        };
        for r in r0..r1 {
            let dy = r as f32 - y;
            for col in c0..c1 {
                let dx = col as f32 - x;
                let dist = (dx * dx + dy * dy).sqrt();
                if dist >= reach {
                    continue;
                }
                let rad = radius(dy.atan2(dx)).max(0.05);
                let i = r * self.cols + col;
                self.px[i] = f(dist / rad, self.px[i]);
            }
        }
    }

    /// Puts back `before`'s values at the pixels within `reach` of `centre` where
    /// `inside(dx, dy)` holds (offsets from the centre, in pixels): cuts into what was drawn
    /// since `before` was copied.
    pub fn restore_where(
        &mut self,
        before: &Canvas,
        centre: (f32, f32),
        reach: f32,
        inside: impl Fn(f32, f32) -> bool,
    ) {
        let (x, y) = centre;
        let Some((r0, r1, c0, c1)) = self.bbox(x, y, reach) else {
            return;
        };
        for r in r0..r1 {
            for col in c0..c1 {
                let (dx, dy) = (col as f32 - x, r as f32 - y);
                if dx.hypot(dy) < reach && inside(dx, dy) {
                    let i = r * self.cols + col;
                    self.px[i] = before.px[i];
                }
            }
        }
    }

    /// Draws a thick line segment (capsule) from (x0, y0) to (x1, y1).
    pub fn segment(&mut self, p0: (f32, f32), p1: (f32, f32), half_width: f32, paint: Paint) {
        let (x0, y0) = p0;
        let (x1, y1) = p1;
        let cx = 0.5 * (x0 + x1);
        let cy = 0.5 * (y0 + y1);
        let reach = 0.5 * ((x1 - x0).hypot(y1 - y0)) + half_width;
        let Some((r0, r1, c0, c1)) = self.bbox(cx, cy, reach) else {
            return;
        };
        let (vx, vy) = (x1 - x0, y1 - y0);
        let len2 = (vx * vx + vy * vy).max(1e-6);
        for r in r0..r1 {
            for col in c0..c1 {
                let (px, py) = (col as f32 - x0, r as f32 - y0);
                let t = ((px * vx + py * vy) / len2).clamp(0.0, 1.0);
                let (dx, dy) = (px - t * vx, py - t * vy);
                if dx * dx + dy * dy < half_width * half_width {
                    let v = &mut self.px[r * self.cols + col];
                    match paint {
                        Paint::Set(p) => *v = p,
                        Paint::Add(p) => *v += p,
                    }
                }
            }
        }
    }

    /// Separable Gaussian blur (edges clamp). `sigma <= 0` leaves the image unchanged.
    pub fn blur(&mut self, sigma: f32) {
        if sigma.is_nan() || sigma <= 0.05 {
            return;
        }
        let k = kernel(sigma);
        let h = (k.len() / 2) as isize;
        let (rows, cols) = (self.rows, self.cols);
        let mut tmp = vec![0.0f32; self.px.len()];
        for r in 0..rows {
            let row = &self.px[r * cols..(r + 1) * cols];
            let out = &mut tmp[r * cols..(r + 1) * cols];
            for (c, o) in out.iter_mut().enumerate() {
                let mut acc = 0.0;
                for (i, w) in k.iter().enumerate() {
                    let cc = (c as isize + i as isize - h).clamp(0, cols as isize - 1) as usize;
                    acc += w * row[cc];
                }
                *o = acc;
            }
        }
        for r in 0..rows {
            for (i, w) in k.iter().enumerate() {
                let rr = (r as isize + i as isize - h).clamp(0, rows as isize - 1) as usize;
                let (src, dst) = (rr * cols, r * cols);
                if i == 0 {
                    for c in 0..cols {
                        self.px[dst + c] = w * tmp[src + c];
                    }
                } else {
                    for c in 0..cols {
                        self.px[dst + c] += w * tmp[src + c];
                    }
                }
            }
        }
    }

    /// Replaces every pixel `v` with `f(v)`.
    pub fn map(&mut self, f: impl Fn(f32) -> f32) {
        for v in &mut self.px {
            *v = f(*v);
        }
    }
}

/// Normalised Gaussian kernel of radius ceil(2.5 sigma) (at most 25 taps each side).
fn kernel(sigma: f32) -> Vec<f32> {
    let h = ((2.5 * sigma).ceil() as usize).clamp(1, 25);
    let mut k: Vec<f32> = (0..=2 * h)
        .map(|i| {
            let d = i as f32 - h as f32;
            (-0.5 * d * d / (sigma * sigma)).exp()
        })
        .collect();
    let s: f32 = k.iter().sum();
    k.iter_mut().for_each(|v| *v /= s);
    k
}

/// Spatially correlated Gaussian noise with standard deviation `sigma`: white noise blurred
/// with a Gaussian of width `corr` pixels, then rescaled to unit variance.
pub fn correlated_noise(rng: &mut Rng, rows: usize, cols: usize, sigma: f32, corr: f32) -> Canvas {
    let mut c = Canvas::new(rows, cols, 0.0);
    rng.fill_normal(&mut c.px);
    if corr > 0.05 {
        c.blur(corr);
        // variance of blurred white noise = sum of squared 2-D kernel weights
        let k = kernel(corr);
        let s1: f32 = k.iter().map(|w| w * w).sum();
        let gain = sigma / (s1 * s1).sqrt().max(1e-6);
        c.map(|v| v * gain);
    } else {
        c.map(|v| v * sigma);
    }
    c
}

/// Separable Gaussian blur (σ in pixels), edges clamped, of a row-major buffer: the DRRs' and
/// the chest films' CR/DX processing. [`Canvas::blur`] is the same filter with pre-normalised
/// weights; the two round differently, and their outputs are in committed files, so each keeps
/// its own.
pub fn gaussian(px: &[f32], rows: usize, cols: usize, sigma: f32) -> Vec<f32> {
    let r = (3.0 * sigma).ceil().max(1.0) as isize;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let ks: f32 = k.iter().sum();
    let mut tmp = vec![0.0; px.len()];
    for y in 0..rows {
        for x in 0..cols {
            let mut s = 0.0;
            for (j, w) in k.iter().enumerate() {
                let xx = (x as isize + j as isize - r).clamp(0, cols as isize - 1) as usize;
                s += w * px[y * cols + xx];
            }
            tmp[y * cols + x] = s / ks;
        }
    }
    let mut out = vec![0.0; px.len()];
    for y in 0..rows {
        for x in 0..cols {
            let mut s = 0.0;
            for (j, w) in k.iter().enumerate() {
                let yy = (y as isize + j as isize - r).clamp(0, rows as isize - 1) as usize;
                s += w * tmp[yy * cols + x];
            }
            out[y * cols + x] = s / ks;
        }
    }
    out
}

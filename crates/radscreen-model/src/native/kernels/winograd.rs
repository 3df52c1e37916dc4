//! 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3) and F(4×4, 3×3): each 2×2 output tile
//! from a 4×4 input tile with 16 multiplies per channel pair instead of 36, or each 4×4 tile
//! from a 6×6 one with 36 instead of 144 (Lavin & Gray, 2016).
//!
//! `Y = Aᵀ [U ⊙ V] A` with `U = G g Gᵀ` (the weights, transformed once at load) and
//! `V = Bᵀ d B` (the input tile). In the blocked layout the transforms are multiply-adds of
//! whole channel blocks by constants, and the products summed over input channels are, for each
//! of the 16 (36) tile positions ξ, a 1×1 convolution of the transformed tiles: the direct
//! kernels' own tile ([`Geom`], `row`) computes them, so the only new vector code is the
//! transforms.
//!
//! Work is split by tile rows (two or four output rows) of every image; a task transforms its
//! row of input tiles into a scratch buffer of its thread (`[ξ][in block][tile][16]`), runs the
//! products into a second one (`[ξ][out block][tile][16]`), and transforms those back into the
//! output with the bias, residual and ReLU. Contracts as in the parent module, plus: the input's
//! border is at least one pixel (the convolution's padding); reads past the buffer's edge (the
//! last tile of a side that is not a multiple of the tile) are replaced by zeros, which is what
//! the padding holds.

use std::cell::RefCell;

use rayon::prelude::*;

use super::{Act, Geom, Isa, LANES};

/// Floats of one tile position's packed weights.
fn per_xi(cbi: usize, cbo: usize) -> usize {
    cbo * cbi * LANES * LANES
}

/// Tile positions ξ of an output tile of side `tile`: (tile + 2)².
fn positions(tile: usize) -> usize {
    (tile + 2) * (tile + 2)
}

/// A 3×3, stride 1, padding 1 convolution's weights transformed and packed: for each ξ, the
/// layout of a 1×1 [`super::Packed`] (`[ξ][out block][in block][in channel][16 out channels]`).
#[derive(Debug, Clone)]
pub(crate) struct WinoPacked {
    pub(crate) cin: usize,
    pub(crate) cout: usize,
    /// The output tile's side: 2 (F(2×2, 3×3)) or 4 (F(4×4, 3×3)).
    pub(crate) tile: usize,
    u: Vec<f32>,
    bias: Vec<f32>,
    /// The products start from zero: the bias is added after the output transform.
    zeros: Vec<f32>,
}

impl WinoPacked {
    /// Transforms `weight` (`[cout][cin][3][3]`, row-major) for output tiles of side `tile`
    /// (2 or 4) and packs it with `bias`; `None` when their lengths disagree with the channel
    /// counts or the tile is neither.
    pub(crate) fn new(
        cin: usize,
        cout: usize,
        weight: &[f32],
        bias: &[f32],
        tile: usize,
    ) -> Option<Self> {
        if weight.len() != cout * cin * 9 || bias.len() != cout || cin == 0 {
            return None;
        }
        let g_rows = match tile {
            2 => G2,
            4 => G4,
            _ => return None,
        };
        let (cbi, cbo) = (cin.div_ceil(LANES), cout.div_ceil(LANES));
        let per_xi = per_xi(cbi, cbo);
        let mut u = vec![0.0; positions(tile) * per_xi];
        for o in 0..cout {
            for c in 0..cin {
                let g = &weight[(o * cin + c) * 9..][..9];
                let t = transform_weights(g, g_rows);
                for (xi, &v) in t.iter().enumerate() {
                    let at = xi * per_xi
                        + ((o / LANES) * cbi + c / LANES) * LANES * LANES
                        + (c % LANES) * LANES
                        + o % LANES;
                    u[at] = v;
                }
            }
        }
        let mut b = vec![0.0; cbo * LANES];
        b[..cout].copy_from_slice(bias);
        Some(WinoPacked {
            cin,
            cout,
            tile,
            u,
            bias: b,
            zeros: vec![0.0; cbo * LANES],
        })
    }
}

/// F(2×2, 3×3)'s G.
const G2: &[[f64; 3]] = &[
    [1.0, 0.0, 0.0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0.0, 0.0, 1.0],
];

/// F(4×4, 3×3)'s G for the interpolation points 0, 1, −1, 2, −½ (Toom-Cook; its Bᵀ and Aᵀ are
/// written out in `bt6` and `at6`). Lavin's points 0, ±1, ±2 had about three times the f32
/// error in a simulation of 64-channel sums and failed the 1e-4 parity with burn; −½ in place
/// of −2 keeps the transforms' magnitudes down (Barabasz et al., 2020, on choosing the points).
const G4: &[[f64; 3]] = &[
    [1.0, 0.0, 0.0],
    [-1.0 / 3.0, -1.0 / 3.0, -1.0 / 3.0],
    [1.0 / 3.0, -1.0 / 3.0, 1.0 / 3.0],
    [1.0 / 15.0, 2.0 / 15.0, 4.0 / 15.0],
    [-16.0 / 15.0, 8.0 / 15.0, -4.0 / 15.0],
    [0.0, 0.0, 1.0],
];

/// `G g Gᵀ` of one 3×3 kernel (row-major), as α² values `[row][column]` (α: G's rows); in f64
/// so that the fractions and sums round once.
fn transform_weights(g: &[f32], gm: &[[f64; 3]]) -> Vec<f32> {
    let a = gm.len();
    let g: Vec<f64> = g.iter().map(|&v| f64::from(v)).collect();
    let dot = |row: &[f64; 3], v: [f64; 3]| row[0] * v[0] + row[1] * v[1] + row[2] * v[2];
    // G g: α × 3
    let gg: Vec<[f64; 3]> = gm
        .iter()
        .map(|row| std::array::from_fn(|col| dot(row, [g[col], g[3 + col], g[6 + col]])))
        .collect();
    let mut out = vec![0.0f32; a * a];
    for (r, t) in gg.iter().enumerate() {
        for (c, row) in gm.iter().enumerate() {
            out[r * a + c] = dot(row, *t) as f32;
        }
    }
    out
}

/// What every task of one convolution shares; pointers into buffers that outlive the tasks.
pub(super) struct Task {
    pub(super) x: *const f32,
    pub(super) out: *mut f32,
    pub(super) res: *const f32,
    pub(super) bias: *const f32,
    pub(super) cbi: usize,
    pub(super) cbo: usize,
    /// input border − 1: the buffer row and column of tile (0, 0)'s first input pixel
    pub(super) shift: usize,
    /// the input buffer's rows and columns (borders included)
    pub(super) in_h: usize,
    pub(super) in_w: usize,
    pub(super) in_row: usize,
    pub(super) in_plane: usize,
    pub(super) in_image: usize,
    pub(super) ho: usize,
    pub(super) wo: usize,
    pub(super) out_row: usize,
    pub(super) out_plane: usize,
    pub(super) out_image: usize,
    pub(super) out_border: usize,
    pub(super) res_row: usize,
    pub(super) res_plane: usize,
    pub(super) res_image: usize,
    pub(super) res_border: usize,
    /// tiles per tile row
    pub(super) ntx: usize,
    /// the output tile's side (2 or 4) and its tile positions ξ (16 or 36)
    pub(super) tile: usize,
    pub(super) npos: usize,
    /// floats between one tile position's packed weights and the next one's
    pub(super) w_xi: usize,
    pub(super) relu: bool,
}

// SAFETY: as the parent's `Geom`: tasks read the shared inputs and write disjoint output rows
// (tile row ty writes output rows tile·ty to tile·ty + tile − 1 only) and their own thread's
// scratch.
unsafe impl Sync for Task {}

thread_local! {
    /// A task's transformed tiles and products, kept per thread so that the steady state
    /// allocates nothing.
    static SCRATCH: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// `relu?(conv3×3(x) + bias + residual?)`, stride 1, padding 1, by Winograd F(m×m, 3×3) (m:
/// the packed weights' tile) on `isa`'s kernels, into a new activation with a zero border of
/// `out_border` in `buffer`.
///
/// # Errors
/// A message when the input, residual and weights disagree (nothing is computed).
pub(crate) fn conv(
    isa: Isa,
    p: &WinoPacked,
    x: &Act,
    residual: Option<&Act>,
    relu: bool,
    (out_border, buffer): (usize, Vec<f32>),
) -> Result<Act, String> {
    let (cbi, cbo) = (p.cin.div_ceil(LANES), p.cout.div_ceil(LANES));
    if x.c != p.cin || !x.holds() || !x.full_width() || x.border < 1 || x.h == 0 || x.w == 0 {
        return Err(format!(
            "input of {} channels, {}×{} (border {}, {} floats) for a 3×3 convolution of {} \
             channels, padding 1",
            x.c,
            x.h,
            x.w,
            x.border,
            x.values().len(),
            p.cin
        ));
    }
    let npos = positions(p.tile);
    if !matches!(p.tile, 2 | 4)
        || p.u.len() != npos * per_xi(cbi, cbo)
        || p.bias.len() != cbo * LANES
    {
        return Err("packed Winograd weights of the wrong size".into());
    }
    let (ho, wo) = (x.h, x.w);
    super::check_residual(residual, (x.n, p.cout, ho, wo))?;
    let isa = if isa.available() { isa } else { Isa::Portable };
    let mut out = Act::reusing(buffer, (x.n, p.cout, ho, wo), out_border);
    let (nty, ntx) = (ho.div_ceil(p.tile), wo.div_ceil(p.tile));
    let t = Task {
        x: x.values().as_ptr(),
        out: out.values_mut().as_mut_ptr(),
        res: residual.map_or(std::ptr::null(), |r| r.values().as_ptr()),
        bias: p.bias.as_ptr(),
        cbi,
        cbo,
        shift: x.border - 1,
        in_h: x.h + 2 * x.border,
        in_w: x.w + 2 * x.border,
        in_row: x.row(),
        in_plane: x.plane(),
        in_image: x.image(),
        ho,
        wo,
        out_row: out.row(),
        out_plane: out.plane(),
        out_image: out.image(),
        out_border,
        res_row: residual.map_or(0, Act::row),
        res_plane: residual.map_or(0, Act::plane),
        res_image: residual.map_or(0, Act::image),
        res_border: residual.map_or(0, |r| r.border),
        ntx,
        tile: p.tile,
        npos,
        w_xi: per_xi(cbi, cbo),
        relu,
    };
    // the products: for ξ, a 1×1 convolution of "image" ξ (one row of ntx tiles) of the
    // scratch with ξ's weights (`wino_row` moves `w` on by `per_xi` per ξ)
    let tiles = ntx * LANES;
    let gemm = |v: *const f32, m: *mut f32| Geom {
        w: p.u.as_ptr(),
        bias: p.zeros.as_ptr(),
        x: v,
        out: m,
        res: std::ptr::null(),
        cin: p.cin,
        cbi,
        cbo,
        k: 1,
        s: 1,
        shift: 0,
        in_px: LANES,
        in_row: tiles,
        in_plane: tiles,
        in_image: cbi * tiles,
        out_row: tiles,
        out_plane: tiles,
        out_image: cbo * tiles,
        out_border: 0,
        res_row: 0,
        res_plane: 0,
        res_image: 0,
        res_border: 0,
        wo: ntx,
        w_block: cbi * LANES * LANES,
        half: super::half_last(p.cout),
        relu: false,
    };
    (0..x.n * nty).into_par_iter().for_each(|task| {
        let (i, ty) = (task / nty, task % nty);
        SCRATCH.with_borrow_mut(|(v, m)| {
            // grown, never shrunk: every element read below is written first in this task
            if v.len() < npos * cbi * tiles {
                v.resize(npos * cbi * tiles, 0.0);
            }
            if m.len() < npos * cbo * tiles {
                m.resize(npos * cbo * tiles, 0.0);
            }
            // SAFETY: the buffers were checked against their geometry above, the scratch
            // holds npos planes of ntx tiles in every block, `isa` is available, and task
            // (i, ty) writes only output rows tile·ty .. tile·ty + tile − 1 of image i.
            unsafe {
                let (vp, mp) = (v.as_mut_ptr(), m.as_mut_ptr());
                let g = gemm(vp, mp);
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => super::avx512::wino_row(&t, &g, vp, mp, i, ty),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => super::avx2::wino_row(&t, &g, vp, mp, i, ty),
                    _ => super::portable::wino_row(&t, &g, vp, mp, i, ty),
                }
            }
        });
    });
    Ok(out)
}

/// The input and output transforms, written once over the vector operations of the module it
/// is expanded in (`zero`, `load`, `store`, `splat`, `fma`, `add`, `sub`, `relu`) and its
/// attributes.
macro_rules! winograd_body {
    ($(#[$attr:meta])*) => {
        /// Tile row `ty` of image `i`: the input transform into `v`, the products into `m`
        /// (`g`: ξ = 0's product geometry, images of the scratch indexed by ξ), the output
        /// transform.
        ///
        /// # Safety
        /// As [`wino_in`] and [`wino_out`]; `g` points at `v`, `m` and ξ = 0's weights.
        $(#[$attr])*
        pub(super) unsafe fn wino_row(
            t: &Task,
            g: &Geom,
            v: *mut f32,
            m: *mut f32,
            i: usize,
            ty: usize,
        ) {
            // SAFETY: the caller's contract; ξ's weights lie w_xi floats after ξ − 1's.
            unsafe {
                if t.tile == 4 {
                    wino4_in(t, v, i, ty);
                } else {
                    wino_in(t, v, i, ty);
                }
                for xi in 0..t.npos {
                    let gx = Geom {
                        w: g.w.add(xi * t.w_xi),
                        ..*g
                    };
                    gemm::row(&gx, xi, 0);
                }
                if t.tile == 4 {
                    wino4_out(t, m, i, ty);
                } else {
                    wino_out(t, m, i, ty);
                }
            }
        }

        /// `V = Bᵀ d B` of every input tile of tile row `ty` of image `i`, every input block,
        /// into `v` (`[ξ][in block][tile][16]`).
        ///
        /// # Safety
        /// The module's contracts (`t` checked by `winograd::conv`); `v` holds
        /// `16 * cbi * ntx * 16` floats.
        $(#[$attr])*
        unsafe fn wino_in(t: &Task, v: *mut f32, i: usize, ty: usize) {
            // SAFETY: reads inside image i's buffer (rows < in_h, columns < in_w, checked per
            // tile at the edges), writes inside v.
            unsafe {
                let r0 = 2 * ty + t.shift;
                let xi_stride = t.cbi * t.ntx * LANES;
                for ib in 0..t.cbi {
                    let plane = t.x.add(i * t.in_image + ib * t.in_plane);
                    for tx in 0..t.ntx {
                        let c0 = 2 * tx + t.shift;
                        let mut d = [[zero(); 4]; 4];
                        let inside = r0 + 4 <= t.in_h && c0 + 4 <= t.in_w;
                        for (r, dr) in d.iter_mut().enumerate() {
                            for (c, dv) in dr.iter_mut().enumerate() {
                                if inside || (r0 + r < t.in_h && c0 + c < t.in_w) {
                                    *dv = load(plane.add((r0 + r) * t.in_row + (c0 + c) * LANES));
                                }
                            }
                        }
                        // Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]]
                        let mut e = [[zero(); 4]; 4];
                        for c in 0..4 {
                            e[0][c] = sub(d[0][c], d[2][c]);
                            e[1][c] = add(d[1][c], d[2][c]);
                            e[2][c] = sub(d[2][c], d[1][c]);
                            e[3][c] = sub(d[1][c], d[3][c]);
                        }
                        let at = v.add((ib * t.ntx + tx) * LANES);
                        for (r, er) in e.iter().enumerate() {
                            let row = [
                                sub(er[0], er[2]),
                                add(er[1], er[2]),
                                sub(er[2], er[1]),
                                sub(er[1], er[3]),
                            ];
                            for (c, &val) in row.iter().enumerate() {
                                store(at.add((r * 4 + c) * xi_stride), val);
                            }
                        }
                    }
                }
            }
        }

        /// `Y = Aᵀ M A` of every tile of tile row `ty` of image `i` from the products `m`
        /// (`[ξ][out block][tile][16]`), plus bias and residual, ReLU when asked, into the
        /// output rows 2ty and 2ty + 1 that exist.
        ///
        /// # Safety
        /// As [`wino_in`]; `m` holds `16 * cbo * ntx * 16` floats, all written.
        $(#[$attr])*
        unsafe fn wino_out(t: &Task, m: *const f32, i: usize, ty: usize) {
            // SAFETY: reads inside m, the bias and image i's residual; writes output rows
            // 2ty and 2ty + 1 (those below ho) of image i, columns below wo.
            unsafe {
                let xi_stride = t.cbo * t.ntx * LANES;
                for ob in 0..t.cbo {
                    let bias = load(t.bias.add(ob * LANES));
                    for tx in 0..t.ntx {
                        let at = m.add((ob * t.ntx + tx) * LANES);
                        let mut q = [[zero(); 4]; 4];
                        for (r, qr) in q.iter_mut().enumerate() {
                            for (c, qv) in qr.iter_mut().enumerate() {
                                *qv = load(at.add((r * 4 + c) * xi_stride));
                            }
                        }
                        // Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]
                        let mut s = [[zero(); 4]; 2];
                        for c in 0..4 {
                            s[0][c] = add(add(q[0][c], q[1][c]), q[2][c]);
                            s[1][c] = sub(sub(q[1][c], q[2][c]), q[3][c]);
                        }
                        for (dy, sr) in s.iter().enumerate() {
                            let oy = 2 * ty + dy;
                            if oy >= t.ho {
                                break;
                            }
                            let y = [
                                add(add(sr[0], sr[1]), sr[2]),
                                sub(sub(sr[1], sr[2]), sr[3]),
                            ];
                            for (dx, &yv) in y.iter().enumerate() {
                                let ox = 2 * tx + dx;
                                if ox >= t.wo {
                                    break;
                                }
                                emit(t, (i, ob, oy, ox), add(yv, bias));
                            }
                        }
                    }
                }
            }
        }

        /// Output pixel (oy, ox) of block `ob` of image `i`: `val` (the transform plus bias),
        /// plus the residual, ReLU when asked.
        ///
        /// # Safety
        /// As [`wino_out`]; oy < ho and ox < wo.
        $(#[$attr])*
        #[inline]
        unsafe fn emit(t: &Task, (i, ob, oy, ox): (usize, usize, usize, usize), val: V) {
            // SAFETY: the pixel lies inside image i's residual and output (the caller's)
            unsafe {
                let mut val = val;
                if !t.res.is_null() {
                    val = add(val, load(t.res.add(
                        i * t.res_image
                            + ob * t.res_plane
                            + (oy + t.res_border) * t.res_row
                            + (ox + t.res_border) * LANES,
                    )));
                }
                if t.relu {
                    val = relu(val);
                }
                store(
                    t.out.add(
                        i * t.out_image
                            + ob * t.out_plane
                            + (oy + t.out_border) * t.out_row
                            + (ox + t.out_border) * LANES,
                    ),
                    val,
                );
            }
        }

        /// F(4×4, 3×3)'s `Bᵀ d` of six values (points 0, 1, −1, 2, −½; see `G4`):
        /// `Bᵀ = [[1, 3/2, −2, −3/2, 1, 0], [0, −1, −5/2, −1/2, 1, 0], [0, 1, 1/2, −5/2, 1, 0],
        /// [0, −1/2, −1, 1/2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 1, 3/2, −2, −3/2, 1]]`.
        $(#[$attr])*
        #[inline]
        fn bt6(d: [V; 6]) -> [V; 6] {
            let c = |v: f32| splat(v);
            let (t, u) = (sub(d[4], d[2]), sub(d[1], d[3]));
            [
                fma(c(1.5), u, fma(c(-2.0), d[2], add(d[0], d[4]))),
                fma(c(-2.5), d[2], fma(c(-0.5), d[3], sub(d[4], d[1]))),
                fma(c(0.5), d[2], fma(c(-2.5), d[3], add(d[4], d[1]))),
                fma(c(-0.5), u, t),
                fma(c(2.0), u, t),
                fma(c(1.5), sub(d[2], d[4]), fma(c(-2.0), d[3], add(d[5], d[1]))),
            ]
        }

        /// F(4×4, 3×3)'s `Aᵀ m` of six values (points 0, 1, −1, 2, −½):
        /// `Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1, 2, −1/2, 0], [0, 1, 1, 4, 1/4, 0],
        /// [0, 1, −1, 8, −1/8, 1]]`.
        $(#[$attr])*
        #[inline]
        fn at6(q: [V; 6]) -> [V; 4] {
            let c = |v: f32| splat(v);
            let (a, b) = (add(q[1], q[2]), sub(q[1], q[2]));
            [
                add(add(q[0], a), add(q[3], q[4])),
                fma(c(2.0), q[3], fma(c(-0.5), q[4], b)),
                fma(c(4.0), q[3], fma(c(0.25), q[4], a)),
                fma(c(8.0), q[3], fma(c(-0.125), q[4], add(b, q[5]))),
            ]
        }

        /// [`wino_in`] for F(4×4, 3×3): 6×6 input tiles four pixels apart, 36 positions.
        ///
        /// # Safety
        /// As [`wino_in`]; `v` holds `36 * cbi * ntx * 16` floats.
        $(#[$attr])*
        unsafe fn wino4_in(t: &Task, v: *mut f32, i: usize, ty: usize) {
            // SAFETY: as `wino_in`'s
            unsafe {
                let r0 = 4 * ty + t.shift;
                let xi_stride = t.cbi * t.ntx * LANES;
                for ib in 0..t.cbi {
                    let plane = t.x.add(i * t.in_image + ib * t.in_plane);
                    for tx in 0..t.ntx {
                        let c0 = 4 * tx + t.shift;
                        let inside = r0 + 6 <= t.in_h && c0 + 6 <= t.in_w;
                        // Bᵀ d column by column, then (Bᵀ d) B row by row
                        let mut e = [[zero(); 6]; 6];
                        for c in 0..6 {
                            let mut col = [zero(); 6];
                            for (r, dv) in col.iter_mut().enumerate() {
                                if inside || (r0 + r < t.in_h && c0 + c < t.in_w) {
                                    *dv = load(plane.add((r0 + r) * t.in_row + (c0 + c) * LANES));
                                }
                            }
                            for (r, val) in bt6(col).into_iter().enumerate() {
                                e[r][c] = val;
                            }
                        }
                        let at = v.add((ib * t.ntx + tx) * LANES);
                        for (r, er) in e.iter().enumerate() {
                            for (c, val) in bt6(*er).into_iter().enumerate() {
                                store(at.add((r * 6 + c) * xi_stride), val);
                            }
                        }
                    }
                }
            }
        }

        /// [`wino_out`] for F(4×4, 3×3): output rows 4ty to 4ty + 3 that exist.
        ///
        /// # Safety
        /// As [`wino_out`]; `m` holds `36 * cbo * ntx * 16` floats, all written.
        $(#[$attr])*
        unsafe fn wino4_out(t: &Task, m: *const f32, i: usize, ty: usize) {
            // SAFETY: as `wino_out`'s
            unsafe {
                let xi_stride = t.cbo * t.ntx * LANES;
                for ob in 0..t.cbo {
                    let bias = load(t.bias.add(ob * LANES));
                    for tx in 0..t.ntx {
                        let at = m.add((ob * t.ntx + tx) * LANES);
                        // Aᵀ M column by column, then (Aᵀ M) A row by row
                        let mut s = [[zero(); 6]; 4];
                        for c in 0..6 {
                            let mut col = [zero(); 6];
                            for (r, qv) in col.iter_mut().enumerate() {
                                *qv = load(at.add((r * 6 + c) * xi_stride));
                            }
                            for (r, val) in at6(col).into_iter().enumerate() {
                                s[r][c] = val;
                            }
                        }
                        for (dy, sr) in s.iter().enumerate() {
                            let oy = 4 * ty + dy;
                            if oy >= t.ho {
                                break;
                            }
                            for (dx, yv) in at6(*sr).into_iter().enumerate() {
                                let ox = 4 * tx + dx;
                                if ox >= t.wo {
                                    break;
                                }
                                emit(t, (i, ob, oy, ox), add(yv, bias));
                            }
                        }
                    }
                }
            }
        }
    };
}

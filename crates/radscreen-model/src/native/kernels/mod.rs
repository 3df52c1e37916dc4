//! Direct convolution kernels for the native CPU path: the path's only `unsafe` code.
//!
//! Activations are kept in a blocked layout (NCHWc): `[image][channel block][y][x][16]`, the 16
//! channels of a block side by side (one AVX-512 register, two AVX2 ones), with a zero border
//! around each plane so that the kernels read padding instead of testing bounds (the network's
//! 3-channel input takes 4 lanes instead of 16, [`Act`]; buffers start on a 64-byte line). A kernel
//! computes a tile of output pixels × output channel blocks in registers: for each input channel
//! it broadcasts the input value of each pixel and multiplies it with the 16 weights of each
//! output block (a fused multiply-add per register). Bias (with the folded BatchNorm), the
//! residual add and ReLU are applied while the tile is written back. One source for the tile
//! (`kernel_body!`), instantiated per instruction set (AVX-512, AVX2 + FMA, portable) and
//! selected at run time by CPU feature detection, so one binary runs everywhere. The 3×3
//! stride-1 layers run by Winograd F(4×4, 3×3) or F(2×2, 3×3) (`winograd.rs`, a child of this
//! module under the same contracts), whose products are this module's tiles on transformed
//! inputs.
//!
//! Contracts (checked by [`conv`] before any kernel runs, relied on by every `unsafe` block):
//! - the input, residual and output buffers hold at least `n` images of their [`Act`] geometry
//!   from their offset on, the residual and output in 16 lanes, a compact input only for at
//!   most 4 channels (so a kernel's input channel `ic` < `cin` is always inside the pixel);
//! - the convolution's padding is at most the input's border, so every read of a tile lies
//!   inside its image (rows `oy*s + border - pad + ky` ≤ `h + 2*border - 1`, likewise columns);
//! - the packed weights hold `cbo * cbi * k * k * 16 * 16` floats and the bias `cbo * 16`;
//! - a row task writes only output row `oy` of its own image, in every channel block: tasks
//!   running on several threads never write the same element, and nothing reads the output
//!   until every task has finished;
//! - an instruction set's kernels run only where the CPU has it ([`Isa::available`]).

use ndarray::ArrayView4;
use rayon::prelude::*;

/// Channels per block: the floats of one AVX-512 register.
pub(crate) const LANES: usize = 16;

/// The instruction set the kernels use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512F: one register per channel block, tiles of up to 4 blocks × 6 pixels.
    Avx512,
    /// AVX2 and FMA: two registers per block, tiles of 1 block × 6 pixels.
    Avx2,
    /// Plain Rust that the compiler vectorises as it can (any CPU).
    Portable,
}

impl Isa {
    /// Every instruction set, fastest first.
    pub(crate) const ALL: [Isa; 3] = [Isa::Avx512, Isa::Avx2, Isa::Portable];

    /// Whether this CPU runs the instruction set's kernels.
    pub(crate) fn available(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            Isa::Portable => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The name `RADSCREEN_CPU_KERNEL` takes and reports give.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2",
            Isa::Portable => "portable",
        }
    }

    /// The fastest instruction set the CPU has, no faster than `RADSCREEN_CPU_KERNEL` asks
    /// (`avx512`, `avx2` or `portable`: how the slower paths are tested on a fast machine).
    /// Read once per process.
    pub(crate) fn current() -> Isa {
        static ISA: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
        *ISA.get_or_init(|| {
            let asked = std::env::var("RADSCREEN_CPU_KERNEL").ok();
            let cap = Isa::ALL
                .iter()
                .position(|i| asked.as_deref() == Some(i.name()))
                .unwrap_or(0);
            Isa::ALL[cap..]
                .iter()
                .copied()
                .find(|i| i.available())
                .unwrap_or(Isa::Portable)
        })
    }
}

/// A batch of activations in the blocked layout `[n][c.div_ceil(lanes)][h + 2b][w + 2b][lanes]`
/// with a zero border `b` around every plane; channels past `c` in the last block are zero
/// (except in a network input, whose kernels never read them). `lanes` is 16 ([`LANES`]) except
/// for a network input of at most 4 channels, which takes 4 (a 3-channel image at 16 would
/// write and read four times the memory, most of it zeros).
///
/// The floats live in `data` from `off` on, `off` chosen so that they start on a 64-byte line
/// (a 16-float vector load then never spans two lines); `data` may be longer than they need,
/// so that a reused buffer is never cleared or refilled.
#[derive(Debug, Clone)]
pub(crate) struct Act {
    data: Vec<f32>,
    off: usize,
    pub(crate) n: usize,
    pub(crate) c: usize,
    pub(crate) h: usize,
    pub(crate) w: usize,
    pub(crate) border: usize,
    lanes: usize,
}

/// Floats per pixel of a compact network input.
const INPUT_LANES: usize = 4;

/// The lanes of a network input of `c` channels: compact for at most [`INPUT_LANES`].
fn input_lanes(c: usize) -> usize {
    if c <= INPUT_LANES { INPUT_LANES } else { LANES }
}

/// The floats an activation of `dims` with a border of `border` in `lanes`-float blocks needs
/// in its buffer, with room to move its start onto a 64-byte line.
fn floats((n, c, h, w): (usize, usize, usize, usize), border: usize, lanes: usize) -> usize {
    n * c.div_ceil(lanes) * (h + 2 * border) * (w + 2 * border) * lanes + LANES - 1
}

impl Act {
    /// All zeros (borders included).
    #[cfg(test)]
    pub(crate) fn zeros(n: usize, c: usize, h: usize, w: usize, border: usize) -> Act {
        let mut a = Act::reusing(Vec::new(), (n, c, h, w), border);
        a.values_mut().fill(0.0);
        a
    }

    /// An activation in a reused buffer: the borders are zeroed, the inside keeps whatever
    /// the buffer held (a kernel writing this activation overwrites every inside element, so
    /// the steady state neither allocates nor clears whole buffers).
    pub(crate) fn reusing(
        data: Vec<f32>,
        dims: (usize, usize, usize, usize),
        border: usize,
    ) -> Act {
        Act::with_lanes(data, dims, border, LANES)
    }

    /// A network input to fill with [`Act::values_mut`] and [`Act::index`]: compact when it
    /// has at most 4 channels (only the direct kernels take it; see [`Act`]).
    pub(crate) fn input(data: Vec<f32>, dims: (usize, usize, usize, usize), border: usize) -> Act {
        Act::with_lanes(data, dims, border, input_lanes(dims.1))
    }

    fn with_lanes(
        mut data: Vec<f32>,
        (n, c, h, w): (usize, usize, usize, usize),
        border: usize,
        lanes: usize,
    ) -> Act {
        let mut a = Act {
            data: Vec::new(),
            off: 0,
            n,
            c,
            h,
            w,
            border,
            lanes,
        };
        // room to slide the start onto a 64-byte line; a buffer only grows (resize zeroes
        // only the grown part, once: the length stays at its largest while it is reused)
        let room = floats((n, c, h, w), border, lanes);
        if data.len() < room {
            data.resize(room, 0.0);
        }
        a.off = data.as_ptr().align_offset(64).min(LANES - 1);
        a.data = data;
        if border > 0 {
            let (row, b, wide) = (a.row(), border * lanes, (w + border) * lanes);
            let plane = a.plane();
            for plane in a.values_mut().chunks_mut(plane) {
                let (top, rest) = plane.split_at_mut(border * row);
                top.fill(0.0);
                let (inside, bottom) = rest.split_at_mut(h * row);
                bottom.fill(0.0);
                for r in inside.chunks_mut(row) {
                    r[..b].fill(0.0);
                    r[wide..].fill(0.0);
                }
            }
        }
        a
    }

    /// The floats [`Act::input`] takes for `dims` with a border of `border` (its room to align
    /// included): what to ask of a buffer pool.
    pub(crate) fn input_floats(dims: (usize, usize, usize, usize), border: usize) -> usize {
        floats(dims, border, input_lanes(dims.1))
    }

    /// The same for an activation between layers ([`Act::reusing`]).
    pub(crate) fn layer_floats(dims: (usize, usize, usize, usize), border: usize) -> usize {
        floats(dims, border, LANES)
    }

    /// Copies `batch` (`[n, c, h, w]`, this activation's shape) into the inside; rows of every
    /// image and channel block on all threads (filled by one thread per image, the input took
    /// a fifth of a 512² image's time at batch 1). Lanes past `c` in the last block are zeroed.
    ///
    /// # Errors
    /// A message when the batch's shape is not this activation's.
    pub(crate) fn fill(&mut self, batch: ArrayView4<f32>) -> Result<(), String> {
        let (n, c, h, w) = batch.dim();
        if (n, c, h, w) != (self.n, self.c, self.h, self.w) {
            return Err(format!(
                "a batch of {:?} copied into an activation of {:?}",
                batch.dim(),
                (self.n, self.c, self.h, self.w)
            ));
        }
        let (row, lanes, border, blocks) = (self.row(), self.lanes, self.border, self.blocks());
        let rows = h + 2 * border;
        self.values_mut()
            .par_chunks_mut(row)
            .with_min_len(8)
            .enumerate()
            .for_each(|(q, dst)| {
                let y = q % rows;
                if y < border || y >= h + border {
                    return; // a border row, zeroed already
                }
                let (i, block) = (q / rows / blocks, q / rows % blocks);
                let inside = &mut dst[border * lanes..(border + w) * lanes];
                for lane in 0..lanes {
                    let ch = block * lanes + lane;
                    let at = inside[lane..].iter_mut().step_by(lanes);
                    if ch < c {
                        for (d, &v) in at.zip(batch.slice(ndarray::s![i, ch, y - border, ..])) {
                            *d = v;
                        }
                    } else {
                        at.for_each(|d| *d = 0.0);
                    }
                }
            });
        Ok(())
    }

    /// The buffer, to keep for another activation.
    pub(crate) fn into_buffer(self) -> Vec<f32> {
        self.data
    }

    /// The activation's floats (`n` images, borders included), indexed by [`Act::index`].
    pub(crate) fn values(&self) -> &[f32] {
        &self.data[self.off..self.off + self.n * self.image()]
    }

    pub(crate) fn values_mut(&mut self) -> &mut [f32] {
        let end = self.off + self.n * self.image();
        &mut self.data[self.off..end]
    }

    pub(crate) fn blocks(&self) -> usize {
        self.c.div_ceil(self.lanes)
    }
    fn row(&self) -> usize {
        (self.w + 2 * self.border) * self.lanes
    }
    fn plane(&self) -> usize {
        (self.h + 2 * self.border) * self.row()
    }
    /// Floats per image.
    pub(crate) fn image(&self) -> usize {
        self.blocks() * self.plane()
    }

    /// Where channel `c` of pixel (y, x) of image `i` is in [`Act::values`] (x, y inside the
    /// image).
    pub(crate) fn index(&self, i: usize, c: usize, y: usize, x: usize) -> usize {
        i * self.image()
            + (c / self.lanes) * self.plane()
            + (y + self.border) * self.row()
            + (x + self.border) * self.lanes
            + c % self.lanes
    }

    /// Whether the buffer holds the geometry's floats and the lanes are a kind the kernels
    /// read: 16, or 4 for at most 4 channels.
    fn holds(&self) -> bool {
        self.data.len() >= self.off + self.n * self.image()
            && (self.lanes == LANES || (self.lanes == INPUT_LANES && self.c <= INPUT_LANES))
    }

    /// Whether this is a full-width activation (not a compact input).
    fn full_width(&self) -> bool {
        self.lanes == LANES
    }
}

/// A convolution's weights and bias packed for the kernels:
/// `[out block][in block][ky][kx][in channel of the block][16 out channels]`, zero past
/// `cin`/`cout`.
#[derive(Debug, Clone)]
pub(crate) struct Packed {
    pub(crate) cin: usize,
    pub(crate) cout: usize,
    pub(crate) k: usize,
    pub(crate) s: usize,
    pub(crate) p: usize,
    w: Vec<f32>,
    bias: Vec<f32>,
}

impl Packed {
    /// Packs `weight` (`[cout][cin][k][k]`, row-major) and `bias` (`cout`); `None` when
    /// their lengths disagree with the shape or the stride is zero.
    pub(crate) fn new(
        (cin, cout, k, s, p): (usize, usize, usize, usize, usize),
        weight: &[f32],
        bias: &[f32],
    ) -> Option<Packed> {
        if weight.len() != cout * cin * k * k || bias.len() != cout || s == 0 || k == 0 {
            return None;
        }
        let (cbi, cbo) = (cin.div_ceil(LANES), cout.div_ceil(LANES));
        let mut w = vec![0.0; cbo * cbi * k * k * LANES * LANES];
        for o in 0..cout {
            for c in 0..cin {
                for ky in 0..k {
                    for kx in 0..k {
                        let at =
                            ((((o / LANES) * cbi + c / LANES) * k + ky) * k + kx) * LANES * LANES
                                + (c % LANES) * LANES
                                + o % LANES;
                        w[at] = weight[((o * cin + c) * k + ky) * k + kx];
                    }
                }
            }
        }
        let mut b = vec![0.0; cbo * LANES];
        b[..cout].copy_from_slice(bias);
        Some(Packed {
            cin,
            cout,
            k,
            s,
            p,
            w,
            bias: b,
        })
    }

    /// The output's side lengths for an `h × w` input (`None` when the kernel does not fit).
    pub(crate) fn out_dims(&self, h: usize, w: usize) -> Option<(usize, usize)> {
        let (hp, wp) = (h + 2 * self.p, w + 2 * self.p);
        (hp >= self.k && wp >= self.k)
            .then(|| ((hp - self.k) / self.s + 1, (wp - self.k) / self.s + 1))
    }
}

/// `Err` unless `residual` (when there is one) holds an activation of the output's `dims`.
fn check_residual(
    residual: Option<&Act>,
    dims: (usize, usize, usize, usize),
) -> Result<(), String> {
    match residual {
        Some(r) if (r.n, r.c, r.h, r.w) != dims || !r.holds() || !r.full_width() => Err(format!(
            "a residual of {:?} added to an output of {dims:?}",
            (r.n, r.c, r.h, r.w)
        )),
        _ => Ok(()),
    }
}

/// Everything a row task needs; pointers into buffers that outlive the tasks.
#[derive(Clone, Copy)]
struct Geom {
    w: *const f32,
    bias: *const f32,
    x: *const f32,
    out: *mut f32,
    res: *const f32,
    cin: usize,
    cbi: usize,
    cbo: usize,
    k: usize,
    s: usize,
    /// input border − padding: where the first tap of output (0, 0) reads
    shift: usize,
    /// floats per input pixel of a channel block (the input's lanes)
    in_px: usize,
    in_row: usize,
    in_plane: usize,
    in_image: usize,
    out_row: usize,
    out_plane: usize,
    out_image: usize,
    out_border: usize,
    res_row: usize,
    res_plane: usize,
    res_image: usize,
    res_border: usize,
    wo: usize,
    /// floats between one output block's weights and the next one's
    w_block: usize,
    /// whether the last output block holds at most half its lanes (24 channels in two
    /// blocks): its upper half is then bias 0 + 0 · x, which the kernels may skip
    half: bool,
    relu: bool,
}

/// Whether `cout` channels leave the last block at most half used ([`Geom::half`]).
fn half_last(cout: usize) -> bool {
    (1..=LANES / 2).contains(&(cout % LANES))
}

// SAFETY: the tasks only read through `w`, `bias`, `x` and `res`, and write through `out`
// elements no other task writes (the module's contracts); every buffer outlives `conv`'s tasks.
// The tasks share `&Geom`, so only Sync is needed.
unsafe impl Sync for Geom {}

/// `relu?(conv(x) + bias + residual?)` on `isa`'s kernels, into a new activation with a zero
/// border of `out_border` in `buffer` (reused: see [`Act::reusing`]); output rows of all
/// images are spread over rayon's threads.
///
/// # Errors
/// A message when the input, residual, weights and geometry disagree (nothing is computed).
pub(crate) fn conv(
    isa: Isa,
    p: &Packed,
    x: &Act,
    residual: Option<&Act>,
    relu: bool,
    out: (usize, Vec<f32>),
) -> Result<Act, String> {
    let (g, out) = prepare(p, x, residual, relu, out)?;
    // SAFETY: `g` was just made by `prepare` and its buffers (`p`, `x`, `residual`, `out`)
    // live until this returns.
    unsafe { run_rows(isa, &[g], x.n, out.h) };
    Ok(out)
}

/// Two convolutions of the same input whose outputs have the same size (a block's first
/// convolution and its strided 1×1 skip), neither with a residual nor ReLU on the second:
/// each row task computes a row of both, so the skip reads input rows the first has just
/// brought into the cache (alone, the skip reread them from memory at full resolution).
///
/// # Errors
/// As [`conv`], and when the two outputs differ in size.
pub(crate) fn conv_pair(
    isa: Isa,
    (p, relu, out): (&Packed, bool, (usize, Vec<f32>)),
    (q, out_q): (&Packed, (usize, Vec<f32>)),
    x: &Act,
) -> Result<(Act, Act), String> {
    let (g, out) = prepare(p, x, None, relu, out)?;
    let (gq, out_q) = prepare(q, x, None, false, out_q)?;
    if (out.h, out.w) != (out_q.h, out_q.w) {
        return Err(format!(
            "paired convolutions with outputs of {}×{} and {}×{}",
            out.h, out.w, out_q.h, out_q.w
        ));
    }
    // SAFETY: both geometries were just made by `prepare`, their buffers live until this
    // returns, and both outputs have `x.n` images of `out.h` rows.
    unsafe { run_rows(isa, &[g, gq], x.n, out.h) };
    Ok((out, out_q))
}

/// The checks of [`conv`] and the geometry of its row tasks, with the output activation the
/// tasks write.
fn prepare(
    p: &Packed,
    x: &Act,
    residual: Option<&Act>,
    relu: bool,
    (out_border, buffer): (usize, Vec<f32>),
) -> Result<(Geom, Act), String> {
    let Some((ho, wo)) = p.out_dims(x.h, x.w) else {
        return Err(format!(
            "a {0}×{0} kernel with padding {1} on a {2}×{3} plane",
            p.k, p.p, x.h, x.w
        ));
    };
    let (cbi, cbo) = (p.cin.div_ceil(LANES), p.cout.div_ceil(LANES));
    if x.c != p.cin || !x.holds() || p.p > x.border {
        return Err(format!(
            "input of {} channels (border {}, {} floats) for a convolution of {} channels, padding {}",
            x.c,
            x.border,
            x.values().len(),
            p.cin,
            p.p
        ));
    }
    if p.w.len() != cbo * cbi * p.k * p.k * LANES * LANES || p.bias.len() != cbo * LANES {
        return Err("packed weights of the wrong size".into());
    }
    check_residual(residual, (x.n, p.cout, ho, wo))?;
    let mut out = Act::reusing(buffer, (x.n, p.cout, ho, wo), out_border);
    let g = Geom {
        w: p.w.as_ptr(),
        bias: p.bias.as_ptr(),
        x: x.values().as_ptr(),
        out: out.values_mut().as_mut_ptr(),
        res: residual.map_or(std::ptr::null(), |r| r.values().as_ptr()),
        cin: p.cin,
        cbi,
        cbo,
        k: p.k,
        s: p.s,
        shift: x.border - p.p,
        in_px: x.lanes,
        in_row: x.row(),
        in_plane: x.plane(),
        in_image: x.image(),
        out_row: out.row(),
        out_plane: out.plane(),
        out_image: out.image(),
        out_border,
        res_row: residual.map_or(0, Act::row),
        res_plane: residual.map_or(0, Act::plane),
        res_image: residual.map_or(0, Act::image),
        res_border: residual.map_or(0, |r| r.border),
        wo,
        w_block: cbi * p.k * p.k * LANES * LANES,
        half: half_last(p.cout),
        relu,
    };
    Ok((g, out))
}

/// Output rows `0..ho` of `n` images of every geometry in `gs` (made by [`prepare`] and
/// still pointing at live buffers), one task per image row on rayon's threads, the
/// geometries one after the other within a task.
///
/// # Safety
/// Every geometry comes from [`prepare`], its buffers are alive, and its output holds `n`
/// images of `ho` rows.
unsafe fn run_rows(isa: Isa, gs: &[Geom], n: usize, ho: usize) {
    let isa = if isa.available() { isa } else { Isa::Portable };
    (0..n * ho).into_par_iter().for_each(|t| {
        let (i, oy) = (t / ho, t % ho);
        for g in gs {
            // SAFETY: `prepare` checked the buffers against their geometry, the padding is
            // within the input's border, `isa` is available, and task (i, oy) writes only
            // row oy of image i of each output (the module's contracts).
            unsafe {
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx512 => avx512::row(g, i, oy),
                    #[cfg(target_arch = "x86_64")]
                    Isa::Avx2 => avx2::row(g, i, oy),
                    _ => portable::row(g, i, oy),
                }
            }
        }
    });
}

/// The tile and row functions, written once over the vector operations of the module it is
/// expanded in (`zero`, `load`, `store`, `splat`, `fma`, `fma_low`, `add`, `relu`) and its
/// attributes.
/// The table gives the tile shapes, `output blocks => pixels`, widest first and ending with 1
/// block: as many accumulators as the registers hold next to the weights and a broadcast.
macro_rules! kernel_body {
    ($(#[$attr:meta])*; $($ob:literal => $wt:literal),+) => {
        /// Output row `oy` of image `i`, every output block.
        ///
        /// # Safety
        /// The module's contracts (the buffers behind `g` checked by `conv`; the CPU has
        /// this module's instruction set).
        $(#[$attr])*
        pub(in crate::native::kernels) unsafe fn row(g: &Geom, i: usize, oy: usize) {
            // SAFETY: offsets within image i's buffers (the module's contracts).
            unsafe {
                let x = g
                    .x
                    .add(i * g.in_image + (oy * g.s + g.shift) * g.in_row + g.shift * g.in_px);
                let out = g
                    .out
                    .add(i * g.out_image + (oy + g.out_border) * g.out_row + g.out_border * LANES);
                let res = if g.res.is_null() {
                    std::ptr::null()
                } else {
                    g.res
                        .add(i * g.res_image + (oy + g.res_border) * g.res_row + g.res_border * LANES)
                };
                // output blocks in groups as wide as the table allows, each group's pixels
                // in tiles of that group's width (and narrower ones at the end of the row)
                let mut ob = 0;
                while ob < g.cbo {
                    let left = g.cbo - ob;
                    $(
                        if left >= $ob {
                            if g.half && ob + $ob == g.cbo {
                                span::<$ob, $wt, true>(g, x, out, res, ob);
                            } else {
                                span::<$ob, $wt, false>(g, x, out, res, ob);
                            }
                            ob += $ob;
                            continue;
                        }
                    )+
                    break; // unreachable: the table ends with one block
                }
            }
        }

        /// Output blocks `ob..ob + OB` of the row in tiles of `WT` pixels, the rest of the
        /// row in tiles of halving widths; `HALF`: the last of the blocks is half used.
        ///
        /// # Safety
        /// As [`row`]; `x`, `out` and `res` point at the row's first pixel.
        $(#[$attr])*
        #[inline]
        unsafe fn span<const OB: usize, const WT: usize, const HALF: bool>(
            g: &Geom,
            x: *const f32,
            out: *mut f32,
            res: *const f32,
            ob: usize,
        ) {
            // SAFETY: as `row`'s
            unsafe {
                let mut ox = 0;
                while ox + WT <= g.wo {
                    tile::<OB, WT, HALF>(g, x, out, res, ob, ox);
                    ox += WT;
                }
                if WT > 8 && ox + 8 <= g.wo {
                    tile::<OB, 8, HALF>(g, x, out, res, ob, ox);
                    ox += 8;
                }
                if WT > 4 && ox + 4 <= g.wo {
                    tile::<OB, 4, HALF>(g, x, out, res, ob, ox);
                    ox += 4;
                }
                if WT > 2 && ox + 2 <= g.wo {
                    tile::<OB, 2, HALF>(g, x, out, res, ob, ox);
                    ox += 2;
                }
                while ox < g.wo {
                    tile::<OB, 1, HALF>(g, x, out, res, ob, ox);
                    ox += 1;
                }
            }
        }

        /// `OB` output blocks × `WT` pixels from column `ox0`, accumulated in registers;
        /// `HALF`: only the lower half of the last block's lanes is computed (`fma_low`).
        ///
        /// # Safety
        /// As [`row`]; `x`, `out` and `res` point at the row's first pixel.
        $(#[$attr])*
        #[inline]
        unsafe fn tile<const OB: usize, const WT: usize, const HALF: bool>(
            g: &Geom,
            x: *const f32,
            out: *mut f32,
            res: *const f32,
            ob: usize,
            ox0: usize,
        ) {
            // SAFETY: every offset stays inside the row's image (the module's contracts).
            unsafe {
                let mut acc = [[zero(); WT]; OB];
                for (o, a) in acc.iter_mut().enumerate() {
                    let b = load(g.bias.add((ob + o) * LANES));
                    for v in a.iter_mut() {
                        *v = b;
                    }
                }
                let (k, s) = (g.k, g.s);
                for ib in 0..g.cbi {
                    let cn = (g.cin - ib * LANES).min(LANES);
                    for ky in 0..k {
                        let xr = x.add(ib * g.in_plane + ky * g.in_row);
                        for kx in 0..k {
                            let xp = xr.add((ox0 * s + kx) * g.in_px);
                            let wp = g
                                .w
                                .add((((ob * g.cbi + ib) * k + ky) * k + kx) * LANES * LANES);
                            for ic in 0..cn {
                                let mut wv = [zero(); OB];
                                for (o, w) in wv.iter_mut().enumerate() {
                                    *w = load(wp.add(o * g.w_block + ic * LANES));
                                }
                                for j in 0..WT {
                                    let xv = splat(*xp.add(j * s * g.in_px + ic));
                                    for o in 0..OB {
                                        acc[o][j] = if HALF && o + 1 == OB {
                                            fma_low(xv, wv[o], acc[o][j])
                                        } else {
                                            fma(xv, wv[o], acc[o][j])
                                        };
                                    }
                                }
                            }
                        }
                    }
                }
                for (o, a) in acc.iter().enumerate() {
                    for (j, &v) in a.iter().enumerate() {
                        let mut v = v;
                        if !res.is_null() {
                            v = add(v, load(res.add((ob + o) * g.res_plane + (ox0 + j) * LANES)));
                        }
                        if g.relu {
                            v = relu(v);
                        }
                        store(out.add((ob + o) * g.out_plane + (ox0 + j) * LANES), v);
                    }
                }
            }
        }
    };
}

// Winograd F(4×4, 3×3) and F(2×2, 3×3) for the 3×3 stride-1 layers; its macro is expanded in the
// modules below.
#[macro_use]
pub(crate) mod winograd;

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::winograd::Task;
    use super::{Geom, LANES};
    use std::arch::x86_64::*;

    type V = __m512;

    #[inline]
    #[target_feature(enable = "avx512f")]
    fn zero() -> V {
        _mm512_setzero_ps()
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load(p: *const f32) -> V {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn store(p: *mut f32, v: V) {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe { _mm512_storeu_ps(p, v) }
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn splat(x: f32) -> V {
        _mm512_set1_ps(x)
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fma(a: V, b: V, c: V) -> V {
        _mm512_fmadd_ps(a, b, c)
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn add(a: V, b: V) -> V {
        _mm512_add_ps(a, b)
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn sub(a: V, b: V) -> V {
        _mm512_sub_ps(a, b)
    }
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn relu(a: V) -> V {
        _mm512_max_ps(a, _mm512_setzero_ps())
    }

    /// The full fma: every lane past a layer's channels stays 0 either way (its weights are 0).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn fma_low(a: V, b: V, c: V) -> V {
        fma(a, b, c)
    }

    kernel_body!(#[target_feature(enable = "avx512f")]; 2 => 8, 1 => 8);

    /// Winograd's products (1×1, weights in L1): wider tiles than the direct kernels'.
    pub(super) mod gemm {
        use super::*;
        kernel_body!(#[target_feature(enable = "avx512f")]; 4 => 6, 3 => 8, 2 => 12, 1 => 16);
    }
    winograd_body!(#[target_feature(enable = "avx512f")]);
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::winograd::Task;
    use super::{Geom, LANES};
    use std::arch::x86_64::*;

    type V = [__m256; 2];

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn zero() -> V {
        [_mm256_setzero_ps(); 2]
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn load(p: *const f32) -> V {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe { [_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8))] }
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn store(p: *mut f32, v: V) {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe {
            _mm256_storeu_ps(p, v[0]);
            _mm256_storeu_ps(p.add(8), v[1]);
        }
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn splat(x: f32) -> V {
        [_mm256_set1_ps(x); 2]
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn fma(a: V, b: V, c: V) -> V {
        [
            _mm256_fmadd_ps(a[0], b[0], c[0]),
            _mm256_fmadd_ps(a[1], b[1], c[1]),
        ]
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn add(a: V, b: V) -> V {
        [_mm256_add_ps(a[0], b[0]), _mm256_add_ps(a[1], b[1])]
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn sub(a: V, b: V) -> V {
        [_mm256_sub_ps(a[0], b[0]), _mm256_sub_ps(a[1], b[1])]
    }
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn relu(a: V) -> V {
        let z = _mm256_setzero_ps();
        [_mm256_max_ps(a[0], z), _mm256_max_ps(a[1], z)]
    }

    /// The lower register only: a half-used block's upper lanes keep their bias, 0.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn fma_low(a: V, b: V, c: V) -> V {
        [_mm256_fmadd_ps(a[0], b[0], c[0]), c[1]]
    }

    // one block × 6 pixels: 12 accumulators, 2 weight registers and a broadcast fit the 16 ymm
    // registers; the two-block × 3 tile (12 + 4 + 1) spilled two accumulators to the stack in
    // its inner loop (seen in `perf annotate`), their reloads on the FMA chains
    kernel_body!(#[target_feature(enable = "avx2,fma")]; 1 => 6);

    /// Winograd's products: the direct kernels' tiles.
    pub(super) mod gemm {
        pub(in crate::native::kernels) use super::row;
    }
    winograd_body!(#[target_feature(enable = "avx2,fma")]);
}

mod portable {
    use super::winograd::Task;
    use super::{Geom, LANES};

    type V = [f32; LANES];

    #[inline]
    fn zero() -> V {
        [0.0; LANES]
    }
    #[inline]
    unsafe fn load(p: *const f32) -> V {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe { p.cast::<V>().read_unaligned() }
    }
    #[inline]
    unsafe fn store(p: *mut f32, v: V) {
        // SAFETY: the caller's pointer holds 16 floats
        unsafe { p.cast::<V>().write_unaligned(v) }
    }
    #[inline]
    fn splat(x: f32) -> V {
        [x; LANES]
    }
    #[inline]
    fn fma(a: V, b: V, c: V) -> V {
        // a plain multiply and add: `mul_add` without hardware FMA is a slow library call
        std::array::from_fn(|l| a[l] * b[l] + c[l])
    }
    #[inline]
    fn add(a: V, b: V) -> V {
        std::array::from_fn(|l| a[l] + b[l])
    }
    #[inline]
    fn sub(a: V, b: V) -> V {
        std::array::from_fn(|l| a[l] - b[l])
    }
    #[inline]
    fn relu(a: V) -> V {
        a.map(|v| v.max(0.0))
    }

    #[inline]
    fn fma_low(a: V, b: V, c: V) -> V {
        std::array::from_fn(|l| {
            if l < LANES / 2 {
                a[l] * b[l] + c[l]
            } else {
                c[l]
            }
        })
    }

    kernel_body!(; 1 => 4);

    /// Winograd's products: the direct kernels' tiles.
    pub(super) mod gemm {
        pub(in crate::native::kernels) use super::row;
    }
    winograd_body!();
}

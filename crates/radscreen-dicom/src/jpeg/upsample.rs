//! Chroma upsampling as libjpeg does it by default (jdsample.c, "fancy" upsampling): a
//! triangle filter for 2x1 and 2x2 subsampling, which are nearly all subsampled JPEG; other
//! factors repeat samples.

/// One component at full size (`width * height`), from its plane (`stride` samples per
/// row) of `cw x ch` real samples, subsampled by `sh x sv`.
pub(super) struct Source<'a> {
    pub data: &'a [u16],
    pub stride: usize,
    pub cw: usize,
    pub ch: usize,
    pub sh: usize,
    pub sv: usize,
}

impl Source<'_> {
    fn at(&self, x: usize, y: usize) -> u32 {
        let (x, y) = (x.min(self.cw - 1), y.min(self.ch - 1));
        u32::from(self.data.get(y * self.stride + x).copied().unwrap_or(0))
    }

    pub fn full_size(&self, width: usize, height: usize) -> Vec<u16> {
        let mut out = Vec::with_capacity(width * height);
        if self.cw == 0 || self.ch == 0 {
            out.resize(width * height, 0);
            return out;
        }
        let mut row = vec![0u16; 2 * self.cw];
        for y in 0..height {
            match (self.sh, self.sv) {
                (2, 1) => self.h2v1(y, &mut row),
                (2, 2) => self.h2v2(y, &mut row),
                _ => {
                    let sy = y / self.sv;
                    out.extend((0..width).map(|x| self.at(x / self.sh, sy) as u16));
                    continue;
                }
            }
            out.extend(
                row.iter()
                    .chain(std::iter::repeat(row.last().unwrap_or(&0)))
                    .take(width),
            );
        }
        out
    }

    /// libjpeg's `h2v1_fancy_upsample`: each output sample is 3/4 its nearer input and 1/4
    /// the farther, with alternating rounding.
    fn h2v1(&self, y: usize, out: &mut [u16]) {
        let n = self.cw;
        let v = |x: usize| self.at(x, y);
        if n == 1 {
            out[..2].fill(v(0) as u16);
            return;
        }
        out[0] = v(0) as u16;
        out[1] = ((v(0) * 3 + v(1) + 2) >> 2) as u16;
        for x in 1..n - 1 {
            let c = v(x) * 3;
            out[2 * x] = ((c + v(x - 1) + 1) >> 2) as u16;
            out[2 * x + 1] = ((c + v(x + 1) + 2) >> 2) as u16;
        }
        out[2 * n - 2] = ((v(n - 1) * 3 + v(n - 2) + 1) >> 2) as u16;
        out[2 * n - 1] = v(n - 1) as u16;
    }

    /// libjpeg's `h2v2_fancy_upsample`: the triangle filter in both directions, the row
    /// beyond the edge being the edge row itself.
    fn h2v2(&self, y: usize, out: &mut [u16]) {
        let n = self.cw;
        let near = y / 2;
        let far = if y.is_multiple_of(2) {
            near.saturating_sub(1)
        } else {
            (near + 1).min(self.ch - 1)
        };
        let sum = |x: usize| self.at(x, near) * 3 + self.at(x, far);
        if n == 1 {
            out[..2].fill(((sum(0) * 4 + 8) >> 4) as u16);
            return;
        }
        let (mut last, mut this) = (sum(0), sum(0));
        out[0] = ((this * 4 + 8) >> 4) as u16;
        for x in 0..n - 1 {
            let next = sum(x + 1);
            if x > 0 {
                out[2 * x] = ((this * 3 + last + 8) >> 4) as u16;
            }
            out[2 * x + 1] = ((this * 3 + next + 7) >> 4) as u16;
            last = this;
            this = next;
        }
        out[2 * n - 2] = ((this * 3 + last + 8) >> 4) as u16;
        out[2 * n - 1] = ((this * 4 + 7) >> 4) as u16;
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn h2v1_interpolates_and_keeps_edges() {
        let data = [0u16, 40, 80];
        let s = Source {
            data: &data,
            stride: 3,
            cw: 3,
            ch: 1,
            sh: 2,
            sv: 1,
        };
        assert_eq!(s.full_size(6, 1), [0, 10, 30, 50, 70, 80]);
        // An odd output width drops the last sample.
        assert_eq!(s.full_size(5, 1), [0, 10, 30, 50, 70]);
    }

    #[test]
    fn h2v2_flat_stays_flat_and_nearest_repeats() {
        let data = [100u16; 4];
        let s = Source {
            data: &data,
            stride: 2,
            cw: 2,
            ch: 2,
            sh: 2,
            sv: 2,
        };
        assert!(s.full_size(4, 4).iter().all(|&v| v == 100));
        let data = [1u16, 2];
        let s = Source {
            data: &data,
            stride: 2,
            cw: 2,
            ch: 1,
            sh: 4,
            sv: 1,
        };
        assert_eq!(s.full_size(7, 1), [1, 1, 1, 1, 2, 2, 2]);
    }
}

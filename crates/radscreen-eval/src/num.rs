//! Small numeric helpers shared by the metrics.

/// Sums like NumPy's `np.add.reduce` on a contiguous float64 array: pairwise summation with
/// eight accumulators in blocks of at most 128 elements. Using the same order of additions as
/// NumPy makes the trapezoid and average-precision sums agree with scikit-learn to the bit in
/// most cases, and it is more accurate than a running sum either way.
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        // NumPy starts from -0.0 here so that a sum of negative zeros stays -0.0
        let mut res = -0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= BLOCK {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for (j, acc) in r.iter_mut().enumerate() {
                *acc += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[full..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// Neumaier's compensated sum: the error is about one rounding of the result, whatever the
/// number of terms.
pub(crate) fn compensated_sum(a: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut c) = (0.0f64, 0.0f64);
    for v in a {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            c += (sum - t) + v;
        } else {
            c += (v - t) + sum;
        }
        sum = t;
    }
    sum + c
}

/// Mean as NumPy computes it (pairwise sum divided by n); `None` for an empty slice.
pub(crate) fn mean(a: &[f64]) -> Option<f64> {
    (!a.is_empty()).then(|| pairwise_sum(a) / a.len() as f64)
}

/// Indices that sort `scores` in descending order, ties kept in input order
/// (NumPy's `argsort(stable=True, descending=True)`).
pub(crate) fn argsort_desc(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_matches_exact_sums() {
        for n in [0usize, 1, 7, 8, 9, 16, 127, 128, 129, 1000, 4099] {
            let v: Vec<f64> = (0..n).map(|i| (i % 17) as f64 * 0.25).collect();
            let exact: f64 = v.iter().sum(); // exact: all partial sums are representable
            assert_eq!(pairwise_sum(&v), exact, "n = {n}");
        }
    }

    #[test]
    fn compensated_sum_recovers_lost_bits() {
        assert_eq!(compensated_sum([1.0, 1e100, 1.0, -1e100]), 2.0);
        assert_eq!(compensated_sum([0.1; 10]), 1.0);
    }

    #[test]
    fn argsort_is_stable_descending() {
        assert_eq!(
            argsort_desc(&[0.5, 0.9, 0.5, 0.1, 0.9]),
            vec![1, 4, 0, 2, 3]
        );
    }
}

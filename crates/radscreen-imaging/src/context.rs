//! 2.5-D input (issue 20): the slices above and below a CT or MR slice, from the same series,
//! become input channels next to its own. A nodule is round in every direction, a vessel runs
//! through the slices: one slice alone cannot tell them apart, three neighbouring ones can.
//! Saved in config.json (`preprocess.context`), so inference stacks slices as training did.
//!
//! Which slices are neighbours is decided by the caller's series grouping (radscreen-dicom,
//! Image Position/Orientation); this module decides, for a series in slice order, which
//! slice fills each channel group and says how complete the context was.

use ndarray::{Array3, Axis};
use serde::{Deserialize, Serialize};

/// How many neighbouring slices a 2.5-D model sees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContextPlan {
    /// Slices taken on each side of the screened one (1: three slices in all).
    pub slices: usize,
    /// Neighbours further apart than this many times the series' median slice distance (or
    /// closer than a tenth of it: a repeated position) are not contiguous: a gap, filled by
    /// repeating the nearer slice.
    #[serde(default = "default_max_gap")]
    pub max_gap: f64,
}

fn default_max_gap() -> f64 {
    1.5
}

impl Default for ContextPlan {
    fn default() -> Self {
        ContextPlan {
            slices: 1,
            max_gap: default_max_gap(),
        }
    }
}

impl ContextPlan {
    /// `slices` on each side, the default gap rule.
    pub fn new(slices: usize) -> Self {
        ContextPlan {
            slices,
            ..Self::default()
        }
    }

    /// Slices in one model input (the screened one and its neighbours).
    pub fn depth(&self) -> usize {
        2 * self.slices + 1
    }

    /// What is wrong with the plan, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.slices == 0 || self.slices > 4 {
            return Some(format!(
                "context slices {} (1 to 4 on each side)",
                self.slices
            ));
        }
        if !(self.max_gap.is_finite() && self.max_gap >= 1.0) {
            return Some(format!("context max_gap {} (at least 1)", self.max_gap));
        }
        None
    }
}

/// How complete a slice's context was (findings.csv's `context` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ContextNote {
    /// Every neighbour was there.
    Full,
    /// At the first or last slice of a series: the missing neighbours repeat the nearest slice.
    Edge,
    /// A gap in the series (missing slices, a repeated position, another size): the
    /// neighbours beyond it repeat the nearest slice on this side.
    Gap,
    /// No neighbours at all (a series of one image, a radiograph): the slice fills every
    /// channel group.
    Single,
}

impl ContextNote {
    /// The name written to findings.csv.
    pub fn name(self) -> &'static str {
        match self {
            ContextNote::Full => "full",
            ContextNote::Edge => "edge",
            ContextNote::Gap => "gap",
            ContextNote::Single => "single",
        }
    }
}

/// Which slice of a series fills each channel group of one model input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SliceContext {
    /// For offsets `-k..=k`, the index (in slice order) of the slice used.
    pub sources: Vec<usize>,
    /// How complete the context was.
    pub note: ContextNote,
}

/// The context of every slice of a series of `n` slices in slice order. `positions` are the
/// slices' positions along the normal (mm) where known; `joined(i)` says whether slices `i`
/// and `i + 1` can be neighbours at all (same size, decodable: the caller's knowledge).
pub fn series_context(
    n: usize,
    positions: Option<&[f64]>,
    plan: &ContextPlan,
    joined: &dyn Fn(usize) -> bool,
) -> Vec<SliceContext> {
    let k = plan.slices;
    // contiguous[i]: slices i and i + 1 are neighbours
    let median = positions.and_then(|p| median_gap(p, n));
    let contiguous: Vec<bool> = (0..n.saturating_sub(1))
        .map(|i| {
            let by_position = match (positions, median) {
                (Some(p), Some(m)) if p.len() == n && m > 0.0 => {
                    let d = (p[i + 1] - p[i]).abs();
                    d <= plan.max_gap * m && d >= 0.1 * m
                }
                _ => true,
            };
            by_position && joined(i)
        })
        .collect();
    (0..n)
        .map(|i| {
            let mut note = if n == 1 {
                ContextNote::Single
            } else {
                ContextNote::Full
            };
            let mut sources = Vec::with_capacity(plan.depth());
            for d in -(k as i64)..=(k as i64) {
                let mut j = i;
                for _ in 0..d.unsigned_abs() {
                    let next = if d < 0 { j.checked_sub(1) } else { Some(j + 1) };
                    match next {
                        Some(t) if t < n => {
                            if contiguous[t.min(j)] {
                                j = t;
                            } else {
                                note = note.max(ContextNote::Gap);
                                break;
                            }
                        }
                        _ => {
                            note = note.max(ContextNote::Edge);
                            break;
                        }
                    }
                }
                sources.push(j);
            }
            // every neighbour cut off: the slice stands alone
            if n > 1 && sources.iter().all(|&s| s == i) {
                note = ContextNote::Single;
            }
            SliceContext { sources, note }
        })
        .collect()
}

fn median_gap(p: &[f64], n: usize) -> Option<f64> {
    if p.len() != n || n < 2 {
        return None;
    }
    let mut g: Vec<f64> = p.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    g.sort_by(f64::total_cmp);
    Some(g[g.len() / 2])
}

/// Stacks prepared slices (`[channels, h, w]` each, equal shapes) into one 2.5-D input
/// `[channels × slices, h, w]`, in the order given.
///
/// # Panics
/// Never on a user's file: callers pass slices whose shapes they checked (a mismatch is a
/// gap, see [`series_context`]); differing shapes here are a bug.
pub fn stack(slices: &[&Array3<f32>]) -> Array3<f32> {
    let views: Vec<_> = slices.iter().map(|s| s.view()).collect();
    ndarray::concatenate(Axis(0), &views).expect("slices of one input share their shape")
}

/// A slice without neighbours as a 2.5-D input: itself in every channel group.
pub fn alone(slice: &Array3<f32>, plan: &ContextPlan) -> Array3<f32> {
    stack(&vec![slice; plan.depth()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(n: usize, p: Option<&[f64]>, k: usize) -> Vec<SliceContext> {
        series_context(n, p, &ContextPlan::new(k), &|_| true)
    }

    #[test]
    fn inner_slices_see_both_sides_and_ends_repeat_themselves() {
        let c = ctx(4, Some(&[0.0, 2.5, 5.0, 7.5]), 1);
        assert_eq!(c[0].sources, vec![0, 0, 1]);
        assert_eq!(c[0].note, ContextNote::Edge);
        assert_eq!(c[1].sources, vec![0, 1, 2]);
        assert_eq!(c[1].note, ContextNote::Full);
        assert_eq!(c[3].sources, vec![2, 3, 3]);
        let c = ctx(4, None, 2);
        assert_eq!(c[1].sources, vec![0, 0, 1, 2, 3]);
        assert_eq!(c[1].note, ContextNote::Edge);
    }

    #[test]
    fn gaps_and_repeated_positions_cut_the_context() {
        // slices 0-1-2 contiguous at 2.5 mm, then 10 mm missing, then 3-4
        let c = ctx(5, Some(&[0.0, 2.5, 5.0, 15.0, 17.5]), 1);
        assert_eq!(c[2].sources, vec![1, 2, 2]);
        assert_eq!(c[2].note, ContextNote::Gap);
        assert_eq!(c[3].sources, vec![3, 3, 4]);
        assert_eq!(c[3].note, ContextNote::Gap);
        assert_eq!(c[1].note, ContextNote::Full);
        // two slices at the same position are not neighbours
        let c = ctx(3, Some(&[0.0, 0.0, 2.5]), 1);
        assert_eq!(c[0].note, ContextNote::Single);
        assert_eq!(c[1].sources, vec![1, 1, 2]);
        // the caller's own reasons (another size) count as gaps
        let c = series_context(3, None, &ContextPlan::new(1), &|i| i != 0);
        assert_eq!(c[1].sources, vec![1, 1, 2]);
        assert_eq!(c[1].note, ContextNote::Gap);
    }

    #[test]
    fn a_series_of_one_stands_alone() {
        let c = ctx(1, Some(&[3.0]), 1);
        assert_eq!(c[0].sources, vec![0, 0, 0]);
        assert_eq!(c[0].note, ContextNote::Single);
    }

    #[test]
    fn stacking_keeps_channel_groups_in_order() {
        let a = Array3::<f32>::from_elem((3, 2, 2), 1.0);
        let b = Array3::<f32>::from_elem((3, 2, 2), 2.0);
        let s = stack(&[&a, &b, &a]);
        assert_eq!(s.dim(), (9, 2, 2));
        assert_eq!(s[[0, 0, 0]], 1.0);
        assert_eq!(s[[4, 1, 1]], 2.0);
        assert_eq!(s[[8, 0, 1]], 1.0);
        assert_eq!(alone(&b, &ContextPlan::new(2)).dim(), (15, 2, 2));
    }

    #[test]
    fn plans_out_of_range_are_named() {
        assert!(ContextPlan::new(0).problem().is_some());
        assert!(ContextPlan::new(1).problem().is_none());
        let mut p = ContextPlan::new(1);
        p.max_gap = 0.5;
        assert!(p.problem().unwrap().contains("max_gap"));
    }
}

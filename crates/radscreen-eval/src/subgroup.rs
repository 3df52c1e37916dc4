//! Subgroup analysis: the same per-finding metrics within each value of a manifest column
//! (sex, age band, manufacturer, modality, body part, …), and the bias check.
//!
//! **Positive class:** label `true` = finding present. The bias flag
//! `sensitivity_below_overall` is set where a subgroup's sensitivity interval lies wholly
//! below the overall sensitivity estimate (upper bound < overall value): the subgroup's
//! findings are missed more often than chance explains. It is `null` where either the
//! subgroup's interval or the overall sensitivity is undefined (e.g. no positives in it).
//!
//! A subgroup value that exists in the manifest but has no scored case (all its rows unjoined,
//! skipped or failed) is still reported, with n = 0 and every metric `null`.

use std::collections::BTreeMap;

use crate::binary::{BinaryOptions, Cases, FindingReport, ScreenerThreshold, evaluate_binary};
use crate::error::{Error, Result, same_len};

/// Age bands for the `age` column: edges in years, increasing; a band is [lo, hi).
/// Default edges 18, 40, 60, 80 give "<18", "18-39", "40-59", "60-79", "80+"; a missing or
/// unparsable age is "unknown".
#[derive(Debug, Clone, PartialEq)]
pub struct AgeBands {
    edges: Vec<f64>,
}

impl Default for AgeBands {
    fn default() -> Self {
        AgeBands {
            edges: vec![18.0, 40.0, 60.0, 80.0],
        }
    }
}

impl AgeBands {
    /// Bands from increasing edges (years).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] unless the edges are finite and strictly increasing.
    pub fn new(edges: Vec<f64>) -> Result<Self> {
        if edges.iter().any(|e| !e.is_finite()) || edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::option(
                "age bands",
                format!("edges must be finite and strictly increasing, got {edges:?}"),
            ));
        }
        Ok(AgeBands { edges })
    }

    /// The edges.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// The band label of an age in years.
    pub fn label(&self, age: Option<f64>) -> String {
        let Some(age) = age.filter(|a| a.is_finite()) else {
            return "unknown".to_string();
        };
        let fmt = |v: f64| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        };
        let e = &self.edges;
        if e.is_empty() {
            return "all".to_string();
        }
        let k = e.partition_point(|&x| x <= age);
        if k == 0 {
            format!("<{}", fmt(e[0]))
        } else if k == e.len() {
            format!("{}+", fmt(e[k - 1]))
        } else if e[k - 1].fract() == 0.0 && e[k].fract() == 0.0 {
            format!("{}-{}", fmt(e[k - 1]), fmt(e[k] - 1.0))
        } else {
            format!("{}-<{}", fmt(e[k - 1]), fmt(e[k]))
        }
    }
}

/// Evaluates every subgroup of one column for one finding.
///
/// `keys[i]` is the subgroup value of case i of `cases`; `all_values` are the values the column takes in the
/// manifest (so empty subgroups appear); `overall_sensitivity` is the finding's overall
/// estimate for the bias flag. Curves and operating points are left out (`opts.detail` is
/// ignored and treated as false).
///
/// # Errors
/// Length mismatch, a score that is not a probability, or invalid options.
pub fn evaluate_subgroups(
    keys: &[String],
    all_values: &[String],
    cases: Cases<'_>,
    threshold: ScreenerThreshold,
    overall_sensitivity: Option<f64>,
    opts: &BinaryOptions,
) -> Result<BTreeMap<String, FindingReport>> {
    let cases = Cases::new(cases.labels, cases.scores, cases.decisions)?;
    same_len("keys vs cases", keys.len(), cases.len())?;
    let opts = opts.clone().with_detail(false);
    let mut index: BTreeMap<&str, Vec<usize>> = all_values
        .iter()
        .map(|v| (v.as_str(), Vec::new()))
        .collect();
    for (i, k) in keys.iter().enumerate() {
        index.entry(k.as_str()).or_default().push(i);
    }
    let mut out = BTreeMap::new();
    for (value, idx) in index {
        let (y, s, d) = cases.select(&idx);
        let mut r = evaluate_binary(Cases::new(&y, &s, &d)?, threshold, &opts)?;
        let flag = match (r.sensitivity.ci, overall_sensitivity) {
            (Some(ci), Some(overall)) => Some(ci.hi < overall),
            _ => None,
        };
        r.sensitivity_below_overall = Some(flag);
        out.insert(value.to_string(), r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_labels() {
        let b = AgeBands::default();
        assert_eq!(b.label(Some(5.0)), "<18");
        assert_eq!(b.label(Some(18.0)), "18-39");
        assert_eq!(b.label(Some(39.9)), "18-39");
        assert_eq!(b.label(Some(80.0)), "80+");
        assert_eq!(b.label(None), "unknown");
        assert_eq!(
            AgeBands::new(vec![0.5, 2.0]).unwrap().label(Some(1.0)),
            "0.5-<2"
        );
        assert!(AgeBands::new(vec![40.0, 18.0]).is_err());
    }

    #[test]
    fn empty_subgroup_and_flag() {
        let keys: Vec<String> = ["a", "a", "a", "a", "b", "b", "b", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let all = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let labels = [true, true, true, false, true, true, false, false];
        let scores = [0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.1, 0.4];
        let flags: Vec<bool> = scores.iter().map(|&s| s >= 0.5).collect();
        let opts = BinaryOptions::new()
            .with_bootstrap(crate::ci::BootstrapOptions::new().with_resamples(50));
        let r = evaluate_subgroups(
            &keys,
            &all,
            Cases::new(&labels, &scores, &flags).unwrap(),
            ScreenerThreshold::given(0.5),
            Some(0.7),
            &opts,
        )
        .unwrap();
        assert_eq!(r["c"].n, 0);
        assert_eq!(r["c"].sensitivity.value, None);
        assert_eq!(r["c"].sensitivity_below_overall, Some(None));
        assert_eq!(r["b"].sensitivity.value, Some(0.0));
        // Wilson(0/2) upper bound is 0.658 < 0.7; for "a" (3/3) the interval reaches 1
        assert_eq!(r["b"].sensitivity_below_overall, Some(Some(true)));
        assert_eq!(r["a"].sensitivity_below_overall, Some(Some(false)));
    }
}

//! Binary confusion counts and the ratios computed from them.
//!
//! **Positive class:** label `true`, "the finding is present". A decision `true` means the
//! screener flagged the image (score ≥ threshold). Every ratio returns `None` where its
//! denominator is zero, never NaN.
//!
//! The formulas are those of scikit-learn (`recall_score`, `precision_score`, `fbeta_score`,
//! `accuracy_score`, `balanced_accuracy_score`, `matthews_corrcoef`), evaluated in the same
//! order so that the results agree to the last bit or two; where scikit-learn substitutes a
//! number for an undefined value (MCC → 0, balanced accuracy over the classes present) this
//! crate returns `None` instead.

use serde::Serialize;

use crate::error::{Result, same_len};

/// Counts of a binary decision against the truth. Positive class: finding present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Confusion {
    /// True positives: finding present and flagged.
    pub tp: u64,
    /// False positives: finding absent but flagged.
    pub fp: u64,
    /// True negatives: finding absent and not flagged.
    pub tn: u64,
    /// False negatives: finding present but not flagged.
    #[serde(rename = "fn")]
    pub fn_: u64,
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

impl Confusion {
    /// Counts from parallel truth labels and decisions (`true` = finding present / flagged).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`](crate::Error::LengthMismatch) if the slices differ in length.
    pub fn from_decisions(labels: &[bool], decisions: &[bool]) -> Result<Self> {
        same_len("labels vs decisions", labels.len(), decisions.len())?;
        let mut c = Confusion::default();
        for (&y, &d) in labels.iter().zip(decisions) {
            c.add(y, d);
        }
        Ok(c)
    }

    /// Counts for the decision rule `score >= threshold` (the rule scikit-learn's curves use).
    ///
    /// # Errors
    /// Length mismatch, or a non-finite score.
    pub fn at_threshold(labels: &[bool], scores: &[f64], threshold: f64) -> Result<Self> {
        same_len("labels vs scores", labels.len(), scores.len())?;
        crate::error::all_finite("scores", scores)?;
        let mut c = Confusion::default();
        for (&y, &s) in labels.iter().zip(scores) {
            c.add(y, s >= threshold);
        }
        Ok(c)
    }

    /// Adds one case.
    pub fn add(&mut self, label: bool, decision: bool) {
        match (label, decision) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }

    /// Number of cases.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Cases with the finding present (TP + FN).
    pub fn positives(&self) -> u64 {
        self.tp + self.fn_
    }

    /// Cases with the finding absent (TN + FP).
    pub fn negatives(&self) -> u64 {
        self.tn + self.fp
    }

    /// Cases flagged (TP + FP).
    pub fn flagged(&self) -> u64 {
        self.tp + self.fp
    }

    /// Sensitivity = recall = true positive rate = TP / (TP + FN).
    pub fn sensitivity(&self) -> Option<f64> {
        ratio(self.tp, self.positives())
    }

    /// Alias of [`sensitivity`](Self::sensitivity).
    pub fn recall(&self) -> Option<f64> {
        self.sensitivity()
    }

    /// Specificity = true negative rate = TN / (TN + FP).
    pub fn specificity(&self) -> Option<f64> {
        ratio(self.tn, self.negatives())
    }

    /// Precision = positive predictive value = TP / (TP + FP).
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.flagged())
    }

    /// Negative predictive value = TN / (TN + FN).
    pub fn npv(&self) -> Option<f64> {
        ratio(self.tn, self.tn + self.fn_)
    }

    /// F1 = 2·TP / (2·TP + FP + FN); `None` when there are no positives and nothing was flagged.
    pub fn f1(&self) -> Option<f64> {
        self.f_beta(1.0)
    }

    /// Fβ = (1 + β²)·TP / (β²·(TP + FN) + (TP + FP)) for finite β > 0, as scikit-learn's
    /// `fbeta_score` computes it; β = 0 gives precision and β = +∞ gives recall (scikit-learn's
    /// limits). `None` for a zero denominator or a negative/NaN β.
    pub fn f_beta(&self, beta: f64) -> Option<f64> {
        if beta.is_nan() || beta < 0.0 {
            return None;
        }
        if beta == 0.0 {
            return self.precision();
        }
        if beta.is_infinite() {
            return self.recall();
        }
        let b2 = beta * beta;
        let den = b2 * self.positives() as f64 + self.flagged() as f64;
        (den != 0.0).then(|| (1.0 + b2) * self.tp as f64 / den)
    }

    /// Accuracy = (TP + TN) / N.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.tp + self.tn, self.n())
    }

    /// Balanced accuracy = (sensitivity + specificity) / 2; `None` unless both classes are present
    /// (scikit-learn averages over the classes present instead).
    pub fn balanced_accuracy(&self) -> Option<f64> {
        Some((self.specificity()? + self.sensitivity()?) / 2.0)
    }

    /// Matthews correlation coefficient, in scikit-learn's covariance form;
    /// `None` when a row or column of the confusion matrix is empty (scikit-learn returns 0).
    pub fn mcc(&self) -> Option<f64> {
        // class order 0 (absent), 1 (present), as scikit-learn's confusion matrix
        let t_sum = [self.negatives() as f64, self.positives() as f64];
        let p_sum = [(self.tn + self.fn_) as f64, self.flagged() as f64];
        let n_correct = (self.tn + self.tp) as f64;
        let n = p_sum[0] + p_sum[1];
        let cov_ytyp = n_correct * n - (t_sum[0] * p_sum[0] + t_sum[1] * p_sum[1]);
        let cov_ypyp = n * n - (p_sum[0] * p_sum[0] + p_sum[1] * p_sum[1]);
        let cov_ytyt = n * n - (t_sum[0] * t_sum[0] + t_sum[1] * t_sum[1]);
        let prod = cov_ypyp * cov_ytyt;
        (prod != 0.0).then(|| cov_ytyp / prod.sqrt())
    }

    /// Youden's J = sensitivity + specificity − 1.
    pub fn youden_j(&self) -> Option<f64> {
        Some(self.sensitivity()? + self.specificity()? - 1.0)
    }

    /// Prevalence = (TP + FN) / N.
    pub fn prevalence(&self) -> Option<f64> {
        ratio(self.positives(), self.n())
    }

    /// False positive rate = FP / (FP + TN) = fall-out.
    pub fn fpr(&self) -> Option<f64> {
        ratio(self.fp, self.negatives())
    }

    /// False discovery rate = FP / (TP + FP).
    pub fn fdr(&self) -> Option<f64> {
        ratio(self.fp, self.flagged())
    }

    /// Miss rate = false negative rate = FN / (TP + FN).
    pub fn miss_rate(&self) -> Option<f64> {
        ratio(self.fn_, self.positives())
    }

    /// All the ratios at once, with Fβ for the given β.
    pub fn metrics(&self, beta: f64) -> ConfusionMetrics {
        ConfusionMetrics {
            sensitivity: self.sensitivity(),
            specificity: self.specificity(),
            precision: self.precision(),
            npv: self.npv(),
            f1: self.f1(),
            beta,
            f_beta: self.f_beta(beta),
            accuracy: self.accuracy(),
            balanced_accuracy: self.balanced_accuracy(),
            mcc: self.mcc(),
            youden_j: self.youden_j(),
            prevalence: self.prevalence(),
            fpr: self.fpr(),
            fdr: self.fdr(),
            miss_rate: self.miss_rate(),
        }
    }
}

/// The ratios of a [`Confusion`]; positive class: finding present. `None` = undefined (0/0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ConfusionMetrics {
    /// TP / (TP + FN).
    pub sensitivity: Option<f64>,
    /// TN / (TN + FP).
    pub specificity: Option<f64>,
    /// TP / (TP + FP).
    pub precision: Option<f64>,
    /// TN / (TN + FN).
    pub npv: Option<f64>,
    /// 2·TP / (2·TP + FP + FN).
    pub f1: Option<f64>,
    /// The β of `f_beta`.
    pub beta: f64,
    /// Fβ.
    pub f_beta: Option<f64>,
    /// (TP + TN) / N.
    pub accuracy: Option<f64>,
    /// (sensitivity + specificity) / 2.
    pub balanced_accuracy: Option<f64>,
    /// Matthews correlation coefficient.
    pub mcc: Option<f64>,
    /// sensitivity + specificity − 1.
    pub youden_j: Option<f64>,
    /// (TP + FN) / N.
    pub prevalence: Option<f64>,
    /// FP / (FP + TN).
    pub fpr: Option<f64>,
    /// FP / (TP + FP).
    pub fdr: Option<f64>,
    /// FN / (TP + FN).
    pub miss_rate: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_counts_are_all_undefined() {
        let m = Confusion::default().metrics(2.0);
        assert_eq!(m.sensitivity, None);
        assert_eq!(m.specificity, None);
        assert_eq!(m.precision, None);
        assert_eq!(m.npv, None);
        assert_eq!(m.f1, None);
        assert_eq!(m.f_beta, None);
        assert_eq!(m.accuracy, None);
        assert_eq!(m.mcc, None);
        assert_eq!(m.youden_j, None);
        assert_eq!(m.prevalence, None);
    }

    #[test]
    fn hand_counted() {
        let labels = [true, true, true, false, false, false, false];
        let flags = [true, true, false, true, false, false, false];
        let c = Confusion::from_decisions(&labels, &flags).unwrap();
        assert_eq!(
            c,
            Confusion {
                tp: 2,
                fp: 1,
                tn: 3,
                fn_: 1
            }
        );
        assert_eq!(c.sensitivity(), Some(2.0 / 3.0));
        assert_eq!(c.specificity(), Some(0.75));
        assert_eq!(c.precision(), Some(2.0 / 3.0));
        assert_eq!(c.npv(), Some(0.75));
        assert_eq!(c.f1(), Some(4.0 / 6.0));
        assert_eq!(c.fpr(), Some(0.25));
        assert_eq!(c.miss_rate(), Some(1.0 / 3.0));
        assert_eq!(c.f_beta(0.0), c.precision());
        assert_eq!(c.f_beta(f64::INFINITY), c.recall());
        assert_eq!(c.f_beta(-1.0), None);
    }

    #[test]
    fn length_mismatch_is_an_error() {
        assert!(Confusion::from_decisions(&[true], &[]).is_err());
        assert!(Confusion::at_threshold(&[true], &[f64::NAN], 0.5).is_err());
    }
}

//! Metrics for continuous outputs: mean squared error, mean absolute error and R².
//!
//! Semantics follow scikit-learn: `r2_score` with its default `force_finite=True`, so for a
//! constant `y_true` (zero total sum of squares) R² is 1.0 when the predictions are exact and
//! 0.0 otherwise (instead of NaN or −∞). R² is `None` for fewer than two samples (scikit-learn
//! warns and returns NaN); every metric is `None` for empty input.

use crate::error::{Result, all_finite, same_len};
use crate::num::{mean, pairwise_sum};

fn check(y_true: &[f64], y_pred: &[f64]) -> Result<()> {
    same_len("y_true vs y_pred", y_true.len(), y_pred.len())?;
    all_finite("y_true", y_true)?;
    all_finite("y_pred", y_pred)
}

/// Mean squared error mean((y − ŷ)²).
///
/// # Errors
/// Length mismatch or a non-finite value.
pub fn mean_squared_error(y_true: &[f64], y_pred: &[f64]) -> Result<Option<f64>> {
    check(y_true, y_pred)?;
    let sq: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(a, b)| (a - b) * (a - b))
        .collect();
    Ok(mean(&sq))
}

/// Mean absolute error mean(|y − ŷ|).
///
/// # Errors
/// Length mismatch or a non-finite value.
pub fn mean_absolute_error(y_true: &[f64], y_pred: &[f64]) -> Result<Option<f64>> {
    check(y_true, y_pred)?;
    let abs: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(a, b)| (a - b).abs())
        .collect();
    Ok(mean(&abs))
}

/// Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², scikit-learn's `r2_score`
/// (see the module documentation for the constant-y and small-n cases).
///
/// # Errors
/// Length mismatch or a non-finite value.
pub fn r2_score(y_true: &[f64], y_pred: &[f64]) -> Result<Option<f64>> {
    check(y_true, y_pred)?;
    if y_true.len() < 2 {
        return Ok(None);
    }
    let y_mean = mean(y_true).unwrap_or(0.0);
    let num: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(a, b)| (a - b) * (a - b))
        .collect();
    let den: Vec<f64> = y_true.iter().map(|a| (a - y_mean) * (a - y_mean)).collect();
    let (num, den) = (pairwise_sum(&num), pairwise_sum(&den));
    Ok(Some(if num == 0.0 {
        1.0
    } else if den == 0.0 {
        0.0
    } else {
        1.0 - num / den
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases() {
        assert_eq!(mean_squared_error(&[], &[]).unwrap(), None);
        assert_eq!(r2_score(&[1.0], &[1.0]).unwrap(), None);
        assert_eq!(r2_score(&[2.0, 2.0], &[2.0, 2.0]).unwrap(), Some(1.0));
        assert_eq!(r2_score(&[2.0, 2.0], &[2.0, 3.0]).unwrap(), Some(0.0));
        assert!(r2_score(&[1.0], &[]).is_err());
    }
}

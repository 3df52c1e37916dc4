//! Floating-point precision of inference: with SPIR-V kernels (a `vulkan` build) f16 runs a
//! GPU's convolutions on its matrix units (docs/benchmarks.md, "GPU"); the CPU paths stay f32.

use std::fmt;
use std::str::FromStr;

use burn::tensor::DType;

use crate::error::{Error, Result};

/// The precision asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Precision {
    /// f16 on a GPU whose kernels are compiled to SPIR-V (a `vulkan` build on Vulkan) and run
    /// f16, f32 elsewhere.
    #[default]
    Auto,
    /// 32-bit floats everywhere.
    F32,
    /// 16-bit floats for weights and activations (GPU backends only); probabilities are
    /// computed from the activation maps in f32.
    F16,
}

impl FromStr for Precision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => Self::Auto,
            "f32" | "fp32" => Self::F32,
            "f16" | "fp16" => Self::F16,
            _ => {
                return Err(Error::InvalidInput(format!(
                    "unknown precision '{s}' (expected auto, f32 or f16)"
                )));
            }
        })
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::F32 => "f32",
            Self::F16 => "f16",
        })
    }
}

impl Precision {
    /// The tensor type this precision runs in (`Auto` must be resolved first; it counts as f32).
    pub(crate) fn dtype(self) -> DType {
        match self {
            Precision::F16 => DType::F16,
            _ => DType::F32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_cpus_stay_f32() {
        for p in [Precision::Auto, Precision::F32, Precision::F16] {
            assert_eq!(p.to_string().parse::<Precision>().unwrap(), p);
        }
        assert_eq!("FP16".parse::<Precision>().unwrap(), Precision::F16);
        assert!("f8".parse::<Precision>().is_err());
        let flex = crate::select_device(&crate::DeviceOptions::new(crate::DevicePreference::Flex))
            .unwrap();
        assert_eq!(flex.precision, Precision::F32);
        assert_eq!(
            flex.resolve_precision(Precision::Auto).unwrap(),
            Precision::F32
        );
        let err = flex.resolve_precision(Precision::F16).unwrap_err();
        assert!(err.contains("GPU"), "{err}");
    }
}

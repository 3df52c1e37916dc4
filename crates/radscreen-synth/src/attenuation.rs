//! X-ray attenuation shared by the radiograph phantoms (`xr.rs`) and the DRRs projected from
//! real CT (`real/drr.rs`), so that a phantom chest film and a DRR use one scale.

/// Linear attenuation of water, 1/mm, at an effective energy near 60 keV (0.206 cm⁻¹).
pub const MU_WATER_PER_MM: f32 = 0.0206;

/// Linear attenuation (1/mm) of a voxel of `hu`: μ_water·(1 + HU/1000), air and below at 0.
#[inline]
pub fn mu(hu: f32) -> f32 {
    (MU_WATER_PER_MM * (1.0 + hu / 1000.0)).max(0.0)
}

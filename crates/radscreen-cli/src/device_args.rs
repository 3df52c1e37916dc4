//! The device flags `screen`, `bench` and `train` share.

use clap::Args as ClapArgs;
use radscreen::model::{DeviceOptions, DevicePreference, Precision};

#[derive(ClapArgs, Clone)]
pub struct DeviceArgs {
    /// auto|gpu|cpu|wgpu|vulkan|flex|ndarray
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Let auto/gpu use a software wgpu adapter (lavapipe).
    #[arg(long)]
    pub allow_software_gpu: bool,
    /// auto|f32|f16: auto is f16 on a GPU in a `--features vulkan` build, f32 elsewhere.
    #[arg(long, default_value = "auto")]
    pub precision: String,
}

impl DeviceArgs {
    /// The library's options, or the flag that does not parse.
    pub fn options(&self) -> radscreen::model::Result<DeviceOptions> {
        let pref: DevicePreference = self.device.parse()?;
        let precision: Precision = self.precision.parse()?;
        Ok(DeviceOptions::new(pref)
            .with_allow_software(self.allow_software_gpu)
            .with_precision(precision))
    }

    /// The same flags, for a child process.
    pub fn to_args(&self) -> Vec<String> {
        let mut v = vec![
            "--device".to_string(),
            self.device.clone(),
            "--precision".to_string(),
            self.precision.clone(),
        ];
        if self.allow_software_gpu {
            v.push("--allow-software-gpu".into());
        }
        v
    }
}

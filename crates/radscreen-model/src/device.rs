//! Device selection: the one place that knows about burn's backends.
//!
//! `Auto` first asks whether wgpu has a hardware adapter (without opening one), then initialises
//! wgpu through the fallible path (`Device::wgpu_options().init()`), rejects software adapters
//! (Mesa's lavapipe/llvmpipe) unless allowed, and otherwise falls back to the CPU (`flex`) with
//! the reason recorded, so that callers can report what actually ran.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use burn::tensor::Device;
use burn::tensor::wgpu::{WgpuBackend, wgpu};
use serde::Serialize;

use crate::error::{Error, Result};

/// Which device the caller would like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DevicePreference {
    /// A hardware GPU through wgpu if there is one, else the CPU (flex), saying why.
    #[default]
    Auto,
    /// A hardware GPU, or an error.
    Gpu,
    /// The default CPU backend (flex).
    Cpu,
    /// Any wgpu adapter, software renderers included.
    Wgpu,
    /// wgpu pinned to Vulkan (builds with the `vulkan` feature).
    Vulkan,
    /// burn's pure-Rust CPU backend.
    Flex,
    /// burn-ndarray (builds with the `ndarray` feature).
    Ndarray,
}

impl FromStr for DevicePreference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => Self::Auto,
            "gpu" => Self::Gpu,
            "cpu" => Self::Cpu,
            "wgpu" => Self::Wgpu,
            "vulkan" => Self::Vulkan,
            "flex" => Self::Flex,
            "ndarray" => Self::Ndarray,
            _ => return Err(Error::UnknownDevice(s.to_string())),
        })
    }
}

impl fmt::Display for DevicePreference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
            Self::Wgpu => "wgpu",
            Self::Vulkan => "vulkan",
            Self::Flex => "flex",
            Self::Ndarray => "ndarray",
        })
    }
}

/// The backend that actually runs the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Backend {
    Flex,
    Ndarray,
    Wgpu,
    Vulkan,
}

impl Backend {
    /// The name used in reports (`flex|ndarray|wgpu|vulkan`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Flex => "flex",
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
            Backend::Vulkan => "vulkan",
        }
    }
    /// Whether the backend runs on the CPU.
    pub fn is_cpu(self) -> bool {
        matches!(self, Backend::Flex | Backend::Ndarray)
    }
}

/// Options for [`select_device`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DeviceOptions {
    pub preference: DevicePreference,
    /// Let `Auto` and `Gpu` take a software adapter (lavapipe/llvmpipe): useful in CI only.
    pub allow_software: bool,
}

impl DeviceOptions {
    pub fn new(preference: DevicePreference) -> Self {
        Self {
            preference,
            allow_software: false,
        }
    }
    pub fn with_allow_software(mut self, allow: bool) -> Self {
        self.allow_software = allow;
        self
    }
}

/// The device chosen, and how it came to be chosen.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SelectedDevice {
    pub device: Device,
    pub backend: Backend,
    /// The adapter's name (GPU model, or "CPU" for the CPU backends).
    pub adapter: String,
    /// Why the preferred device was not used, where it was not.
    pub fallback_reason: Option<String>,
    /// What was asked for.
    pub requested: DevicePreference,
}

/// The serialisable part of [`SelectedDevice`] (as written to run.json).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeviceReport {
    pub backend: String,
    pub adapter: String,
    pub fallback_reason: Option<String>,
    pub requested: String,
}

impl SelectedDevice {
    /// What reports record about the device.
    pub fn report(&self) -> DeviceReport {
        DeviceReport {
            backend: self.backend.name().to_string(),
            adapter: self.adapter.clone(),
            fallback_reason: self.fallback_reason.clone(),
            requested: self.requested.to_string(),
        }
    }

    fn cpu(backend: Backend, device: Device, requested: DevicePreference) -> Self {
        SelectedDevice {
            device,
            backend,
            adapter: cpu_name(),
            fallback_reason: None,
            requested,
        }
    }
}

fn cpu_name() -> String {
    format!(
        "CPU ({} threads)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    )
}

/// An initialised wgpu runtime, or why there is none. wgpu runtimes cannot be initialised
/// twice in a process, so the outcome is kept for the process's lifetime.
#[derive(Clone)]
struct WgpuOutcome {
    device: Device,
    info: wgpu::AdapterInfo,
}

static WGPU_AUTO: OnceLock<std::result::Result<WgpuOutcome, String>> = OnceLock::new();
#[cfg(feature = "vulkan")]
static WGPU_VULKAN: OnceLock<std::result::Result<WgpuOutcome, String>> = OnceLock::new();

fn init_wgpu(api: WgpuBackend) -> std::result::Result<WgpuOutcome, String> {
    // `init` is the fallible path; catch_unwind guards against a driver that panics anyway.
    let attempt = std::panic::catch_unwind(move || {
        Device::wgpu_options()
            .graphics_api(api)
            .init_with_setup()
            .map(|(device, setup)| WgpuOutcome {
                device,
                info: setup.adapter.get_info(),
            })
            .map_err(|e| e.to_string())
    });
    match attempt {
        Ok(r) => r,
        Err(_) => Err("wgpu initialisation panicked".to_string()),
    }
}

fn wgpu_outcome(vulkan: bool) -> std::result::Result<WgpuOutcome, String> {
    if vulkan {
        #[cfg(feature = "vulkan")]
        {
            return WGPU_VULKAN
                .get_or_init(|| init_wgpu(WgpuBackend::Vulkan))
                .clone();
        }
        #[cfg(not(feature = "vulkan"))]
        return Err(
            "this build has no Vulkan pinning: build radscreen-model with feature `vulkan`".into(),
        );
    }
    WGPU_AUTO
        .get_or_init(|| init_wgpu(WgpuBackend::Auto))
        .clone()
}

/// Whether wgpu has a GPU adapter (lavapipe, llvmpipe and other software renderers do not
/// count), asked without opening a device; a driver that panics while being asked counts as none.
fn hardware_adapter_exists() -> bool {
    use cubecl_runtime::runtime::Runtime;
    std::panic::catch_unwind(cubecl_wgpu::WgpuRuntime::<cubecl_wgpu::AutoCompiler>::is_available)
        .unwrap_or(false)
}

fn is_software(info: &wgpu::AdapterInfo) -> bool {
    let name = info.name.to_ascii_lowercase();
    info.device_type == wgpu::DeviceType::Cpu
        || name.contains("llvmpipe")
        || name.contains("lavapipe")
        || name.contains("swiftshader")
}

fn describe(info: &wgpu::AdapterInfo) -> String {
    format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type)
}

/// Chooses a device for `options`. `Auto` never fails: it falls back to the CPU and says why.
///
/// # Errors
/// `Gpu`, `Wgpu`, `Vulkan` when no suitable adapter exists; `Ndarray` in builds without it.
pub fn select_device(options: &DeviceOptions) -> Result<SelectedDevice> {
    let pref = options.preference;
    let unavailable = |reason: String| Error::Device {
        requested: pref.to_string(),
        reason,
    };
    match pref {
        DevicePreference::Cpu | DevicePreference::Flex => {
            Ok(SelectedDevice::cpu(Backend::Flex, Device::flex(), pref))
        }
        DevicePreference::Ndarray => ndarray_device(pref).map_err(unavailable),
        DevicePreference::Wgpu | DevicePreference::Vulkan => {
            let vulkan = pref == DevicePreference::Vulkan;
            let o = wgpu_outcome(vulkan).map_err(unavailable)?;
            Ok(SelectedDevice {
                adapter: describe(&o.info),
                device: o.device,
                backend: if vulkan {
                    Backend::Vulkan
                } else {
                    Backend::Wgpu
                },
                fallback_reason: None,
                requested: pref,
            })
        }
        DevicePreference::Gpu | DevicePreference::Auto => {
            // Probe first: opening a software adapter only to reject it would leave its device
            // (and the thread serving it) alive for the rest of the process.
            let hardware = options.allow_software || hardware_adapter_exists();
            let gpu = if hardware {
                wgpu_outcome(false)
            } else {
                Err("wgpu finds no hardware adapter (software renderers aside)".to_string())
            };
            let gpu = gpu.and_then(|o| {
                if is_software(&o.info) && !options.allow_software {
                    Err(format!(
                        "the only wgpu adapter is a software renderer: {}",
                        describe(&o.info)
                    ))
                } else {
                    Ok(o)
                }
            });
            match gpu {
                Ok(o) => Ok(SelectedDevice {
                    adapter: describe(&o.info),
                    device: o.device,
                    backend: Backend::Wgpu,
                    fallback_reason: None,
                    requested: pref,
                }),
                Err(reason) if pref == DevicePreference::Auto => {
                    let mut d = SelectedDevice::cpu(Backend::Flex, Device::flex(), pref);
                    d.fallback_reason = Some(format!("no hardware GPU: {reason}"));
                    Ok(d)
                }
                Err(reason) => Err(unavailable(reason)),
            }
        }
    }
}

#[cfg(feature = "ndarray")]
#[allow(deprecated)] // burn-ndarray is deprecated in burn 0.22 but stays selectable on request
fn ndarray_device(pref: DevicePreference) -> std::result::Result<SelectedDevice, String> {
    Ok(SelectedDevice::cpu(
        Backend::Ndarray,
        Device::ndarray(),
        pref,
    ))
}

#[cfg(not(feature = "ndarray"))]
fn ndarray_device(_: DevicePreference) -> std::result::Result<SelectedDevice, String> {
    Err("this build has no ndarray backend: build with feature `ndarray`".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in [
            DevicePreference::Auto,
            DevicePreference::Gpu,
            DevicePreference::Cpu,
            DevicePreference::Wgpu,
            DevicePreference::Vulkan,
            DevicePreference::Flex,
            DevicePreference::Ndarray,
        ] {
            assert_eq!(p.to_string().parse::<DevicePreference>().unwrap(), p);
        }
        assert!(matches!(
            "tpu".parse::<DevicePreference>(),
            Err(Error::UnknownDevice(_))
        ));
    }

    #[test]
    fn cpu_is_flex() {
        let d = select_device(&DeviceOptions::new(DevicePreference::Cpu)).unwrap();
        assert_eq!(d.backend, Backend::Flex);
        assert!(d.fallback_reason.is_none());
    }
}

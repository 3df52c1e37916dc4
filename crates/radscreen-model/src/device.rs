//! Device selection: the one place that knows about burn's backends.
//!
//! `Auto` first asks whether wgpu has a hardware adapter (without opening one), then initialises
//! wgpu through the fallible path (`Device::wgpu_options().init()`), rejects software adapters
//! (Mesa's lavapipe/llvmpipe) unless allowed, and otherwise falls back to the CPU (`flex`) with
//! the reason recorded, so that callers can report what actually ran.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use burn::tensor::wgpu::{WgpuBackend, wgpu};
use burn::tensor::{DType, Device};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::precision::Precision;

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
    /// burn's pure-Rust CPU backend.
    Flex,
    /// burn-ndarray, on the CPU.
    Ndarray,
    /// wgpu on whichever graphics API it picked.
    Wgpu,
    /// wgpu pinned to Vulkan.
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
    /// The device asked for.
    pub preference: DevicePreference,
    /// Let `Auto` and `Gpu` take a software adapter (lavapipe/llvmpipe): useful in CI only.
    pub allow_software: bool,
    /// The floating-point precision asked for.
    pub precision: Precision,
}

impl DeviceOptions {
    /// Options for `preference`, without software adapters.
    pub fn new(preference: DevicePreference) -> Self {
        Self {
            preference,
            allow_software: false,
            precision: Precision::Auto,
        }
    }
    /// Sets the precision (`Auto`: f16 on a GPU with SPIR-V kernels, f32 elsewhere).
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }
    /// Lets `Auto` and `Gpu` take a software adapter (or not).
    pub fn with_allow_software(mut self, allow: bool) -> Self {
        self.allow_software = allow;
        self
    }
}

/// The device chosen, and how it came to be chosen.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SelectedDevice {
    /// The burn device that tensors live on.
    pub device: Device,
    /// The backend that runs the network.
    pub backend: Backend,
    /// The adapter's name (GPU model, or "CPU" for the CPU backends).
    pub adapter: String,
    /// Why the preferred device was not used, where it was not.
    pub fallback_reason: Option<String>,
    /// What was asked for.
    pub requested: DevicePreference,
    /// The precision inference runs in (`F32` or `F16`, never `Auto`).
    pub precision: Precision,
    /// Whether CubeCL compiles this device's kernels to SPIR-V (a build with the `vulkan`
    /// feature, on a Vulkan adapter): there its f16 convolutions run on the matrix units and
    /// accumulate in f32, which is what `auto` needs before it picks f16.
    spirv: bool,
}

/// The serialisable part of [`SelectedDevice`] (as written to run.json and read back by merge).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct DeviceReport {
    /// The backend's name (`flex`, `ndarray`, `wgpu` or `vulkan`).
    pub backend: String,
    /// The adapter's name (GPU model, or the CPU and its threads).
    pub adapter: String,
    /// Why the preferred device was not used, where it was not.
    pub fallback_reason: Option<String>,
    /// What was asked for (e.g. `auto`).
    pub requested: String,
    /// The precision inference ran in (`f32` or `f16`; empty in reports older than the field).
    #[serde(default)]
    pub precision: String,
}

impl SelectedDevice {
    /// What reports record about the device.
    pub fn report(&self) -> DeviceReport {
        DeviceReport {
            backend: self.backend.name().to_string(),
            adapter: self.adapter.clone(),
            fallback_reason: self.fallback_reason.clone(),
            requested: self.requested.to_string(),
            precision: self.precision.to_string(),
        }
    }

    /// What `precision` means on this device: `F32` or `F16`, or why f16 cannot run here (f16
    /// needs a GPU backend whose adapter runs f16 shaders).
    pub fn resolve_precision(
        &self,
        precision: Precision,
    ) -> std::result::Result<Precision, String> {
        let f16 = !self.backend.is_cpu() && self.device.supports_dtype(DType::F16);
        match precision {
            // WGSL's f16 convolutions accumulate in f16: measured on an H200 they moved
            // probabilities by up to 2.7e-3 from f32 (SPIR-V's: 2.9e-4), over the 2e-3 that f16
            // is held to, so `auto` keeps them in f32 (docs/benchmarks.md, "GPU")
            Precision::Auto if f16 && self.spirv => Ok(Precision::F16),
            Precision::F16 if f16 => Ok(Precision::F16),
            Precision::F16 if self.backend.is_cpu() => Err(format!(
                "f16 runs on GPU backends only; {} computes in f32 (use --precision f32 or auto)",
                self.backend.name()
            )),
            Precision::F16 => Err("this GPU adapter does not run f16 shaders".into()),
            _ => Ok(Precision::F32),
        }
    }

    fn cpu(backend: Backend, device: Device, requested: DevicePreference) -> Self {
        SelectedDevice {
            device,
            backend,
            adapter: cpu_name(),
            fallback_reason: None,
            requested,
            precision: Precision::F32,
            spirv: false,
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
/// count), asked without opening a device; a driver that panics while being asked counts as
/// none. Asked once per process.
///
/// On Linux the Vulkan loader is asked directly, through an instance without window-system
/// extensions ([`crate::vulkan_probe`]): wgpu's instance would make Mesa's device-select layer
/// print "error: XDG_RUNTIME_DIR is invalid or not set" on every headless machine. Elsewhere
/// wgpu is asked on the native GPU APIs (Vulkan, Metal, DX12). wgpu's OpenGL is not asked
/// either way (its EGL probe connects to a display too): a GPU reachable only through OpenGL
/// stays usable with `--device wgpu`.
fn hardware_adapter_exists() -> bool {
    static ANSWER: OnceLock<bool> = OnceLock::new();
    *ANSWER.get_or_init(|| std::panic::catch_unwind(probe_native_apis).unwrap_or(false))
}

#[cfg(target_os = "linux")]
fn probe_native_apis() -> bool {
    crate::vulkan_probe::hardware_gpu_exists(|kind, name| {
        kind == ash::vk::PhysicalDeviceType::CPU || software_name(name)
    })
    .unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
fn probe_native_apis() -> bool {
    let backends = wgpu::Backends::VULKAN | wgpu::Backends::METAL | wgpu::Backends::DX12;
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    ready(instance.enumerate_adapters(backends))
        .unwrap_or_default()
        .iter()
        .any(|a| !is_software(&a.get_info()))
}

/// The output of a future that native wgpu completes at once (adapter enumeration); `None`
/// if it is still pending after a second.
#[cfg(not(target_os = "linux"))]
fn ready<F: std::future::Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1000 {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return Some(v);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    None
}

fn is_software(info: &wgpu::AdapterInfo) -> bool {
    info.device_type == wgpu::DeviceType::Cpu || software_name(&info.name)
}

/// Software renderers by name, for drivers that do not report themselves as CPU devices.
fn software_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("llvmpipe") || name.contains("lavapipe") || name.contains("swiftshader")
}

/// Whether CubeCL compiles for `info`'s adapter to SPIR-V: it does on Vulkan when this build
/// has the `vulkan` feature (cubecl-wgpu's `runtime_name` reads the same two facts).
fn spirv(info: &wgpu::AdapterInfo) -> bool {
    cfg!(feature = "vulkan") && info.backend == wgpu::Backend::Vulkan
}

fn describe(info: &wgpu::AdapterInfo) -> String {
    format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type)
}

/// Chooses a device for `options`, and the precision to run in. `Auto` never fails: it falls
/// back to the CPU and says why.
///
/// # Errors
/// `Gpu`, `Wgpu`, `Vulkan` when no suitable adapter exists; `Ndarray` in builds without it;
/// f16 asked for on a device that cannot run it.
pub fn select_device(options: &DeviceOptions) -> Result<SelectedDevice> {
    let mut selected = select_backend(options)?;
    selected.precision = selected
        .resolve_precision(options.precision)
        .map_err(|reason| Error::Device {
            requested: format!(
                "{} with --precision {}",
                options.preference, options.precision
            ),
            reason,
        })?;
    Ok(selected)
}

fn select_backend(options: &DeviceOptions) -> Result<SelectedDevice> {
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
                precision: Precision::F32,
                spirv: spirv(&o.info),
            })
        }
        DevicePreference::Gpu | DevicePreference::Auto => {
            // Probe first: opening a software adapter only to reject it would leave its device
            // (and the thread serving it) alive for the rest of the process.
            // `Gpu` opens wgpu whatever the probe says: the user asked for a GPU, and an
            // error here would hide one the probe missed.
            let hardware = options.allow_software
                || pref == DevicePreference::Gpu
                || hardware_adapter_exists();
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
                    precision: Precision::F32,
                    spirv: spirv(&o.info),
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

//! Whether the Vulkan loader sees a hardware GPU, asked through an instance that enables no
//! extension at all.
//!
//! wgpu's own instance enables every window-system extension the loader offers, and Mesa's
//! device-select layer (installed with mesa-vulkan-drivers, loaded implicitly) then connects to
//! the Wayland display to rank devices: on a machine without one, libwayland prints "error:
//! XDG_RUNTIME_DIR is invalid or not set in the environment." twice. An instance without
//! window-system extensions gives the layer nothing to connect to, so `--device auto` on a
//! machine without a GPU stays quiet. Nothing is opened: no logical device, no queue.

use ash::vk;

/// `Some(true)` when a physical device that is not a software renderer exists, `Some(false)`
/// when none does, `None` when there is no Vulkan loader or it cannot make an instance.
pub(crate) fn hardware_gpu_exists(
    is_software: impl Fn(vk::PhysicalDeviceType, &str) -> bool,
) -> Option<bool> {
    // SAFETY: loads the system's libvulkan.so.1 (dlopen). Its initialisers are the Vulkan
    // loader's own; the returned `Entry` keeps the library loaded for as long as it lives,
    // which outlives every call below.
    let entry = unsafe { ash::Entry::load() }.ok()?;
    let app = vk::ApplicationInfo::default().api_version(vk::API_VERSION_1_0);
    let info = vk::InstanceCreateInfo::default().application_info(&app);
    // SAFETY: `info` and `app` are valid for the duration of the call and name no layer and
    // no extension; no allocation callbacks.
    let instance = unsafe { entry.create_instance(&info, None) }.ok()?;
    // SAFETY: `instance` is a live instance made above; the handles it returns are only used
    // before it is destroyed.
    let devices = unsafe { instance.enumerate_physical_devices() };
    let answer = devices.ok().map(|devices| {
        devices.iter().any(|&d| {
            // SAFETY: `d` came from this instance, which is still alive.
            let p = unsafe { instance.get_physical_device_properties(d) };
            let name = p
                .device_name_as_c_str()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !is_software(p.device_type, &name)
        })
    });
    // SAFETY: no object made from `instance` outlives it (physical devices are not owned).
    unsafe { instance.destroy_instance(None) };
    answer
}

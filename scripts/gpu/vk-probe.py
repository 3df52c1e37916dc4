"""What the Vulkan loader reports with an instance that enables nothing (radscreen's --device
auto probe, crates/radscreen-model/src/vulkan_probe.rs), through ctypes: for diagnosing a
machine where auto does not find a GPU that --device gpu finds. Run with VK_LOADER_DEBUG=all
for the loader's own account. Exit status 0 when a device was found."""
import ctypes
import sys

vk = ctypes.CDLL("libvulkan.so.1")


class AppInfo(ctypes.Structure):
    _fields_ = [("sType", ctypes.c_int), ("pNext", ctypes.c_void_p),
                ("pApplicationName", ctypes.c_char_p), ("applicationVersion", ctypes.c_uint32),
                ("pEngineName", ctypes.c_char_p), ("engineVersion", ctypes.c_uint32),
                ("apiVersion", ctypes.c_uint32)]


class InstanceInfo(ctypes.Structure):
    _fields_ = [("sType", ctypes.c_int), ("pNext", ctypes.c_void_p), ("flags", ctypes.c_uint32),
                ("pApplicationInfo", ctypes.POINTER(AppInfo)),
                ("enabledLayerCount", ctypes.c_uint32), ("ppEnabledLayerNames", ctypes.c_void_p),
                ("enabledExtensionCount", ctypes.c_uint32),
                ("ppEnabledExtensionNames", ctypes.c_void_p)]


found = 0
for api, label in ((1 << 22, "1.0"), ((1 << 22) | (2 << 12), "1.2")):
    app = AppInfo(0, None, None, 0, None, 0, api)
    info = InstanceInfo(1, None, 0, ctypes.pointer(app), 0, None, 0, None)
    inst = ctypes.c_void_p()
    r = vk.vkCreateInstance(ctypes.byref(info), None, ctypes.byref(inst))
    print(f"API {label}: vkCreateInstance -> {r}")
    if r != 0:
        continue
    n = ctypes.c_uint32(0)
    r = vk.vkEnumeratePhysicalDevices(inst, ctypes.byref(n), None)
    print(f"API {label}: vkEnumeratePhysicalDevices -> {r}, {n.value} devices")
    found = max(found, n.value)
    vk.vkDestroyInstance(inst, None)
sys.exit(0 if found else 1)

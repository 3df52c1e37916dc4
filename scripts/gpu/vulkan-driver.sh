# Sourced by the GPU scripts: defines pick_icd, which exports VK_DRIVER_FILES for the first
# Vulkan driver manifest whose driver makes an instance and lists a device (or leaves it unset
# when the loader's default search works). Needs scripts/gpu/vk-probe.py and python3.
#
# Why: on the lent H200 (NVIDIA 580.159.04 in a container, 2026-12-04) every manifest on the
# machine named libGLX_nvidia.so.0, through which the loader found no vkCreateInstance
# ("Found no drivers"); a manifest naming libEGL_nvidia.so.0, the same driver's headless
# entry point, worked.
# Tried in order: the loader's default search, each manifest on the machine, then a manifest
# written for NVIDIA's EGL library.
pick_icd() {
  unset VK_DRIVER_FILES
  python3 scripts/gpu/vk-probe.py && return 0
  for j in /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json /usr/local/nvidia/share/vulkan/icd.d/*.json; do
    [ -f "$j" ] || continue
    export VK_DRIVER_FILES=$j
    python3 scripts/gpu/vk-probe.py && return 0
  done
  local lib
  lib=$(ldconfig -p | grep -o '/[^ ]*libEGL_nvidia\.so\.0$' | head -n 1)
  if [ -n "$lib" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$lib" > /tmp/nvidia_egl_icd.json
    export VK_DRIVER_FILES=/tmp/nvidia_egl_icd.json
    python3 scripts/gpu/vk-probe.py && return 0
  fi
  unset VK_DRIVER_FILES
  return 1
}

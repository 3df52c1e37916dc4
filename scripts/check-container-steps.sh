#!/usr/bin/env bash
# Checks the Containerfile's runtime stage without an image builder: builds a clean Debian root
# file system with debootstrap, runs the runtime stage's ARG/RUN steps in it (chroot), copies
# in a release binary and sample-data/, and screens sample-data/ as the image's non-root user
# with --device auto and --device wgpu (lavapipe) and the stage's ENV. Also checks that ldd
# finds every library, that stderr holds nothing unexpected, and that a run without a key fails.
#
#   sudo scripts/check-container-steps.sh [path/to/release/radscreen]
#
# Default binary: ${CARGO_TARGET_DIR:-target}/release/radscreen. Needs root, debootstrap and
# the Debian mirror. ROOTFS (default /var/tmp/radscreen-rootfs) is reused while its stamp
# matches the runtime stage; a changed Containerfile rebuilds it. MIRROR and SECURITY_MIRROR
# override deb.debian.org. Exit status 0 when every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

bin="${1:-${CARGO_TARGET_DIR:-$repo/target}/release/radscreen}"
rootfs="${ROOTFS:-/var/tmp/radscreen-rootfs}"
suite=bookworm   # the Containerfile's debian:bookworm-slim
mirror="${MIRROR:-http://deb.debian.org/debian}"
security_mirror="${SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
containerfile="$repo/Containerfile"

[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot, mount)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no executable at $bin (build: cargo build --release -p radscreen-cli)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }

# The runtime stage: everything after the last FROM, comments dropped, continuation lines
# joined, so that the chroot runs the same commands as the image build.
stage="$(awk '/^FROM /{s=""} {s=s $0 "\n"} END{printf "%s", s}' "$containerfile" \
  | grep -v '^[[:space:]]*#' \
  | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')"
user_spec="$(sed -n 's/^USER[[:space:]]\+\([0-9]\+:[0-9]\+\)[[:space:]]*$/\1/p' <<<"$stage")"
[ -n "$user_spec" ] || { echo "no numeric USER uid:gid in the Containerfile's last stage" >&2; exit 2; }
# ENV lines (KEY=VALUE form) apply to the run, as in the container.
mapfile -t image_env < <(sed -n 's/^ENV[[:space:]]\+\([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*\)[[:space:]]*$/\1/p' <<<"$stage")
stamp="$rootfs/.radscreen-rootfs-complete"
stamp_id="$suite $(sha256sum <<<"$stage" | cut -c1-16)"

mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true; done
  mounts=()
}
trap cleanup EXIT
# What a container runtime provides: /proc, a read-only /sys and /dev/pts (debootstrap made
# the device nodes in /dev).
mount_api() {
  mountpoint -q "$rootfs/proc" || { mount -t proc proc "$rootfs/proc"; mounts+=("$rootfs/proc"); }
  mountpoint -q "$rootfs/sys" || { mount -t sysfs -o ro sysfs "$rootfs/sys"; mounts+=("$rootfs/sys"); }
  mountpoint -q "$rootfs/dev/pts" \
    || { mount -t devpts -o newinstance,ptmxmode=0666 devpts "$rootfs/dev/pts"; mounts+=("$rootfs/dev/pts"); }
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_id" ]; then
  echo "== reusing $rootfs ($stamp_id)"
else
  if [ -e "$rootfs" ]; then
    # Never rm -rf through a mount (a leftover /proc, or worse a bind mount of real data).
    if awk -v r="$rootfs" '$2 == r || index($2, r "/") == 1 {f=1} END{exit !f}' /proc/mounts; then
      echo "$rootfs has mounts below it; unmount them first" >&2; exit 1
    fi
    echo "== removing incomplete or outdated $rootfs"
    rm -rf "$rootfs"
  fi
  echo "== debootstrap --variant=minbase $suite $rootfs $mirror"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.debootstrap.log" 2>&1 \
    || { tail -20 "$rootfs.debootstrap.log" >&2; exit 1; }
  # The same sources as the debian:bookworm-slim image: the release, updates and security.
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount_api
  # ARG values become environment variables of the RUN steps, as in a build.
  env_args=(DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  while IFS= read -r line; do
    case "$line" in
      ARG\ *=*)
        kv="${line#ARG }"; k="${kv%%=*}"; v="${kv#*=}"; v="${v#\"}"; v="${v%\"}"
        env_args+=("$k=$v") ;;
      RUN\ *)
        echo "== RUN ${line#RUN }"
        chroot "$rootfs" /usr/bin/env -i "${env_args[@]}" /bin/sh -c "${line#RUN }" ;;
    esac
  done <<<"$stage"
  cleanup
  echo "$stamp_id" >"$stamp"
fi

# COPY --from=build: the binary, root-owned and world-executable.
install -m 0755 -o root -g root "$bin" "$rootfs/usr/local/bin/radscreen"
# Input as a read-only mount would be: root-owned, readable by the user.
rm -rf "$rootfs/sample-data"
cp -r "$repo/sample-data" "$rootfs/sample-data"
chown -R root:root "$rootfs/sample-data"
chmod -R a+rX,go-w "$rootfs/sample-data"
# A pseudonym key as a mounted secret.
mkdir -p "$rootfs/run/secrets"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$rootfs/run/secrets/pseudonym.key"
chown "$user_spec" "$rootfs/run/secrets/pseudonym.key"
chmod 0600 "$rootfs/run/secrets/pseudonym.key"
rm -rf "$rootfs"/tmp/report-*

mount_api
fails=0
check() { if "$@"; then echo "PASS: $desc"; else echo "FAIL: $desc"; fails=$((fails + 1)); fi; }

echo "== ldd /usr/local/bin/radscreen (in the chroot)"
ldd_out="$(chroot "$rootfs" ldd /usr/local/bin/radscreen 2>&1)" || true
echo "$ldd_out"
desc="ldd finds every shared library"; check bash -c '! grep -q "not found" <<<"$1"' _ "$ldd_out"

# As the image's USER, with the environment a container runtime sets (HOME from /etc/passwd)
# plus the image's ENV.
home="$(awk -F: -v u="${user_spec%%:*}" '$3 == u {print $6}' "$rootfs/etc/passwd")"
as_user() {
  chroot --userspec="$user_spec" "$rootfs" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="${home:-/}" \
    ${image_env[@]+"${image_env[@]}"} "$@"
}

set +e
as_user radscreen --help >/dev/null 2>&1; rc=$?
set -e
desc="radscreen --help (the image's CMD) exits 0 (got $rc)"; check test "$rc" = 0

for device in auto wgpu; do
  out="/tmp/report-$device"
  echo "== radscreen screen /sample-data --out $out --device $device --key-file /run/secrets/pseudonym.key"
  t0=$(date +%s.%N)
  set +e
  as_user radscreen screen /sample-data --out "$out" --device "$device" \
    --key-file /run/secrets/pseudonym.key >"$rootfs/tmp/stdout-$device" 2>"$rootfs/tmp/stderr-$device"
  rc=$?
  set -e
  t1=$(date +%s.%N)
  echo "exit status $rc, wall $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f s", b - a}')"
  echo "-- stderr:"; cat "$rootfs/tmp/stderr-$device"
  if [ -s "$rootfs/tmp/stdout-$device" ]; then echo "-- stdout:"; cat "$rootfs/tmp/stdout-$device"; fi
  desc="--device $device exits 0 (got $rc)"; check test "$rc" = 0
  desc="--device $device wrote findings.csv and report.html"
  check test -s "$rootfs$out/findings.csv" -a -s "$rootfs$out/report.html"
  if [ -f "$rootfs$out/findings.csv" ]; then
    echo "findings.csv: $(wc -l <"$rootfs$out/findings.csv") lines"
  fi
  if [ -f "$rootfs$out/run.json" ]; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("run.json device:", json.dumps(d.get("device"))); print("run.json counts:", json.dumps(d.get("counts")))' \
      "$rootfs$out/run.json" 2>/dev/null || true
  fi
  # Anything on stderr besides the device line, the progress lines and the summary is noise.
  noise="$(grep -v -e '^device: ' -e '^screened [0-9]' -e '^[0-9]* files: ' "$rootfs/tmp/stderr-$device" || true)"
  desc="--device $device prints nothing unexpected on stderr"; check test -z "$noise"
done

# No key and no home (the image's user has none): radscreen must refuse rather than invent a
# key that would vanish with the container.
set +e
as_user radscreen screen /sample-data --out /tmp/report-nokey --device cpu >/dev/null 2>"$rootfs/tmp/stderr-nokey"
rc=$?
set -e
echo "== without a key: exit status $rc: $(tr '\n' ' ' <"$rootfs/tmp/stderr-nokey")"
desc="without --key-file/RADSCREEN_KEY the run is refused (exit status $rc)"; check test "$rc" != 0

cleanup
if [ "$fails" = 0 ]; then echo "all checks passed"; else echo "$fails check(s) failed"; exit 1; fi

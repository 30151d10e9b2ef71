#!/usr/bin/env bash
# make iso / make iso-arm64: build the SigmaVault image for ARCH in build/iso-ARCH and leave
# build/sigmavault-ARCH.iso (plus its kernel and initrd, for the VM tier's direct kernel boot).
# usage: live-build/build-iso.sh ARCH
set -euo pipefail
arch=${1:-amd64}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$repo/build/iso-$arch
out=$repo/build/sigmavault-$arch.iso
started=$(date +%s)

for tool in lb debootstrap xorriso; do command -v $tool >/dev/null || missing="${missing:-} $tool"; done
if [ -n "${missing:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq live-build debootstrap xorriso
fi
source "$repo/tools/trixie-root.sh"
enable_foreign_arch "$arch"

# Wheels once per lock file and architecture (the image installs them offline).
wheels=$repo/build/wheels/$arch
if [ ! -f "$wheels/.lock" ] || ! cmp -s "$wheels/.lock" "$repo/requirements.lock"; then
  # pipefail: a failed wheel build stops here; grep only filters pip's noise about absent index folders.
  "$repo/live-build/wheels.sh" "$arch" "$wheels" 2>&1 | { grep -v "is ignored: it is" || true; }
  ls "$wheels"/salt-*.whl >/dev/null
  cp "$repo/requirements.lock" "$wheels/.lock"
fi

# A fresh config every build (lb keeps its package cache in cache/ between builds).
mkdir -p "$work"
# A build that was killed leaves /proc, /sys and /dev/pts mounted in its chroot, and lb clean then fails.
findmnt -rn -o TARGET | { grep "^$work/" || true; } | sort -r | xargs -r -n 1 umount -l
(cd "$work" && [ -d config ] && lb clean >/dev/null 2>&1 || true)
rm -rf --one-file-system "$work/chroot" "$work/binary" "$work/.build" "$work/.lock"
rm -rf "$work/config" "$work/auto"
cp -r "$repo/live-build/auto" "$repo/live-build/config" "$work/"
tree=$work/config/includes.chroot/opt/sigmavault
mkdir -p "$tree/wheels"
# The tree as committed (what runs the box is what the tests ran), plus the wheels.
git -C "$repo" archive HEAD salt states modules pillar control-panel live-build/README.md | tar -x -C "$tree"
cp "$wheels"/*.whl "$tree/wheels/"

# live-build 20230502 bootstraps another architecture with debootstrap under qemu-user (hours, see
# foreign_root). The mmdebstrap root becomes lb's cached bootstrap stage, which lb restores instead.
if foreign_arch "$arch" && [ ! -d "$work/cache/bootstrap" ]; then
  foreign_root "$work/cache/bootstrap.new" "$arch" --components="main contrib non-free-firmware"
  rm -f "$work/cache/bootstrap.new/etc/hosts"
  mv "$work/cache/bootstrap.new" "$work/cache/bootstrap"
fi

cd "$work"
SIGMAVAULT_ARCH=$arch SIGMAVAULT_MIRROR=$(host_mirror) SIGMAVAULT_MIRROR_SECURITY=$(host_security_mirror) lb config
lb build
iso=$(ls -t "$work"/*.iso | head -n 1)
mv "$iso" "$out"
# live/vmlinuz on amd64 (syslinux wants one name); GRUB-only arm64 keeps the versioned vmlinuz-<release>.
cp "$(ls binary/live/vmlinuz* | head -n 1)" "$repo/build/sigmavault-$arch.vmlinuz"
cp "$(ls binary/live/initrd.img* | head -n 1)" "$repo/build/sigmavault-$arch.initrd"
seconds=$(( $(date +%s) - started ))
size=$(stat -c %s "$out")
printf '{"arch": "%s", "seconds": %d, "bytes": %d, "iso": "%s"}\n' "$arch" "$seconds" "$size" "$out" \
  | tee "$repo/build/iso-$arch.json"
echo "built $out: $((size / 1024 / 1024)) MiB in $((seconds / 60)) min $((seconds % 60)) s"

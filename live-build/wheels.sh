#!/usr/bin/env bash
# Wheels of everything the box's Python runtime needs (Salt and the library's dependencies), built once in a
# Debian 13 root of the target architecture so they match the image's Python 3.13. Versions come from
# requirements.lock, so the image installs exactly what the tests ran against, offline.
# usage: live-build/wheels.sh ARCH OUTDIR      (ARCH: amd64 or arm64)
set -euo pipefail
arch=$1 out=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$repo/build/trixie-$arch
[ "$arch" = amd64 ] && root=${TRIXIE_ROOT:-$repo/build/trixie}

source "$repo/tools/trixie-root.sh"
enable_foreign_arch "$arch"
ensure_trixie_root "$root" "$arch"
rm -rf "$root/src" "$root/wheels" && mkdir -p "$root/src" "$root/wheels"
git -C "$repo" archive HEAD requirements.lock pyproject.toml | tar -x -C "$root/src"
mount --bind /proc "$root/proc"
trap 'umount "$root/proc"' EXIT
# The project's own dependencies (from pyproject.toml) plus Salt, every version pinned by the lock.
chroot "$root" bash -c 'set -e; { [ -x /wheel-venv/bin/pip ] || python3 -m venv /wheel-venv; }
  deps=$(python3 -c "import tomllib; print(\" \".join(tomllib.load(open(\"/src/pyproject.toml\", \"rb\"))[\"project\"][\"dependencies\"]))")
  /wheel-venv/bin/pip wheel -q --disable-pip-version-check -w /wheels -c /src/requirements.lock salt $deps'
mkdir -p "$out" && rm -f "$out"/*.whl
cp "$root"/wheels/*.whl "$out/"
ls "$out" | wc -l | xargs echo "wheels for $arch in $out:"

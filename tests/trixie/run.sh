#!/usr/bin/env bash
# make test-py313: the unit tier on Debian 13's Python 3.13, in a minimal trixie root.
# The root takes the host's own apt mirror and pip configuration, so it reaches the same package sources.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${TRIXIE_ROOT:-$repo/build/trixie}

host_mirror() {
  # deb822 sources first (URIs: line), then the one-line format (deb URL suite …).
  awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null ||
    awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list
}

if [ ! -x "$root/usr/bin/python3" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
  debootstrap --variant=minbase --include=python3,python3-venv,python3-dev,gcc,e2fsprogs,btrfs-progs \
    trixie "$root" "$(host_mirror)"
fi
# Same pip sources and CA bundle as the host (a private index or proxy keeps working inside).
mkdir -p "$root/root/.config/pip" "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
cp /etc/pip.conf "$root/etc/pip.conf" 2>/dev/null || true
cp ~/.config/pip/pip.conf "$root/root/.config/pip/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf"
rm -rf "$root/src" && mkdir -p "$root/src"
git -C "$repo" archive HEAD | tar -x -C "$root/src"
[ -d "$repo/build/npm" ] && mkdir -p "$root/src/build" && cp -r "$repo/build/npm" "$root/src/build/"
mount --bind /proc "$root/proc"
trap 'umount "$root/proc"' EXIT
chroot "$root" bash -c 'python3 --version && { [ -x /venv/bin/pip ] || python3 -m venv /venv; } &&
  /venv/bin/pip install -q --disable-pip-version-check -r /src/requirements.lock &&
  /venv/bin/pip install -q --disable-pip-version-check --no-deps -e /src &&
  cd /src && /venv/bin/python -m pytest -q -p no:cacheprovider tests/unit'

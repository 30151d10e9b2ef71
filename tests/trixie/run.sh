#!/usr/bin/env bash
# make test-py313: the unit tier on Debian 13's Python 3.13, in a minimal trixie root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
root=${TRIXIE_ROOT:-$repo/build/trixie}

source "$repo/tools/trixie-root.sh"
ensure_trixie_root "$root"
rm -rf "$root/src" && mkdir -p "$root/src"
git -C "$repo" archive HEAD | tar -x -C "$root/src"
[ -d "$repo/build/npm" ] && mkdir -p "$root/src/build" && cp -r "$repo/build/npm" "$root/src/build/"
mount --bind /proc "$root/proc"
trap 'umount "$root/proc"' EXIT
chroot "$root" bash -c 'python3 --version && { [ -x /venv/bin/pip ] || python3 -m venv /venv; } &&
  /venv/bin/pip install -q --disable-pip-version-check -r /src/requirements.lock &&
  /venv/bin/pip install -q --disable-pip-version-check --no-deps -e /src &&
  cd /src && /venv/bin/python -m pytest -q -p no:cacheprovider tests/unit'

# Sourced: a minimal Debian 13 (trixie) root with Python 3.13 and a compiler, for the ISO's wheels and
# the Python 3.13 test tier. It takes the host's apt mirror, pip configuration and CA bundle, so it reaches
# the same package sources the host does.
source "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh"

ensure_trixie_root() {
  local root=$1 arch=${2:-amd64}
  local packages=python3,python3-venv,python3-dev,gcc,e2fsprogs,btrfs-progs
  if [ ! -x "$root/usr/bin/python3" ] && foreign_arch "$arch"; then
    foreign_root "$root" "$arch" --variant=minbase --include=$packages
  elif [ ! -x "$root/usr/bin/python3" ]; then
    command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
    debootstrap --arch="$arch" --variant=minbase --include=$packages trixie "$root" "$(host_mirror)"
  fi
  mkdir -p "$root/root/.config/pip" "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
  cp /etc/pip.conf "$root/etc/pip.conf" 2>/dev/null || true
  cp ~/.config/pip/pip.conf "$root/root/.config/pip/" 2>/dev/null || true
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}

foreign_arch() {
  # True when ARCH is not the build host's own (its binaries then run under qemu-user).
  [ "$1" != "$(dpkg --print-architecture)" ]
}

foreign_root() {
  # usage: foreign_root ROOT ARCH [mmdebstrap options]: a trixie root of another architecture.
  # debootstrap's second stage would run its perl under qemu-user over the whole Packages file once per
  # package (hours on 2 cores); mmdebstrap resolves and unpacks with the host's apt, so only the packages'
  # own scripts run emulated.
  local root=$1 arch=$2
  shift 2
  command -v mmdebstrap >/dev/null || apt-get install -y -qq mmdebstrap
  rm -rf --one-file-system "$root" && mkdir -p "$(dirname "$root")"
  mmdebstrap --arch="$arch" "$@" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr trixie "$root" "$(host_mirror)"
}

enable_foreign_arch() {
  # Running another architecture's binaries in a chroot needs qemu-user-static registered with binfmt_misc.
  foreign_arch "$1" || return 0
  dpkg -s qemu-user-static binfmt-support >/dev/null 2>&1 || apt-get install -y -qq qemu-user-static binfmt-support
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable >/dev/null 2>&1 || true
}

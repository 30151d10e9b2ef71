# Sourced: the build host's own Debian mirrors, so builds reach the archive the host reaches (no host names here).
# host_mirror prints the main archive URI, host_security_mirror the security archive URI (empty when none).

_apt_uris() {
  # deb822 sources (URIs: lines) first, then the one-line format (deb URL suite …).
  { awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' /etc/apt/sources.list.d/*.sources 2>/dev/null
    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; break}}' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; } | sed 's:/*$::'
}

host_mirror() {
  _apt_uris | grep -v -- '-security$' | head -n 1
}

host_security_mirror() {
  _apt_uris | grep -- '-security$' | head -n 1
}

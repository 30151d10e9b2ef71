"""Mount options a pool or dataset should carry, and whether a live mount already carries them."""

from sigmavault.mounts import Mount

# fstab-only options the kernel never lists in mountinfo: their absence there is no reason to remount.
# Defaults such as exec or async are not listed either.
UNLISTED_OPTIONS = frozenset({"defaults", "auto", "noauto", "nofail", "user", "nouser", "users", "owner",
                              "group", "_netdev", "exec", "suid", "dev", "async", "atime", "diratime",
                              "user_xattr", "acl"})
# Options SigmaVault derives from other keys; a pillar that sets them directly would fight it.
MANAGED_OPTIONS = frozenset({"compress", "compress-force", "subvol", "subvolid", "device"})


def listed(options) -> set[str]:
    return {o for o in options if o not in UNLISTED_OPTIONS and not o.startswith(("x-", "comment="))}


def compression_option(compression: str) -> str | None:
    """btrfs shows plain zstd as zstd:3 once mounted; spell it the same way so they compare equal."""
    if compression == "none":
        return None
    return "zstd:3" if compression == "zstd" else compression


def pool_options(pool: dict) -> list[str]:
    compress = compression_option(pool["compression"])
    return ([f"compress={compress}"] if compress else []) + list(pool["mount_options"])


def needs_remount(mount: Mount, pool: dict) -> bool:
    if mount.option_value("compress") != compression_option(pool["compression"]):
        return True
    return not listed(pool["mount_options"]) <= mount.options


def remount_options(pool: dict) -> str:
    options = pool_options(pool)
    if compression_option(pool["compression"]) is None:
        options.insert(0, "compress=no")
    return ",".join(["remount", *options])

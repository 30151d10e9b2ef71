"""Mount options a pool or dataset should carry, and whether a live mount already carries them."""

from sigmavault.mounts import Mount


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
    return not set(pool["mount_options"]) <= mount.options


def remount_options(pool: dict) -> str:
    options = pool_options(pool)
    if compression_option(pool["compression"]) is None:
        options.insert(0, "compress=no")
    return ",".join(["remount", *options])

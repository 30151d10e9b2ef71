"""What each pool layout needs: how many disks, and which metadata profile follows from the data profile."""

BTRFS_MIN_DEVICES = {"single": 1, "dup": 1, "raid1": 2, "raid10": 4}
MDADM_MIN_DEVICES = {1: 2, 5: 3, 6: 4, 10: 4}

# Paths a pool or dataset must never be mounted over: the running system lives there.
# Inside SYSTEM_TREES nothing may be mounted at all; the others (/home, /var, /tmp …) only not replaced.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys", "/usr")
SYSTEM_PATHS = frozenset({
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root",
    "/run", "/sbin", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/log",
})


def is_system_path(path: str) -> bool:
    return path in SYSTEM_PATHS or any(path.startswith(tree + "/") for tree in SYSTEM_TREES)


def metadata_profile(pool: dict) -> str:
    """The btrfs metadata profile a pool gets: the declared one, else the one its data profile implies."""
    profile = pool["profile"]
    if profile.get("metadata"):
        return profile["metadata"]
    if profile["data"] == "single":
        return "dup" if len(pool["devices"]) == 1 else "raid1"
    return profile["data"]


def minimum_devices(pool: dict) -> int:
    if pool["type"] == "mdadm":
        return MDADM_MIN_DEVICES.get(pool.get("level") or 1, 2)
    return max(BTRFS_MIN_DEVICES[pool["profile"]["data"]], BTRFS_MIN_DEVICES[metadata_profile(pool)])

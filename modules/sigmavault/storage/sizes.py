"""Sizes as the pillar writes them (500G) and as btrfs counts them (bytes)."""

BTRFS_MAX_LIMIT = 2**64 - 1   # qgroup limits are unsigned 64-bit byte counts
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def to_bytes(size: str) -> int:
    unit = size[-1] if size[-1] in _UNITS else ""
    return int(size[: len(size) - len(unit)]) * _UNITS[unit]


def human(count: int | None) -> str:
    if count is None:
        return "-"
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"

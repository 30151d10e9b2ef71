"""What the dashboard shows, each read through Salt: the system, the host and its disks, pools and datasets,
and the SMB shares and NFS exports with whether their servers run."""

from collections.abc import Callable

from sigmavault.site import Site

SaltCall = Callable[..., object]   # salt_call(site, *args, on_state_done=None) -> SaltReply


class SaltReadError(RuntimeError):
    pass


def _data(reply, function: str) -> dict:
    data = getattr(reply, "data", None)
    if getattr(reply, "returncode", 1) != 0 or not isinstance(data, dict):
        detail = (getattr(reply, "stderr", "") or str(data) or "no answer").strip().splitlines()
        raise SaltReadError(f"{function} failed: {detail[-1] if detail else 'no answer'}")
    return data


def _kib(meminfo: dict, key: str) -> int | None:
    try:
        return int(meminfo[key]["value"]) * 1024
    except (KeyError, TypeError, ValueError):
        return None


def summarize_system(status: dict) -> dict:
    """Uptime, load and memory out of status.all_status."""
    meminfo, load, uptime = status.get("meminfo") or {}, status.get("loadavg") or {}, status.get("uptime") or {}
    return {
        "uptime_seconds": uptime.get("seconds"),
        "load": [load.get("1-min"), load.get("5-min"), load.get("15-min")],
        "memory_total_bytes": _kib(meminfo, "MemTotal"),
        "memory_available_bytes": _kib(meminfo, "MemAvailable"),
    }


def fetchers(site: Site, salt: SaltCall) -> dict[str, Callable[[], object]]:
    def system() -> dict:
        return summarize_system(_data(salt(site, "status.all_status"), "status.all_status"))

    def host() -> dict:
        grains = _data(salt(site, "grains.item", "host", "sigmavault_disks"), "grains.item")
        return {"hostname": grains.get("host"), "disks": grains.get("sigmavault_disks") or []}

    def storage() -> dict:
        status = _data(salt(site, "sigmavault_storage.status"), "sigmavault_storage.status")
        return {"valid": status.get("valid", False), "pools": status.get("pools", []), "error": status.get("error")}

    def shares() -> dict:
        return _data(salt(site, "sigmavault_shares.status"), "sigmavault_shares.status")

    return {"system": system, "host": host, "storage": storage, "shares": shares}

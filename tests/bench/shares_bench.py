"""make bench (python -m tests.bench.shares_bench): 1 GiB put and get over loopback, through the smbd and
NFS-Ganesha our states configured, against the same daemons on their stock Debian configs — same run, same
dataset, same file. Rounds alternate between the two (and which goes first), every transfer starts after a
sync, so page-cache writeback from one side does not land on the other. Ratios above 1: ours is faster."""

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

from tests.bench.machine import machine, save
from tests.system.sharebox import PASSWORDS, make_share_box, wait_out_nfs_grace

SIZE = 1024**3
ROUNDS = 5
STOCK_SMB_CONF = Path("/usr/share/samba/smb.conf")     # what Debian's samba package installs as smb.conf
STOCK_GANESHA_CONF = Path("/etc/ganesha/ganesha.conf")  # the nfs-ganesha package's own (the sandbox's copy)
SMBD_PID, GANESHA_PID = Path("/run/samba/smbd.pid"), Path("/run/ganesha/ganesha.pid")


def site(box) -> dict:
    return {"storage": box.pool({"media": {"mountpoint": str(box.mnt / "media"), "compression": "none"}}),
            "users": {"accounts": {"alice": {}}},
            "shares": {"smb": {"media": {"dataset": "tank/media", "valid_users": ["alice"]}},
                       "nfs_server": {"backend": "ganesha", "grace_seconds": 10},
                       "nfs": {"media": {"dataset": "tank/media",
                                         "clients": [{"match": "127.0.0.1", "access": "rw",
                                                      "squash": "no_root_squash"}]}}}}


def stock_configs(work: Path, media: Path) -> tuple[Path, Path]:
    """Debian's stock configs with the same share added the plainest way; Ganesha's grace matches ours."""
    smb, ganesha = work / "stock-smb.conf", work / "stock-ganesha.conf"
    smb.write_text(STOCK_SMB_CONF.read_text() + f"\n[media]\n   path = {media}\n   valid users = alice\n"
                   "   read only = no\n")
    ganesha.write_text(STOCK_GANESHA_CONF.read_text() + "\nNFSV4 { Grace_Period = 10; Lease_Lifetime = 10; }\n"
                       f'EXPORT {{ Export_Id = 7; Path = "{media}"; Pseudo = "/media"; Access_Type = RW; '
                       "Squash = No_Root_Squash; FSAL { Name = VFS; } }\n")
    return smb, ganesha


def _stop(pidfile: Path) -> None:
    if not pidfile.exists():
        return
    pid = pidfile.read_text().split()[0]
    subprocess.run(["kill", "-TERM", pid], check=False)
    while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
        time.sleep(0.1)
    pidfile.unlink(missing_ok=True)


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"


def serve(smb_conf: Path, ganesha_conf: Path) -> None:
    for pidfile in (SMBD_PID, GANESHA_PID):
        _stop(pidfile)
    subprocess.run(["smbd", "--daemon", f"--configfile={smb_conf}"], check=True)
    subprocess.run(["ganesha.nfsd", "-f", str(ganesha_conf), "-L", "/var/log/ganesha/ganesha.log",
                    "-p", str(GANESHA_PID)], check=True)
    while not (SMBD_PID.exists() and GANESHA_PID.exists()):
        time.sleep(0.1)


class Transfers:
    """One put and one get per protocol; NFS names change every time (Ganesha caches names it saw)."""

    def __init__(self, work: Path, media: Path):
        self.work, self.media, self.count = work, media, 0

    def _timed(self, argv: list[str]) -> float:
        subprocess.run(["sync"], check=True)
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=self.work)
        return SIZE / 1e6 / (time.perf_counter() - start)

    def _clear(self) -> None:
        for old in [*self.media.glob("big*.bin"), self.work / "back.bin"]:
            old.unlink(missing_ok=True)

    def smb(self) -> tuple[float, float]:
        self._clear()
        login = ["smbclient", "//127.0.0.1/media", "-U", f"alice%{PASSWORDS['alice']}", "-c"]
        return self._timed([*login, "put big.bin big.bin"]), self._timed([*login, "get big.bin back.bin"])

    def nfs(self) -> tuple[float, float]:
        self._clear()
        self.count += 1
        url = f"nfs://127.0.0.1{self.media}/big{self.count}.bin"
        return (self._timed(["nfs-cp", str(self.work / "big.bin"), url]),
                self._timed(["nfs-cp", url, str(self.work / "back.bin")]))


def summary(samples: list[tuple[float, float]]) -> dict:
    """Medians, and every round's figure so the spread is there to see."""
    return {"put_MB_s": round(statistics.median(s[0] for s in samples), 1),
            "get_MB_s": round(statistics.median(s[1] for s in samples), 1),
            "rounds_put_get_MB_s": [[round(put, 1), round(get, 1)] for put, get in samples]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    out = parser.parse_args().out
    results = {"machine": machine(), "size_bytes": SIZE, "rounds": ROUNDS, "statistic": "median", "results": []}
    for box in make_share_box(disk_size="6G"):
        box.write_pillar(site(box), {"alice": PASSWORDS["alice"]})
        box.apply()
        work, media = box.root / "work", box.mnt / "media"
        work.mkdir()
        with open(work / "big.bin", "wb") as out_file:
            for _ in range(SIZE // (16 * 1024**2)):
                out_file.write(os.urandom(16 * 1024**2))
        configs = {"ours": (box.smb_conf, box.site.etc / "ganesha" / "ganesha.conf"),
                   "stock": stock_configs(work, media)}
        samples = {(side, protocol): [] for side in configs for protocol in ("smb", "nfs")}
        transfers = Transfers(work, media)
        for round_number in range(ROUNDS):
            for side in (("ours", "stock") if round_number % 2 == 0 else ("stock", "ours")):
                serve(*configs[side])
                wait_out_nfs_grace(media, work)
                samples[side, "smb"].append(transfers.smb())
                samples[side, "nfs"].append(transfers.nfs())
        for protocol, name, command in (
                ("smb", "SMB", "smbclient put, then get, of a 1 GiB random file"),
                ("nfs", "NFS (Ganesha, NFSv3)", "nfs-cp put, then get, of a 1 GiB random file")):
            ours, stock = summary(samples["ours", protocol]), summary(samples["stock", protocol])
            results["results"].append({
                "name": f"{name} 1 GiB over loopback", "command": command, "ours": ours,
                "peer": {"name": "the same daemon on Debian's stock config plus the same share", **stock},
                "ratio_put": round(ours["put_MB_s"] / stock["put_MB_s"], 2),
                "ratio_get": round(ours["get_MB_s"] / stock["get_MB_s"], 2)})
    save(results, out, "shares")
    for row in results["results"]:
        print(f"{row['name']}: ours put {row['ours']['put_MB_s']} MB/s get {row['ours']['get_MB_s']} MB/s; "
              f"stock put {row['peer']['put_MB_s']} get {row['peer']['get_MB_s']}; "
              f"ratio put {row['ratio_put']} get {row['ratio_get']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

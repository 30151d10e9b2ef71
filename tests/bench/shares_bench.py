"""make bench (python -m tests.bench.shares_bench): 1 GiB put and get over loopback, through the smbd and
NFS-Ganesha our states configured, against the same daemons on their stock Debian configs, same run, same
dataset, same file. Ratios above 1 mean ours is faster."""

import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from tests.bench.machine import machine, save
from tests.system.sharebox import PASSWORDS, make_share_box

SIZE = 1024**3
ROUNDS = 3
STOCK_SMB_CONF = Path("/usr/share/samba/smb.conf")     # what Debian's samba package installs as smb.conf
STOCK_GANESHA_CONF = Path("/etc/ganesha/ganesha.conf")  # the nfs-ganesha package's own (copied into the sandbox)


def site(box) -> dict:
    return {"storage": box.pool({"media": {"mountpoint": str(box.mnt / "media"), "compression": "none"}}),
            "users": {"accounts": {"alice": {}}},
            "shares": {"smb": {"media": {"dataset": "tank/media", "valid_users": ["alice"]}},
                       "nfs_server": {"backend": "ganesha", "grace_seconds": 10},
                       "nfs": {"media": {"dataset": "tank/media",
                                         "clients": [{"match": "127.0.0.1", "access": "rw",
                                                      "squash": "no_root_squash"}]}}}}


def seconds(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


def median_mb_s(make_argv, cwd: Path, before=None) -> float:
    """MB/s of the median round; make_argv is called after before(), so a round may use a new name."""
    runs = []
    for _ in range(ROUNDS):
        if before:
            before()
        runs.append(SIZE / 1e6 / seconds(make_argv(), cwd))
    return round(statistics.median(runs), 1)


def smb_put_get(work: Path, media: Path) -> dict:
    login = ["-U", f"alice%{PASSWORDS['alice']}"]
    put = ["smbclient", "//127.0.0.1/media", *login, "-c", "put big.bin big.bin"]
    get = ["smbclient", "//127.0.0.1/media", *login, "-c", "get big.bin back.bin"]
    return {"put_MB_s": median_mb_s(lambda: put, work, lambda: (media / "big.bin").unlink(missing_ok=True)),
            "get_MB_s": median_mb_s(lambda: get, work)}


def nfs_put_get(work: Path, media: Path, attempt: list) -> dict:
    def fresh_name():
        attempt[0] += 1     # a new name each round: Ganesha caches names behind our back
    url = lambda: f"nfs://127.0.0.1{media}/big{attempt[0]}.bin"  # noqa: E731
    put = median_mb_s(lambda: ["nfs-cp", str(work / "big.bin"), url()], work, fresh_name)
    get = median_mb_s(lambda: ["nfs-cp", url(), str(work / "back.bin")], work,
                      lambda: (work / "back.bin").unlink(missing_ok=True))    # nfs-cp never overwrites
    for old in media.glob("big*.bin"):
        old.unlink()
    return {"put_MB_s": put, "get_MB_s": get}


def restart(kill_pidfile: str, start: list[str], wait_for: str) -> None:
    pid = Path(kill_pidfile).read_text().split()[0]
    subprocess.run(["kill", "-TERM", pid], check=True)
    while Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    subprocess.run(start, check=True)
    while not Path(wait_for).exists():
        time.sleep(0.1)


def stock_smb_conf(work: Path, media: Path) -> Path:
    conf = work / "stock-smb.conf"
    conf.write_text(STOCK_SMB_CONF.read_text() + f"\n[media]\n   path = {media}\n   valid users = alice\n"
                    "   read only = no\n")
    return conf


def stock_ganesha_conf(work: Path, media: Path) -> Path:
    conf = work / "stock-ganesha.conf"
    conf.write_text(STOCK_GANESHA_CONF.read_text() + "\nNFSV4 { Grace_Period = 10; Lease_Lifetime = 10; }\n"
                    f'EXPORT {{ Export_Id = 7; Path = "{media}"; Pseudo = "/media"; Access_Type = RW; '
                    "Squash = No_Root_Squash; FSAL { Name = VFS; } }\n")
    return conf


def wait_out_grace(work: Path, media: Path, attempt: list) -> None:
    probe = work / "probe"
    probe.write_text("probe\n")
    while subprocess.run(["nfs-cp", str(probe), f"nfs://127.0.0.1{media}/probe{attempt[0]}"],
                         capture_output=True).returncode:
        attempt[0] += 1
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    out = parser.parse_args().out
    results = {"machine": machine(), "size_bytes": SIZE, "rounds": ROUNDS, "statistic": "median", "results": []}
    for box in make_share_box(disk_size="6G"):
        box.write_pillar(site(box), {"alice": PASSWORDS["alice"]})
        box.apply()
        work, media, attempt = box.root / "work", box.mnt / "media", [0]
        work.mkdir()
        with open(work / "big.bin", "wb") as out_file:
            for _ in range(SIZE // (16 * 1024**2)):
                out_file.write(os.urandom(16 * 1024**2))
        wait_out_grace(work, media, attempt)
        ours_smb, ours_nfs = smb_put_get(work, media), nfs_put_get(work, media, attempt)
        restart("/run/samba/smbd.pid", ["smbd", "--daemon", f"--configfile={stock_smb_conf(work, media)}"],
                "/run/samba/smbd.pid")
        restart("/run/ganesha/ganesha.pid", ["ganesha.nfsd", "-f", str(stock_ganesha_conf(work, media)),
                                             "-L", "/var/log/ganesha/ganesha.log", "-p", "/run/ganesha/ganesha.pid"],
                "/run/ganesha/ganesha.pid")
        wait_out_grace(work, media, attempt)
        stock_smb, stock_nfs = smb_put_get(work, media), nfs_put_get(work, media, attempt)
        for protocol, ours, stock, command in (
                ("SMB", ours_smb, stock_smb, "smbclient put/get of a 1 GiB random file"),
                ("NFS (Ganesha, NFSv3)", ours_nfs, stock_nfs, "nfs-cp put/get of a 1 GiB random file")):
            results["results"].append({
                "name": f"{protocol} 1 GiB over loopback", "command": command, "ours": ours,
                "peer": {"name": "same daemon, Debian's stock config plus the same share", **stock},
                "ratio_put": round(ours["put_MB_s"] / stock["put_MB_s"], 2),
                "ratio_get": round(ours["get_MB_s"] / stock["get_MB_s"], 2)})
        shutil.rmtree(work)
    save(results, out, "shares")
    for row in results["results"]:
        print(f"{row['name']}: ours put {row['ours']['put_MB_s']} MB/s get {row['ours']['get_MB_s']} MB/s; "
              f"stock put {row['peer']['put_MB_s']} get {row['peer']['get_MB_s']}; "
              f"ratio put {row['ratio_put']} get {row['ratio_get']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

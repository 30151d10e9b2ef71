"""make bench (python -m tests.bench.crypto_bench --out build/bench): the post-quantum age library and
sealed pillar values, against the stock Debian `age` CLI (X25519) in the same run.

* keygen time per profile (goal of the old plan: < 100 ms);
* seal and open throughput on a 1 GiB file: ours with X25519 and mlkem768x25519 recipients, and `age`
  with X25519 (goal: >= 1.0x its speed); both read the same plaintext file from the page cache;
* per-MB latency of sealing and opening a 1 MiB file (goal of the old plan: < 50 ms/MB);
* a sealed pillar value, and a whole pillar file of 100 values as the renderer opens it.

The plaintext is written by a streaming source (a 4 MiB random block, repeated), and every tool
streams: memory stays bounded, and the peak resident sizes are recorded to show it.
"""

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from sigmavault.crypto import decrypt, encrypt, generate_identity, parse_identity, recipient_of
from sigmavault.encryption import values
from sigmavault.encryption.sealfile import open_data, reseal, seal_into
from tests.bench.machine import machine, save

MIB = 1024 * 1024
PROFILES = ("mlkem768x25519", "x25519", "mlkem1024p384")


class RepeatingSource:
    """A readable stream of size bytes built from one random block: constant memory at any size."""

    def __init__(self, size: int, block: int = 4 * MIB):
        self.left, self.block, self.offset = size, os.urandom(block), 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        out = bytearray()
        while len(out) < n:
            take = min(n - len(out), len(self.block) - self.offset)
            out += self.block[self.offset:self.offset + take]
            self.offset = (self.offset + take) % len(self.block)
        self.left -= n
        return bytes(out)


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def timed(action: Callable[[], object]) -> float:
    return median_seconds(action, 1)[0]


def keygen(runs: int) -> list[dict]:
    results = []
    for profile in PROFILES:
        seconds, _ = median_seconds(lambda p=profile: recipient_of(generate_identity(p)), runs)
        results.append({"name": f"keygen {profile} (identity and its recipient)", "median_ms": seconds * 1000,
                        "runs": runs, "goal_ms": 100, "meets_goal": seconds * 1000 < 100})
    seconds, _ = median_seconds(lambda: subprocess.run(["age-keygen"], capture_output=True, check=True), runs)
    results.append({"name": "peer: age-keygen (X25519, includes starting the process)", "median_ms": seconds * 1000,
                    "runs": runs})
    return results


def ours_encrypt(plain: Path, out: str, recipient: str) -> float:
    with open(plain, "rb") as src, open(out, "wb") as dst:
        return timed(lambda: encrypt(src, dst, [recipient]))


def ours_decrypt(sealed: Path, identity: str) -> float:
    with open(sealed, "rb") as src, open(os.devnull, "wb") as dst:
        return timed(lambda: decrypt(src, dst, [identity]))


def age_cli(argv: list[str], peaks: list[float]) -> float:
    """Seconds age took; its peak resident size (VmHWM, sampled until it exits) goes into peaks, in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")))
        except (OSError, StopIteration, ValueError):
            pass
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"{argv[0]} failed: {process.stderr.read().decode()}")
    peaks.append(peak / 1024)
    return seconds


def rate(name: str, runs: list[float], size: int) -> dict:
    seconds = statistics.median(runs)
    return {"name": name, "median_s": seconds, "runs_s": runs, "MiB_per_s": size / MIB / seconds}


def write_plaintext(path: Path, size: int) -> None:
    source = RepeatingSource(size)
    with open(path, "wb") as out:
        while chunk := source.read(8 * MIB):
            out.write(chunk)
    subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)   # into the page cache


def throughput(scratch: Path, size: int, rounds: int) -> list[dict]:
    """Seal to /dev/null (the crypto, not the disk, is compared); open a sealed file into /dev/null."""
    plain, sealed = scratch / "plain.bin", scratch / "sealed.age"
    write_plaintext(plain, size)
    gib = f"{size / (1024 * MIB):g} GiB"
    x_identity = generate_identity("x25519")
    key_file = scratch / "x25519.key"
    key_file.write_text(x_identity + "\n")
    tools = {"sigmavault x25519": x_identity, "sigmavault mlkem768x25519": generate_identity("mlkem768x25519")}
    seals: dict[str, list[float]] = {name: [] for name in [*tools, "peer: age CLI x25519"]}
    opens: dict[str, list[float]] = {name: [] for name in seals}
    peaks: list[float] = []
    age_seal = ["age", "-r", recipient_of(x_identity), "-o", os.devnull, str(plain)]
    for _ in range(rounds):
        for name, identity in tools.items():
            seals[name].append(ours_encrypt(plain, os.devnull, recipient_of(identity)))
            ours_encrypt(plain, str(sealed), recipient_of(identity))
            opens[name].append(ours_decrypt(sealed, identity))
        seals["peer: age CLI x25519"].append(age_cli(age_seal, peaks))
        ours_encrypt(plain, str(sealed), recipient_of(x_identity))
        opens["peer: age CLI x25519"].append(age_cli(["age", "-d", "-i", str(key_file), "-o", os.devnull,
                                                      str(sealed)], peaks))
    results = [rate(f"{name}: {step} {gib}", runs[name], size)
               for name in seals for step, runs in (("seal", seals), ("open", opens))]
    for step, runs in (("seal", seals), ("open", opens)):
        peer = statistics.median(runs["peer: age CLI x25519"])
        for name in tools:
            ratio = peer / statistics.median(runs[name])
            results.append({"name": f"{name} / age CLI x25519: {step} speed", "ratio": ratio, "goal": 1.0,
                            "meets_goal": ratio >= 1.0})
    for path in (plain, sealed):
        path.unlink()
    results.append({"name": "peer: age CLI peak resident memory", "MiB": max(peaks)})
    return results


def per_mb_latency(runs: int) -> list[dict]:
    results = []
    data = os.urandom(MIB)
    for profile in ("mlkem768x25519", "x25519"):
        identity = generate_identity(profile)
        recipient = recipient_of(identity)
        blob = io.BytesIO()
        encrypt(io.BytesIO(data), blob, [recipient])
        sealed = blob.getvalue()
        seal_s, _ = median_seconds(lambda r=recipient: encrypt(io.BytesIO(data), io.BytesIO(), [r]), runs)
        open_s, _ = median_seconds(lambda i=identity, s=sealed: decrypt(io.BytesIO(s), io.BytesIO(), [i]), runs)
        for step, seconds in (("seal", seal_s), ("open", open_s)):
            results.append({"name": f"{profile}: {step} 1 MiB (whole file, key encapsulation included)",
                            "ms_per_MB": seconds * 1000, "runs": runs, "goal_ms_per_MB": 50,
                            "meets_goal": seconds * 1000 < 50})
    return results


def pillar_values(runs: int) -> list[dict]:
    key, path = os.urandom(32), ("sigmavault", "encryption", "secrets", "api_token")
    sealed = values.seal_value(key, path, "s3cret-token-value")
    seal_s, _ = median_seconds(lambda: values.seal_value(key, path, "s3cret-token-value"), runs * 100)
    open_s, _ = median_seconds(lambda: values.open_value(key, path, sealed), runs * 100)
    identity = generate_identity("mlkem768x25519")
    secrets = {f"secret_{i}": values.seal_value(key, ("sigmavault", "encryption", "secrets", f"secret_{i}"), "x")
               for i in range(100)}
    text = yaml.safe_dump({"sigmavault": {"encryption": {"secrets": {}}}})
    text = seal_into(text, path, "v", identities=lambda: [], recipients=[recipient_of(identity)], where="bench")

    def opener():
        return [parse_identity(identity)]

    for name in secrets:
        text = seal_into(text, ("sigmavault", "encryption", "secrets", name), "value-" + name, identities=opener,
                         recipients=[], where="bench")
    text = reseal(text, identities=opener, recipients=[recipient_of(identity)], where="bench")
    data = yaml.safe_load(text)
    render_s, _ = median_seconds(lambda: open_data(data, opener, "bench"), runs)
    return [{"name": "seal one pillar value (AES-256-GCM)", "median_us": seal_s * 1e6},
            {"name": "open one pillar value (AES-256-GCM)", "median_us": open_s * 1e6},
            {"name": "render: open a pillar file of 101 sealed values (unwrap data key, MAC, every value)",
             "median_ms": render_s * 1000, "runs": runs}]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the throughput file (default 1 GiB)")
    parser.add_argument("--runs", type=int, default=20, help="runs of each small measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the throughput measurement")
    args = parser.parse_args()
    if not shutil.which("age"):
        print("the age CLI is missing: apt-get install age (make setup installs it)", file=sys.stderr)
        return 1
    version = subprocess.run(["age", "--version"], capture_output=True, text=True).stdout.strip()
    results = {"machine": {**machine(), "age_cli": version}, "benchmarks": []}
    with tempfile.TemporaryDirectory(prefix="sv-crypto-bench-") as tmp:
        results["benchmarks"] += keygen(args.runs)
        results["benchmarks"] += per_mb_latency(args.runs)
        results["benchmarks"] += pillar_values(args.runs)
        results["benchmarks"] += throughput(Path(tmp), args.size_mib * MIB, args.rounds)
    results["benchmarks"].append({"name": "sigmavault: peak resident memory of the whole bench process",
                                  "MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
    save(results, args.out, "crypto")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Assemble a mixed compression corpus from data every Debian machine has.

    python -m tests.bench.corpus /tmp/corpus                 # 64 MiB, seed 1
    python -m tests.bench.corpus /tmp/corpus --cap-mib 4 --seed 7

The corpus is written into TARGET organised by class, the same names the engine uses in its stats:

    text/        /usr/share/doc files that are not compressed, plus generated syslog and nginx logs
    structured/  generated JSON documents, a JSON-lines file and CSV tables
    source/      the Python standard library (sysconfig.get_paths()["stdlib"])
    binary/      regular files from /usr/bin
    compressed/  man pages (already .gz), .gz/.xz/.bz2/.png/.jpg from /usr/share, and generated .xz/.bz2
    random/      seeded random bytes (stand-in for encrypted data)

Reproducible: candidates are listed sorted by path, shuffled with a seeded RNG and taken until each class's
share of the cap is full; generated files depend only on the seed. The same seed and cap on the same set of
installed packages gives the same corpus; CORPUS.json lists every file with its origin, size and sha256.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import lzma
import random
import shutil
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path

SHARES = {"text": 0.20, "structured": 0.10, "source": 0.22, "binary": 0.25, "compressed": 0.18,
          "random": 0.05}
COMPRESSED_SUFFIXES = (".gz", ".xz", ".bz2", ".zst", ".png", ".jpg", ".zip")
MiB = 1 << 20


def regular_files(root: Path, accept: Callable[[Path], bool]) -> list[Path]:
    """Regular files (no symlinks) under root that accept() takes, sorted by path."""
    if not root.is_dir():
        return []
    found = [p for p in root.rglob("*") if not p.is_symlink() and p.is_file() and accept(p)]
    return sorted(found)


def looks_textual(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return b"\0" not in head


def pick(candidates: list[Path], budget: int, per_file_cap: int, rng: random.Random) -> list[Path]:
    """Shuffle the sorted candidates with rng and take files until budget is spent; return them sorted."""
    order = list(candidates)
    rng.shuffle(order)
    chosen, used = [], 0
    for path in order:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if 0 < size <= per_file_cap and used + size <= budget:
            chosen.append(path)
            used += size
        if budget - used < 512:
            break
    return sorted(chosen)


def syslog_line(rng: random.Random, n: int) -> str:
    hosts, progs = ["nas1", "nas2", "backup"], ["sshd", "smbd", "kernel", "CRON", "systemd", "nginx"]
    msgs = [
        "Accepted publickey for {u} from 10.0.{a}.{b} port {p} ssh2",
        "pam_unix(cron:session): session opened for user {u}(uid={p}) by (uid=0)",
        "Started Session {p} of User {u}.",
        "btrfs: scrub finished on device /dev/sd{c}, {a} errors corrected",
        "connect to 10.0.{a}.{b} failed: Connection refused (retry {c})",
    ]
    msg = rng.choice(msgs).format(u=rng.choice(["alice", "bob", "media", "root"]), a=rng.randrange(256),
                                  b=rng.randrange(256), p=rng.randrange(1024, 65535), c=rng.choice("abcd"))
    return (f"Nov {1 + n // 86400 % 28:2d} {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} "
            f"{rng.choice(hosts)} {rng.choice(progs)}[{rng.randrange(100, 40000)}]: {msg}\n")


def access_line(rng: random.Random, n: int) -> str:
    paths = ["/", "/index.html", "/api/v1/shares", "/api/v1/pools/tank", "/static/app.js", "/login"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "curl/7.88.1", "Prometheus/2.45.0"]
    return (f'192.168.{rng.randrange(4)}.{rng.randrange(2, 250)} - - [23/Nov/2025:{n // 3600 % 24:02d}:'
            f'{n // 60 % 60:02d}:{n % 60:02d} +0000] "{rng.choice(["GET", "GET", "POST"])} '
            f'{rng.choice(paths)} HTTP/1.1" {rng.choice([200, 200, 200, 304, 404, 500])} '
            f'{rng.randrange(80, 90000)} "-" "{rng.choice(agents)}"\n')


def record(rng: random.Random, n: int) -> dict:
    return {"id": n, "user": f"user{rng.randrange(500)}", "share": rng.choice(["media", "backup", "home"]),
            "bytes": rng.randrange(1 << 30), "ok": rng.random() > 0.1,
            "tags": rng.sample(["photo", "video", "doc", "tmp", "old"], 2),
            "modified": f"2025-11-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:00:00Z"}


def fill(make: Callable[[int], str], size: int) -> bytes:
    parts, used, n = [], 0, 0
    while used < size:
        line = make(n).encode()
        parts.append(line)
        used += len(line)
        n += 1
    return b"".join(parts)


def generated(rng: random.Random, cap: int) -> Iterator[tuple[str, bytes]]:
    """Yield (relative path, content) for the generated part of the corpus."""
    logs = int(cap * SHARES["text"] / 2)
    yield "text/logs/syslog-big.log", fill(lambda n: syslog_line(rng, n), logs // 3)
    yield "text/logs/access-big.log", fill(lambda n: access_line(rng, n), logs // 3)
    for i in range(max(4, logs // 3 // 24576)):
        line = syslog_line if i % 2 else access_line
        yield f"text/logs/small/{i:04d}.log", fill(lambda n, f=line: f(rng, n), rng.randrange(2048, 40960))
    structured = int(cap * SHARES["structured"])
    yield "structured/events.jsonl", fill(lambda n: json.dumps(record(rng, n)) + "\n", structured // 3)
    for i in range(max(4, structured // 3 // 6144)):
        docs = [record(rng, n) for n in range(rng.randrange(5, 60))]
        yield f"structured/json/{i:04d}.json", json.dumps({"items": docs}, indent=2).encode()
    header = "id,user,share,bytes,ok,modified\n"
    for i in range(4):
        rows = fill(lambda n: "{id},{user},{share},{bytes},{ok},{modified}\n".format(**record(rng, n)),
                    structured // 12)
        yield f"structured/csv/table-{i}.csv", header.encode() + rows
    text = fill(lambda n: syslog_line(rng, n), max(65536, cap // 64))
    yield "compressed/generated/syslog.log.xz", lzma.compress(text, preset=6)
    yield "compressed/generated/syslog.log.bz2", bz2.compress(text, 9)
    randoms = int(cap * SHARES["random"])
    for i, share in enumerate((0.5, 0.3, 0.2)):
        yield f"random/blob-{i}.bin", rng.randbytes(int(randoms * share))


def accept_doc_text(p: Path) -> bool:
    return not p.name.endswith(COMPRESSED_SUFFIXES) and looks_textual(p)


SOURCES: list[tuple[str, str, Callable[[], Path], Callable[[Path], bool]]] = [
    ("text", "doc", lambda: Path("/usr/share/doc"), accept_doc_text),
    ("source", "stdlib", lambda: Path(sysconfig.get_paths()["stdlib"]),
     lambda p: p.suffix == ".py" and "site-packages" not in p.parts),
    ("binary", "bin", lambda: Path("/usr/bin"), lambda p: True),
    ("compressed", "man", lambda: Path("/usr/share/man"), lambda p: p.suffix == ".gz"),
    ("compressed", "doc", lambda: Path("/usr/share/doc"), lambda p: p.suffix == ".gz"),
    ("compressed", "share", lambda: Path("/usr/share"),
     lambda p: p.suffix in COMPRESSED_SUFFIXES[1:] and p.parts[3] not in ("man", "doc")
     and p.stat().st_size >= 8192),
]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(MiB):
            digest.update(chunk)
    return digest.hexdigest()


def build(target: Path, cap: int, seed: int) -> list[dict]:
    """Write the corpus into target (must be absent or empty); return the CORPUS.json file list."""
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} is not empty; choose a new directory")
    listing: list[dict] = []
    used = dict.fromkeys(SHARES, 0)

    def add(rel: str, origin: str, data: bytes = b"", src: Path | None = None) -> None:
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if src is not None:
            shutil.copyfile(src, out)
        else:
            out.write_bytes(data)
        size = out.stat().st_size
        used[rel.split("/")[0]] += size
        listing.append({"path": rel, "origin": origin, "size": size, "sha256": sha256_file(out)})

    rng = random.Random(seed)
    for rel, data in generated(rng, cap):
        add(rel, "generated", data=data)
    per_file_cap = max(64 * 1024, cap // 16)
    for index, (cls, prefix, root_of, accept) in enumerate(SOURCES):
        root = root_of()
        left_in_class = sum(1 for s in SOURCES[index:] if s[0] == cls)
        budget = (int(cap * SHARES[cls]) - used[cls]) // left_in_class
        rng = random.Random(f"{seed}:{cls}:{prefix}")
        chosen = pick(regular_files(root, accept), budget, per_file_cap, rng)
        for path in chosen:
            try:
                add(f"{cls}/{prefix}/{path.relative_to(root)}", str(path), src=path)
            except OSError:
                continue
    listing.sort(key=lambda e: e["path"])
    (target / "CORPUS.json").write_text(json.dumps({"seed": seed, "cap": cap, "files": listing}, indent=1))
    return listing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="directory to create (must be absent or empty)")
    parser.add_argument("--cap-mib", type=float, default=64, help="total size cap in MiB (default 64)")
    parser.add_argument("--seed", type=int, default=1, help="seed for selection and generated data")
    args = parser.parse_args(argv)
    listing = build(args.target, int(args.cap_mib * MiB), args.seed)
    by_class: dict[str, list[int]] = {}
    for entry in listing:
        by_class.setdefault(entry["path"].split("/")[0], []).append(entry["size"])
    for cls, sizes in sorted(by_class.items()):
        print(f"{cls:<11} {len(sizes):6d} files {sum(sizes) / MiB:8.2f} MiB")
    total = sum(e["size"] for e in listing) / MiB
    print(f"{'total':<11} {len(listing):6d} files {total:8.2f} MiB -> {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

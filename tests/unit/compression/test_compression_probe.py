from __future__ import annotations

import gzip
import lzma
import os
import random
from pathlib import Path

from sigmavault.compression import DataClass, EngineOptions, compress_file
from sigmavault.compression.policy import choose_plan
from sigmavault.compression.probe import probe_fd


def probe(path: Path):
    with open(path, "rb") as fh:
        return probe_fd(fh.fileno(), path.stat().st_size, path.name)


def test_random_bytes_are_classed_random_and_stored(tmp_path: Path) -> None:
    src = tmp_path / "secret.bin"
    src.write_bytes(os.urandom(1 << 20))

    assert probe(src).cls is DataClass.RANDOM
    assert choose_plan(probe(src), 1 << 20, EngineOptions()).store
    done = compress_file(src, tmp_path / "secret.bin.zst")
    assert (done.cls, done.level) == (DataClass.RANDOM, 0)
    assert done.compressed_size - done.size < 64


def rotated_log(lines: int) -> bytes:
    rng = random.Random(5)
    words = ["sshd", "smbd", "session", "opened", "closed", "for", "alice", "bob", "from", "port", "scrub"]
    return "".join(
        f"Nov 23 {rng.randrange(24):02d}:{rng.randrange(60):02d} {' '.join(rng.choices(words, k=6))} "
        f"{rng.randrange(1 << 32)}\n" for _ in range(lines)
    ).encode()


def test_gzip_file_is_classed_compressed_and_stored(tmp_path: Path) -> None:
    src = tmp_path / "syslog.1.gz"
    src.write_bytes(gzip.compress(rotated_log(40_000)))

    assert probe(src).cls is DataClass.COMPRESSED
    assert probe(src).format == "gzip"
    done = compress_file(src, tmp_path / "syslog.1.gz.zst")
    assert (done.cls, done.level) == (DataClass.COMPRESSED, 0)


def test_xz_file_is_stored(tmp_path: Path) -> None:
    src = tmp_path / "backup.tar.xz"
    src.write_bytes(lzma.compress(os.urandom(1000) * 300))

    assert compress_file(src, tmp_path / "out.zst").level == 0


def test_text_classes_follow_content_and_name(tmp_path: Path) -> None:
    files = {
        "notes.txt": (b"Remember to scrub the pool on Sundays.\n" * 50, DataClass.TEXT),
        "data.json": (b'{"share": "media", "size": 1}\n' * 50, DataClass.STRUCTURED),
        "table.csv": (b"id,user,bytes\n" + b"1,alice,100\n" * 50, DataClass.STRUCTURED),
        "app.py": (b"def main():\n    return 0\n" * 50, DataClass.SOURCE),
        "run": (b"#!/bin/sh\necho hello\n" * 50, DataClass.SOURCE),
        "prog": (b"\x7fELF\x02\x01\x01" + bytes(4000), DataClass.BINARY),
    }
    for name, (data, expected) in files.items():
        (tmp_path / name).write_bytes(data)
        assert probe(tmp_path / name).cls is expected, name


def test_large_files_get_long_distance_matching_and_threads() -> None:
    from sigmavault.compression.probe import Probe

    plan = choose_plan(Probe(DataClass.TEXT, 3.0), 10 << 30, EngineOptions())
    assert plan.window_log == 27 and plan.threads == -1 and not plan.store
    small = choose_plan(Probe(DataClass.TEXT, 3.0), 10_000, EngineOptions())
    assert small.window_log == 0 and small.threads == 0 and small.dictionary

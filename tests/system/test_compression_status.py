"""sigmavault status shows, per dataset, what btrfs compression keeps off the disk (from compsize)."""

import json
import os

from tests.system.conftest import disks_pillar

LINE = b"2026-11-23 12:00:00 nas smbd[100]: connection from 192.0.2.7 accepted for share media\n"
LOG_MIB = (LINE * ((1 << 20) // len(LINE) + 1))[: 1 << 20]


def write(path: str, total: int, chunk_of) -> None:
    with open(path, "wb") as out:
        for index in range(total // (1 << 20)):
            out.write(chunk_of(index))
        os.fsync(out.fileno())


def test_status_shows_compressed_and_logical_bytes_per_dataset(box):
    images = box.disks.make(1)
    pool = {"devices": ["d0"], "mountpoint": box.path("tank"), "compression": "none",
            "datasets": {"logs": {"compression": "zstd:3"}, "raw": {"compression": "none"}, "empty": {}}}
    box.write_pillar({"storage": {"disks": disks_pillar(images), "pools": {"tank": pool}}})
    assert box.cli("apply").returncode == 0
    write(os.path.join(box.path("tank"), "logs", "smbd.log"), 16 << 20, lambda i: LOG_MIB)
    write(os.path.join(box.path("tank"), "raw", "backup.tar.zst"), 8 << 20, lambda i: os.urandom(1 << 20))
    write(os.path.join(box.path("tank"), "raw", "notes.txt"), 4 << 20, lambda i: LOG_MIB)

    status = box.cli("status", "--json")

    assert status.returncode == 0, status.stderr
    datasets = {d["name"]: d for d in json.loads(status.stdout)["pools"][0]["datasets"]}
    logs, raw = datasets["logs"]["compsize"], datasets["raw"]["compsize"]
    assert logs["uncompressed_bytes"] == 16 << 20 and logs["disk_bytes"] < (16 << 20) // 10
    assert list(logs["by_type"]) == ["zstd"] and logs["saved_percent"] > 90
    assert raw["uncompressed_bytes"] == raw["disk_bytes"] == 12 << 20
    assert list(raw["by_type"]) == ["none"] and raw["saved_percent"] == 0.0
    assert datasets["empty"]["compsize"]["files"] == 0
    text = box.cli("status").stdout
    logs_line = next(line for line in text.splitlines() if "dataset logs" in line)
    assert logs_line.endswith(f" on disk for 16.0 MiB of data ({logs['saved_percent']:.0f}% saved)")
    assert "12.0 MiB on disk for 12.0 MiB of data (0% saved)" in text

"""sigmavault status: each dataset's line ends with what compression keeps off the disk."""

from sigmavault.cli.report import status_lines
from sigmavault.compression.fsstats import CompsizeReport, Usage

POOL = {"name": "tank", "type": "btrfs", "mountpoint": "/srv/tank", "mounted": True, "devices": ["disk_a"],
        "profiles": {"data": ["single"], "metadata": ["dup"]}, "size_bytes": 1 << 30, "used_bytes": 1 << 20,
        "free_bytes": 1 << 29, "datasets": []}


def dataset(name: str, compsize: dict | None) -> dict:
    entry = {"name": name, "path": f"/srv/tank/{name}", "exists": True, "referenced_bytes": None,
             "quota_bytes": None, "compression": "zstd:3"}
    return entry | ({"compsize": compsize} if compsize is not None else {})


def line_of(entry: dict) -> str:
    lines = list(status_lines({"valid": True, "pools": [POOL | {"datasets": [entry]}]}))
    return lines[-1]


def test_dataset_line_says_bytes_on_disk_for_bytes_of_data():
    stats = CompsizeReport(Usage(1 << 20, 16 << 20, 16 << 20), {"zstd": Usage(1 << 20, 16 << 20, 16 << 20)}, 2)

    assert line_of(dataset("logs", stats.to_dict())).endswith(
        "compression zstd:3; 1.0 MiB on disk for 16.0 MiB of data (94% saved)")


def test_empty_dataset_and_older_status_add_nothing():
    assert line_of(dataset("empty", CompsizeReport().to_dict())).endswith("compression zstd:3")
    assert line_of(dataset("old", None)).endswith("compression zstd:3")


def test_compsize_trouble_is_shown_not_hidden():
    entry = dataset("big", {"error": "compsize took longer than 60 s; too many files to count now"})

    assert line_of(entry).endswith("; on-disk size unknown (compsize took longer than 60 s; too many files to "
                                   "count now)")

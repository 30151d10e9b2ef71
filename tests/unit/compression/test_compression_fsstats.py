"""Filesystem stats: compsize's bytes on disk against logical bytes, per dataset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sigmavault.compression.fsstats import CompsizeError, Usage, compsize, dataset_compression, parse_compsize

MIXED = """\
Processed 3 files, 156 regular extents (156 refs), 1 inline.
Type       Perc     Disk Usage   Uncompressed Referenced
TOTAL       22%     5627904      25001984     25001984
none       100%     5001216      5001216      5001216
zstd         3%     626688       20000768     20000768
prealloc   100%     1048576      1048576      0
"""


def test_compsize_bytes_output_is_read_per_type_and_in_total():
    report = parse_compsize(MIXED)

    assert report.files == 3
    assert report.total == Usage(5627904, 25001984, 25001984)
    assert sorted(report.by_type) == ["none", "prealloc", "zstd"]
    assert report.by_type["zstd"].saved_percent == 96.9
    assert report.to_dict()["saved_percent"] == 77.5
    assert report.to_dict()["by_type"]["none"]["ratio"] == 1.0


def test_human_readable_output_is_not_mistaken_for_bytes():
    report = parse_compsize("Type Perc Disk Usage Uncompressed Referenced\nTOTAL 3% 612K 19M 19M\n")

    assert report.total == Usage()


def test_an_empty_dataset_reports_zero_and_nothing_saved():
    assert Usage().saved_percent == 0.0 and Usage().ratio == 1.0


def fake_compsize(tmp_path: Path, monkeypatch, script: str) -> None:
    tool = tmp_path / "bin" / "compsize"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tool.parent}:{os.environ['PATH']}")


def test_no_files_is_an_empty_report_not_an_error(tmp_path, monkeypatch):
    fake_compsize(tmp_path, monkeypatch, 'echo "No files." >&2; exit 1\n')

    assert compsize([str(tmp_path)]).total == Usage()


def test_a_failing_compsize_is_reported_with_its_last_line(tmp_path, monkeypatch):
    fake_compsize(tmp_path, monkeypatch, 'echo "/srv/x: Inappropriate ioctl for device" >&2; exit 1\n')

    with pytest.raises(CompsizeError, match="Inappropriate ioctl"):
        compsize(["/srv/x"])
    assert dataset_compression("/srv/x") == {"error": "compsize failed: /srv/x: Inappropriate ioctl for device"}


def test_a_slow_compsize_is_stopped_with_a_clear_message(tmp_path, monkeypatch):
    fake_compsize(tmp_path, monkeypatch, "exec sleep 5\n")

    assert "took longer than 0 s" in dataset_compression("/srv/x", timeout=0.2)["error"]


def test_a_missing_compsize_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    assert dataset_compression("/srv/x") == {"error": "compsize is not installed: install btrfs-compsize"}

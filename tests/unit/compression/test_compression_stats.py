from __future__ import annotations

import json
from pathlib import Path

from sigmavault.compression import ClassStats, StatsReport, compress_folder, restore_archive


def test_stats_round_trip_through_json() -> None:
    report = StatsReport(wall_seconds=1.5, dictionary_bytes=4096)
    report.record("text", 1_000_000, 250_000, compress_s=0.01, decompress_s=0.002)
    report.record("random", 500_000, 500_013, compress_s=0.001)

    again = StatsReport.from_json(report.to_json())

    assert again == report
    assert json.loads(report.to_json())["classes"]["text"]["ratio"] == 4.0


def test_class_stats_report_ratio_and_speeds() -> None:
    stats = ClassStats(files=2, bytes_in=10_000_000, bytes_out=2_500_000, compress_seconds=0.5,
                       decompress_seconds=0.05)

    assert (stats.ratio, stats.compress_mbps, stats.decompress_mbps) == (4.0, 20.0, 200.0)
    assert ClassStats().ratio == 1.0 and ClassStats().compress_mbps == 0.0


def test_archive_and_restore_report_stats_per_class(corpus: Path, tmp_path: Path) -> None:
    manifest = compress_folder(corpus, tmp_path / "archive")
    restored = restore_archive(tmp_path / "archive", tmp_path / "restored")
    compressed = StatsReport.from_dict(manifest.stats)

    assert compressed.total().bytes_in == sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    assert restored.total().bytes_in == compressed.total().bytes_in
    assert restored.total().bytes_out == compressed.total().bytes_out
    for stats in compressed.classes.values():
        assert stats.compress_mbps > 0 and stats.decompress_mbps > 0

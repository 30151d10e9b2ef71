"""Memory depends on the zstd window and the chunk size, never on the file size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GiB = 1 << 30
MEASURE = """
import resource, sys
from pathlib import Path
from sigmavault.compression import EngineOptions, compress_file

options = EngineOptions(level=1, long_distance=False)
warm = Path(sys.argv[3]); warm.write_bytes(bytes(64 << 10))
compress_file(warm, warm.with_suffix(".zst"), options=options)  # load zstd and the engine first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
done = compress_file(Path(sys.argv[1]), Path(sys.argv[2]), options=options)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024, done.size, done.compressed_size)
"""


def test_compressing_a_1_gib_sparse_file_keeps_peak_memory_growth_under_48_mib(tmp_path: Path) -> None:
    src = tmp_path / "disk.img"
    with open(src, "wb") as fh:
        fh.truncate(GiB)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(src), str(tmp_path / "disk.img.zst"), str(tmp_path / "warm")],
        check=True, capture_output=True, text=True, timeout=300,
    )
    growth_mib, size, compressed = map(int, result.stdout.split())

    assert size == GiB
    assert compressed < GiB // 1000
    assert growth_mib < 48, f"peak RSS grew by {growth_mib} MiB"
    assert os.path.getsize(tmp_path / "disk.img.zst") == compressed

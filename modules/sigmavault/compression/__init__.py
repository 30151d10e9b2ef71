"""SigmaVault's adaptive compression engine: standard zstd frames, chosen per file.

For every file a probe reads a few 32 KiB samples: magic bytes (gzip, xz, zstd, bzip2, png, jpeg, zip,
mp4, ...), text or binary, and a level-1 trial. Already-compressed, encrypted and random data are stored
in raw zstd blocks (a memcpy, still decodable by ``zstd -d``); everything else gets a level by size and
class, long-distance matching and zstd's worker threads when large, and — in archive jobs — a dictionary
trained on the small files of its family (logs, JSON, configs, source) when that measurably pays.

What it can and cannot reach (measured on the 64 MiB ``tests/bench/corpus.py`` corpus, 4477 files, on a
2-core VM, one frame per file, outputs on tmpfs, verification on):

                                    size      MB/s: dictionaries in store / first run (trains them)
    zstd -3  (CLI, per file)        28.05 MB  170
    zstd -19 (CLI, per file)        25.67 MB  3.7
    profile "fast"     (level 3)    27.59 MB   87 / 48   (sizes include the 0.49 MB of dictionaries)
    profile "balanced" (level 9)    26.21 MB   44 / 32   (the default)
    profile "max"      (level 19)   25.10 MB  4.8 / 4.6

So the default is within about 2% of ``zstd -19``'s size at ~12x its speed but ~4x slower than
``zstd -3``; "max" beats ``zstd -19`` by ~2% at the same speed. Neither reaches "-19's ratio at -3's
speed": the gains come from dictionaries on families of small files and from storing incompressible
data, and on one large text or binary file no per-file trick closes the gap to level 19's btultra2
parser (a 69 MB tar: -3 26.6 MB, balanced 25.1 MB in 0.6 s, -19 23.1 MB in 22 s). Python's per-file
overhead (open, hash, verify, write) dominates folders of tiny files; parallel workers did not help on
the 2-core reference VM. Memory is bounded by the zstd window, not the file size: about 20 MiB for small
windows, about 2.5 x ``2**max_window_log`` (~300 MiB at the default 27) when long-distance matching is on.

``python -m tests.bench.compression_bench`` measures this again, per corpus class, against zstd -3, zstd -19
and xz -6 on the same files (see its JSON for the machine and the commands).

Around the engine: ``jobs.run_job`` runs one job (archive a folder, recompress cold btrfs data in place,
restore) at a priority, with progress events, cancel and stats kept in ``store.JobStore`` (SQLite in the
state directory); ``fsstats`` reads what btrfs compression saves per dataset from ``compsize``.

Public API: ``compress_file``, ``decompress_file``, ``compress_in_place``, ``compress_folder``,
``restore_archive``, ``DictionaryStore``, ``EngineOptions``, ``StatsReport``, and the errors below.
"""

from .archive import compress_folder
from .classes import DataClass
from .dictstore import DictionaryInfo, DictionaryStore
from .errors import (
    ArchiveError,
    CancelledError,
    CompressionError,
    CorruptFrameError,
    DictionaryInUseError,
    MissingDictionaryError,
    VerificationError,
)
from .files import compress_file, compress_in_place, decompress_file
from .manifest import Entry, Manifest, load_manifest
from .options import PROFILES, EngineOptions
from .probe import Probe
from .progress import Progress
from .restore import restore_archive
from .stats import ClassStats, StatsReport

__all__ = [
    "PROFILES",
    "ArchiveError",
    "CancelledError",
    "ClassStats",
    "CompressionError",
    "CorruptFrameError",
    "DataClass",
    "DictionaryInUseError",
    "DictionaryInfo",
    "DictionaryStore",
    "EngineOptions",
    "Entry",
    "Manifest",
    "MissingDictionaryError",
    "Probe",
    "Progress",
    "StatsReport",
    "VerificationError",
    "compress_file",
    "compress_folder",
    "compress_in_place",
    "decompress_file",
    "load_manifest",
    "restore_archive",
]

"""SigmaVault's adaptive compression engine: standard zstd frames, chosen per file.

For every file a probe reads a few 32 KiB samples: magic bytes (gzip, xz, zstd, bzip2, png, jpeg, zip,
mp4, ...), text or binary, and a level-1 trial. Already-compressed, encrypted and random data are stored
in raw zstd blocks (a memcpy, still decodable by ``zstd -d``); everything else gets a level by size and
class, and long-distance matching and zstd's worker threads when large. Archives put files up to 1 MiB
into packs: the small files of one class, sorted by suffix and name, compressed together as one standard
frame of about 4 MiB (see ``packs``). Files compressed one by one — single files, or archives with
``pack_file_limit=0`` — get a dictionary trained on the small files of their family (logs, JSON,
configs, source) when that measurably pays.

What it reaches (``tests/bench/compression_bench.py``, 64 MiB corpus of 4320 files, 2-core VM, outputs
on tmpfs, verification on; all in one run):

                                        size      compress MB/s
    zstd -3  (CLI, per file)            27.61 MB  199
    zstd -19 (CLI, per file)            25.21 MB  4.3
    tar | zstd -19 (one stream)         22.70 MB  3.4
    profile "fast"     (packs level 3)  26.49 MB  164
    profile "balanced" (packs level 6)  25.20 MB   94   (the default)
    balanced without packs (dicts)      25.84 MB   41
    profile "max"      (level 19)       23.72 MB  6.1

So the default matches ``zstd -19`` file by file at ~22x its speed but about half ``zstd -3``'s; "fast"
beats ``zstd -3``'s size at ~0.8x its speed. Neither reaches "-19's ratio at -3's speed": what is left
is zstd's own work at levels 6-9 on two cores (scanning, classifying, reading and hashing the corpus
cost ~0.16 s of the ~0.7 s), and a solid ``tar | zstd -19`` stream is still 10% smaller than the
default (packs stay small so one file is restored without decoding the whole archive). Memory is bounded
by the zstd window and the pack size, not the file size: about 20 MiB for small windows, about 2.5 x
``2**max_window_log`` (~300 MiB at the default 27) when long-distance matching is on.

``python -m tests.bench.compression_bench`` measures this again, per corpus class, against zstd -3, zstd -19
xz -6 and tar | zstd on the same files (see its JSON for the machine and the commands).

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

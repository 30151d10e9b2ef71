"""Engine options and the level tables of the three profiles."""

from __future__ import annotations

from dataclasses import dataclass

KiB, MiB = 1 << 10, 1 << 20


@dataclass(frozen=True)
class Profile:
    """zstd levels by file size; ``small`` files are the ones a family dictionary can cover."""

    packed: int  # archive packs: the small files of one class compressed together
    small: int  # files up to EngineOptions.dictionary_file_limit, with a dictionary when one helps
    medium: int  # compressible files up to EngineOptions.large_file_size
    binary: int  # binaries/executables of medium size
    large: int  # files of large_file_size and more: multithreaded, long-distance matching


PROFILES = {
    "fast": Profile(packed=3, small=3, medium=3, binary=3, large=3),
    "balanced": Profile(packed=6, small=9, medium=9, binary=9, large=6),
    "max": Profile(packed=19, small=19, medium=19, binary=19, large=19),
}


@dataclass(frozen=True)
class EngineOptions:
    """How hard to work. The defaults aim at zstd -19's ratio on mixed NAS data at a fraction of its cost.

    ``level`` forces one zstd level for every compressible file (the profile is then ignored);
    ``long_distance`` enables zstd's long-distance matcher on large files, with a window of
    ``2**max_window_log`` bytes — that window, not the file size, bounds memory when compressing and when
    decompressing (27 = 128 MiB is what ``zstd -d`` accepts without ``--long``; a job then peaks near
    300 MiB, window for compressing plus window for verifying; 24 keeps it near 40 MiB).
    ``threads`` spreads a large file over zstd's workers: faster, but each worker sees less history, so
    on data with long-range repeats (tars of similar trees, VM images) ``threads=0`` can be ~15% smaller.
    """

    profile: str = "balanced"
    level: int | None = None
    long_distance: bool = True
    max_window_log: int = 27
    threads: int = -1  # zstd worker threads for files >= multithread_size; -1 = one per core
    # Files compressed in parallel by archive jobs (0 = one per core). On the 2-core reference VM a second
    # worker did not help: creating and writing thousands of small files dominated, not zstd.
    workers: int = 1
    verify: bool = True
    chunk_size: int = 1 * MiB
    whole_file_limit: int = 4 * MiB  # files up to this size are read and compressed in one call
    dictionaries: bool = True  # for small files an archive does not pack (pack_file_limit=0) and single files
    # Archives compress files up to pack_file_limit (0: none) together, in packs of about pack_size bytes.
    pack_file_limit: int = 1 * MiB
    pack_size: int = 4 * MiB
    dictionary_file_limit: int = 128 * KiB
    large_file_size: int = 32 * MiB
    multithread_size: int = 8 * MiB

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown compression profile {self.profile!r}; use one of {sorted(PROFILES)}")

    @property
    def levels(self) -> Profile:
        return PROFILES[self.profile]

"""From a probe to a plan: store or compress, at which level, with which window and how many threads."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import zstandard

from .classes import DICTIONARY_CLASSES, DataClass
from .options import EngineOptions
from .probe import Probe

_local = threading.local()


@dataclass(frozen=True)
class Plan:
    cls: DataClass
    store: bool  # copy into raw blocks: nothing to gain from compressing
    level: int = 0
    window_log: int = 0  # > 0: long-distance matching over a window of 2**window_log bytes
    threads: int = 0  # zstd worker threads; 0 = compress on the calling thread
    dictionary: bool = False  # a small file of a family that a trained dictionary may cover


def choose_plan(probe: Probe, size: int, options: EngineOptions) -> Plan:
    """Pick the plan for one file of the given size from what the probe saw."""
    if probe.incompressible:
        return Plan(probe.cls, store=True)
    levels = options.levels
    small = size <= options.dictionary_file_limit
    if options.level is not None:
        level = options.level
    elif size >= options.large_file_size:
        level = levels.large
    elif small:
        level = levels.small
    else:
        level = levels.binary if probe.cls is DataClass.BINARY else levels.medium
    window_log = 0
    if options.long_distance and size >= options.large_file_size:
        window_log = min(options.max_window_log, max(20, (size - 1).bit_length()))
    threads = options.threads if size >= options.multithread_size else 0
    eligible = small and options.dictionaries and probe.cls in DICTIONARY_CLASSES
    return Plan(probe.cls, False, level, window_log, threads, eligible)


Dictionary = zstandard.ZstdCompressionDict


def stream_compressor(plan: Plan, size: int, dictionary: Dictionary | None) -> zstandard.ZstdCompressor:
    """A compressor for one large file: content size, checksum and dictionary id go into the frame."""
    extra = {"window_log": plan.window_log, "enable_ldm": 1} if plan.window_log else {}
    params = zstandard.ZstdCompressionParameters.from_level(
        plan.level, source_size=size, dict_size=len(dictionary) if dictionary else 0,
        write_checksum=1, write_content_size=1, write_dict_id=1, threads=plan.threads, **extra,
    )
    return zstandard.ZstdCompressor(dict_data=dictionary, compression_params=params)


def memory_compressor(level: int, dictionary: Dictionary | None) -> zstandard.ZstdCompressor:
    """A per-thread, reused compressor for whole-file compression of small files."""
    cache = _local.__dict__.setdefault("cctx", {})
    key = (level, dictionary.dict_id() if dictionary else 0, id(dictionary))
    cctx = cache.get(key)
    if cctx is None:
        cctx = cache[key] = zstandard.ZstdCompressor(level=level, dict_data=dictionary, write_checksum=True)
    return cctx

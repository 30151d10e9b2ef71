"""Decoding one zstd frame with bounded memory, checking it is complete and matches its hash."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

from .atomic import atomic_file
from .confined_files import Source, open_binary
from .dictstore import DictionaryStore
from .errors import CorruptFrameError
from .frames import HEADER_MAX, corrupt, decompressor, frame_parameters
from .options import EngineOptions
from .progress import Tracker


@dataclass(frozen=True)
class Decoded:
    size: int
    compressed_size: int
    sha256: str
    dict_id: int
    seconds: float


def decode_stream(
    src: BinaryIO,
    dctx: zstandard.ZstdDecompressor,
    content_size: int,
    sink: Callable[[bytes], object] | None,
    *,
    name: str,
    chunk_size: int,
    tracker: Tracker | None = None,
) -> tuple[str, int]:
    """Decompress the frame in src chunk by chunk into sink; return (sha256 hex, size).

    Output is read ``chunk_size`` bytes at a time, so a frame of a terabyte of zeros needs no more memory
    than one of a kilobyte. A frame that ends early is reported as corrupt.
    """
    digest, total = hashlib.sha256(), 0
    reader = dctx.stream_reader(src, read_size=chunk_size, closefd=False)
    try:
        while chunk := reader.read(chunk_size):
            digest.update(chunk)
            total += len(chunk)
            if sink is not None:
                sink(chunk)
            if tracker is not None:
                tracker.check()
    except zstandard.ZstdError as exc:
        raise corrupt(name, exc) from exc
    if content_size != zstandard.CONTENTSIZE_UNKNOWN and total != content_size:
        raise CorruptFrameError(f"{name} is truncated: it decodes to {total} of {content_size} bytes")
    return digest.hexdigest(), total


def decode_file(
    src: Source,
    dst: Path,
    *,
    store: DictionaryStore | None,
    options: EngineOptions,
    tracker: Tracker,
    name: str = "",
    expected_sha256: str | None = None,
    overwrite: bool = False,
    staged: bool = True,
) -> Decoded:
    """Decompress the frame file src into dst (written whole or not at all)."""
    name = name or str(src)
    start = time.perf_counter()
    with open_binary(src) as fh, atomic_file(dst, overwrite=overwrite, staged=staged) as out:
        compressed_size = os.fstat(fh.fileno()).st_size
        head = fh.read(HEADER_MAX)
        params = frame_parameters(head, name)
        dctx = decompressor(params.dict_id, store)
        limit = options.whole_file_limit
        if 0 <= params.content_size <= limit and compressed_size <= limit + limit // 64 + 1024:
            frame = head + fh.read()
            try:
                data = dctx.decompress(frame, max_output_size=max(1, params.content_size))
            except zstandard.ZstdError as exc:
                raise corrupt(name, exc) from exc
            out.write(data)
            sha, size = hashlib.sha256(data).hexdigest(), len(data)
        else:
            fh.seek(0)
            sha, size = decode_stream(fh, dctx, params.content_size, out.write, name=name,
                                      chunk_size=options.chunk_size, tracker=tracker)
        if expected_sha256 is not None and sha != expected_sha256:
            raise CorruptFrameError(f"{name} decodes to data whose sha256 differs from the manifest's")
    tracker.advance(name, size, file_done=True)
    return Decoded(size, compressed_size, sha, params.dict_id, time.perf_counter() - start)

"""One file in, one verified zstd frame out.

Files up to ``whole_file_limit`` are read and compressed in one call; larger ones are streamed in
``chunk_size`` pieces, so memory depends on the zstd window and the chunk size, never on the file size.
The frame is written beside its destination and renamed into place only after it has been decompressed
again and found identical (bytes, or sha256 when streamed) to what was read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

from .atomic import atomic_file
from .classes import DataClass
from .confined_files import Source, open_binary
from .decode import decode_stream
from .errors import VerificationError
from .frames import decompressor_with
from .options import EngineOptions
from .policy import Dictionary, Plan, choose_plan, memory_compressor, stream_compressor
from .probe import probe_fd, probe_samples, sample_spans
from .progress import Tracker
from .rawframe import raw_frame, write_raw_frame

#: Whole files up to this size skip the level-1 trial (see _encode_whole).
TRIAL_SIZE = 256 * 1024
#: Called with the plan of a compressible file; returns the dictionary to use, or None.
DictionaryChooser = Callable[[Plan], Dictionary | None]


@dataclass(frozen=True)
class Encoded:
    size: int
    compressed_size: int
    sha256: str
    cls: DataClass
    level: int  # 0: stored in raw blocks
    dict_id: int
    seconds: float  # probing and compressing
    verify_seconds: float


@dataclass(frozen=True)
class _Job:
    dst: Path
    name: str
    options: EngineOptions
    tracker: Tracker
    choose_dictionary: DictionaryChooser | None
    overwrite: bool
    staged: bool

    def dictionary(self, plan: Plan) -> Dictionary | None:
        return self.choose_dictionary(plan) if self.choose_dictionary and not plan.store else None

    def output(self) -> AbstractContextManager[BinaryIO]:
        return atomic_file(self.dst, overwrite=self.overwrite, staged=self.staged)

    def mismatch(self) -> VerificationError:
        return VerificationError(f"{self.name}: the compressed copy did not decompress to the original")


def encode_file(
    src: Source,
    dst: Path,
    *,
    options: EngineOptions,
    tracker: Tracker,
    name: str = "",
    choose_dictionary: DictionaryChooser | None = None,
    overwrite: bool = False,
    staged: bool = True,
) -> Encoded:
    """Compress src into the frame file dst; see the module docstring for the guarantees.

    ``staged=False`` is for callers that build dst inside a directory they stage themselves. A job's file
    (a ScannedFile) is opened below its tree's root and must still be the file scanned (ChangedDuringJob).
    """
    job = _Job(dst, name or str(src), options, tracker, choose_dictionary, overwrite, staged)
    with open_binary(src) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size <= options.whole_file_limit:
            data = fh.read(size + 1)  # one byte more tells a file that grew since fstat
            if len(data) == size:
                return _encode_whole(data, job)
            fh.seek(0)
        return _encode_stream(fh, os.fstat(fh.fileno()).st_size, job)


def _encode_whole(data: bytes, job: _Job) -> Encoded:
    start = time.perf_counter()
    samples = [data[at : at + length] for at, length in sample_spans(len(data))]
    # Below TRIAL_SIZE compressing is the trial: data that does not shrink is stored after all.
    probe = probe_samples(samples, job.name, trial=len(data) > TRIAL_SIZE)
    plan = choose_plan(probe, len(data), job.options)
    dictionary = job.dictionary(plan)
    frame = b"" if plan.store else memory_compressor(plan.level, dictionary).compress(data)
    if plan.store or len(frame) >= len(data) - len(data) // 100:
        cls = DataClass.RANDOM if plan.cls is DataClass.BINARY and not plan.store else plan.cls
        plan = dataclasses.replace(plan, store=True, cls=cls)
        dictionary, frame = None, raw_frame(data)
    compressed = time.perf_counter()
    if job.options.verify:
        restored = decompressor_with(dictionary).decompress(frame, max_output_size=max(1, len(data)))
        if restored != data:
            raise job.mismatch()
    verified = time.perf_counter()
    with job.output() as out:
        out.write(frame)
    job.tracker.advance(job.name, len(data), file_done=True)
    sha = hashlib.sha256(data).hexdigest()
    return _result(len(data), len(frame), sha, plan, dictionary, compressed - start, verified - compressed)


def _encode_stream(fh: BinaryIO, size: int, job: _Job) -> Encoded:
    start = time.perf_counter()
    plan = choose_plan(probe_fd(fh.fileno(), size, job.name), size, job.options)
    dictionary = job.dictionary(plan)
    digest, counted = hashlib.sha256(), [0]

    def chunks() -> Iterator[bytes]:
        while chunk := fh.read(job.options.chunk_size):
            digest.update(chunk)
            counted[0] += len(chunk)
            yield chunk
            job.tracker.advance(job.name, len(chunk))

    changed = VerificationError(f"{job.name} changed while it was being compressed; try again when idle")
    with job.output() as out:
        if plan.store:
            write_raw_frame(chunks(), size, out)
        else:
            writer = stream_compressor(plan, size, dictionary).stream_writer(out, size=size, closefd=False)
            try:
                for chunk in chunks():
                    writer.write(chunk)
                writer.close()
            except zstandard.ZstdError as exc:
                raise changed from exc
        if counted[0] != size:
            raise changed
        out.flush()
        compressed = time.perf_counter()
        if job.options.verify:
            with open(f"/proc/self/fd/{out.fileno()}", "rb") as check:  # its own offset, out's stays
                sha, _ = decode_stream(check, decompressor_with(dictionary), size, None, name=job.name,
                                       chunk_size=job.options.chunk_size, tracker=job.tracker)
            if sha != digest.hexdigest():
                raise job.mismatch()
        verified = time.perf_counter()
        compressed_size = out.tell()
    job.tracker.advance(job.name, 0, file_done=True)
    return _result(size, compressed_size, digest.hexdigest(), plan, dictionary,
                   compressed - start, verified - compressed)


def _result(
    size: int, csize: int, sha: str, plan: Plan, dictionary: Dictionary | None, seconds: float, verify: float
) -> Encoded:
    dict_id = dictionary.dict_id() if dictionary else 0
    return Encoded(size, csize, sha, plan.cls, 0 if plan.store else plan.level, dict_id, seconds, verify)

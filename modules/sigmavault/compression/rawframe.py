"""Standard zstd frames made of raw (stored) blocks: how skipped files stay decodable by ``zstd -d``.

Already-compressed and random data gain nothing from compression, so the engine copies them into a frame
whose blocks are marked raw (RFC 8878 §3.1.1.2). Writing one costs a memcpy; any zstd decoder reads it.
These frames carry no content checksum (that needs XXH64); the archive manifest's sha256 covers them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

MAGIC = struct.pack("<I", 0xFD2FB528)
BLOCK_MAX = 128 * 1024
# Frame header descriptor: 8-byte content size, not single-segment, no checksum, no dictionary id.
_DESCRIPTOR = 0xC0
# Window descriptor: exponent 7 -> 2**17 = 128 KiB, enough for raw blocks of BLOCK_MAX.
_WINDOW = 7 << 3
_LAST_EMPTY_BLOCK = (1).to_bytes(3, "little")


def frame_header(content_size: int) -> bytes:
    return MAGIC + bytes((_DESCRIPTOR, _WINDOW)) + struct.pack("<Q", content_size)


def raw_blocks(data: bytes | memoryview) -> bytes:
    """Non-last raw blocks holding data; a frame ends with ``frame_end()``."""
    view = memoryview(data)
    out = bytearray()
    for start in range(0, len(view), BLOCK_MAX):
        block = view[start : start + BLOCK_MAX]
        out += (len(block) << 3).to_bytes(3, "little")
        out += block
    return bytes(out)


def frame_end() -> bytes:
    return _LAST_EMPTY_BLOCK


def raw_frame(data: bytes) -> bytes:
    """A complete frame that stores data uncompressed."""
    return frame_header(len(data)) + raw_blocks(data) + frame_end()


def write_raw_frame(chunks: Iterable[bytes], size: int, out: BinaryIO) -> int:
    """Write a frame of the given content size from an iterable of byte chunks; return bytes written."""
    written = out.write(frame_header(size))
    for chunk in chunks:
        written += out.write(raw_blocks(chunk))
    return written + out.write(frame_end())

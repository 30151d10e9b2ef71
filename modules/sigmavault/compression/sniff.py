"""Recognise file formats by their magic bytes."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    COMPRESSED = "compressed"
    ENCRYPTED = "encrypted"
    EXECUTABLE = "executable"


# (offset, magic, format name, kind). Containers whose payload is usually compressed count as compressed;
# the probe still checks a trial ratio, so a zip of stored members is compressed anyway.
SIGNATURES: tuple[tuple[int, bytes, str, Kind], ...] = (
    (0, b"\x1f\x8b", "gzip", Kind.COMPRESSED),
    (0, b"\xfd7zXZ\x00", "xz", Kind.COMPRESSED),
    (0, b"\x28\xb5\x2f\xfd", "zstd", Kind.COMPRESSED),
    (0, b"BZh", "bzip2", Kind.COMPRESSED),
    (0, b"\x04\x22\x4d\x18", "lz4", Kind.COMPRESSED),
    (0, b"\x5d\x00\x00", "lzma", Kind.COMPRESSED),
    (0, b"7z\xbc\xaf\x27\x1c", "7z", Kind.COMPRESSED),
    (0, b"Rar!\x1a\x07", "rar", Kind.COMPRESSED),
    (0, b"PK\x03\x04", "zip", Kind.COMPRESSED),
    (0, b"\x89PNG\r\n\x1a\n", "png", Kind.COMPRESSED),
    (0, b"\xff\xd8\xff", "jpeg", Kind.COMPRESSED),
    (0, b"GIF8", "gif", Kind.COMPRESSED),
    (0, b"\x00\x00\x00\x0cjP  ", "jpeg2000", Kind.COMPRESSED),
    (4, b"ftyp", "mp4", Kind.COMPRESSED),
    (0, b"\x1a\x45\xdf\xa3", "matroska", Kind.COMPRESSED),
    (0, b"OggS", "ogg", Kind.COMPRESSED),
    (0, b"fLaC", "flac", Kind.COMPRESSED),
    (0, b"ID3", "mp3", Kind.COMPRESSED),
    (0, b"\xff\xfb", "mp3", Kind.COMPRESSED),
    (8, b"WEBP", "webp", Kind.COMPRESSED),
    (0, b"hsqs", "squashfs", Kind.COMPRESSED),
    (0, b"!<arch>\ndebian", "deb", Kind.COMPRESSED),
    (0, b"Salted__", "openssl-enc", Kind.ENCRYPTED),
    (0, b"LUKS\xba\xbe", "luks", Kind.ENCRYPTED),
    (0, b"age-encryption.org/", "age", Kind.ENCRYPTED),
    (0, b"\x7fELF", "elf", Kind.EXECUTABLE),
    (0, b"MZ", "pe", Kind.EXECUTABLE),
)


def sniff(head: bytes) -> tuple[str, Kind] | None:
    """Return (format name, kind) for the first signature that matches the file's first bytes."""
    for offset, magic, name, kind in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name, kind
    return None

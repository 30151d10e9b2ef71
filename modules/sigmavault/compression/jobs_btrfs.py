"""How one file sits on btrfs: its extents' compression and size, sharing, and nocow/nocompress flags.

Read with ioctls, not by running a tool per file: ``BTRFS_IOC_TREE_SEARCH`` lists the file's extent items
(what compsize reads; needs root), ``FS_IOC_FIEMAP`` says which extents are shared with a snapshot or a
reflinked copy, ``FS_IOC_GETFLAGS`` gives the chattr flags.
"""

from __future__ import annotations

import fcntl
import os
import struct
from dataclasses import dataclass, field

BTRFS_IOC_TREE_SEARCH = 0xD0009411  # _IOWR(0x94, 17, struct btrfs_ioctl_search_args), 4096 bytes
FS_IOC_FIEMAP = 0xC020660B  # _IOWR('f', 11, struct fiemap)
FS_IOC_GETFLAGS = 0x80086601  # _IOR('f', 1, long)
FS_NOCOMP_FL, FS_NOCOW_FL = 0x00000400, 0x00800000
FIEMAP_EXTENT_LAST, FIEMAP_EXTENT_SHARED = 0x1, 0x2000
EXTENT_DATA_KEY = 108
COMPRESSION = {0: "none", 1: "zlib", 2: "lzo", 3: "zstd"}
_KEY = struct.Struct("=7Q3I")  # tree_id, objectids, offsets, transids; min/max type, nr_items
_SEARCH_ARGS = 4096
_HEADER = struct.Struct("=3Q2I")  # transid, objectid, offset, type, len
_EXTENT = struct.Struct("=QQBBHB")  # generation, ram_bytes, compression, encryption, other_encoding, type
_REGULAR = struct.Struct("=4Q")  # disk_bytenr, disk_num_bytes, offset, num_bytes
_FIEMAP = struct.Struct("=QQ4I")
_FIEMAP_EXTENT = struct.Struct("=QQQ2Q4I")
_FIEMAP_BATCH = 128
_MAX = 0xFFFFFFFFFFFFFFFF


@dataclass
class Extents:
    """A file's data extents; extents used twice within the file count once (as compsize does)."""

    disk_bytes: int = 0  # space the extents take on disk
    uncompressed_bytes: int = 0  # what they hold once decompressed
    inline_bytes: int = 0  # data stored inside metadata (tiny files)
    by_type: dict[str, int] = field(default_factory=dict)  # compression -> bytes the file refers to

    def all(self, compression: str) -> bool:
        """Every byte the file refers to is stored with this compression."""
        return bool(self.by_type) and set(self.by_type) == {compression}


def extents(fd: int) -> Extents:
    """The extents of the open file fd (on btrfs, as root)."""
    inode = os.fstat(fd).st_ino
    found, seen, offset = Extents(), set(), 0
    while True:
        args = bytearray(_SEARCH_ARGS)
        _KEY.pack_into(args, 0, 0, inode, inode, offset, _MAX, 0, _MAX, EXTENT_DATA_KEY, EXTENT_DATA_KEY, 4096)
        fcntl.ioctl(fd, BTRFS_IOC_TREE_SEARCH, args)
        count = _KEY.unpack_from(args, 0)[9]
        if count == 0:
            return found
        at = 104
        for _ in range(count):
            _transid, objectid, key_offset, key_type, length = _HEADER.unpack_from(args, at)
            at += _HEADER.size
            if objectid == inode and key_type == EXTENT_DATA_KEY:
                _add_item(found, seen, bytes(args[at : at + length]))
            offset = key_offset + 1
            at += length
        if offset == 0 or offset > _MAX:
            return found


def _add_item(found: Extents, seen: set[int], item: bytes) -> None:
    _gen, ram_bytes, compression, _enc, _other, kind = _EXTENT.unpack_from(item, 0)
    name = COMPRESSION.get(compression, f"type{compression}")
    if kind == 0:  # inline: the data follows the header inside the metadata item
        found.inline_bytes += ram_bytes
        found.by_type[name] = found.by_type.get(name, 0) + ram_bytes
        return
    disk_bytenr, disk_num_bytes, _offset, num_bytes = _REGULAR.unpack_from(item, _EXTENT.size)
    if disk_bytenr == 0:
        return  # a hole
    key = "prealloc" if kind == 2 else name
    found.by_type[key] = found.by_type.get(key, 0) + num_bytes
    if disk_bytenr not in seen:
        seen.add(disk_bytenr)
        found.disk_bytes += disk_num_bytes
        found.uncompressed_bytes += ram_bytes


def shared_bytes(fd: int) -> int:
    """Bytes of fd's extents that another file or snapshot also uses (FIEMAP's SHARED flag)."""
    shared, start = 0, 0
    while True:
        args = bytearray(_FIEMAP.size + _FIEMAP_BATCH * _FIEMAP_EXTENT.size)
        _FIEMAP.pack_into(args, 0, start, _MAX - start, 0, 0, _FIEMAP_BATCH, 0)
        fcntl.ioctl(fd, FS_IOC_FIEMAP, args)
        mapped = _FIEMAP.unpack_from(args, 0)[3]
        if mapped == 0:
            return shared
        for index in range(mapped):
            logical, _physical, length, _r1, _r2, flags, *_ = _FIEMAP_EXTENT.unpack_from(
                args, _FIEMAP.size + index * _FIEMAP_EXTENT.size)
            if flags & FIEMAP_EXTENT_SHARED:
                shared += length
            if flags & FIEMAP_EXTENT_LAST:
                return shared
            start = logical + length


def chattr_flags(fd: int) -> int:
    buffer = bytearray(8)
    fcntl.ioctl(fd, FS_IOC_GETFLAGS, buffer)
    return struct.unpack_from("=I", buffer)[0]

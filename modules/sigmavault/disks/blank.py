"""Is a disk blank where labels live? Which byte ranges to read, and what the bytes read there say.

blkid finding no signature is not enough: ciphertext, a foreign array's payload or a half-wiped disk
carry no signature blkid knows. A disk counts as blank only when these ranges read as zeros:

- the first MiB: MBR and primary GPT, MD superblocks 1.1 (at 0) and 1.2 (at 4 KiB), the LUKS header (at 0)
  and LUKS2's second header at 16 KiB .. 512 KiB, ZFS labels L0 and L1 (0 .. 512 KiB), the primary btrfs
  superblock (64 KiB), LVM's label and the superblocks of most file systems;
- the 4 KiB where LUKS2's second header sits when its header area is 1, 2 or 4 MiB;
- the 4 KiB superblock copies of btrfs at 64 MiB and 256 GiB, on disks that reach them;
- the last MiB: the backup GPT (last 33 sectors), MD superblocks 0.90 (64 KiB before the 64 KiB-aligned
  end) and 1.0 (8 KiB before the end), ZFS labels L2 and L3 (last 512 KiB of the 256 KiB-aligned size).

Pure: the reading is disks.blank_probe's, so every decision here is tested over plain bytes.
"""

from collections.abc import Mapping
from dataclasses import dataclass

MIB = 1 << 20
HEADER = 4096     # a LUKS2 binary header and a btrfs superblock are each 4 KiB
LUKS2_SECOND_HEADER_MIB = (1, 2, 4)
BTRFS_COPIES = ((64 * MIB, "64 MiB"), (256 << 30, "256 GiB"))


@dataclass(frozen=True)
class Region:
    offset: int
    length: int
    name: str       # in owner words: "the first MiB"


def regions(size: int) -> list[Region]:
    """The ranges to read on a disk of size bytes, in the order a finding is reported."""
    wanted = [Region(0, min(MIB, size), "the first MiB")]
    wanted += [Region(mib * MIB, HEADER, f"the place of a LUKS2 second header at {mib} MiB")
               for mib in LUKS2_SECOND_HEADER_MIB if mib * MIB + HEADER <= size]
    wanted += [Region(offset, HEADER, f"the place of a btrfs superblock copy at {name}")
               for offset, name in BTRFS_COPIES if offset + HEADER <= size]
    if size > MIB:
        wanted.append(Region(size - MIB, MIB, "the last MiB"))
    return wanted


def spans(size: int) -> list[tuple[int, int]]:
    """The regions as (offset, length), overlapping and touching ones merged: what a wipe zeroes."""
    merged: list[list[int]] = []
    for region in sorted(regions(size), key=lambda r: r.offset):
        end = region.offset + region.length
        if merged and region.offset <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([region.offset, end])
    return [(start, end - start) for start, end in merged]


def first_data(reads: Mapping[Region, bytes | OSError]) -> str | None:
    """What the bytes read say, in owner words; None when every region read as zeros.

    A region that could not be read in full counts as holding data: nothing formats what nobody saw."""
    for region, read in reads.items():
        if isinstance(read, OSError):
            reason = read.strerror or str(read)
            return f"{region.name} could not be read ({reason}), so it counts as holding data"
        if len(read) < region.length:
            return (f"{region.name} could not be read (the disk gave {len(read)} of {region.length} bytes), "
                    "so it counts as holding data")
        leading_zeros = len(read) - len(read.lstrip(b"\0"))
        if leading_zeros < len(read):
            return f"non-zero data in {region.name} (at byte {region.offset + leading_zeros})"
    return None

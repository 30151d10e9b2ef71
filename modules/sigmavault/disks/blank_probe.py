"""Read the ranges disks.blank names (a few MiB per disk, through the page cache) and say what they hold."""

import os

from sigmavault.disks import blank
from sigmavault.disks.blank import Region


def read_regions(device: str, wanted: list[Region]) -> dict[Region, bytes | OSError]:
    try:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as error:
        return {region: error for region in wanted}
    try:
        return {region: _read(fd, region) for region in wanted}
    finally:
        os.close(fd)


def _read(fd: int, region: Region) -> bytes | OSError:
    chunks, done = [], 0
    try:
        while done < region.length:
            chunk = os.pread(fd, region.length - done, region.offset + done)
            if not chunk:        # the device ended early: first_data reports the short read
                break
            chunks.append(chunk)
            done += len(chunk)
    except OSError as error:
        return error
    return b"".join(chunks)


def data_found(device: str, size: int) -> str | None:
    """None when the disk reads as zeros wherever labels live; otherwise what was found, in owner words."""
    return blank.first_data(read_regions(device, blank.regions(size)))

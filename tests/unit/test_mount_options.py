"""The mount options a pool carries, and when a live mount has to be remounted."""

import pytest

from sigmavault.mounts import Mount
from sigmavault.storage.mount_options import compression_option, needs_remount, pool_options, remount_options


def _pool(compression: str = "zstd:3", options: tuple = ("noatime",)) -> dict:
    return {"compression": compression, "mount_options": list(options)}


def _live(*options: str) -> Mount:
    return Mount("/", "/srv/tank", "btrfs", "/dev/loop0",
                 frozenset({"rw", "space_cache=v2", "subvolid=5", "subvol=/", *options}))


@pytest.mark.parametrize("compression, option", [("zstd", "zstd:3"), ("zstd:1", "zstd:1"), ("lzo", "lzo"),
                                                 ("none", None)])
def test_compression_is_spelled_as_the_kernel_shows_it(compression, option):
    assert compression_option(compression) == option


def test_pool_options_put_compression_first():
    assert pool_options(_pool("lzo", ("noatime", "commit=120"))) == ["compress=lzo", "noatime", "commit=120"]
    assert pool_options(_pool("none", ())) == []


def test_mount_with_the_declared_options_needs_no_remount():
    assert not needs_remount(_live("noatime", "compress=zstd:3"), _pool("zstd"))


@pytest.mark.parametrize("live, pool", [
    (_live("noatime", "compress=zstd:3"), _pool("lzo")),
    (_live("noatime"), _pool("zstd:3")),
    (_live("noatime", "compress=lzo"), _pool("none")),
    (_live("relatime", "compress=zstd:3"), _pool("zstd:3")),
])
def test_mount_that_differs_needs_a_remount(live, pool):
    assert needs_remount(live, pool)


def test_remount_to_no_compression_says_so_explicitly():
    assert remount_options(_pool("none")) == "remount,compress=no,noatime"
    assert remount_options(_pool("zstd:5", ("noatime", "commit=60"))) == "remount,compress=zstd:5,noatime,commit=60"

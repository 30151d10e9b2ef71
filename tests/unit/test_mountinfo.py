"""Reading the kernel's mount table (/proc/self/mountinfo, captured)."""

from sigmavault.mounts import Mount, mounted_at, parse_mountinfo, read_mounts

from .builders import captured

MOUNTS = parse_mountinfo(captured("mountinfo.txt"))


def test_every_line_becomes_a_mount():
    assert [mount.mountpoint for mount in MOUNTS] == [
        "/proc", "/", "/tmp/unit-capture-mnt dir", "/tmp/unit-capture-media"]


def test_escaped_space_in_a_mountpoint_is_unescaped():
    pool = mounted_at("/tmp/unit-capture-mnt dir", MOUNTS)
    assert pool is not None
    assert (pool.root, pool.fstype, pool.source) == ("/", "btrfs", "/dev/loop4")


def test_mount_and_superblock_options_are_merged():
    pool = mounted_at("/tmp/unit-capture-mnt dir", MOUNTS)
    assert {"rw", "noatime", "compress=zstd:3", "space_cache=v2", "subvol=/"} <= pool.options
    assert pool.option_value("compress") == "zstd:3"
    assert pool.option_value("subvolid") == "5"
    assert pool.option_value("commit") is None


def test_subvolume_mount_shows_the_subvolume_as_root():
    media = mounted_at("/tmp/unit-capture-media", MOUNTS)
    assert media.root == "/media"
    assert media.option_value("subvol") == "/media"


def test_optional_fields_before_the_separator_are_skipped():
    [mount] = parse_mountinfo("36 35 98:0 /mnt1 /mnt2 rw,noatime shared:1 master:2 - ext3 /dev/root rw,errors=continue")
    assert mount == Mount("/mnt1", "/mnt2", "ext3", "/dev/root",
                          frozenset({"rw", "noatime", "errors=continue"}))


def test_tab_newline_and_backslash_escapes_are_unescaped():
    [mount] = parse_mountinfo(r"40 27 0:50 / /srv/a\011b\012c\134d rw - tmpfs tmp\040fs rw")
    assert mount.mountpoint == "/srv/a\tb\nc\\d"
    assert mount.source == "tmp fs"


def test_escaped_backslash_followed_by_digits_stays_literal():
    [mount] = parse_mountinfo(r"40 27 0:50 / /srv/x\134040 rw - tmpfs tmpfs rw")
    assert mount.mountpoint == "/srv/x\\040"


def test_malformed_lines_are_skipped():
    assert parse_mountinfo("\ngarbage\n1 2 3 - x\n") == []


def test_last_mount_on_a_mountpoint_is_the_visible_one():
    text = ("50 27 0:60 / /srv/tank rw - ext4 /dev/sda1 rw\n"
            "51 50 0:61 / /srv/tank rw - btrfs /dev/loop0 rw,compress=lzo\n")
    assert mounted_at("/srv/tank", parse_mountinfo(text)).source == "/dev/loop0"
    assert mounted_at("/srv/other", parse_mountinfo(text)) is None


def test_read_mounts_reads_a_mountinfo_file(tmp_path):
    path = tmp_path / "mountinfo"
    path.write_text(captured("mountinfo.txt"))
    assert read_mounts(path) == MOUNTS

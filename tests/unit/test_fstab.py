"""fstab: one line per mountpoint; SigmaVault's entry replaces only its own line."""

from sigmavault.storage import fstab
from sigmavault.storage.fstab import FstabEntry, line_for, with_entry

UUID = "d00aa450-8de4-4dd1-94d2-982585c1b3bb"
TANK = FstabEntry(f"UUID={UUID}", "/srv/tank", "btrfs", ("compress=zstd:3", "noatime"))
HOST = """# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
UUID=1111-2222 /               ext4    errors=remount-ro 0       1
# a comment naming /srv/tank must stay: /dev/sdz /srv/tank ext4 defaults 0 0
UUID=3333 none swap sw 0 0
"""


def test_entry_line_has_six_fields():
    assert TANK.line() == f"UUID={UUID} /srv/tank btrfs compress=zstd:3,noatime 0 0"


def test_entry_without_options_says_defaults():
    assert FstabEntry("UUID=x", "/srv/a", "btrfs", ()).line() == "UUID=x /srv/a btrfs defaults 0 0"


def test_new_entry_is_appended_and_everything_else_is_kept():
    text = with_entry(HOST, TANK)
    assert text == HOST + TANK.line() + "\n"


def test_entry_replaces_the_line_for_the_same_mountpoint():
    old = HOST + "UUID=old /srv/tank btrfs compress=lzo 0 0\nUUID=4444 /srv/media btrfs subvol=media 0 0\n"
    text = with_entry(old, TANK)
    assert "UUID=old" not in text
    assert text.count("/srv/tank btrfs") == 1
    assert "UUID=4444 /srv/media btrfs subvol=media 0 0" in text
    assert "# a comment naming /srv/tank must stay: /dev/sdz /srv/tank ext4 defaults 0 0" in text
    assert text.endswith(TANK.line() + "\n")


def test_with_entry_on_an_empty_file_writes_one_line():
    assert with_entry("", TANK) == TANK.line() + "\n"


def test_writing_the_same_entry_twice_changes_nothing():
    once = with_entry(HOST, TANK)
    assert with_entry(once, TANK) == once


def test_a_mountpoint_that_only_starts_the_same_is_another_line():
    text = with_entry("UUID=9 /srv/tank2 ext4 defaults 0 0\n", TANK)
    assert "UUID=9 /srv/tank2 ext4 defaults 0 0" in text


def test_line_for_finds_the_mountpoints_line_and_ignores_comments():
    text = HOST + "  UUID=old   /srv/tank   btrfs   noatime 0 0  \n"
    assert line_for(text, "/srv/tank") == "UUID=old   /srv/tank   btrfs   noatime 0 0"
    assert line_for(HOST, "/srv/tank") is None
    assert line_for(HOST, "/") == "UUID=1111-2222 /               ext4    errors=remount-ro 0       1"


def test_read_of_a_missing_fstab_is_empty(tmp_path):
    assert fstab.read(tmp_path / "fstab") == ""


def test_recording_an_entry_replaces_the_file_keeping_other_lines(tmp_path):
    path = tmp_path / "fstab"
    path.write_text(HOST)
    fstab.recorded(path, TANK).apply()
    assert path.read_text() == HOST + TANK.line() + "\n"
    assert line_for(path.read_text(), "/srv/tank") == TANK.line()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fstab"]

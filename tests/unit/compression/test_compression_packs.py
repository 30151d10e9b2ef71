"""Packs: small files compressed together in one standard frame, each member checked on restore."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sigmavault.compression import (
    ArchiveError,
    CorruptFrameError,
    EngineOptions,
    compress_folder,
    load_manifest,
    restore_archive,
)
from sigmavault.compression.archive import scan
from sigmavault.compression.confined_files import Tree
from sigmavault.compression.manifest import DATA, PACKS
from sigmavault.compression.packs import candidate, write_pack
from sigmavault.compression.progress import Tracker


def test_small_files_share_packs_and_compress_better_than_one_by_one(log_family: Path, tmp_path: Path,
                                                                      same_tree) -> None:
    packed = compress_folder(log_family, tmp_path / "packed")
    alone = compress_folder(log_family, tmp_path / "alone", options=EngineOptions(pack_file_limit=0))

    assert {e.pack for e in packed.entries} == {"packs/000001.zst"}
    assert sorted(p.name for p in (tmp_path / "packed" / PACKS).iterdir()) == ["000001.zst"]
    assert not (tmp_path / "packed" / DATA).exists() or not any((tmp_path / "packed" / DATA).iterdir())
    packed_bytes = sum(e.compressed_size for e in packed.entries)
    assert packed_bytes == (tmp_path / "packed" / "packs" / "000001.zst").stat().st_size
    assert packed_bytes < 0.8 * sum(e.compressed_size for e in alone.entries)

    restore_archive(tmp_path / "packed", tmp_path / "restored")
    assert same_tree(log_family, tmp_path / "restored")


def test_small_files_of_every_class_are_packed_and_incompressible_ones_stored(corpus: Path, tmp_path: Path,
                                                                    same_tree) -> None:
    options = EngineOptions(pack_file_limit=64 << 10, pack_size=512 << 10)
    manifest = compress_folder(corpus, tmp_path / "archive", options=options)

    for entry in manifest.entries:
        assert bool(entry.pack) == (0 < entry.size <= options.pack_file_limit), entry
        # Already-compressed and random members are stored (raw blocks), the rest compressed.
        assert (entry.level == 0) == (entry.cls in ("compressed", "random")), entry
    packs = {e.pack for e in manifest.entries if e.pack}
    for pack in packs:  # one class per pack, so per-class stats are exact
        members = [e for e in manifest.entries if e.pack == pack]
        assert len({e.cls for e in members}) == 1
        total = sum(e.size for e in members)
        stored = 14 + total + 3 * (total // (128 << 10) + 2)   # frame header, the bytes, 3-byte block headers
        if members[0].level == 0:
            assert (tmp_path / "archive" / pack).stat().st_size <= stored
    assert {e.cls for e in manifest.entries if e.pack} == {"text", "structured", "source", "binary",
                                                          "compressed", "random"}
    assert any(not e.pack for e in manifest.entries), "the corpus should hold files larger than the limit"

    restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert same_tree(corpus, tmp_path / "restored")


def test_restore_keeps_mode_and_mtime_of_packed_files(log_family: Path, tmp_path: Path) -> None:
    one = log_family / "smbd-007.log"
    os.chmod(one, 0o640)
    os.utime(one, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    compress_folder(log_family, tmp_path / "archive")
    restore_archive(tmp_path / "archive", tmp_path / "restored")

    back = (tmp_path / "restored" / "smbd-007.log").stat()
    assert (back.st_mode & 0o7777, back.st_mtime_ns) == (0o640, 1_600_000_000_000_000_000)


def test_a_member_whose_bytes_changed_in_the_manifest_is_named(log_family: Path, tmp_path: Path) -> None:
    compress_folder(log_family, tmp_path / "archive")
    manifest_path = tmp_path / "archive" / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["entries"][3]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(data))

    with pytest.raises(CorruptFrameError, match=data["entries"][3]["path"]):
        restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


def test_damaged_pack_names_the_pack_and_the_files_it_holds(log_family: Path, tmp_path: Path) -> None:
    compress_folder(log_family, tmp_path / "archive")
    pack = tmp_path / "archive" / "packs" / "000001.zst"
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pack.write_bytes(bytes(data))

    with pytest.raises(CorruptFrameError, match=r"packs/000001.zst .*damaged.*the 60 files it holds: .* and 55 more"):
        restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert not (tmp_path / "restored").exists()


@pytest.mark.parametrize("pack", ["../outside.zst", "packs/../../x.zst", "data/a.zst", "/etc/passwd"])
def test_a_manifest_naming_a_pack_outside_the_archive_is_refused(log_family: Path, tmp_path: Path,
                                                                 pack: str) -> None:
    compress_folder(log_family, tmp_path / "archive")
    manifest_path = tmp_path / "archive" / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["entries"][0]["pack"] = pack
    manifest_path.write_text(json.dumps(data))

    with pytest.raises(ArchiveError, match="not a pack of this archive"):
        load_manifest(tmp_path / "archive")


def test_an_archive_of_the_first_format_still_restores(log_family: Path, tmp_path: Path, same_tree) -> None:
    """Format 1 had no packs: its entries carry neither pack nor offset."""
    compress_folder(log_family, tmp_path / "archive", options=EngineOptions(pack_file_limit=0))
    manifest_path = tmp_path / "archive" / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["format"] = 1
    for entry in data["entries"]:
        del entry["pack"], entry["offset"]
    manifest_path.write_text(json.dumps(data))

    restore_archive(tmp_path / "archive", tmp_path / "restored")
    assert same_tree(log_family, tmp_path / "restored")


def test_a_member_deleted_before_its_pack_is_written_is_recorded_as_skipped(tmp_path: Path) -> None:
    source, archive = tmp_path / "src", tmp_path / "archive"
    (archive / PACKS).mkdir(parents=True)
    source.mkdir()
    for name in ("a.log", "b.log"):
        (source / name).write_text(f"{name} line\n" * 50)
    with Tree(source) as tree:
        members = [candidate(rel, found, st) for rel, found, st in scan(tree)[0]]
        (source / "b.log").unlink()
        packed = write_pack(1, members, archive, 3, True, Tracker())
    assert [e.path for e in packed.entries] == ["a.log"]
    assert packed.skipped == [{"path": "b.log", "reason": "deleted while the archive was being made"}]

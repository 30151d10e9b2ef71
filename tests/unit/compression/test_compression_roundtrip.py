from __future__ import annotations

import json
from pathlib import Path

from sigmavault.compression import (
    EngineOptions,
    StatsReport,
    compress_file,
    compress_folder,
    decompress_file,
    load_manifest,
    restore_archive,
)

CORPUS_CLASSES = ("text", "structured", "source", "binary", "compressed", "random")


def test_corpus_has_every_class(corpus: Path) -> None:
    for cls in CORPUS_CLASSES:
        assert any(p.is_file() for p in (corpus / cls).rglob("*")), cls


def test_folder_round_trip_is_byte_identical_for_every_class(corpus: Path, store, tmp_path: Path, same_tree) -> None:
    manifest = compress_folder(corpus, tmp_path / "archive", store=store)
    restore_archive(tmp_path / "archive", tmp_path / "restored", store=store)

    assert same_tree(corpus, tmp_path / "restored")
    for cls in CORPUS_CLASSES:
        assert same_tree(corpus / cls, tmp_path / "restored" / cls), cls
    assert set(manifest.stats["classes"]) == set(CORPUS_CLASSES)


def test_every_profile_round_trips_the_corpus(corpus: Path, tmp_path: Path, same_tree) -> None:
    for profile in ("fast", "max"):
        options = EngineOptions(profile=profile, whole_file_limit=256 << 10)  # exercise the streamed path too
        compress_folder(corpus / "text", tmp_path / profile, options=options)
        restore_archive(tmp_path / profile, tmp_path / f"{profile}-restored", options=options)
        assert same_tree(corpus / "text", tmp_path / f"{profile}-restored")


def test_manifest_records_sizes_hashes_class_level_and_dictionary(corpus: Path, store, tmp_path: Path) -> None:
    compress_folder(corpus, tmp_path / "archive", store=store)
    manifest = load_manifest(tmp_path / "archive")
    raw = json.loads((tmp_path / "archive" / "manifest.json").read_text())

    entry = next(e for e in manifest.entries if e.path.startswith("random/"))
    assert (entry.cls, entry.level, entry.dict_id) == ("random", 0, 0)
    assert entry.size == (corpus / entry.path).stat().st_size
    held = sum(e.compressed_size for e in manifest.entries if e.data_path == entry.data_path)
    assert held == (tmp_path / "archive" / entry.data_path).stat().st_size   # its frame, or its pack
    assert set(raw["entries"][0]) >= {"path", "size", "sha256", "cls", "level", "dict_id"}
    assert raw["dictionaries"] == manifest.dictionaries


def test_archive_is_smaller_than_its_source(corpus: Path, store, tmp_path: Path) -> None:
    manifest = compress_folder(corpus, tmp_path / "archive", store=store)
    stats = StatsReport.from_dict(manifest.stats)

    assert stats.total().bytes_out < stats.total().bytes_in
    assert stats.classes["text"].ratio > 2.5
    assert 0.99 < stats.classes["random"].ratio <= 1.0


def test_single_file_round_trip_including_empty_file(tmp_path: Path) -> None:
    for name, data in (("empty", b""), ("text", b"hello NAS\n" * 5000)):
        src = tmp_path / name
        src.write_bytes(data)
        done = compress_file(src, tmp_path / f"{name}.zst")
        decompress_file(tmp_path / f"{name}.zst", tmp_path / f"{name}.out", expected_sha256=done.sha256)
        assert (tmp_path / f"{name}.out").read_bytes() == data


def test_streamed_large_file_round_trips(tmp_path: Path) -> None:
    src = tmp_path / "big.log"
    src.write_bytes(b"".join(b"line %d of a log that repeats\n" % (i % 977) for i in range(300_000)))
    options = EngineOptions(whole_file_limit=1 << 20, chunk_size=256 << 10, large_file_size=4 << 20,
                            multithread_size=2 << 20)

    done = compress_file(src, tmp_path / "big.zst", options=options)
    decompress_file(tmp_path / "big.zst", tmp_path / "big.out", options=options)

    assert done.compressed_size < done.size // 10
    assert (tmp_path / "big.out").read_bytes() == src.read_bytes()


def test_symlinks_are_listed_as_skipped_not_followed(tmp_path: Path) -> None:
    source = tmp_path / "share"
    source.mkdir()
    (source / "real.txt").write_text("kept\n")
    (source / "link.txt").symlink_to("/etc/hostname")

    manifest = compress_folder(source, tmp_path / "archive")

    assert [e.path for e in manifest.entries] == ["real.txt"]
    assert manifest.skipped == [{"path": "link.txt", "reason": "symlink to /etc/hostname"}]

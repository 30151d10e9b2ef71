"""Dictionaries: trained for families of small files, stored by id, kept while referenced."""

from __future__ import annotations

from pathlib import Path

import pytest

from sigmavault.compression import (
    DictionaryInUseError,
    EngineOptions,
    MissingDictionaryError,
    compress_file,
    compress_folder,
    decompress_file,
    restore_archive,
)

# Dictionaries serve small files compressed one by one: an archive that packs none.
ONE_BY_ONE = EngineOptions(pack_file_limit=0)


def test_family_of_small_logs_gets_a_dictionary_that_shrinks_it(log_family: Path, store, tmp_path: Path) -> None:
    with_dict = compress_folder(log_family, tmp_path / "with", store=store, options=ONE_BY_ONE)
    without = compress_folder(log_family, tmp_path / "without", options=ONE_BY_ONE)

    (dict_id,) = with_dict.dictionaries
    info = store.info(dict_id)
    assert (info.family, info.version) == ("text:.log", 1)
    assert store.path(dict_id).read_bytes()[:4] == b"\x37\xa4\x30\xec"  # zstd dictionary magic
    size = lambda m: sum(e.compressed_size for e in m.entries)  # noqa: E731
    assert size(with_dict) < size(without) * 0.75
    assert size(with_dict) + info.size < size(without)  # it pays for itself within one archive


def test_second_archive_reuses_the_stored_dictionary(log_family: Path, store, tmp_path: Path) -> None:
    first = compress_folder(log_family, tmp_path / "first", store=store, options=ONE_BY_ONE)
    second = compress_folder(log_family, tmp_path / "second", store=store, options=ONE_BY_ONE)

    assert first.dictionaries == second.dictionaries
    assert len(store.list()) == 1
    assert sorted(store.references(first.dictionaries[0])) == sorted([first.archive_id, second.archive_id])


def test_referenced_dictionary_cannot_be_removed_until_released(log_family: Path, store, tmp_path: Path) -> None:
    manifest = compress_folder(log_family, tmp_path / "archive", store=store, options=ONE_BY_ONE)
    (dict_id,) = manifest.dictionaries

    with pytest.raises(DictionaryInUseError, match=manifest.archive_id):
        store.remove(dict_id)
    assert store.path(dict_id).exists()

    store.release(manifest.archive_id)
    store.remove(dict_id)
    assert not store.path(dict_id).exists()


def test_adding_the_same_dictionary_twice_keeps_one_file(log_family: Path, store) -> None:
    samples = [p.read_bytes() for p in sorted(log_family.iterdir())]
    first = store.train("text:.log", samples, 8192)
    again = store.add(store.path(first.dict_id).read_bytes(), "text:.log")

    assert again == first
    assert [p.name for p in store.root.glob("*.dict")] == [f"{first.dict_id}.dict"]


def test_missing_dictionary_error_names_the_id(log_family: Path, store, tmp_path: Path) -> None:
    manifest = compress_folder(log_family, tmp_path / "archive", store=store, options=ONE_BY_ONE)
    (dict_id,) = manifest.dictionaries
    store.path(dict_id).unlink()  # the store lost the file behind the engine's back

    with pytest.raises(MissingDictionaryError, match=str(dict_id)) as caught:
        restore_archive(tmp_path / "archive", tmp_path / "restored", store=type(store)(store.root))
    assert caught.value.dict_id == dict_id
    assert not (tmp_path / "restored").exists()


def test_single_frame_with_dictionary_needs_that_dictionary(log_family: Path, store, tmp_path: Path) -> None:
    samples = [p.read_bytes() for p in sorted(log_family.iterdir())]
    info = store.train("text:.log", samples, 8192)
    src = log_family / "smbd-000.log"
    done = compress_file(src, tmp_path / "one.zst", store=store, dict_id=info.dict_id)
    assert done.dict_id == info.dict_id

    with pytest.raises(MissingDictionaryError, match=str(info.dict_id)):
        decompress_file(tmp_path / "one.zst", tmp_path / "one.out")
    decompress_file(tmp_path / "one.zst", tmp_path / "one.out", store=store)
    assert (tmp_path / "one.out").read_bytes() == src.read_bytes()


def test_retrained_family_gets_the_next_version(log_family: Path, store) -> None:
    files = sorted(log_family.iterdir())
    first = store.train("text:.log", [p.read_bytes() for p in files[:30]], 4096)
    second = store.train("text:.log", [p.read_bytes() for p in files[30:]], 4096)

    assert (first.version, second.version) == (1, 2)
    assert store.latest("text:.log") == second
    assert {p.name for p in store.root.glob("*.dict")} == {f"{first.dict_id}.dict", f"{second.dict_id}.dict"}

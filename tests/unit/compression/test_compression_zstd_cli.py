"""Our frames are standard zstd: the Debian zstd command decodes them, with -D for dictionary frames."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sigmavault.compression import EngineOptions, compress_file, compress_folder, load_manifest


def zstd_decode(zstd_cli: str, frame: Path, out: Path, dictionary: Path | None = None) -> bytes:
    extra = ["-D", str(dictionary)] if dictionary else []
    subprocess.run([zstd_cli, "-q", "-d", *extra, str(frame), "-o", str(out)], check=True)
    return out.read_bytes()


def test_zstd_cli_decodes_compressed_and_stored_frames(zstd_cli: str, tmp_path: Path) -> None:
    samples = {"text": b"the quick brown fox\n" * 3000, "random": os.urandom(300_000), "empty": b""}
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
        done = compress_file(tmp_path / name, tmp_path / f"{name}.zst")
        assert zstd_decode(zstd_cli, tmp_path / f"{name}.zst", tmp_path / f"{name}.out") == data, name
        assert (done.level == 0) == (name in ("random", "empty")), name


def test_zstd_cli_decodes_dictionary_frames_with_the_stored_dictionary(
    zstd_cli: str, log_family: Path, store, tmp_path: Path
) -> None:
    manifest = compress_folder(log_family, tmp_path / "archive", store=store,
                               options=EngineOptions(pack_file_limit=0))
    with_dict = [e for e in manifest.entries if e.dict_id]
    assert with_dict, "the log family should have been given a dictionary"

    for entry in with_dict[:5]:
        out = tmp_path / f"{entry.path}.out"
        decoded = zstd_decode(zstd_cli, tmp_path / "archive" / entry.data_path, out, store.path(entry.dict_id))
        assert decoded == (log_family / entry.path).read_bytes()


def test_zstd_cli_decodes_every_frame_of_the_corpus_archive(
    zstd_cli: str, corpus: Path, store, tmp_path: Path
) -> None:
    compress_folder(corpus, tmp_path / "archive", store=store, options=EngineOptions(pack_file_limit=64 << 10))
    entries = load_manifest(tmp_path / "archive").entries
    assert {bool(e.pack) for e in entries} == {True, False}, "the corpus should give both packs and lone frames"
    for entry in entries:
        dictionary = store.path(entry.dict_id) if entry.dict_id else None
        out = tmp_path / "out"
        decoded = zstd_decode(zstd_cli, tmp_path / "archive" / entry.data_path, out, dictionary)
        if entry.pack:  # a pack decodes to its members one after another
            decoded = decoded[entry.offset:entry.offset + entry.size]
        assert decoded == (corpus / entry.path).read_bytes(), entry.path
        out.unlink()

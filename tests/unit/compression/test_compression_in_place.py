"""An original is removed only after its compressed copy decoded back to the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sigmavault.compression import ArchiveError, VerificationError, compress_file, compress_in_place, decompress_file
from sigmavault.compression import encode as encode_module

TEXT = b"".join(b"%d: snapshot tank/media@daily created\n" % i for i in range(20_000))


def test_in_place_replaces_original_with_a_frame_that_restores_it(tmp_path: Path) -> None:
    src = tmp_path / "daily.log"
    src.write_bytes(TEXT)
    os.chmod(src, 0o640)

    done = compress_in_place(src)

    assert not src.exists()
    assert (tmp_path / "daily.log.zst").stat().st_mode & 0o777 == 0o640
    decompress_file(tmp_path / "daily.log.zst", tmp_path / "back.log", expected_sha256=done.sha256)
    assert (tmp_path / "back.log").read_bytes() == TEXT


class LyingDecompressor:
    def decompress(self, frame: bytes, max_output_size: int = 0) -> bytes:
        return b"not what was written"


def test_failed_verification_keeps_the_original_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "daily.log"
    src.write_bytes(TEXT)
    monkeypatch.setattr(encode_module, "decompressor_with", lambda dictionary: LyingDecompressor())

    with pytest.raises(VerificationError, match="daily.log"):
        compress_in_place(src)

    assert src.read_bytes() == TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daily.log"]


def test_compress_file_refuses_to_overwrite_an_existing_frame(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(TEXT)
    (tmp_path / "a.zst").write_bytes(b"precious")

    with pytest.raises(ArchiveError, match="already exists"):
        compress_file(tmp_path / "a", tmp_path / "a.zst")
    assert (tmp_path / "a.zst").read_bytes() == b"precious"

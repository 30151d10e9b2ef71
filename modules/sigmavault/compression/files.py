"""Single-file jobs: compress a file into a frame, decompress a frame, compress a file in place."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sigmavault.files import fsync_dir

from .decode import Decoded, decode_file
from .dictstore import DictionaryStore
from .encode import Encoded, encode_file
from .errors import VerificationError
from .options import EngineOptions
from .progress import ProgressCallback, Tracker


def compress_file(
    src: Path | str,
    dst: Path | str,
    *,
    options: EngineOptions | None = None,
    store: DictionaryStore | None = None,
    dict_id: int = 0,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    overwrite: bool = False,
) -> Encoded:
    """Compress src into one standard zstd frame at dst, verified before dst appears.

    With ``dict_id`` the store's dictionary is used whenever the file is compressed (not stored);
    decode such a frame with ``zstd -d -D <store>/<dict_id>.dict``.
    """
    src, dst, options = Path(src), Path(dst), options or EngineOptions()
    tracker = Tracker(src.stat().st_size, 1, progress, cancel)
    dictionary = store.load(dict_id) if dict_id and store is not None else None
    if dict_id and store is None:
        raise ValueError("dict_id needs the DictionaryStore that holds it")
    chooser = (lambda plan: dictionary) if dictionary is not None else None
    return encode_file(src, dst, options=options, tracker=tracker, choose_dictionary=chooser,
                       overwrite=overwrite)


def decompress_file(
    src: Path | str,
    dst: Path | str,
    *,
    store: DictionaryStore | None = None,
    options: EngineOptions | None = None,
    expected_sha256: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    overwrite: bool = False,
) -> Decoded:
    """Decompress the frame file src into dst; MissingDictionaryError names a dictionary store lacks."""
    src, dst, options = Path(src), Path(dst), options or EngineOptions()
    tracker = Tracker(0, 1, progress, cancel)
    return decode_file(src, dst, store=store, options=options, tracker=tracker,
                       expected_sha256=expected_sha256, overwrite=overwrite)


def compress_in_place(
    path: Path | str,
    *,
    options: EngineOptions | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Encoded:
    """Replace path by path.zst. The original is removed only after the frame has been verified
    (decompressed and compared), synced to disk, and the original found unchanged since it was read."""
    path = Path(path)
    options = options or EngineOptions()
    if not options.verify:
        raise ValueError("compress_in_place always verifies; pass options with verify=True")
    before = path.stat()
    dst = path.with_name(path.name + ".zst")
    tracker = Tracker(before.st_size, 1, progress, cancel)
    done = encode_file(path, dst, options=options, tracker=tracker)  # staged: written durably
    after = path.stat()
    if (after.st_size, after.st_mtime_ns, after.st_ino) != (before.st_size, before.st_mtime_ns, before.st_ino):
        dst.unlink()
        raise VerificationError(f"{path} changed while it was being compressed; it was kept as it is")
    os.chmod(dst, before.st_mode & 0o7777)
    os.unlink(path)
    fsync_dir(path.parent)
    return done

"""Reading frame headers, finding the dictionary a frame needs, and translating zstd's errors."""

from __future__ import annotations

import threading

import zstandard

from .dictstore import DictionaryStore
from .errors import CorruptFrameError, MissingDictionaryError

#: Enough bytes for any zstd frame header.
HEADER_MAX = 18
_local = threading.local()


def frame_dict_id(head: bytes, name: str = "data") -> int:
    """The dictionary id recorded in a frame header (0 = none); CorruptFrameError if it is not zstd."""
    return frame_parameters(head, name).dict_id


def decompressor(dict_id: int, store: DictionaryStore | None) -> zstandard.ZstdDecompressor:
    """A decompressor for frames made with dict_id (0 = no dictionary), which store must hold."""
    if not dict_id:
        return decompressor_with(None)
    if store is None:
        raise MissingDictionaryError(dict_id, None)
    return store.decompressor(dict_id)


def corrupt(name: str, exc: Exception) -> CorruptFrameError:
    return CorruptFrameError(f"{name} cannot be decompressed ({exc}); the compressed copy is damaged")


def decompressor_with(dictionary: zstandard.ZstdCompressionDict | None) -> zstandard.ZstdDecompressor:
    """A per-thread decompressor for frames made with this dictionary object (or none)."""
    cache: dict[int, zstandard.ZstdDecompressor] = _local.__dict__.setdefault("dctx_obj", {})
    key = id(dictionary) if dictionary is not None else 0
    dctx = cache.get(key)
    if dctx is None:
        dctx = cache[key] = zstandard.ZstdDecompressor(dict_data=dictionary)
    return dctx


def frame_parameters(head: bytes, name: str = "data") -> zstandard.FrameParameters:
    """Parsed frame header; CorruptFrameError if head does not start a zstd frame."""
    try:
        return zstandard.get_frame_parameters(head)
    except zstandard.ZstdError as exc:
        raise CorruptFrameError(f"{name} is not a zstd frame ({exc}); the copy is damaged") from exc

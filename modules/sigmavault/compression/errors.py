"""Every failure of the compression engine is a CompressionError whose message says what to do."""

from __future__ import annotations


class CompressionError(Exception):
    """Base class: the message names the file or dictionary involved and what the owner can do."""


class CorruptFrameError(CompressionError):
    """A compressed file is not a valid zstd frame, is truncated, or does not decode to the recorded hash."""


class MissingDictionaryError(CompressionError):
    """A frame was compressed with a dictionary that the dictionary store does not hold."""

    def __init__(self, dict_id: int, store: str | None) -> None:
        where = f"dictionary store {store}" if store else "no dictionary store was given"
        super().__init__(
            f"zstd dictionary {dict_id} is needed to decompress this data but is missing ({where}); "
            f"restore the file {dict_id}.dict into the dictionary store and try again"
        )
        self.dict_id = dict_id


class DictionaryInUseError(CompressionError):
    """A dictionary cannot be removed because an archive still references it."""


class CancelledError(CompressionError):
    """The job was cancelled; nothing half-written was left behind."""


class VerificationError(CompressionError):
    """The compressed copy did not decompress to the original bytes, so the original was kept."""


class ArchiveError(CompressionError):
    """An archive directory is missing, incomplete, or the destination is already taken."""

"""The classes of data the engine tells apart; stats are kept per class."""

from __future__ import annotations

from enum import StrEnum


class DataClass(StrEnum):
    TEXT = "text"
    STRUCTURED = "structured"
    SOURCE = "source"
    BINARY = "binary"
    COMPRESSED = "compressed"
    RANDOM = "random"

    @property
    def label(self) -> str:
        """The name a NAS owner sees in the control panel."""
        return LABELS[self]


LABELS = {
    DataClass.TEXT: "text/log",
    DataClass.STRUCTURED: "json/csv",
    DataClass.SOURCE: "source",
    DataClass.BINARY: "binary/executable",
    DataClass.COMPRESSED: "already-compressed",
    DataClass.RANDOM: "random/encrypted",
}

#: Classes whose small files share enough vocabulary that a trained dictionary usually pays off.
DICTIONARY_CLASSES = frozenset({DataClass.TEXT, DataClass.STRUCTURED, DataClass.SOURCE, DataClass.BINARY})

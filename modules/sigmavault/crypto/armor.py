"""ASCII armor for age files: strict PEM (RFC 7468) labelled "AGE ENCRYPTED FILE".

Reading is line by line and rejects anything but canonical, 64-column,
padded base64; only whitespace around the block and CRLF line ends are
tolerated, as the age spec allows.
"""

from __future__ import annotations

import base64
import re

from .errors import ArmorError
from .payload import Writable
from .source import Readable, Source

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
_COLUMNS = 64
_BYTES_PER_LINE = _COLUMNS // 4 * 3
_WHITESPACE = b" \t\r\n"
_MAX_WHITESPACE = 64 * 1024
_LINE = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


def looks_armored(start: bytes) -> bool:
    """True when ``start`` (the first bytes of a file) opens an armored age file."""
    return start.lstrip(_WHITESPACE).startswith(b"-----BEGIN")


class ArmorWriter:
    """Base64-encodes everything written into ``out``; ``close()`` writes the END line."""

    def __init__(self, out: Writable) -> None:
        self._out = out
        self._pending = b""
        out.write(BEGIN + b"\n")

    def write(self, data: bytes) -> int:
        self._pending += data
        whole = len(self._pending) - len(self._pending) % _BYTES_PER_LINE
        if whole:
            text = base64.b64encode(self._pending[:whole])
            self._out.write(b"".join(text[i : i + _COLUMNS] + b"\n" for i in range(0, len(text), _COLUMNS)))
            self._pending = self._pending[whole:]
        return len(data)

    def close(self) -> None:
        if self._pending:
            self._out.write(base64.b64encode(self._pending) + b"\n")
        self._out.write(END + b"\n")
        self._pending = b""


class ArmorReader:
    """Decodes an armored age file from ``stream``; raises ArmorError on any deviation."""

    def __init__(self, stream: Readable) -> None:
        self._src = Source(stream)
        self._decoded = bytearray()
        self._started = False
        self._last_seen = False
        self._done = False

    def read(self, size: int = -1) -> bytes:
        if not self._started:
            self._begin()
        while not self._done and (size < 0 or len(self._decoded) < size):
            self._next_line()
        if size < 0:
            size = len(self._decoded)
        data = bytes(self._decoded[:size])
        del self._decoded[:size]
        return data

    def _line(self) -> tuple[bytes, bool]:
        line = self._src.readline(_COLUMNS + 3)
        if line.endswith(b"\r\n"):
            return line[:-2], True
        if line.endswith(b"\n"):
            return line[:-1], True
        return line, False

    def _begin(self) -> None:
        self._started = True
        skipped = 0
        while self._src.peek(1) and self._src.peek(1) in _WHITESPACE and skipped < _MAX_WHITESPACE:
            self._src.read(1)
            skipped += 1
        text, eol = self._line()
        if text != BEGIN or not eol:
            raise ArmorError("not an armored age file (missing BEGIN AGE ENCRYPTED FILE line)")

    def _next_line(self) -> None:
        text, eol = self._line()
        if text == END:
            self._finish()
            return
        if len(text) > _COLUMNS:
            raise ArmorError("armor line is longer than 64 columns")
        if not eol:
            raise ArmorError("the armored file is truncated (missing END AGE ENCRYPTED FILE line)")
        if self._last_seen:
            raise ArmorError("armor line after the short final line")
        if not text or not _LINE.fullmatch(text) or len(text) % 4:
            raise ArmorError("armor line is empty, too long, unpadded or has invalid characters")
        decoded = base64.b64decode(text)
        if base64.b64encode(decoded) != text:
            raise ArmorError("armor line is not canonical base64")
        self._last_seen = len(text) < _COLUMNS or text.endswith(b"=")
        self._decoded += decoded

    def _finish(self) -> None:
        self._done = True
        trailing = self._src.read(_MAX_WHITESPACE + 1)
        if trailing.strip(_WHITESPACE) or len(trailing) > _MAX_WHITESPACE:
            raise ArmorError("unexpected data after the END AGE ENCRYPTED FILE line")

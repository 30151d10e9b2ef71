"""A small buffered reader over any binary stream: exact reads, bounded lines, peeking.

The header parser needs lines, the payload needs exact-size chunks and the
format sniffing needs to look ahead; pipes may return short reads. This
wrapper gives all three without ever holding more than one chunk or line.
"""

from __future__ import annotations

from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Source:
    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self._buf = bytearray()
        self._pos = 0
        self._eof = False

    def _available(self) -> int:
        return len(self._buf) - self._pos

    def _fill(self, size: int) -> None:
        if self._pos and self._pos * 2 >= len(self._buf):
            del self._buf[: self._pos]
            self._pos = 0
        while self._available() < size and not self._eof:
            data = self._stream.read(max(size - self._available(), 8192))
            if data:
                self._buf += data
            else:
                self._eof = True

    def peek(self, size: int) -> bytes:
        """Return up to ``size`` bytes without consuming them."""
        self._fill(size)
        return bytes(self._buf[self._pos : self._pos + size])

    def read(self, size: int) -> bytes:
        """Return exactly ``size`` bytes, or fewer only at end of stream."""
        self._fill(size)
        data = bytes(self._buf[self._pos : self._pos + size])
        self._pos += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """Return one line including its LF; at most ``limit`` bytes; no LF means EOF or too long."""
        scanned = 0
        while True:
            end = self._buf.find(b"\n", self._pos + scanned, self._pos + limit)
            if end != -1:
                return self.read(end - self._pos + 1)
            if self._available() >= limit or self._eof:
                return self.read(limit)
            scanned = self._available()
            self._fill(scanned + 1)

"""The textual age v1 header: version line, recipient stanzas, MAC line.

Parsing is strict (canonical base64, 64-column bodies, LF only) so that the
bytes the MAC covers are exactly the bytes a re-encoding would produce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import b64
from .errors import HeaderError
from .primitives import hkdf_sha256, hmac_sha256
from .source import Source

VERSION_LINE = b"age-encryption.org/v1\n"
_VERSION_PREFIX = b"age-encryption.org/"
_COLUMNS = 64
_MAX_LINE = 64 * 1024
_MAX_STANZAS = 256
_ARGUMENT = re.compile(rb"[\x21-\x7e]+")


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: ``-> type args...`` and a binary body."""

    type: str
    args: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Header:
    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes  # the header up to and including "---"


def encode_stanza(stanza: Stanza) -> bytes:
    line = " ".join(("->", stanza.type, *stanza.args)).encode("ascii") + b"\n"
    body = b64.encode(stanza.body).encode("ascii")
    lines = [body[i : i + _COLUMNS] for i in range(0, len(body), _COLUMNS)]
    if not lines or len(lines[-1]) == _COLUMNS:
        lines.append(b"")
    return line + b"".join(chunk + b"\n" for chunk in lines)


def mac_key(file_key: bytes) -> bytes:
    return hkdf_sha256(file_key, b"", b"header")


def encode_header(stanzas: list[Stanza], file_key: bytes) -> bytes:
    """The complete header, MAC line included, for ``file_key``."""
    mac_input = VERSION_LINE + b"".join(encode_stanza(s) for s in stanzas) + b"---"
    mac = hmac_sha256(mac_key(file_key), mac_input)
    return mac_input + b" " + b64.encode(mac).encode("ascii") + b"\n"


def _line(source: Source) -> bytes:
    line = source.readline(_MAX_LINE)
    if not line.endswith(b"\n"):
        raise HeaderError("the header is truncated or has an over-long line")
    return line


def _arguments(line: bytes) -> tuple[str, tuple[str, ...]]:
    parts = line[3:-1].split(b" ")
    if not all(_ARGUMENT.fullmatch(p) for p in parts):
        raise HeaderError("a recipient stanza has an empty or invalid argument")
    return parts[0].decode("ascii"), tuple(p.decode("ascii") for p in parts[1:])


def _body(source: Source, raw: list[bytes]) -> bytes:
    encoded = b""
    while True:
        line = _line(source)
        raw.append(line)
        text = line[:-1]
        if text.startswith((b"-> ", b"---")):
            raise HeaderError("a recipient stanza has no final body line shorter than 64 columns")
        if len(text) > _COLUMNS:
            raise HeaderError("a stanza body line is longer than 64 columns")
        encoded += text
        if len(text) < _COLUMNS:
            break
    try:
        return b64.decode(encoded)
    except ValueError as exc:
        raise HeaderError(f"a stanza body is not canonical base64: {exc}") from None


def parse_header(source: Source) -> Header:
    """Read the header from ``source``, leaving it positioned at the payload nonce."""
    first = source.readline(len(VERSION_LINE))
    if first != VERSION_LINE:
        if first and VERSION_LINE.startswith(first):
            raise HeaderError("the file ends inside the age header (truncated file)")
        if first == VERSION_LINE[:-1] + b"\r":
            raise HeaderError("the header has CRLF line endings (was the file converted to Windows text?)")
        if first.startswith(_VERSION_PREFIX):
            raise HeaderError("unsupported age format version (only age-encryption.org/v1 is known)")
        raise HeaderError("not an age encrypted file (missing age-encryption.org/v1 line)")
    raw = [first]
    stanzas: list[Stanza] = []
    while True:
        line = _line(source)
        if line.startswith(b"-> "):
            raw.append(line)
            kind, args = _arguments(line)
            stanzas.append(Stanza(kind, args, _body(source, raw)))
            if len(stanzas) > _MAX_STANZAS:
                raise HeaderError("the header has too many recipient stanzas")
        elif line.startswith(b"--- "):
            raw.append(b"---")
            break
        else:
            raise HeaderError("the header has a line that is neither a stanza nor the MAC")
    if not stanzas:
        raise HeaderError("the header has no recipient stanza")
    try:
        mac = b64.decode(line[4:-1])
    except ValueError:
        raise HeaderError("the header MAC is not canonical base64") from None
    if len(mac) != 32:
        raise HeaderError("the header MAC has the wrong length")
    return Header(tuple(stanzas), mac, b"".join(raw))

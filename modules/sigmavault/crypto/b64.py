"""The unpadded, canonical base64 of the age header (RFC 4648 section 4, no '=')."""

from __future__ import annotations

import base64
import re

_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def decode(text: str | bytes) -> bytes:
    """Decode strictly; raise ValueError on padding, stray characters or non-canonical bits."""
    raw = text.encode("ascii", "replace") if isinstance(text, str) else text
    if not _ALPHABET.fullmatch(raw) or len(raw) % 4 == 1:
        raise ValueError("not valid unpadded base64")
    data = base64.b64decode(raw + b"=" * (-len(raw) % 4))
    if encode(data).encode("ascii") != raw:
        raise ValueError("non-canonical base64 encoding")
    return data

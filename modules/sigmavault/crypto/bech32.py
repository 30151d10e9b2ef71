"""Bech32 (BIP 173) as age uses it: no length limit, one case per string.

The checksum is always computed over the lowercase form; age writes
identities in uppercase and recipients in lowercase.
"""

from __future__ import annotations

from .errors import KeyFormatError

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        raise KeyFormatError("invalid padding in the Bech32 data")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under ``hrp``; the result has the case of ``hrp``."""
    upper = hrp.isupper()
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod(_hrp_expand(hrp) + values + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    text = hrp + "1" + "".join(CHARSET[v] for v in values + checksum)
    return text.upper() if upper else text


def decode(text: str) -> tuple[str, bytes]:
    """Return ``(hrp, data)``; the HRP keeps the case it was written in."""
    if text.lower() != text and text.upper() != text:
        raise KeyFormatError("mixed upper and lower case")
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise KeyFormatError("invalid character")
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        raise KeyFormatError("separator '1' at an invalid position")
    hrp, lowered = text[:pos], text.lower()
    try:
        values = [CHARSET.index(c) for c in lowered[pos + 1 :]]
    except ValueError:
        raise KeyFormatError("invalid character in the data part") from None
    if _polymod(_hrp_expand(hrp.lower()) + values) != 1:
        raise KeyFormatError("invalid checksum (a character is mistyped or missing)")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))

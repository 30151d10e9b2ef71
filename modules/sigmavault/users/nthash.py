"""The NT hash Samba keeps for a password (MD4 of its UTF-16LE form), to compare without changing anything.

OpenSSL 3 no longer offers MD4, so it is computed here (RFC 1320). It serves only to tell whether
the passdb already holds the declared password; it protects nothing.
"""

import struct


def _rotate(value: int, bits: int) -> int:
    value &= 0xFFFFFFFF
    return ((value << bits) | (value >> (32 - bits))) & 0xFFFFFFFF


def md4(message: bytes) -> bytes:
    length = len(message) * 8
    message += b"\x80" + b"\x00" * ((55 - len(message)) % 64) + struct.pack("<Q", length)
    state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    for offset in range(0, len(message), 64):
        x = struct.unpack("<16I", message[offset:offset + 64])
        a, b, c, d = state
        for i in range(16):   # round 1: F(b,c,d) = b&c | ~b&d
            k, s = i, (3, 7, 11, 19)[i % 4]
            a, b, c, d = d, _rotate(a + ((b & c) | (~b & d)) + x[k], s), b, c
        for i in range(16):   # round 2: G = majority, columns of x
            k, s = (i % 4) * 4 + i // 4, (3, 5, 9, 13)[i % 4]
            a, b, c, d = d, _rotate(a + ((b & c) | (b & d) | (c & d)) + x[k] + 0x5A827999, s), b, c
        for i in range(16):   # round 3: H = parity, bit-reversed order of x
            k, s = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[i], (3, 9, 11, 15)[i % 4]
            a, b, c, d = d, _rotate(a + (b ^ c ^ d) + x[k] + 0x6ED9EBA1, s), b, c
        state = [(v + w) & 0xFFFFFFFF for v, w in zip(state, (a, b, c, d), strict=True)]
    return struct.pack("<4I", *state)


def nt_hash(password: str) -> str:
    """As pdbedit -w prints it: 32 upper-case hex digits."""
    return md4(password.encode("utf-16-le")).hex().upper()

"""The age payload: a 16-byte nonce, then STREAM chunks of 64 KiB (ChaCha20-Poly1305).

Both directions hold one chunk at a time, so memory stays constant whatever
the file size. Decryption releases a chunk only once its tag has verified.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .errors import HeaderError, PayloadError
from .primitives import TAG_SIZE, hkdf_sha256
from .source import Source

CHUNK_SIZE = 64 * 1024
NONCE_SIZE = 16
_MAX_COUNTER = 1 << 88


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    return hkdf_sha256(file_key, nonce, b"payload")


def _chunk_nonce(counter: int, final: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise PayloadError("the payload has more chunks than STREAM allows")
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _read_chunk(stream: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data


def encrypt_payload(file_key: bytes, plaintext: BinaryIO, out: Writable) -> None:
    """Write nonce and STREAM ciphertext of everything read from ``plaintext``."""
    nonce = os.urandom(NONCE_SIZE)
    aead = ChaCha20Poly1305(payload_key(file_key, nonce))
    out.write(nonce)
    counter = 0
    chunk = _read_chunk(plaintext, CHUNK_SIZE)
    while True:
        following = _read_chunk(plaintext, CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
        final = not following
        out.write(aead.encrypt(_chunk_nonce(counter, final), chunk, None))
        if final:
            return
        chunk, counter = following, counter + 1


def decrypt_payload(file_key: bytes, source: Source, out: Writable) -> None:
    """Verify and write the plaintext chunk by chunk; raise PayloadError on any damage."""
    nonce = source.read(NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise HeaderError("the file ends before the payload nonce (truncated file)")
    aead = ChaCha20Poly1305(payload_key(file_key, nonce))
    counter = 0
    while True:
        data = source.read(CHUNK_SIZE + TAG_SIZE)
        more = bool(source.peek(1))
        if len(data) < TAG_SIZE:
            raise PayloadError("the payload is truncated (a chunk is missing or cut short)")
        plaintext, final = _open_chunk(aead, counter, data, full=len(data) == CHUNK_SIZE + TAG_SIZE)
        if final and not plaintext and counter > 0:
            raise PayloadError("the payload ends with an empty final chunk")
        out.write(plaintext)
        if final:
            if more:
                raise PayloadError("the payload has data after its final chunk")
            return
        if not more:
            raise PayloadError("the payload is truncated (the final chunk is missing)")
        counter += 1


def _open_chunk(aead: ChaCha20Poly1305, counter: int, data: bytes, full: bool) -> tuple[bytes, bool]:
    """A short chunk can only be final; a full one is usually not, but may be."""
    order = (False, True) if full else (True,)
    for final in order:
        try:
            return aead.decrypt(_chunk_nonce(counter, final), data, None), final
        except InvalidTag:
            continue
    raise PayloadError("the payload was modified or is corrupted (a chunk failed to authenticate)")

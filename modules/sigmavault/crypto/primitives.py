"""The symmetric building blocks age uses, all from pyca/cryptography."""

from __future__ import annotations

import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as pyca_hmac
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FILE_KEY_SIZE = 16
TAG_SIZE = 16
WRAPPED_KEY_SIZE = FILE_KEY_SIZE + TAG_SIZE
_ZERO_NONCE = bytes(12)


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF-SHA-256 (RFC 5869) with a 32-byte output; an empty salt means no salt."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(ikm)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    mac = pyca_hmac.HMAC(key, hashes.SHA256())
    mac.update(message)
    return mac.finalize()


def equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def seal_file_key(wrap_key: bytes, file_key: bytes) -> bytes:
    """ChaCha20-Poly1305 with the all-zero nonce, as every native age stanza uses it."""
    return ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)


def open_file_key(wrap_key: bytes, body: bytes) -> bytes | None:
    """Return the file key, or None when the tag does not verify (not our stanza)."""
    try:
        return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None

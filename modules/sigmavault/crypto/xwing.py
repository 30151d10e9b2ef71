"""The default profile: age's native ``mlkem768x25519`` (X-Wing) hybrid recipient.

Byte-compatible with age v1.3 and the C2SP age spec: identities are 32-byte
seeds encoded ``AGE-SECRET-KEY-PQ-1...``, recipients the 1216-byte
MLKEM768-X25519 public key encoded ``age1pq1...``, and the stanza is
``-> mlkem768x25519 <enc>`` sealed with HPKE (HKDF-SHA256, ChaCha20Poly1305,
info ``age-encryption.org/mlkem768x25519``).
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey, MLKEM768PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from .hybrid import Expanded, HybridKind

_MLKEM_PUBLIC = 1184
_MLKEM_CIPHERTEXT = 1088


def _expand(seed: bytes) -> Expanded:
    """filippo.io/hpke-pq expandKey: SHAKE256(seed, 64 + 32) -> ML-KEM seed, X25519 scalar."""
    full = hashlib.shake_256(seed).digest(64 + 32)
    mlkem = MLKEM768PrivateKey.from_seed_bytes(full[:64])
    x25519 = X25519PrivateKey.from_private_bytes(full[64:])
    public = mlkem.public_key().public_bytes_raw() + x25519.public_key().public_bytes_raw()
    return Expanded(hpke.MLKEM768X25519PrivateKey(mlkem, x25519), x25519, public)


def _load_public(public: bytes) -> hpke.MLKEM768X25519PublicKey:
    mlkem = MLKEM768PublicKey.from_public_bytes(public[:_MLKEM_PUBLIC])
    return hpke.MLKEM768X25519PublicKey(mlkem, X25519PublicKey.from_public_bytes(public[_MLKEM_PUBLIC:]))


def _check_share(x25519: X25519PrivateKey, share: bytes) -> None:
    # pyca raises ValueError when the shared secret is all zeros (a low-order share).
    x25519.exchange(X25519PublicKey.from_public_bytes(share))


MLKEM768X25519 = HybridKind(
    profile="mlkem768x25519",
    stanza_type="mlkem768x25519",
    info=b"age-encryption.org/mlkem768x25519",
    recipient_hrp="age1pq",
    identity_hrp="AGE-SECRET-KEY-PQ-",
    suite=hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
    public_size=_MLKEM_PUBLIC + 32,
    enc_size=_MLKEM_CIPHERTEXT + 32,
    pq_ciphertext_size=_MLKEM_CIPHERTEXT,
    expand=_expand,
    load_public=_load_public,
    check_share=_check_share,
)

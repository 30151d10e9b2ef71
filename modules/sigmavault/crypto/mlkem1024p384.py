"""The "high" profile: ML-KEM-1024 + P-384 — a SigmaVault extension, NOT part of the age spec.

No age implementation reads these files; only SigmaVault does. It exists for
owners who want the NIST category 5 lattice and a CNSA-listed curve. The key
material follows filippo.io/hpke-pq (the MLKEM1024-P384 KEM of
draft-ietf-hpke-pq), only the age-level names are ours:

* identity: 32-byte seed, Bech32 HRP ``SIGMAVAULT-SECRET-KEY-PQHIGH-``;
  expanded with SHAKE256(seed, 64 + 48) into the ML-KEM-1024 seed and the
  P-384 scalar (rejected if 0 or >= n, which has probability < 2^-192).
* recipient: ML-KEM-1024 encapsulation key (1568 bytes) || uncompressed P-384
  point (97 bytes), Bech32 HRP ``svpqhigh`` (deliberately not ``age1...`` so
  age never mistakes it for a plugin recipient).
* stanza: ``-> sigmavault/mlkem1024p384 <base64 enc, 1665 bytes>`` whose body
  is the 32-byte HPKE SealBase ciphertext of the file key, with KEM
  MLKEM1024-P384, HKDF-SHA256, ChaCha20Poly1305, info
  ``sigmavault/mlkem1024p384`` and empty aad — the shape of age's
  mlkem768x25519 stanza with a bigger KEM.

The age file key stays 128 bits and the payload stays ChaCha20-Poly1305:
the profile strengthens key encapsulation only.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM1024PrivateKey, MLKEM1024PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .hybrid import Expanded, HybridKind

_MLKEM_PUBLIC = 1568
_MLKEM_CIPHERTEXT = 1568
_POINT = 97
_CURVE = ec.SECP384R1()
_ORDER = int(
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973", 16
)


def _point(data: bytes) -> ec.EllipticCurvePublicKey:
    if len(data) != _POINT or data[0] != 0x04:
        raise ValueError("P-384 point must be 97 bytes, uncompressed")
    return ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, data)


def _expand(seed: bytes) -> Expanded:
    full = hashlib.shake_256(seed).digest(64 + 48)
    mlkem = MLKEM1024PrivateKey.from_seed_bytes(full[:64])
    scalar = int.from_bytes(full[64:], "big")
    if not 0 < scalar < _ORDER:
        raise ValueError("P-384 scalar rejection sampling failed (negligible probability)")
    p384 = ec.derive_private_key(scalar, _CURVE)
    point = p384.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    public = mlkem.public_key().public_bytes_raw() + point
    return Expanded(hpke.MLKEM1024P384PrivateKey(mlkem, p384), p384, public)


def _load_public(public: bytes) -> hpke.MLKEM1024P384PublicKey:
    mlkem = MLKEM1024PublicKey.from_public_bytes(public[:_MLKEM_PUBLIC])
    return hpke.MLKEM1024P384PublicKey(mlkem, _point(public[_MLKEM_PUBLIC:]))


def _check_share(_key: ec.EllipticCurvePrivateKey, share: bytes) -> None:
    _point(share)  # on the curve and uncompressed, or ValueError


MLKEM1024P384 = HybridKind(
    profile="mlkem1024p384",
    stanza_type="sigmavault/mlkem1024p384",
    info=b"sigmavault/mlkem1024p384",
    recipient_hrp="svpqhigh",
    identity_hrp="SIGMAVAULT-SECRET-KEY-PQHIGH-",
    suite=hpke.Suite(hpke.KEM.MLKEM1024_P384, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
    public_size=_MLKEM_PUBLIC + _POINT,
    enc_size=_MLKEM_CIPHERTEXT + _POINT,
    pq_ciphertext_size=_MLKEM_CIPHERTEXT,
    expand=_expand,
    load_public=_load_public,
    check_share=_check_share,
)

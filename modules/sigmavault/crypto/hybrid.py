"""HPKE-based hybrid post-quantum recipients, shared by both PQ profiles.

A profile (``HybridKind``) says how a 32-byte identity seed expands into an
ML-KEM key plus a classical key (filippo.io/hpke-pq ``expandKey``), which
pyca/cryptography HPKE suite seals the file key, and how the stanza and the
Bech32 strings are named. The stanza is ``-> <type> <base64 enc>`` with the
32-byte HPKE ciphertext of the file key as body (age's mlkem768x25519 shape).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke

from . import b64, bech32
from .errors import HeaderError, KeyFormatError
from .header import Stanza
from .primitives import WRAPPED_KEY_SIZE

SEED_SIZE = 32


@dataclass(frozen=True)
class Expanded:
    hpke_key: Any  # an hpke.MLKEM...PrivateKey
    classical_key: Any  # the X25519 / P-384 half, to vet the classical part of enc
    public_bytes: bytes


@dataclass(frozen=True)
class HybridKind:
    profile: str
    stanza_type: str
    info: bytes
    recipient_hrp: str
    identity_hrp: str
    suite: hpke.Suite
    public_size: int
    enc_size: int
    pq_ciphertext_size: int
    expand: Callable[[bytes], Expanded]
    load_public: Callable[[bytes], Any]  # raises ValueError when invalid
    check_share: Callable[[Any, bytes], None]  # raises ValueError for a degenerate share


class HybridRecipient:
    post_quantum = True
    exclusive = False

    def __init__(self, kind: HybridKind, public_bytes: bytes) -> None:
        if len(public_bytes) != kind.public_size:
            raise KeyFormatError(f"a {kind.profile} recipient must be {kind.public_size} bytes")
        try:
            self._key = kind.load_public(public_bytes)
        except ValueError as exc:
            raise KeyFormatError(f"invalid {kind.profile} public key: {exc}") from None
        self.kind = kind
        self.public_bytes = public_bytes

    def wrap(self, file_key: bytes) -> Stanza:
        sealed = self.kind.suite.encrypt(file_key, self._key, info=self.kind.info)
        enc, body = sealed[: self.kind.enc_size], sealed[self.kind.enc_size :]
        return Stanza(self.kind.stanza_type, (b64.encode(enc),), body)

    def __str__(self) -> str:
        return bech32.encode(self.kind.recipient_hrp, self.public_bytes)


class HybridIdentity:
    def __init__(self, kind: HybridKind, seed: bytes) -> None:
        if len(seed) != SEED_SIZE:
            raise KeyFormatError(f"a {kind.profile} identity must be {SEED_SIZE} bytes")
        self.kind = kind
        self._seed = seed
        self._keys = kind.expand(seed)

    @classmethod
    def generate(cls, kind: HybridKind) -> HybridIdentity:
        return cls(kind, os.urandom(SEED_SIZE))

    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self.kind, self._keys.public_bytes)

    def unwrap(self, stanza: Stanza) -> bytes | None:
        kind = self.kind
        if stanza.type != kind.stanza_type:
            return None
        if len(stanza.args) != 1:
            raise HeaderError(f"a {kind.stanza_type} stanza must have exactly one argument")
        try:
            enc = b64.decode(stanza.args[0])
        except ValueError:
            raise HeaderError(f"the {kind.stanza_type} encapsulated key is not canonical base64") from None
        if len(enc) != kind.enc_size:
            raise HeaderError(f"the {kind.stanza_type} encapsulated key is not {kind.enc_size} bytes")
        if len(stanza.body) != WRAPPED_KEY_SIZE:
            raise HeaderError(f"the {kind.stanza_type} stanza body is not a 16-byte file key")
        try:
            kind.check_share(self._keys.classical_key, enc[kind.pq_ciphertext_size :])
        except ValueError:
            raise HeaderError(f"the {kind.stanza_type} stanza has an invalid classical share") from None
        try:
            return kind.suite.decrypt(enc + stanza.body, self._keys.hpke_key, info=kind.info)
        except InvalidTag:
            return None

    def __str__(self) -> str:
        return bech32.encode(self.kind.identity_hrp, self._seed)

"""The classic age X25519 recipient type (``age1...`` / ``AGE-SECRET-KEY-1...``)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from . import b64, bech32
from .errors import HeaderError, KeyFormatError
from .header import Stanza
from .primitives import WRAPPED_KEY_SIZE, hkdf_sha256, open_file_key, seal_file_key

STANZA_TYPE = "X25519"
RECIPIENT_HRP = "age"
IDENTITY_HRP = "AGE-SECRET-KEY-"
_INFO = b"age-encryption.org/v1/X25519"
_KEY_SIZE = 32


class X25519Recipient:
    post_quantum = False
    exclusive = False

    def __init__(self, public_key: bytes) -> None:
        if len(public_key) != _KEY_SIZE:
            raise KeyFormatError("an X25519 recipient must be 32 bytes")
        self.public_bytes = public_key
        self._key = X25519PublicKey.from_public_bytes(public_key)

    def wrap(self, file_key: bytes) -> Stanza:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        wrap_key = hkdf_sha256(ephemeral.exchange(self._key), share + self.public_bytes, _INFO)
        return Stanza(STANZA_TYPE, (b64.encode(share),), seal_file_key(wrap_key, file_key))

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public_bytes)


class X25519Identity:
    def __init__(self, secret: bytes) -> None:
        if len(secret) != _KEY_SIZE:
            raise KeyFormatError("an X25519 identity must be 32 bytes")
        self._secret = secret
        self._key = X25519PrivateKey.from_private_bytes(secret)
        self._recipient = X25519Recipient(self._key.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(os.urandom(_KEY_SIZE))

    def recipient(self) -> X25519Recipient:
        return self._recipient

    def unwrap(self, stanza: Stanza) -> bytes | None:
        if stanza.type != STANZA_TYPE:
            return None
        if len(stanza.args) != 1:
            raise HeaderError("an X25519 stanza must have exactly one argument")
        try:
            share = b64.decode(stanza.args[0])
        except ValueError:
            raise HeaderError("the X25519 stanza share is not canonical base64") from None
        if len(share) != _KEY_SIZE:
            raise HeaderError("the X25519 stanza share is not 32 bytes")
        if len(stanza.body) != WRAPPED_KEY_SIZE:
            raise HeaderError("the X25519 stanza body is not a 16-byte file key")
        try:
            shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
        except ValueError:
            raise HeaderError("the X25519 stanza share is a low-order point") from None
        salt = share + self._recipient.public_bytes
        return open_file_key(hkdf_sha256(shared, salt, _INFO), stanza.body)

    def __str__(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._secret)

"""The age passphrase (scrypt) recipient type; a scrypt stanza must be alone in a header."""

from __future__ import annotations

import os
import re

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from . import b64
from .errors import HeaderError
from .header import Stanza
from .primitives import WRAPPED_KEY_SIZE, open_file_key, seal_file_key

STANZA_TYPE = "scrypt"
DEFAULT_WORK_FACTOR = 18
MAX_WORK_FACTOR = 22
_LABEL = b"age-encryption.org/v1/scrypt"
_SALT_SIZE = 16
_DECIMAL = re.compile(r"[1-9][0-9]*")


def _wrap_key(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    return Scrypt(salt=_LABEL + salt, length=32, n=1 << work_factor, r=8, p=1).derive(passphrase)


class ScryptRecipient:
    post_quantum = False
    exclusive = True

    def __init__(self, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> None:
        if not 1 <= work_factor <= MAX_WORK_FACTOR:
            raise ValueError(f"scrypt work factor must be between 1 and {MAX_WORK_FACTOR}")
        self._passphrase = passphrase.encode("utf-8")
        self._work_factor = work_factor

    def wrap(self, file_key: bytes) -> Stanza:
        salt = os.urandom(_SALT_SIZE)
        body = seal_file_key(_wrap_key(self._passphrase, salt, self._work_factor), file_key)
        return Stanza(STANZA_TYPE, (b64.encode(salt), str(self._work_factor)), body)

    def __str__(self) -> str:
        return "scrypt passphrase"


class ScryptIdentity:
    def __init__(self, passphrase: str, max_work_factor: int = MAX_WORK_FACTOR) -> None:
        self._passphrase = passphrase.encode("utf-8")
        self._max_work_factor = max_work_factor

    def recipient(self) -> ScryptRecipient:
        return ScryptRecipient(self._passphrase.decode("utf-8"))

    def unwrap(self, stanza: Stanza) -> bytes | None:
        if stanza.type != STANZA_TYPE:
            return None
        if len(stanza.args) != 2:
            raise HeaderError("an scrypt stanza must have exactly two arguments")
        try:
            salt = b64.decode(stanza.args[0])
        except ValueError:
            raise HeaderError("the scrypt salt is not canonical base64") from None
        if len(salt) != _SALT_SIZE:
            raise HeaderError("the scrypt salt is not 16 bytes")
        if not _DECIMAL.fullmatch(stanza.args[1]):
            raise HeaderError("the scrypt work factor is not a plain decimal number")
        work_factor = int(stanza.args[1]) if len(stanza.args[1]) < 4 else self._max_work_factor + 1
        if work_factor > self._max_work_factor:
            raise HeaderError(f"the scrypt work factor is above the limit of {self._max_work_factor}")
        if len(stanza.body) != WRAPPED_KEY_SIZE:
            raise HeaderError("the scrypt stanza body is not a 16-byte file key")
        return open_file_key(_wrap_key(self._passphrase, salt, work_factor), stanza.body)

    def __str__(self) -> str:
        return "scrypt passphrase"

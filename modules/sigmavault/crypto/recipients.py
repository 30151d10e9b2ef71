"""What a recipient (public key) and an identity (secret key) must offer.

A recipient wraps the file key into one stanza. An identity returns the file
key from a stanza addressed to it, ``None`` for a stanza that is not (or that
it cannot open), and raises HeaderError for a stanza of its own type that is
malformed, as the age spec requires.
"""

from __future__ import annotations

from typing import Protocol

from .header import Stanza


class Recipient(Protocol):
    #: True when the stanza resists a quantum computer; the age spec says PQ
    #: recipients must not share a file with classical ones.
    post_quantum: bool
    #: True when the stanza must be the only one in the header (scrypt).
    exclusive: bool

    def wrap(self, file_key: bytes) -> Stanza: ...

    def __str__(self) -> str: ...


class Identity(Protocol):
    def unwrap(self, stanza: Stanza) -> bytes | None: ...

    def recipient(self) -> Recipient: ...

    def __str__(self) -> str: ...

"""Encrypt and decrypt age v1 files, streaming, binary or ASCII-armored.

    encrypt(src, dst, ["age1pq1..."], armor=True)
    decrypt(src, dst, ["AGE-SECRET-KEY-PQ-1..."])
    decrypt_to_path(src, "/srv/secret.txt", identities)   # atomic, 0600

``decrypt`` writes each 64 KiB chunk as soon as it authenticates, so on a
damaged file ``dst`` may already hold the verified beginning; use
``decrypt_to_path`` when nothing must appear unless everything verified.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from sigmavault.files import replacing

from .armor import ArmorReader, ArmorWriter, looks_armored
from .errors import AgeError, HeaderError, HeaderMacError, NoIdentityMatchError
from .header import Header, encode_header, mac_key, parse_header
from .keys import parse_identity, parse_recipient
from .payload import Writable, decrypt_payload, encrypt_payload
from .primitives import FILE_KEY_SIZE, equal, hmac_sha256
from .recipients import Identity, Recipient
from .source import Source


def _recipients(recipients: Iterable[Recipient | str]) -> list[Recipient]:
    parsed = [parse_recipient(r) if isinstance(r, str) else r for r in recipients]
    if not parsed:
        raise AgeError("no recipients given: name at least one public key to encrypt to")
    if any(r.exclusive for r in parsed) and len(parsed) > 1:
        raise AgeError("a passphrase (scrypt) recipient must be the only recipient of a file")
    if len({r.post_quantum for r in parsed}) > 1:
        raise AgeError(
            "post-quantum and classical (age1..., X25519) recipients cannot share a file: "
            "the classical one would void the quantum resistance; use only age1pq1... keys"
        )
    return parsed


def encrypt(
    stream_in: BinaryIO, stream_out: Writable, recipients: Iterable[Recipient | str], armor: bool = False
) -> None:
    """Encrypt everything read from ``stream_in`` to every recipient, into ``stream_out``."""
    parsed = _recipients(recipients)
    file_key = os.urandom(FILE_KEY_SIZE)
    header = encode_header([r.wrap(file_key) for r in parsed], file_key)
    sink = ArmorWriter(stream_out) if armor else stream_out
    sink.write(header)
    encrypt_payload(file_key, stream_in, sink)
    if isinstance(sink, ArmorWriter):
        sink.close()


def _file_key(header: Header, identities: list[Identity]) -> bytes:
    if len(header.stanzas) > 1 and any(s.type == "scrypt" for s in header.stanzas):
        raise HeaderError("a passphrase (scrypt) stanza must be the only one in the header")
    for stanza in header.stanzas:
        for identity in identities:
            file_key = identity.unwrap(stanza)
            if file_key is not None:
                return file_key
    raise NoIdentityMatchError()


def decrypt(
    stream_in: BinaryIO,
    stream_out: Writable,
    identities: Iterable[Identity | str],
    armor: bool | None = None,
) -> None:
    """Decrypt ``stream_in`` into ``stream_out``; ``armor=None`` detects the armor."""
    parsed = [parse_identity(i) if isinstance(i, str) else i for i in identities]
    source = Source(stream_in)
    if armor is None:
        armor = looks_armored(source.peek(1024))
    if armor:
        source = Source(ArmorReader(source))
    header = parse_header(source)
    if not parsed:
        raise AgeError("no identities given: name at least one secret key to decrypt with")
    file_key = _file_key(header, parsed)
    if not equal(hmac_sha256(mac_key(file_key), header.mac_input), header.mac):
        raise HeaderMacError()
    decrypt_payload(file_key, source, stream_out)


def decrypt_to_path(
    stream_in: BinaryIO | str | os.PathLike[str],
    path: str | os.PathLike[str],
    identities: Iterable[Identity | str],
    armor: bool | None = None,
) -> None:
    """Decrypt into ``path`` atomically and durably: a 0600 file beside it, renamed only once all verified."""
    with replacing(Path(path), 0o600) as out:
        if isinstance(stream_in, str | os.PathLike):
            with open(stream_in, "rb") as src:
                decrypt(src, out, identities, armor)
        else:
            decrypt(stream_in, out, identities, armor)

"""The per-file data key, wrapped as a standard armored age file for every recipient.

Because the wrapping is plain age, an owner can recover a data key anywhere with stock
``age -d -i recovery.key`` (age >= 1.3 for age1pq1… keys), without SigmaVault.
"""

import hashlib
import io
import os
from collections.abc import Iterable

from sigmavault.crypto import AgeError, NoIdentityMatchError, decrypt, encrypt, parse_recipient
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption.errors import CannotOpen, SealedError
from sigmavault.encryption.values import DATA_KEY_SIZE


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_SIZE)


def fingerprint(recipient: str) -> str:
    """A short, stable name for a (long) recipient: the one the sigmavault_sealed block records."""
    return "sha256:" + hashlib.sha256(recipient.strip().encode("ascii")).hexdigest()[:16]


def wrap(data_key: bytes, recipients: Iterable[str]) -> str:
    """The armored age file that holds data_key for each recipient (post-quantum ones only)."""
    chosen = list(dict.fromkeys(r.strip() for r in recipients))
    parsed = []
    for recipient in chosen:
        try:
            parsed_recipient = parse_recipient(recipient)
        except AgeError as error:
            raise SealedError(f"cannot seal to {recipient[:20]}…: {error}") from None
        if not parsed_recipient.post_quantum:
            raise SealedError(f"{recipient[:20]}… is a classical (X25519) key; sealed values go only to "
                              "post-quantum age1pq1… or svpqhigh1… recipients")
        parsed.append(parsed_recipient)
    out = io.BytesIO()
    try:
        encrypt(io.BytesIO(data_key), out, parsed, armor=True)
    except AgeError as error:
        raise SealedError(f"cannot wrap the data key: {error}") from None
    return out.getvalue().decode("ascii")


def unwrap(armored: str, identities: Iterable[Identity], where: str) -> bytes:
    """The data key; CannotOpen names the file when none of the identities is a recipient."""
    identities = list(identities)
    if not identities:
        raise CannotOpen(f"{where}: no key to open it with on this box (run `sigmavault keys recover` "
                         "with your recovery key on a new box)")
    out = io.BytesIO()
    try:
        decrypt(io.BytesIO(armored.encode("ascii")), out, identities, armor=True)
    except NoIdentityMatchError:
        raise CannotOpen(f"{where}: sealed for other keys, not for this box's node key; reseal it here with "
                         "`sigmavault seal`, or recover with `sigmavault keys recover --identity FILE`") from None
    except (AgeError, UnicodeEncodeError) as error:
        raise CannotOpen(f"{where}: the wrapped data key is damaged: {error}") from None
    key = out.getvalue()
    if len(key) != DATA_KEY_SIZE:
        raise CannotOpen(f"{where}: the wrapped data key is not a {DATA_KEY_SIZE}-byte key")
    return key

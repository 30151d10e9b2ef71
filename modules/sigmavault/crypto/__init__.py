"""Post-quantum age files for SigmaVault, on pyca/cryptography alone (no liboqs).

Start here:

* ``keys``: ``generate_identity(profile)``, ``recipient_of``, ``parse_recipient``,
  ``parse_identity``. Default profile: age's mlkem768x25519 (X-Wing).
* ``agefile``: ``encrypt``, ``decrypt``, ``decrypt_to_path`` (atomic).
* ``errors``: one exception class per way a file can fail to decrypt.

The format is age v1 (https://c2sp.org/age); files made with the default and
x25519 profiles are read by age >= 1.3 and vice versa.
"""

from .agefile import decrypt, decrypt_to_path, encrypt
from .errors import (
    AgeError,
    ArmorError,
    HeaderError,
    HeaderMacError,
    KeyFormatError,
    NoIdentityMatchError,
    PayloadError,
)
from .keys import generate_identity, parse_identity, parse_recipient, recipient_of

__all__ = [
    "AgeError",
    "ArmorError",
    "HeaderError",
    "HeaderMacError",
    "KeyFormatError",
    "NoIdentityMatchError",
    "PayloadError",
    "decrypt",
    "decrypt_to_path",
    "encrypt",
    "generate_identity",
    "parse_identity",
    "parse_recipient",
    "recipient_of",
]

"""What can go wrong reading keys and age files, as exception classes.

Every class maps to one outcome of the C2SP age test vectors, so callers
(and the conformance test) can tell a wrong key from a damaged file.
"""

from __future__ import annotations


class AgeError(Exception):
    """Base class: anything this package refuses to encrypt or decrypt."""


class KeyFormatError(AgeError, ValueError):
    """A recipient or identity string is not one this package can read."""


class ArmorError(AgeError):
    """The ASCII armor (-----BEGIN AGE ENCRYPTED FILE-----) is malformed."""


class HeaderError(AgeError):
    """The age header is malformed, or a stanza addressed to us is invalid."""


class NoIdentityMatchError(AgeError):
    """None of the given identities can unwrap any recipient stanza."""

    def __init__(
        self, message: str = "no identity matched any recipient (the file was not encrypted to these keys)"
    ) -> None:
        super().__init__(message)


class HeaderMacError(AgeError):
    """The file key was found but the header MAC does not verify."""

    def __init__(self, message: str = "header MAC mismatch: the header was modified") -> None:
        super().__init__(message)


class PayloadError(AgeError):
    """The encrypted payload was modified, truncated or has trailing data."""

"""Key strings in, key objects out: generate, derive, parse.

Profiles (``generate_identity(profile)``):

* ``mlkem768x25519`` (alias ``default``): age's post-quantum X-Wing keys,
  ``AGE-SECRET-KEY-PQ-1...`` / ``age1pq1...``. Any age >= 1.3 reads them.
* ``x25519``: classic age keys, ``AGE-SECRET-KEY-1...`` / ``age1...``.
* ``mlkem1024p384`` (alias ``high``): SigmaVault-only ML-KEM-1024 + P-384,
  ``SIGMAVAULT-SECRET-KEY-PQHIGH-1...`` / ``svpqhigh1...`` (see mlkem1024p384).
"""

from __future__ import annotations

from . import bech32
from .errors import KeyFormatError
from .hybrid import HybridIdentity, HybridKind, HybridRecipient
from .mlkem1024p384 import MLKEM1024P384
from .recipients import Identity, Recipient
from .x25519 import IDENTITY_HRP, RECIPIENT_HRP, X25519Identity, X25519Recipient
from .xwing import MLKEM768X25519

DEFAULT_PROFILE = "mlkem768x25519"
PROFILES = ("mlkem768x25519", "x25519", "mlkem1024p384")
_ALIASES = {"default": "mlkem768x25519", "high": "mlkem1024p384"}
_HYBRIDS: dict[str, HybridKind] = {k.profile: k for k in (MLKEM768X25519, MLKEM1024P384)}


def _profile(name: str) -> str:
    profile = _ALIASES.get(name, name)
    if profile not in PROFILES:
        choices = ", ".join(PROFILES + tuple(_ALIASES))
        raise KeyFormatError(f"unknown key profile {name!r}; choose one of: {choices}")
    return profile


def generate_identity(profile: str = DEFAULT_PROFILE) -> str:
    """A new secret key string for ``profile``; keep it secret, share only recipient_of() it."""
    profile = _profile(profile)
    if profile == "x25519":
        return str(X25519Identity.generate())
    return str(HybridIdentity.generate(_HYBRIDS[profile]))


def recipient_of(identity: str | Identity) -> str:
    """The public recipient string that encrypts to ``identity``."""
    if isinstance(identity, str):
        identity = parse_identity(identity)
    return str(identity.recipient())


def _decode(text: str, what: str) -> tuple[str, bytes]:
    try:
        return bech32.decode(text.strip())
    except KeyFormatError as exc:
        raise KeyFormatError(f"malformed {what}: {exc}") from None


def _preview(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 24 else text[:20] + "...")


def parse_recipient(text: str) -> Recipient:
    """Read an ``age1...``, ``age1pq1...`` or ``svpqhigh1...`` recipient string."""
    hrp, data = _decode(text, f"recipient {_preview(text)}")
    if hrp.isupper():
        raise KeyFormatError(f"recipient {_preview(text)} must be lowercase")
    if hrp == RECIPIENT_HRP:
        return X25519Recipient(data)
    for kind in _HYBRIDS.values():
        if hrp == kind.recipient_hrp:
            return HybridRecipient(kind, data)
    raise KeyFormatError(
        f"recipient {_preview(text)} has unknown type {hrp!r}; expected age1..., age1pq1... or svpqhigh1..."
    )


def parse_identity(text: str) -> Identity:
    """Read an ``AGE-SECRET-KEY-1...``, ``AGE-SECRET-KEY-PQ-1...`` or SigmaVault secret key."""
    hrp, data = _decode(text, "secret key")
    if not hrp.isupper():
        raise KeyFormatError("secret keys must be written in uppercase")
    if hrp == IDENTITY_HRP:
        return X25519Identity(data)
    for kind in _HYBRIDS.values():
        if hrp == kind.identity_hrp:
            return HybridIdentity(kind, data)
    raise KeyFormatError(f"secret key has unknown type {hrp!r}")

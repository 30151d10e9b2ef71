"""Identity files in age-keygen's format, so stock ``age -d -i FILE`` reads them too.

    # created: 2026-11-24T08:00:00Z
    # public key: age1pq1…
    AGE-SECRET-KEY-PQ-1…

Written atomically, root-only (0600 in a 0700 folder); retired by overwriting, then unlinking.
"""

import contextlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sigmavault.crypto import AgeError, parse_identity, recipient_of
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption.errors import SealedError
from sigmavault.files import write_atomically


@dataclass(frozen=True)
class KeyFile:
    path: Path
    recipient: str
    created: datetime
    secret: str = field(repr=False)

    def identity(self) -> Identity:
        return parse_identity(self.secret)


def profile_of(secret_or_recipient: str) -> str:
    text = secret_or_recipient.strip()
    if text.startswith(("SIGMAVAULT-SECRET-KEY-PQHIGH-1", "svpqhigh1")):
        return "mlkem1024p384"
    if text.startswith(("AGE-SECRET-KEY-PQ-1", "age1pq1")):
        return "mlkem768x25519"
    return "x25519"


def text_of(secret: str, created: datetime) -> str:
    return (f"# created: {created.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
            f"# public key: {recipient_of(secret)}\n{secret}\n")


def parse(text: str, path: Path) -> KeyFile:
    created, secrets = None, []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("# created:"):
            with contextlib.suppress(ValueError):
                created = datetime.strptime(line.split(":", 1)[1].strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        elif line and not line.startswith("#"):
            secrets.append(line)
    if len(secrets) != 1:
        raise SealedError(f"{path}: expected exactly one secret key, found {len(secrets)}")
    try:
        recipient = recipient_of(secrets[0])
    except AgeError as error:
        raise SealedError(f"{path}: not a secret key SigmaVault can use: {error}") from None
    if created is None:
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC) if path.exists() else datetime.now(UTC)
    return KeyFile(path, recipient, created, secrets[0])


def _not_a_folder(path: Path) -> Path | None:
    """The first folder on the way to path that is something else (a file where the keys' folder belongs)."""
    return next((p for p in reversed(path.parents) if p.exists() and not p.is_dir()), None)


def _unusable(path: Path, error: OSError) -> SealedError:
    blocking = _not_a_folder(path)
    if blocking is not None:
        return SealedError(f"{blocking} is a file where the folder of the keys belongs ({path} cannot be there): "
                           f"move that file aside (if it is the node key, put it back as {path}, mode 0600), "
                           "then run again")
    if isinstance(error, IsADirectoryError):
        return SealedError(f"{path} is a folder where a key file belongs: move it aside, then run again")
    if isinstance(error, PermissionError):
        return SealedError(f"{path}: permission denied; keys are readable by root only")
    return SealedError(f"{path} cannot be used ({error.strerror or error}); check the disk it is on")


def read(path: Path) -> KeyFile | None:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _unusable(path, error) from None
    except UnicodeDecodeError:
        raise SealedError(f"{path}: not a key file (it is not text); put the node key back from a backup "
                          "or recover with `sigmavault keys recover --identity FILE`") from None
    return parse(text, path)


def write_durably(path: Path, text: str | bytes, mode: int) -> None:
    """Replace path atomically with text, on disk before the rename (a crash never leaves it empty)."""
    write_atomically(path, text, mode)


def write(path: Path, secret: str, created: datetime | None = None, own_folder: bool = True) -> KeyFile:
    """Write a new key file: 0600 from its first byte, in a 0700 folder. A folder that is not the key's
    own (where the owner puts a recovery key: a USB stick, a home) keeps its mode."""
    created = created or datetime.now(UTC).replace(microsecond=0)
    text = text_of(secret, created)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if own_folder:
            os.chmod(path.parent, 0o700)
        write_durably(path, text, 0o600)
    except OSError as error:
        raise _unusable(path, error) from None
    return parse(text, path)


def retire(path: Path) -> None:
    """Overwrite the key with zeros, then remove it (best effort against recovery from the disk)."""
    with contextlib.suppress(FileNotFoundError):
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()

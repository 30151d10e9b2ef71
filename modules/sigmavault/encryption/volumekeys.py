"""The keys of encrypted pools: 64 random bytes a pool, kept as an age file sealed to the node key and
the owner's recovery recipients in ``<state dir>/keys/volumes/<pool>.age`` (root-only).

The box opens its pools with the node key alone (no typed passphrase); a recovery key opens the same
file on another box. Rotation (``reseal``) rewraps these files with the sealed pillar values.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sigmavault.crypto import AgeError, decrypt, encrypt
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption import keyfile, luks, nodekey
from sigmavault.encryption.errors import CannotOpen


def volume_dir(state_dir: Path) -> Path:
    return nodekey.key_dir(state_dir) / "volumes"


def sealed(key: bytes, recipients: list[str]) -> bytes:
    out = io.BytesIO()
    encrypt(io.BytesIO(key), out, recipients)
    return out.getvalue()


def opened(data: bytes, identities: list[Identity], where: str) -> bytes:
    out = io.BytesIO()
    try:
        decrypt(io.BytesIO(data), out, identities)
    except AgeError as error:
        raise CannotOpen(f"{where} does not open with this box's keys ({error}); open it with your recovery key: "
                         "`sigmavault unlock --identity FILE`") from None
    if len(out.getvalue()) != luks.KEY_SIZE:
        raise CannotOpen(f"{where} does not hold a {luks.KEY_SIZE}-byte volume key")
    return out.getvalue()


@dataclass(frozen=True)
class VolumeKeys:
    """The key files of one box; recipients are the node key's and the owner's recovery recipients."""
    state_dir: Path
    recovery_recipients: tuple[str, ...] = ()

    def path(self, pool: str) -> Path:
        return volume_dir(self.state_dir) / f"{pool}.age"

    def exists(self, pool: str) -> bool:
        return self.path(pool).exists()

    def recipients(self) -> list[str]:
        return list(dict.fromkeys([nodekey.require(self.state_dir).recipient, *self.recovery_recipients]))

    def load(self, pool: str, identities: list[Identity] | None = None) -> bytes:
        """The key, opened with the node key (and a rotation's new key) or the identities given."""
        found = identities if identities is not None else nodekey.identities(self.state_dir)
        return opened(self.path(pool).read_bytes(), found, str(self.path(pool)))

    def ensure(self, pool: str) -> bytes:
        """The pool's key; a new one is sealed, written and read back before anyone formats with it."""
        if self.exists(pool):
            return self.load(pool)
        path = self.path(pool)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = luks.new_volume_key()
        keyfile.write_durably(path, sealed(key, self.recipients()), 0o600)
        if self.load(pool) != key:
            raise CannotOpen(f"{path} did not read back as written; nothing was formatted")
        return key

    def loader(self, pool: str, make: bool = False) -> Callable[[], bytes]:
        """For a plan step: the key is read (or made) when the step runs, never while planning."""
        return (lambda: self.ensure(pool)) if make else (lambda: self.load(pool))


def key_files(state_dir: Path) -> list[Path]:
    folder = volume_dir(state_dir)
    return sorted(folder.glob("*.age")) if folder.is_dir() else []

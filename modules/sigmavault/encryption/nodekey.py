"""The box's node identity: made on first apply, root-only, never leaves the box.

``<state dir>/keys/node.age`` holds it. During a rotation the new key waits in
``node.next.age`` until every sealed value opens with it; openers try both, so a
crash half-way through a rotation never locks the box out.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sigmavault.crypto import generate_identity
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption import keyfile
from sigmavault.encryption.errors import NoNodeKey, SealedError
from sigmavault.encryption.keyfile import KeyFile

PROFILES = ("mlkem768x25519", "mlkem1024p384")
DEFAULT_PROFILE = "mlkem768x25519"


def key_dir(state_dir: Path) -> Path:
    return Path(state_dir) / "keys"


def node_path(state_dir: Path) -> Path:
    return key_dir(state_dir) / "node.age"


def next_path(state_dir: Path) -> Path:
    return key_dir(state_dir) / "node.next.age"


def new_secret(profile: str) -> str:
    if profile not in PROFILES:
        raise SealedError(f"node keys are post-quantum: profile must be one of {', '.join(PROFILES)}")
    return generate_identity(profile)


def load(state_dir: Path) -> KeyFile | None:
    return keyfile.read(node_path(state_dir))


def require(state_dir: Path) -> KeyFile:
    node = load(state_dir)
    if node is None:
        raise NoNodeKey(f"this box has no node key yet ({node_path(state_dir)}): run `sigmavault keys gen` "
                        "or `sigmavault apply` first")
    return node


def generate(state_dir: Path, profile: str = DEFAULT_PROFILE) -> KeyFile:
    """Make the node key; refuses to replace one (rotation is `sigmavault reseal`)."""
    if node_path(state_dir).exists():
        raise SealedError(f"{node_path(state_dir)} exists; rotate it with `sigmavault reseal`")
    return keyfile.write(node_path(state_dir), new_secret(profile))


def identities(state_dir: Path) -> list[Identity]:
    """Every identity that may open this box's sealed values: the node key, and a rotation's new key."""
    found = [keyfile.read(node_path(state_dir)), keyfile.read(next_path(state_dir))]
    return [key.identity() for key in found if key is not None]


@dataclass(frozen=True)
class NodeKeyInfo:
    recipient: str
    profile: str
    created: str
    age_days: int
    rotation_days: int

    @property
    def rotation_due(self) -> bool:
        return self.age_days >= self.rotation_days

    def as_dict(self) -> dict:
        return {"recipient": self.recipient, "profile": self.profile, "created": self.created,
                "age_days": self.age_days, "rotation_days": self.rotation_days, "rotation_due": self.rotation_due}


def info(node: KeyFile, rotation_days: int, now: datetime | None = None) -> NodeKeyInfo:
    """What may be shown of the node key: its recipient, profile and age (never the secret)."""
    now = now or datetime.now(UTC)
    return NodeKeyInfo(node.recipient, keyfile.profile_of(node.recipient),
                       node.created.strftime("%Y-%m-%dT%H:%M:%SZ"), max(0, (now - node.created).days), rotation_days)

"""Execution module: the node key and the sealed pillar files of this box (sigmavault.secrets)."""

from pathlib import Path

from sigmavault.secrets import checks, nodekey

__virtualname__ = "sigmavault_keys"


def __virtual__():
    return __virtualname__


def state_dir() -> Path:
    return Path(__opts__.get("sigmavault_state_dir", "/var/lib/sigmavault"))


def _encryption() -> dict:
    return __salt__["sigmavault_pillar.document"]().get("encryption", {})


def pillar_dirs() -> list[Path]:
    return [Path(d) for d in __opts__.get("pillar_roots", {}).get("base", [])]


def node_key() -> dict:
    """Recipient, profile, creation date and rotation status of the node key; {} when there is none."""
    node = nodekey.load(state_dir())
    if node is None:
        return {}
    return nodekey.info(node, _encryption().get("rotation_days", 30)).as_dict()


def rotation_due() -> bool:
    """True when the node key is older than sigmavault.encryption.rotation_days (for the agents)."""
    return bool(node_key().get("rotation_due"))


def sealed_files() -> list[dict]:
    """Each sealed pillar file and whether it is sealed to the node key and every recovery recipient."""
    return [r.as_dict() for r in checks.sealed_file_reports(pillar_dirs(), state_dir(),
                                                            _encryption().get("recovery_recipients", []))]

"""Grain sigmavault_node_key: the public recipient of this box's node key (the fleet seals to it)."""

from pathlib import Path

from sigmavault.secrets import keyfile, nodekey
from sigmavault.secrets.errors import SealedError


def sigmavault_node_key() -> dict:
    state_dir = Path(__opts__.get("sigmavault_state_dir", "/var/lib/sigmavault"))
    try:
        node = nodekey.load(state_dir)
    except SealedError:
        node = None
    if node is None:
        return {"sigmavault_node_key": {}}
    return {"sigmavault_node_key": {"recipient": node.recipient, "profile": keyfile.profile_of(node.recipient),
                                    "created": node.created.strftime("%Y-%m-%dT%H:%M:%SZ")}}

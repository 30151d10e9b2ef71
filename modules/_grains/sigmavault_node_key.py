"""Grain sigmavault_node_key: the public recipient of this box's node key (the fleet seals to it)."""

from sigmavault.encryption import keyfile, nodekey
from sigmavault.encryption.errors import SealedError
from sigmavault.site import Site


def sigmavault_node_key() -> dict:
    try:
        node = nodekey.load(Site.from_opts(__opts__).state_dir)
    except SealedError as error:   # grains never fail; the keys state says the same and fails
        return {"sigmavault_node_key": {"error": str(error)}}
    if node is None:
        return {"sigmavault_node_key": {}}
    return {"sigmavault_node_key": {"recipient": node.recipient, "profile": keyfile.profile_of(node.recipient),
                                    "created": node.created.strftime("%Y-%m-%dT%H:%M:%SZ")}}

"""Making the node key only when no sealed value waits for a lost one.

A box whose ``node.age`` vanished (deleted, a restore that missed it) still holds values sealed to the
old key: pillar files with a sealed block and the key files of encrypted pools. A new node key opens none
of them, and making it silently would hide the loss until a pool or a share fails to open. So the first
key is made only when nothing is sealed to another node key; otherwise the owner is told what waits
and how to recover it.
"""

from pathlib import Path

from sigmavault.encryption import datakey, nodekey, sealfile, site, volumekeys
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.keyfile import KeyFile


class SealedToMissingKey(SealedError):
    """Sealed values exist for a node key this box no longer has."""


def _sealed_to_a_node_key(path: Path, recovery: set[str]) -> bool:
    try:
        block = sealfile.block_of(path.read_text(), str(path))
    except (SealedError, OSError):
        return True    # cannot tell whom it is sealed to: assume the lost key, never guess it away
    return block is not None and any(r not in recovery for r in block.recipients)


def waiting(state_dir: Path, pillar_dirs: list[Path]) -> list[str]:
    """Each pillar file and pool key file sealed to a node key, when this box has none."""
    found = []
    for pillar_dir in pillar_dirs:
        recovery = {datakey.fingerprint(r) for r in site.settings(pillar_dir).recovery_recipients}
        found += [f"sealed values in {p}" for p in site.sealed_files(pillar_dir) if _sealed_to_a_node_key(p, recovery)]
    return found + [f"the key of an encrypted pool in {p}" for p in volumekeys.key_files(state_dir)]


def refusal(state_dir: Path, pillar_dirs: list[Path]) -> SealedToMissingKey | None:
    """Why no node key may be made now (the box has none, yet values are sealed to one), or None."""
    if nodekey.node_path(state_dir).exists():
        return None
    sealed = waiting(state_dir, pillar_dirs)
    if not sealed:
        return None
    if nodekey.next_path(state_dir).exists():
        return SealedToMissingKey(
            f"{nodekey.node_path(state_dir)} is missing while {nodekey.next_path(state_dir)} waits: a rotation "
            "stopped half-way, so no new node key was made. Finish the rotation: `sigmavault reseal`")
    return SealedToMissingKey(
        f"{nodekey.node_path(state_dir)} is missing, but {len(sealed)} thing(s) are sealed to a node key: "
        + "; ".join(sealed)
        + ". A new node key would open none of them, so none was made. Put the node key back from a backup "
          f"(as {nodekey.node_path(state_dir)}, mode 0600), or open them with your offline recovery key and "
          "reseal them to a new node key: `sigmavault keys recover --identity FILE`")


def make_first_node_key(state_dir: Path, profile: str, pillar_dirs: list[Path]) -> KeyFile:
    """The node key of a box that has none; refused while values wait for a lost one."""
    refused = refusal(state_dir, pillar_dirs)
    if refused:
        raise refused
    return nodekey.generate(state_dir, profile)

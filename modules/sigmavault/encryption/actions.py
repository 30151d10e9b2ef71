"""What the CLI's seal and unseal do to a pillar file, with the keys of a site."""

from pathlib import Path

from sigmavault.crypto.recipients import Identity
from sigmavault.encryption import keyfile, nodekey, sealfile, site
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.values import Path as KeyPath


def identity_files(paths: list[Path]) -> list[Identity]:
    """Identities from files the owner names (an offline recovery key, for instance)."""
    found = []
    for path in paths:
        key = keyfile.read(Path(path))
        if key is None:
            raise SealedError(f"{path}: no such key file")
        found.append(key.identity())
    return found


def recipients_for(state_dir: Path, pillar_dir: Path, node_recipients: list[str] | None = None) -> list[str]:
    """The node key (or the recipients given for it), then every recovery recipient of the pillar."""
    first = list(node_recipients or []) or [nodekey.require(state_dir).recipient]
    recovery = site.settings(pillar_dir).recovery_recipients
    return list(dict.fromkeys([*first, *recovery]))


def seal_in_file(path: Path, key: KeyPath, value: object, *, state_dir: Path, pillar_dir: Path,
                 node_recipients: list[str] | None = None, identities: list[Identity] | None = None) -> None:
    """Seal value at key in the pillar file (made if missing); comments and layout stay as they are."""
    text = path.read_text() if path.exists() else ""

    def opening() -> list[Identity]:
        return nodekey.identities(state_dir) + list(identities or [])

    needs_recipients = sealfile.block_of(text, str(path)) is None
    recipients = recipients_for(state_dir, pillar_dir, node_recipients) if needs_recipients else []
    new_text = sealfile.seal_into(text, key, value, identities=opening, recipients=recipients, where=str(path))
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o640
    keyfile.write_durably(path, new_text, mode)


def unseal_from_file(path: Path, key: KeyPath, *, state_dir: Path,
                     identities: list[Identity] | None = None) -> object:
    if not path.exists():
        raise SealedError(f"{path}: no such pillar file")

    def opening() -> list[Identity]:
        return nodekey.identities(state_dir) + list(identities or [])

    return sealfile.value_at(sealfile.opened(path.read_text(), opening, str(path)), key)

"""Rotate the node key (reseal) and recover a fresh box with an offline recovery key.

Both run the same drill, and nothing is lost if it stops at any point:

1. open every sealed file with the keys we have (all of them must open, or nothing changes);
2. take the new node key (``node.next.age``; a rotation that stopped earlier is resumed with its key);
3. reseal every value under a new data key for the new node key and the recovery recipients,
   and check, in memory, that each file opens with the new key alone and holds the same values;
   the key files of encrypted pools (``volumekeys``) are rewrapped and checked the same way;
4. replace the files, read them back and open them again with the new key alone;
5. only then retire the old node key and move the new one into its place.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.crypto.recipients import Identity
from sigmavault.encryption import keyfile, nodekey, sealfile, site, volumekeys
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.keyfile import KeyFile


@dataclass
class ResealReport:
    new_recipient: str
    files: list[str] = field(default_factory=list)
    values: int = 0
    volume_keys: int = 0
    retired: str | None = None


def _next_key(state_dir: Path, profile: str) -> KeyFile:
    pending = keyfile.read(nodekey.next_path(state_dir))
    return pending or keyfile.write(nodekey.next_path(state_dir), nodekey.new_secret(profile))


def _resealed(path: Path, opening: Callable[[], list[Identity]], new: KeyFile,
              recipients: list[str]) -> tuple[str, int]:
    text, where = path.read_text(), str(path)
    before = sealfile.opened(text, opening, where)
    after_text = sealfile.reseal(text, identities=opening, recipients=recipients, where=where)
    if sealfile.opened(after_text, lambda: [new.identity()], where) != before:
        raise SealedError(f"{where}: the resealed file does not hold the same values; nothing was changed")
    return after_text, sum(1 for _ in sealfile.sealed_values(sealfile.load(after_text, where)))


def reseal_site(pillar_dir: Path, state_dir: Path, extra_identities: list[Identity] | None = None,
                profile: str | None = None) -> ResealReport:
    """New node key, every sealed value of the site resealed for it; the old key retired last.

    extra_identities (an offline recovery key) open files the box's own keys cannot: recovery."""
    settings = site.settings(pillar_dir)
    old = nodekey.load(state_dir)

    def opening() -> list[Identity]:
        return nodekey.identities(state_dir) + list(extra_identities or [])

    files, key_files = site.sealed_files(pillar_dir), volumekeys.key_files(state_dir)
    for path in files:                       # 1. everything opens before anything changes
        sealfile.opened(path.read_text(), opening, str(path))
    volume_keys = {path: volumekeys.opened(path.read_bytes(), opening(), str(path)) for path in key_files}
    new = _next_key(state_dir, profile or settings.node_key_profile)
    recipients = [new.recipient, *[r for r in settings.recovery_recipients if r != new.recipient]]
    report = ResealReport(new.recipient)
    resealed = []
    for path in files:                       # 3. in memory, checked with the new key alone
        text, count = _resealed(path, opening, new, recipients)
        resealed.append((path, text))
        report.values += count
    rewrapped = [(path, volumekeys.sealed(key, recipients)) for path, key in volume_keys.items()]
    for path, data in rewrapped:
        if volumekeys.opened(data, [new.identity()], str(path)) != volume_keys[path]:
            raise SealedError(f"{path}: the rewrapped key does not open to the same key; nothing was changed")
    for path, text in resealed:              # 4. on disk, read back and checked again
        keyfile.write_durably(path, text, path.stat().st_mode & 0o777)
        sealfile.opened(path.read_text(), lambda: [new.identity()], str(path))
        report.files.append(str(path))
    for path, data in rewrapped:
        keyfile.write_durably(path, data, 0o600)
        volumekeys.opened(path.read_bytes(), [new.identity()], str(path))
        report.volume_keys += 1
    if old is not None and old.recipient != new.recipient:   # 5. retire, then promote
        keyfile.retire(old.path)
        report.retired = old.recipient
    nodekey.next_path(state_dir).replace(nodekey.node_path(state_dir))
    return report

"""Cross-key rules of sigmavault.encryption, and the guard that no sealed value slips through unopened."""

import base64
from collections.abc import Iterator

from sigmavault.crypto import AgeError, parse_recipient
from sigmavault.encryption.luks import KEY_SIZE
from sigmavault.encryption.sealfile import sealed_values
from sigmavault.encryption.values import is_sealed
from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path


def encryption_errors(document: dict, opened: bool = True) -> Iterator[PillarError]:
    """document is the validated sigmavault key (defaults filled in). opened=False judges a file's text as it is
    written (the panel's save), where sealed values stand sealed until the ext_pillar opens them."""
    encryption = document.get("encryption", {})
    seen: set[str] = set()
    for index, recipient in enumerate(encryption.get("recovery_recipients", [])):
        where = key_path(ROOT_KEY, "encryption", "recovery_recipients", index)
        try:
            parse_recipient(recipient)
        except AgeError as error:
            yield PillarError(where, f"is not a usable recipient ({error}); copy it again from where you made it")
        if recipient in seen:
            yield PillarError(where, "is listed twice")
        seen.add(recipient)
    for name, value in encryption.get("volume_keys", {}).items():
        if not is_sealed(value) and not _is_volume_key(value):
            yield PillarError(key_path(ROOT_KEY, "encryption", "volume_keys", name),
                              f"is not a volume key: make one with `sigmavault seal FILE "
                              f"sigmavault.encryption.volume_keys.{name} --random {KEY_SIZE}`")
    if opened:
        yield from still_sealed_errors(document)


def _is_volume_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == KEY_SIZE
    except ValueError:
        return False


def still_sealed_errors(document: dict) -> Iterator[PillarError]:
    """A sealed value that reaches validation was never opened: its file did not come through the ext_pillar."""
    for path, _text in sealed_values(document):
        yield PillarError(key_path(ROOT_KEY, *path),
                          "is still sealed: the pillar file holding it was not read through SigmaVault's ext_pillar "
                          "(salt/minion: ext_pillar sigmavault), which opens sealed values with the node key")

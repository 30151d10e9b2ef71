"""A pillar file's sealed values and the ``sigmavault_sealed`` block that makes them openable.

A file holds any number of ``ENC[…]`` values anywhere in its YAML, plus one top-level block:

    sigmavault_sealed:
      version: 1
      sealed_at: '2026-11-24T08:00:00Z'
      node: sha256:…          # fingerprint of the node key it was sealed for
      recipients: [sha256:…]  # fingerprints of every recipient of the data key (node, then recovery)
      mac: …                  # HMAC-SHA256 over every sealed value and its key path
      data_key: |             # the 32-byte data key as an armored age file, one stanza per recipient
        -----BEGIN AGE ENCRYPTED FILE-----

The MAC (keyed from the data key) notices a sealed value removed, added or replaced by an
older one; the values' own associated data notices one moved to another key. The renderer
drops the block from the rendered pillar, so nothing downstream ever sees it.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sigmavault import pillar_text
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption import datakey, yamltext
from sigmavault.encryption.errors import CannotOpen, SealedError
from sigmavault.encryption.values import Path, is_sealed, open_value, seal_value
from sigmavault.schema.errors import key_path

META_KEY = "sigmavault_sealed"
VERSION = 1
_MAC_LABEL = b"sigmavault-sealed/v1 mac"


@dataclass(frozen=True)
class SealedBlock:
    data_key: str
    node: str | None
    recipients: tuple[str, ...]
    sealed_at: str
    mac: str


def read_block(raw: object, where: str) -> SealedBlock:
    if not isinstance(raw, dict) or raw.get("version") != VERSION or not isinstance(raw.get("data_key"), str):
        raise CannotOpen(f"{where}: the {META_KEY} block is damaged or of an unknown version")
    return SealedBlock(raw["data_key"], raw.get("node"), tuple(raw.get("recipients") or ()),
                       str(raw.get("sealed_at", "")), str(raw.get("mac", "")))


def sealed_values(data: object, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(key path, ENC text) of every sealed value in loaded YAML, the block itself left out."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not path and key == META_KEY:
                continue
            yield from sealed_values(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from sealed_values(item, (*path, index))
    elif is_sealed(data):
        yield path, data


def values_mac(data_key: bytes, leaves: Iterable[tuple[Path, str]]) -> str:
    mac_key = hmac.new(data_key, _MAC_LABEL, hashlib.sha256).digest()
    canonical = sorted(json.dumps([[p if isinstance(p, int) else str(p) for p in path], text], ensure_ascii=False)
                       for path, text in leaves)
    return hmac.new(mac_key, "\n".join(canonical).encode("utf-8"), hashlib.sha256).hexdigest()


def _check_mac(block: SealedBlock, data_key: bytes, leaves: list[tuple[Path, str]], where: str) -> None:
    if not hmac.compare_digest(block.mac, values_mac(data_key, leaves)):
        raise CannotOpen(f"{where}: the sealed values do not match the file's MAC: a sealed value was removed, "
                         "added or swapped for an older one outside `sigmavault seal`")


def _replaced(data: object, opened: dict[Path, object], path: Path = ()) -> object:
    if isinstance(data, dict):
        return {k: _replaced(v, opened, (*path, k)) for k, v in data.items() if path or k != META_KEY}
    if isinstance(data, list):
        return [_replaced(item, opened, (*path, i)) for i, item in enumerate(data)]
    return opened.get(path, data) if is_sealed(data) else data


def _open_key(data: dict, identities: Callable[[], list[Identity]], where: str) -> tuple[bytes, list]:
    leaves = list(sealed_values(data))
    if data.get(META_KEY) is None:
        if leaves:
            raise CannotOpen(f"{where}: {key_path(*leaves[0][0])} is sealed, but the file has no {META_KEY} "
                             "block holding its data key")
        return b"", leaves
    block = read_block(data[META_KEY], where)
    data_key = datakey.unwrap(block.data_key, identities(), where)
    _check_mac(block, data_key, leaves, where)
    return data_key, leaves


def open_data(data: object, identities: Callable[[], list[Identity]], where: str) -> object:
    """Loaded YAML with every sealed value opened and the block removed; CannotOpen if any fails.

    identities is called only when the file holds sealed values, so files without any cost nothing."""
    if not isinstance(data, dict):
        return data
    data_key, leaves = _open_key(data, identities, where)
    if not data_key:
        return data
    return _replaced(data, {path: open_value(data_key, path, text) for path, text in leaves})


def load(text: str, where: str) -> dict:
    """A pillar file's data, through the one data-only loader (no renderer line, no Jinja, bounded)."""
    try:
        return pillar_text.load_mapping(text, where)
    except pillar_text.PillarTextError as error:
        raise SealedError(str(error)) from None


def block_text(wrapped: str, fingerprints: Iterable[str], node: str | None, mac: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    armored = "".join(f"    {line}\n" for line in wrapped.strip().splitlines())
    listed = "".join(f"  - {fp}\n" for fp in fingerprints)
    return (f"{META_KEY}:\n"
            "  # The data key of this file's ENC[...] values, wrapped (age) for the node key and the\n"
            "  # recovery keys. Written by `sigmavault seal` and `sigmavault reseal`; do not edit.\n"
            f"  version: {VERSION}\n  sealed_at: '{stamp}'\n  node: {node or 'null'}\n"
            f"  recipients:\n{listed}  mac: {mac}\n  data_key: |\n{armored}")


def _with_block(text: str, data_key: bytes, wrapped: str, fingerprints: Iterable[str], node: str | None) -> str:
    body = yamltext.cut_top_level_key(text, META_KEY).rstrip("\n") + "\n"
    leaves = [(path, scalar.value) for path, scalar in yamltext.sealed_scalars(yamltext.compose(body))]
    return body + block_text(wrapped, fingerprints, node, values_mac(data_key, leaves))


def _scalar(enc: str, style: str | None) -> str:
    return f"{style}{enc}{style}" if style in ("'", '"') else enc


def seal_into(text: str, path: Path, value: object, *, identities: Callable[[], list[Identity]],
              recipients: list[str], where: str) -> str:
    """text with value sealed at path. A file that has a block reuses its data key (opened with
    identities); a file without one gets a new data key wrapped to recipients (node key first)."""
    if not path or path[0] == META_KEY:
        raise SealedError(f"cannot seal a value at {key_path(*path) or 'the top of the file'}")
    data = load(text, where)
    if data.get(META_KEY) is None:
        _open_key(data, identities, where)          # refuses sealed values that have no block
        data_key = datakey.new_data_key()
        wrapped, fingerprints = datakey.wrap(data_key, recipients), [datakey.fingerprint(r) for r in recipients]
        node = fingerprints[0] if fingerprints else None
    else:
        data_key, _ = _open_key(data, identities, where)
        block = read_block(data[META_KEY], where)
        wrapped, fingerprints, node = block.data_key, block.recipients, block.node
    sealed = yamltext.set_scalar(text, path, seal_value(data_key, path, value))
    result = _with_block(sealed, data_key, wrapped, fingerprints, node)
    written = load(result, where)
    _check_mac(read_block(written[META_KEY], where), data_key, list(sealed_values(written)), where)
    if open_value(data_key, path, str(value_at(written, path))) != value:
        raise SealedError(f"{where}: {key_path(*path)} did not read back as sealed; the file was not changed")
    return result


def reseal(text: str, *, identities: Callable[[], list[Identity]], recipients: list[str], where: str) -> str:
    """Every value opened with identities and sealed again under a new data key wrapped to recipients."""
    data = load(text, where)
    if data.get(META_KEY) is None:
        return text
    old_key, _ = _open_key(data, identities, where)
    new_key = datakey.new_data_key()
    edits = []
    for path, scalar in yamltext.sealed_scalars(yamltext.compose(text)):
        if path[0] == META_KEY:
            continue
        plain = open_value(old_key, path, scalar.value)
        edits.append((scalar.start_mark.index, scalar.end_mark.index,
                      _scalar(seal_value(new_key, path, plain), scalar.style)))
    fingerprints = [datakey.fingerprint(r) for r in recipients]
    return _with_block(yamltext.replace_spans(text, edits), new_key, datakey.wrap(new_key, recipients),
                       fingerprints, fingerprints[0] if fingerprints else None)


def opened(text: str, identities: Callable[[], list[Identity]], where: str) -> dict:
    """The whole file with every value opened: proof that identities open all of it."""
    return open_data(load(text, where), identities, where)


def value_at(data: object, path: Path) -> object:
    for part in path:
        try:
            data = data[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            raise SealedError(f"{key_path(*path)} is not in the file") from None
    return data


def block_of(text: str, where: str) -> SealedBlock | None:
    raw = load(text, where).get(META_KEY)
    return None if raw is None else read_block(raw, where)

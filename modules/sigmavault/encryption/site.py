"""The sealed files of a site's pillar, and the encryption settings recovery and rotation need.

These are read straight from the pillar files (not through Salt), through sigmavault.pillar_text, the one
data-only loader: a fresh box that cannot open its sealed values yet must still find its recovery
recipients and sealed files. A file that is not plain data (a renderer line, Jinja) is skipped here;
Salt's ext_pillar and `sigmavault validate` refuse it with the file named.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.encryption.nodekey import DEFAULT_PROFILE
from sigmavault.encryption.sealfile import META_KEY
from sigmavault.pillar_text import PillarTextError, read_file

_BLOCK_LINE = re.compile(rf"^{META_KEY}:", re.MULTILINE)
DEFAULT_ROTATION_DAYS = 30


@dataclass(frozen=True)
class EncryptionSettings:
    recovery_recipients: list[str] = field(default_factory=list)
    node_key_profile: str = DEFAULT_PROFILE
    rotation_days: int = DEFAULT_ROTATION_DAYS


def pillar_files(pillar_dir: Path) -> list[Path]:
    return sorted(p for p in Path(pillar_dir).rglob("*.sls") if p.is_file())


def sealed_files(pillar_dir: Path) -> list[Path]:
    """Pillar files that carry a sigmavault_sealed block (a top-level key at the start of a line)."""
    return [p for p in pillar_files(pillar_dir) if _BLOCK_LINE.search(p.read_text(errors="replace"))]


def _encryption_section(path: Path) -> dict | None:
    try:
        data = read_file(path)
    except PillarTextError:
        return None
    section = (data.get("sigmavault") or {}).get("encryption") if isinstance(data.get("sigmavault"), dict) else None
    return section if isinstance(section, dict) else None


def settings(pillar_dir: Path) -> EncryptionSettings:
    """sigmavault.encryption as the pillar files declare it, defaults for what they leave out."""
    merged: dict = {}
    for path in pillar_files(pillar_dir):
        merged.update(_encryption_section(path) or {})
    return EncryptionSettings(
        recovery_recipients=[str(r).strip() for r in merged.get("recovery_recipients") or []],
        node_key_profile=merged.get("node_key_profile") or DEFAULT_PROFILE,
        rotation_days=int(merged.get("rotation_days") or DEFAULT_ROTATION_DAYS),
    )

"""A site: which pillar drives the box, where SigmaVault keeps its state, and which fstab it writes."""

import os
from dataclasses import dataclass
from pathlib import Path

from sigmavault import tree

DEFAULT_STATE_DIR = Path("/var/lib/sigmavault")


@dataclass(frozen=True)
class Site:
    pillar_dir: Path
    state_dir: Path
    fstab: Path
    etc: Path = Path("/etc")

    @classmethod
    def from_environment(cls, pillar_dir: str | None = None, state_dir: str | None = None,
                         fstab: str | None = None) -> "Site":
        """Explicit arguments win, then SIGMAVAULT_PILLAR / _STATE_DIR / _FSTAB / _ETC, then the defaults."""
        return cls(
            pillar_dir=Path(pillar_dir or os.environ.get("SIGMAVAULT_PILLAR") or tree.example_pillar_dir()).resolve(),
            state_dir=Path(state_dir or os.environ.get("SIGMAVAULT_STATE_DIR") or DEFAULT_STATE_DIR).resolve(),
            fstab=Path(fstab or os.environ.get("SIGMAVAULT_FSTAB") or "/etc/fstab"),
            etc=Path(os.environ.get("SIGMAVAULT_ETC") or "/etc"),
        )

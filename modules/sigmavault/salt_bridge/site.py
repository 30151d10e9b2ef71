"""A site: which pillar drives the box, where SigmaVault keeps its state, and which fstab it writes."""

import os
from dataclasses import dataclass
from pathlib import Path

from sigmavault import tree

DEFAULT_STATE_DIR = Path("/var/lib/sigmavault")
# An installed box keeps its owner's pillar here (the image's first boot puts it there).
INSTALLED_PILLAR_DIR = Path("/etc/sigmavault/pillar")


def default_pillar_dir() -> Path:
    """The box's own pillar once it has one, else the example pillar of the tree."""
    return INSTALLED_PILLAR_DIR if (INSTALLED_PILLAR_DIR / "top.sls").exists() else tree.example_pillar_dir()


@dataclass(frozen=True)
class Site:
    pillar_dir: Path
    state_dir: Path
    fstab: Path
    etc: Path = Path("/etc")

    @classmethod
    def from_environment(cls, pillar_dir: str | None = None, state_dir: str | None = None,
                         fstab: str | None = None) -> "Site":
        """Explicit arguments win, then SIGMAVAULT_PILLAR / _STATE_DIR / _FSTAB / _ETC, then the defaults
        (the installed pillar when the box has one)."""
        return cls(
            pillar_dir=Path(pillar_dir or os.environ.get("SIGMAVAULT_PILLAR") or default_pillar_dir()).resolve(),
            state_dir=Path(state_dir or os.environ.get("SIGMAVAULT_STATE_DIR") or DEFAULT_STATE_DIR).resolve(),
            fstab=Path(fstab or os.environ.get("SIGMAVAULT_FSTAB") or "/etc/fstab"),
            etc=Path(os.environ.get("SIGMAVAULT_ETC") or "/etc"),
        )

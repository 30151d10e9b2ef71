"""A site: the paths of one box — which pillar drives it, where SigmaVault keeps its state, which fstab
and /etc it writes. Built once (from the CLI's options and environment, or from Salt's options in a
loader module) and handed to the library; nothing below resolves these paths again."""

import os
from dataclasses import dataclass
from pathlib import Path

from sigmavault import tree

DEFAULT_STATE_DIR = Path("/var/lib/sigmavault")
DEFAULT_FSTAB = Path("/etc/fstab")
DEFAULT_ETC = Path("/etc")
# An installed box keeps its owner's pillar here (the image's first boot puts it there).
INSTALLED_PILLAR_DIR = Path("/etc/sigmavault/pillar")
# `make demo`'s box: its virtual disks, state and fstab. The example pillar names disks in here, so
# that pillar (and a copy of it kept in here, as the panel's) is always the demo's, never the host's.
DEMO_DIR = Path("/var/lib/sigmavault-demo")


def default_pillar_dir() -> Path:
    """The box's own pillar once it has one, else the example pillar of the tree."""
    return INSTALLED_PILLAR_DIR if (INSTALLED_PILLAR_DIR / "top.sls").exists() else tree.example_pillar_dir()


def is_demo_pillar(pillar_dir: Path) -> bool:
    """The tree's example pillar, or a pillar kept under the demo's folder."""
    resolved = pillar_dir.resolve()
    return resolved == tree.example_pillar_dir().resolve() or resolved.is_relative_to(DEMO_DIR.resolve())


@dataclass(frozen=True)
class Site:
    pillar_dir: Path
    state_dir: Path
    fstab: Path = DEFAULT_FSTAB
    etc: Path = DEFAULT_ETC

    @property
    def mdadm_conf(self) -> Path:
        return self.etc / "mdadm" / "mdadm.conf"

    @property
    def keys_dir(self) -> Path:
        return self.state_dir / "keys"

    @classmethod
    def from_environment(cls, pillar_dir: str | None = None, state_dir: str | None = None,
                         fstab: str | None = None) -> "Site":
        """Explicit arguments win, then SIGMAVAULT_PILLAR / _STATE_DIR / _FSTAB / _ETC, then the defaults
        (the installed pillar when the box has one). The demo's pillar defaults to the demo's state and
        fstab (under DEMO_DIR): following the README never records the demo's pools in the host's fstab."""
        pillar = Path(pillar_dir or os.environ.get("SIGMAVAULT_PILLAR") or default_pillar_dir()).resolve()
        state_default, fstab_default = (
            (DEMO_DIR / "state", DEMO_DIR / "fstab") if is_demo_pillar(pillar) else (DEFAULT_STATE_DIR, DEFAULT_FSTAB))
        return cls(
            pillar_dir=pillar,
            state_dir=Path(state_dir or os.environ.get("SIGMAVAULT_STATE_DIR") or state_default).resolve(),
            fstab=Path(fstab or os.environ.get("SIGMAVAULT_FSTAB") or fstab_default),
            etc=Path(os.environ.get("SIGMAVAULT_ETC") or DEFAULT_ETC),
        )

    @classmethod
    def from_opts(cls, opts: dict) -> "Site":
        """The site a Salt run was configured for (salt_bridge.config writes these options)."""
        pillar_dir = opts.get("sigmavault_pillar_dir") or next(
            iter((opts.get("pillar_roots") or {}).get("base") or []), None) or default_pillar_dir()
        return cls(
            pillar_dir=Path(pillar_dir),
            state_dir=Path(opts.get("sigmavault_state_dir") or DEFAULT_STATE_DIR),
            fstab=Path(opts.get("sigmavault_fstab") or DEFAULT_FSTAB),
            etc=Path(opts.get("sigmavault_etc") or DEFAULT_ETC),
        )

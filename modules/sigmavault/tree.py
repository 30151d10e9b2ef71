"""Where the parts of the SigmaVault tree live, whether run from a clone or from /opt/sigmavault."""

import os
from pathlib import Path

# modules/sigmavault/tree.py -> the tree root is two levels above the package.
_DEFAULT_ROOT = Path(__file__).resolve().parents[2]


def root() -> Path:
    """The tree that holds salt/, pillar/, states/ and modules/."""
    return Path(os.environ.get("SIGMAVAULT_TREE", _DEFAULT_ROOT))


def schema_dir() -> Path:
    return root() / "pillar" / "schema"


def example_pillar_dir() -> Path:
    return root() / "pillar"


def states_dir() -> Path:
    return root() / "states"


def loader_modules_dir() -> Path:
    return root() / "modules"

"""Write the masterless minion config for a site, derived from the tree's salt/minion."""

import socket
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.files import write_atomically
from sigmavault.site import Site

INSTALLED_TREE = "/opt/sigmavault"
INSTALLED_STATE = "/var/lib/sigmavault"


def _moved(value, tree_root: str, state_dir: str):
    """Paths of the installed layout moved to this site; only a leading prefix is replaced, once."""
    if isinstance(value, str):
        for installed, here in ((INSTALLED_TREE, tree_root), (INSTALLED_STATE, state_dir)):
            if value == installed or value.startswith(installed + "/"):
                return here + value[len(installed):]
        return value
    if isinstance(value, list):
        return [_moved(item, tree_root, state_dir) for item in value]
    if isinstance(value, dict):
        return {key: _moved(item, tree_root, state_dir) for key, item in value.items()}
    return value


def minion_config(site: Site) -> dict:
    installed = yaml.safe_load((tree.root() / "salt" / "minion").read_text())
    config = _moved(installed, str(tree.root()), str(site.state_dir))
    # Salt reads no pillar file itself; the ext_pillar sigmavault reads this folder as data.
    config["pillar_roots"] = {"base": []}
    config["sigmavault_pillar_dir"] = str(site.pillar_dir)
    config["sigmavault_fstab"] = str(site.fstab)
    config["sigmavault_etc"] = str(site.etc)
    config.setdefault("id", socket.gethostname())
    return config


def write_config_dir(site: Site) -> Path:
    """The --config-dir for salt-call: <state dir>/salt/etc with one file, minion."""
    directory = site.state_dir / "salt" / "etc"
    directory.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(minion_config(site), sort_keys=True)
    path = directory / "minion"
    # Several salt-calls start at once (the panel reads while a job applies): replace whole, only on change.
    if not path.exists() or path.read_text() != text:
        write_atomically(path, text)
    return directory

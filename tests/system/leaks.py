"""Where a plaintext secret must never land: output of salt-call at its most talkative, and files."""

import subprocess
from pathlib import Path

from sigmavault.salt_bridge.call import salt_call_binary
from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.site import Site


def files_holding(needle: str, *folders: Path) -> list[str]:
    """Every file under folders whose bytes contain needle (logs, pickled and msgpack caches alike)."""
    return [str(path) for folder in folders for path in folder.rglob("*")
            if path.is_file() and needle.encode() in path.read_bytes()]


def verbose_highstate(site: Site) -> subprocess.CompletedProcess:
    """The most talkative run Salt can do: every log level to the console and the minion log, JSON out."""
    return subprocess.run([salt_call_binary(), "--config-dir", str(write_config_dir(site)), "--local",
                           "--out", "json", "-l", "all", "--log-file-level", "all", "state.apply"],
                          capture_output=True, text=True, check=False)

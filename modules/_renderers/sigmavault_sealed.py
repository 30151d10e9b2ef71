"""Renderer sigmavault_sealed: opens sealed pillar values (ENC[AES256_GCM,…]) on the box holding the node key.

The shipped minion config makes it the last step of every render (``renderer: jinja|yaml|sigmavault_sealed``),
so no file needs a ``#!`` line; a file with its own ``#!`` line ends it with ``|sigmavault_sealed``.
A value that does not open fails the render with the file and key path, never the value:
ciphertext is never passed on as if it were the secret. Logic: sigmavault.secrets.sealfile.open_data.
"""

from pathlib import Path

from salt.exceptions import SaltRenderError

from sigmavault.secrets import nodekey
from sigmavault.secrets.errors import SealedError
from sigmavault.secrets.sealfile import open_data

__virtualname__ = "sigmavault_sealed"


def __virtual__():
    return __virtualname__


def render(data, saltenv="base", sls="", argline="", **kwargs):
    if not isinstance(data, dict):
        raise SaltRenderError("sigmavault_sealed reads YAML data: use it after yaml (jinja|yaml|sigmavault_sealed)")
    state_dir = Path(__opts__.get("sigmavault_state_dir", "/var/lib/sigmavault"))
    where = f"{saltenv}:{sls}" if sls else str(kwargs.get("tmplpath", "an sls file"))
    try:
        return open_data(data, lambda: nodekey.identities(state_dir), where)
    except SealedError as error:
        raise SaltRenderError(f"sealed values do not open, nothing was rendered: {error}") from None

"""ext_pillar sigmavault: the box's pillar, read as data and never rendered.

Salt's own pillar_roots are empty (salt/minion), so Salt renders no pillar file and a ``#!py`` line or a
template in one is never run. This adapter reads the files top.sls names through sigmavault.pillar_files
(plain YAML, bounded) and opens their sealed values (ENC[AES256_GCM,…]) with the node key. Any problem
is raised: Salt puts it in pillar['_errors'], so the run stops before a state changes anything.
"""

from sigmavault import pillar_files
from sigmavault.encryption import nodekey
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.sealfile import open_data
from sigmavault.site import Site

__virtualname__ = "sigmavault"


class PillarNotRead(Exception):
    pass


def __virtual__():
    return __virtualname__


def ext_pillar(minion_id, pillar, **kwargs):
    site = Site.from_opts(__opts__)

    def opened(path, data: dict) -> dict:
        try:
            return open_data(data, lambda: nodekey.identities(site.state_dir), str(path))
        except SealedError as error:
            raise PillarNotRead(f"sealed values do not open, nothing was read: {error}") from None

    try:
        return pillar_files.read(site.pillar_dir, minion_id, opened)
    except ValueError as error:   # PillarTextError: the file, line and column, and what to do
        raise PillarNotRead(str(error)) from None

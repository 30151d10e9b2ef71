"""State module: the node key exists, and every sealed pillar file is sealed to it and the recovery keys."""

from sigmavault.encryption import checks
from sigmavault.encryption.errors import SealedError
from sigmavault.outcome import Outcome

__virtualname__ = "sigmavault_encryption"


def __virtual__():
    return __virtualname__


def _encryption() -> dict:
    return __salt__["sigmavault_pillar.document"]()["encryption"]


def node_key_present(name: str) -> dict:
    encryption = _encryption()
    outcome = checks.node_key_outcome(__salt__["sigmavault_encryption.state_dir"](), encryption["node_key_profile"],
                                      encryption["rotation_days"], __opts__["test"],
                                      pillar_dirs=__salt__["sigmavault_encryption.pillar_dirs"]())
    return outcome.as_state(name)


def sealed_to_current_keys(name: str) -> dict:
    try:
        outcome = checks.sealed_files_outcome(__salt__["sigmavault_encryption.pillar_dirs"](),
                                              __salt__["sigmavault_encryption.state_dir"](),
                                              _encryption()["recovery_recipients"])
    except SealedError as error:   # the node key cannot be read: node_key_present says why and what to do
        outcome = Outcome(False, str(error))
    return outcome.as_state(name)

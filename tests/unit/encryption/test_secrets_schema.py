"""sigmavault.encryption in the one schema, its cross-key rules, and the guard against unopened values."""

import base64
import copy
import os

import pytest

from sigmavault.crypto import generate_identity, recipient_of
from sigmavault.encryption.pillar_rules import encryption_errors
from sigmavault.verdict import validate_pillar
from tests.unit.builders import example_pillar


def encryption(**keys) -> dict:
    pillar = copy.deepcopy(example_pillar())
    pillar["sigmavault"]["encryption"] = keys
    return pillar


def test_defaults_are_the_post_quantum_profile_and_thirty_days():
    document = validate_pillar(encryption()).document
    assert document["encryption"] == {"node_key_profile": "mlkem768x25519", "recovery_recipients": [],
                                      "rotation_days": 30, "secrets": {}, "volume_keys": {}}


def test_both_post_quantum_profiles_are_accepted_as_recovery_keys(recovery):
    high = recipient_of(generate_identity("mlkem1024p384"))
    result = validate_pillar(encryption(recovery_recipients=[recovery.recipient, high]))
    assert result.ok and not list(encryption_errors(result.document))


def test_classical_recovery_key_is_refused_with_a_hint():
    result = validate_pillar(encryption(recovery_recipients=[recipient_of(generate_identity("x25519"))]))
    assert [e.path for e in result.errors] == ["sigmavault.encryption.recovery_recipients[0]"]
    assert "a post-quantum recipient: age1pq1" in result.errors[0].message


def test_mistyped_recovery_key_is_caught_by_its_checksum(recovery):
    typo = recovery.recipient[:-1] + ("q" if recovery.recipient[-1] != "q" else "p")
    result = validate_pillar(encryption(recovery_recipients=[typo]))
    errors = list(encryption_errors(result.document))
    assert [e.path for e in errors] == ["sigmavault.encryption.recovery_recipients[0]"]
    assert "checksum" in errors[0].message


@pytest.mark.parametrize("keys, path", [({"rotation_days": 0}, "sigmavault.encryption.rotation_days"),
                                        ({"node_key_profile": "x25519"}, "sigmavault.encryption.node_key_profile"),
                                        ({"secrets": {"Bad Name": "x"}}, "sigmavault.encryption.secrets['Bad Name']"),
                                        ({"secrets": {"pin": 1234}}, "sigmavault.encryption.secrets.pin")])
def test_bad_encryption_keys_are_refused_at_their_path(keys, path):
    result = validate_pillar(encryption(**keys))
    assert path in [e.path for e in result.errors]


def test_a_value_that_reached_validation_still_sealed_is_refused():
    sealed = "ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAA,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]"
    result = validate_pillar(encryption(secrets={"api_token": sealed}))
    errors = list(encryption_errors(result.document))
    assert [e.path for e in errors] == ["sigmavault.encryption.secrets.api_token"]
    assert "still sealed" in errors[0].message


def test_an_opened_volume_key_must_be_64_random_bytes():
    good = base64.b64encode(os.urandom(64)).decode()
    result = validate_pillar(encryption(volume_keys={"tank": good, "short": base64.b64encode(b"x" * 8).decode(),
                                                    "typed": "my passphrase"}))
    errors = {e.path: e.message for e in encryption_errors(result.document)}
    assert set(errors) == {"sigmavault.encryption.volume_keys.short", "sigmavault.encryption.volume_keys.typed"}
    assert "--random 64" in errors["sigmavault.encryption.volume_keys.typed"]

"""A pillar file with sealed values: sealed in place, opened whole, and refused when anything is off."""

import io

import pytest
import yaml

from sigmavault.crypto import decrypt, generate_identity, recipient_of
from sigmavault.encryption import sealfile
from sigmavault.encryption.errors import CannotOpen, SealedError
from sigmavault.encryption.sealfile import META_KEY, open_data, reseal, seal_into
from sigmavault.encryption.yamltext import set_scalar

SITE = """\
# The owner's site: comments and layout must survive sealing.
sigmavault:
  system:
    hostname: nas   # the box
  encryption:
    rotation_days: 30
    secrets: {}

  # later domains
  users: {}
"""
TOKEN = ("sigmavault", "encryption", "secrets", "api_token")
PIN = ("sigmavault", "encryption", "secrets", "pin")


def never():
    raise AssertionError("identities were asked for, but nothing needed opening")


def sealed_site(node, *extra, text=SITE, path=TOKEN, value="s3cret"):
    return seal_into(text, path, value, identities=node.opener(), where="site.sls",
                     recipients=[node.recipient, *[k.recipient for k in extra]])


def opened(text, key):
    return open_data(yaml.safe_load(text), key.opener(), "site.sls")


def test_sealing_keeps_every_line_of_the_file_and_appends_the_block(node):
    text = sealed_site(node)
    lines = text.splitlines()
    assert lines[:6] == SITE.splitlines()[:6]
    assert lines[6].startswith("    secrets:") and lines[7].startswith("      api_token: ENC[AES256_GCM,data:")
    assert lines[8:11] == ["", "  # later domains", "  users: {}"]
    assert lines[11] == f"{META_KEY}:"
    assert "s3cret" not in text


def test_file_round_trips_for_both_node_key_profiles(any_profile_key):
    text = sealed_site(any_profile_key, value="pässword")
    assert opened(text, any_profile_key)["sigmavault"]["encryption"]["secrets"]["api_token"] == "pässword"


def test_rendered_pillar_has_no_sealed_block(node):
    assert set(opened(sealed_site(node), node)) == {"sigmavault"}


def test_recovery_recipient_opens_the_file_too(node, recovery):
    text = sealed_site(node, recovery)
    assert opened(text, recovery)["sigmavault"]["encryption"]["secrets"]["api_token"] == "s3cret"


def test_data_key_is_a_plain_age_file_a_recovery_key_opens_without_sigmavault(node, recovery):
    block = yaml.safe_load(sealed_site(node, recovery))[META_KEY]
    out = io.BytesIO()
    decrypt(io.BytesIO(block["data_key"].encode()), out, [recovery.secret])
    assert len(out.getvalue()) == 32
    assert block["data_key"].startswith("-----BEGIN AGE ENCRYPTED FILE-----")


def test_wrong_identity_is_a_clear_error_naming_the_file(node, stranger):
    with pytest.raises(CannotOpen, match=r"site\.sls: sealed for other keys, not for this box's node key"):
        opened(sealed_site(node), stranger)


def test_no_identity_at_all_says_how_to_recover(node):
    with pytest.raises(CannotOpen, match="sigmavault keys recover"):
        open_data(yaml.safe_load(sealed_site(node)), lambda: [], "site.sls")


def test_file_without_sealed_values_opens_without_asking_for_keys():
    data = yaml.safe_load(SITE)
    assert open_data(data, never, "site.sls") == data


def test_sealed_value_without_a_block_is_refused_not_passed_through(node):
    data = yaml.safe_load(sealed_site(node))
    del data[META_KEY]
    with pytest.raises(CannotOpen, match=r"sigmavault\.encryption\.secrets\.api_token is sealed, but the file has no"):
        open_data(data, never, "site.sls")


def test_second_value_reuses_the_data_key_and_both_open(node):
    first = sealed_site(node)
    second = seal_into(first, PIN, "1234", identities=node.opener(), recipients=[], where="site.sls")
    assert yaml.safe_load(second)[META_KEY]["data_key"] == yaml.safe_load(first)[META_KEY]["data_key"]
    assert opened(second, node)["sigmavault"]["encryption"]["secrets"] == {"api_token": "s3cret", "pin": "1234"}
    assert second.count(f"{META_KEY}:") == 1


def test_resealing_a_key_replaces_its_value(node):
    text = sealed_site(node)
    text = seal_into(text, TOKEN, "n3w", identities=node.opener(), recipients=[], where="site.sls")
    assert opened(text, node)["sigmavault"]["encryption"]["secrets"] == {"api_token": "n3w"}


def test_swapping_two_sealed_values_is_detected(node):
    text = sealed_site(node)
    text = seal_into(text, PIN, "1234", identities=node.opener(), recipients=[], where="site.sls")
    data = yaml.safe_load(text)
    secrets = data["sigmavault"]["encryption"]["secrets"]
    secrets["api_token"], secrets["pin"] = secrets["pin"], secrets["api_token"]
    with pytest.raises(CannotOpen, match="MAC"):
        open_data(data, node.opener(), "site.sls")


def test_a_value_from_another_file_does_not_open(node):
    one, other = sealed_site(node, value="one"), sealed_site(node, value="other")
    data = yaml.safe_load(one)
    data["sigmavault"]["encryption"]["secrets"]["api_token"] = yaml.safe_load(other)["sigmavault"]["encryption"][
        "secrets"]["api_token"]
    with pytest.raises(CannotOpen):
        open_data(data, node.opener(), "site.sls")


def test_removing_a_sealed_value_is_detected(node):
    text = seal_into(sealed_site(node), PIN, "1234", identities=node.opener(), recipients=[], where="site.sls")
    data = yaml.safe_load(text)
    del data["sigmavault"]["encryption"]["secrets"]["pin"]
    with pytest.raises(CannotOpen, match="removed, added or swapped"):
        open_data(data, node.opener(), "site.sls")


def test_damaged_data_key_is_a_clear_error(node):
    data = yaml.safe_load(sealed_site(node))
    data[META_KEY]["data_key"] = data[META_KEY]["data_key"].replace("\n", "\nAAAA", 1)
    with pytest.raises(CannotOpen, match="wrapped data key is damaged"):
        open_data(data, node.opener(), "site.sls")


def test_classical_recipients_are_refused():
    classical = recipient_of(generate_identity("x25519"))
    with pytest.raises(SealedError, match="classical"):
        seal_into(SITE, TOKEN, "s3cret", identities=never, recipients=[classical], where="site.sls")


def test_reseal_gives_new_ciphertexts_under_a_new_data_key_with_the_same_values(node, recovery, stranger):
    before = seal_into(sealed_site(node), PIN, 7, identities=node.opener(), recipients=[], where="site.sls")
    after = reseal(before, identities=node.opener(), recipients=[stranger.recipient, recovery.recipient],
                   where="site.sls")
    old_values = dict(sealfile.sealed_values(yaml.safe_load(before)))
    new_values = dict(sealfile.sealed_values(yaml.safe_load(after)))
    assert old_values.keys() == new_values.keys() and not set(old_values.values()) & set(new_values.values())
    assert opened(after, stranger) == opened(before, node)
    with pytest.raises(CannotOpen):
        opened(after, node)
    assert after.splitlines()[:4] == before.splitlines()[:4]


@pytest.mark.parametrize("source, expected", [
    ("", "sigmavault:\n  encryption:\n    secrets:\n      api_token: X\n"),
    ("sigmavault:\n  encryption: {}\n", "sigmavault:\n  encryption:\n    secrets:\n      api_token: X\n"),
    ("sigmavault:\n  encryption:\n    secrets:\n", "sigmavault:\n  encryption:\n    secrets:\n      api_token: X\n"),
    ("sigmavault:\n  encryption:\n    secrets:\n      a: b\n  users: {}\n",
     "sigmavault:\n  encryption:\n    secrets:\n      a: b\n      api_token: X\n  users: {}\n"),
    ("sigmavault:\n    encryption:\n        secrets: {api_token: old}\n",
     "sigmavault:\n    encryption:\n        secrets: {api_token: 'X'}\n"),
    ("sigmavault:\n  encryption:\n    secrets:\n      api_token:   # fill in\n",
     "sigmavault:\n  encryption:\n    secrets:\n      api_token: X   # fill in\n"),
])
def test_setting_a_value_adds_or_replaces_only_what_it_must(source, expected):
    assert set_scalar(source, TOKEN, "X") == expected


def test_a_key_under_a_list_or_value_cannot_be_added():
    with pytest.raises(SealedError, match="not a mapping"):
        set_scalar("sigmavault:\n  encryption: [1]\n", TOKEN, "X")
    with pytest.raises(SealedError, match="mapping or list"):
        set_scalar("sigmavault:\n  encryption:\n    secrets: {}\n", TOKEN[:3], "X")


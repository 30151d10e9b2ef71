"""Key strings: generation, derivation, parsing and the errors a NAS owner sees."""

from __future__ import annotations

import pytest

from sigmavault.crypto import (
    KeyFormatError,
    bech32,
    generate_identity,
    parse_identity,
    parse_recipient,
    recipient_of,
)
from sigmavault.crypto.mlkem1024p384 import MLKEM1024P384
from sigmavault.crypto.xwing import MLKEM768X25519

# From the C2SP age spec (c2sp.org/age), "Native recipient types".
SPEC_X25519_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
SPEC_X25519_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
SPEC_PQ_IDENTITY = "AGE-SECRET-KEY-PQ-1XX76JRALNLXDMEW0CRK45QMCCH4X06SE84UN3VPM33W6HWDX0H3SK3ZQFR"
SPEC_PQ_RECIPIENT_START = "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6"
SPEC_PQ_RECIPIENT_END = "xpfqdkmhh6gjtqmwze9pyyzk3tlhl53k2ykx3qheyty7saeq0d3fzv49zc0k"


@pytest.mark.parametrize(
    ("profile", "identity_prefix", "recipient_prefix"),
    [
        ("mlkem768x25519", "AGE-SECRET-KEY-PQ-1", "age1pq1"),
        ("default", "AGE-SECRET-KEY-PQ-1", "age1pq1"),
        ("x25519", "AGE-SECRET-KEY-1", "age1"),
        ("mlkem1024p384", "SIGMAVAULT-SECRET-KEY-PQHIGH-1", "svpqhigh1"),
        ("high", "SIGMAVAULT-SECRET-KEY-PQHIGH-1", "svpqhigh1"),
    ],
)
def test_keygen_produces_strings_with_the_profile_prefixes(profile, identity_prefix, recipient_prefix):
    identity = generate_identity(profile)
    recipient = recipient_of(identity)
    assert identity.startswith(identity_prefix) and identity == identity.upper()
    assert recipient.startswith(recipient_prefix) and recipient == recipient.lower()
    assert str(parse_identity(identity)) == identity
    assert str(parse_recipient(recipient)) == recipient


def test_default_profile_is_age_post_quantum():
    assert generate_identity().startswith("AGE-SECRET-KEY-PQ-1")


def test_x25519_identity_derives_the_spec_example_recipient():
    assert recipient_of(SPEC_X25519_IDENTITY) == SPEC_X25519_RECIPIENT


def test_hybrid_identity_derives_the_spec_example_recipient():
    recipient = recipient_of(SPEC_PQ_IDENTITY)
    # The Bech32 checksum at the end covers every byte of the 1216-byte key.
    assert recipient.startswith(SPEC_PQ_RECIPIENT_START)
    assert recipient.endswith(SPEC_PQ_RECIPIENT_END)


# filippo.io/hpke testdata/hpke-pq.json: private seed skRm and the start of pkRm.
XWING_SEED = "447cfc23de31102101a1b5aec0897a31f24670946f8e67345df7099b7c26e626"
XWING_PUBLIC_START = "d9ac25bc9b3516188ead3a40cfe439f4143090900cf1875fd60b5ba4e381948b"
XWING_PUBLIC_END = "88afe88208fb423c3ef8cda69"
HIGH_SEED = "09417c8891234bbcbe2631182a2e3980bbfad07083f811c410d79de34cd485fe"
HIGH_PUBLIC_START = "bab58b0eb85e42674cb0526bebac611c4cc5c899cef86c8f3e224aff86b33139"


def test_key_expansion_matches_hpke_pq_reference_vectors():
    xwing = MLKEM768X25519.expand(bytes.fromhex(XWING_SEED)).public_bytes.hex()
    assert xwing.startswith(XWING_PUBLIC_START) and xwing.endswith(XWING_PUBLIC_END)
    high = MLKEM1024P384.expand(bytes.fromhex(HIGH_SEED)).public_bytes
    assert high.hex().startswith(HIGH_PUBLIC_START)
    assert len(high) == 1568 + 97 and high[1568] == 0x04


def test_recipient_parse_ignores_surrounding_whitespace():
    assert str(parse_recipient(f"  {SPEC_X25519_RECIPIENT}\n")) == SPEC_X25519_RECIPIENT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-key",
        SPEC_X25519_RECIPIENT[:-1] + "q",  # checksum broken by a typo
        SPEC_X25519_RECIPIENT.upper(),
        "age1" + SPEC_X25519_RECIPIENT[4:10].upper() + SPEC_X25519_RECIPIENT[10:],  # mixed case
        bech32.encode("age1pq", bytes(40)),  # right type, wrong length
        bech32.encode("age", bytes(31)),
        bech32.encode("xyz", bytes(32)),  # unknown type
    ],
)
def test_malformed_recipient_is_refused_with_key_format_error(text):
    with pytest.raises(KeyFormatError):
        parse_recipient(text)


def test_unknown_profile_error_lists_the_choices():
    with pytest.raises(KeyFormatError, match="mlkem768x25519, x25519, mlkem1024p384"):
        generate_identity("rsa")


def test_secret_key_errors_do_not_echo_the_key():
    broken = SPEC_PQ_IDENTITY[:-1] + "Q"
    with pytest.raises(KeyFormatError) as caught:
        parse_identity(broken)
    assert "1XX76JRAL" not in str(caught.value)


def test_lowercase_secret_key_is_refused():
    with pytest.raises(KeyFormatError, match="uppercase"):
        parse_identity(SPEC_X25519_IDENTITY.lower())


def test_recipient_string_is_not_accepted_as_identity():
    with pytest.raises(KeyFormatError):
        parse_identity(SPEC_X25519_RECIPIENT)

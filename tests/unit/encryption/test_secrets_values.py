"""One sealed value: SOPS-shaped text, its type kept, and bound to its key path."""

import base64
import os
import re

import pytest

from sigmavault.encryption.errors import CannotOpen, SealedError
from sigmavault.encryption.values import is_sealed, open_value, seal_value

KEY = os.urandom(32)
PATH = ("sigmavault", "encryption", "secrets", "api_token")
SOPS_SHAPE = re.compile(r"ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,"
                        r"type:(str|int|float|bool)\]\Z")


def _fields(text: str) -> dict:
    return dict(part.split(":", 1) for part in text[len("ENC[AES256_GCM,"):-1].split(","))


def _with(text: str, **changes: str) -> str:
    fields = {**_fields(text), **changes}
    return "ENC[AES256_GCM," + ",".join(f"{k}:{v}" for k, v in fields.items()) + "]"


@pytest.mark.parametrize("value", ["s3cret", "", "ünïcode ✓ 秘密", "line one\nline two", 42, -7, 2.5, True, False])
def test_value_round_trips_with_its_type(value):
    sealed = seal_value(KEY, PATH, value)
    assert SOPS_SHAPE.match(sealed) and is_sealed(sealed)
    opened = open_value(KEY, PATH, sealed)
    assert opened == value and type(opened) is type(value)


def test_the_same_value_seals_differently_each_time():
    assert seal_value(KEY, PATH, "same") != seal_value(KEY, PATH, "same")


def test_plaintext_does_not_show_in_the_sealed_text():
    secret = "correct horse battery staple"
    sealed = seal_value(KEY, PATH, secret)
    assert secret not in sealed and base64.b64encode(secret.encode()).decode()[:12] not in sealed


def test_a_value_moved_to_another_key_does_not_open():
    sealed = seal_value(KEY, PATH, "s3cret")
    with pytest.raises(CannotOpen, match=r"sigmavault\.encryption\.secrets\.other_token: .*copied from another key"):
        open_value(KEY, (*PATH[:-1], "other_token"), sealed)


def test_a_list_position_is_not_the_same_as_a_key_named_like_it():
    sealed = seal_value(KEY, ("users", 0), "pw")
    with pytest.raises(CannotOpen):
        open_value(KEY, ("users", "0"), sealed)


def test_changing_the_declared_type_is_detected():
    sealed = seal_value(KEY, PATH, "12")
    with pytest.raises(CannotOpen):
        open_value(KEY, PATH, _with(sealed, type="int"))


@pytest.mark.parametrize("field", ["data", "iv", "tag"])
def test_a_changed_byte_in_any_field_is_detected(field):
    sealed = seal_value(KEY, PATH, "s3cret value")
    raw = bytearray(base64.b64decode(_fields(sealed)[field]))
    raw[0] ^= 1
    with pytest.raises(CannotOpen, match="does not open"):
        open_value(KEY, PATH, _with(sealed, **{field: base64.b64encode(bytes(raw)).decode()}))


def test_another_data_key_does_not_open_it():
    with pytest.raises(CannotOpen):
        open_value(os.urandom(32), PATH, seal_value(KEY, PATH, "s3cret"))


@pytest.mark.parametrize("text", ["ENC[AES256_GCM,data:abc]", "ENC[AES256_GCM,data:!!,iv:AAAA,tag:AAAA,type:str]",
                                  "ENC[AES256_GCM,data:,iv:AAAA,tag:AAAA,type:str]",
                                  "ENC[PGP,data:,iv:AAAA,tag:AAAA,type:str]"])
def test_malformed_sealed_text_is_a_clear_error(text):
    with pytest.raises(CannotOpen, match=r"sigmavault\.encryption\.secrets\.api_token"):
        open_value(KEY, PATH, text)


@pytest.mark.parametrize("value", [None, ["a"], {"a": 1}, b"raw"])
def test_only_scalars_can_be_sealed(value):
    with pytest.raises(SealedError, match="only strings, numbers and true/false"):
        seal_value(KEY, PATH, value)

"""One sealed value: AES-256-GCM under the file's data key, written the way SOPS writes it.

    ENC[AES256_GCM,data:<base64>,iv:<base64>,tag:<base64>,type:str]

The associated data is the value's key path and type, so a value copied to another
key (or another list position, or given another type) fails to open instead of
turning into someone else's secret. A 12-byte random IV per value; strings, whole
numbers, decimals and booleans keep their type through a round trip.
"""

import base64
import json
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sigmavault.encryption.errors import CannotOpen, SealedError
from sigmavault.encryption.keypath import Path
from sigmavault.schema.errors import key_path

DATA_KEY_SIZE = 32
IV_SIZE = 12
TAG_SIZE = 16
PREFIX = "ENC["
_B64 = r"[A-Za-z0-9+/]*={0,2}"
_SEALED = re.compile(rf"ENC\[AES256_GCM,data:(?P<data>{_B64}),iv:(?P<iv>{_B64}),tag:(?P<tag>{_B64}),"
                     r"type:(?P<type>str|int|float|bool)\]\Z")
_AD_LABEL = b"sigmavault-sealed/v1\x00"


def is_sealed(value: object) -> bool:
    """True for anything that claims to be a sealed value (well-formed or not)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def associated_data(path: Path, kind: str) -> bytes:
    """Mapping keys as strings, list positions as numbers: ('a', 'b', 0) never equals ('a', 'b', '0')."""
    parts = [p if isinstance(p, int) else str(p) for p in path]
    return _AD_LABEL + kind.encode() + b"\x00" + json.dumps(parts, ensure_ascii=False).encode("utf-8")


def _encode(value: object) -> tuple[bytes, str]:
    if isinstance(value, bool):
        return (b"true" if value else b"false"), "bool"
    if isinstance(value, int):
        return str(value).encode(), "int"
    if isinstance(value, float):
        return repr(value).encode(), "float"
    if isinstance(value, str):
        return value.encode("utf-8"), "str"
    raise SealedError(f"only strings, numbers and true/false can be sealed, not {type(value).__name__}")


def _decode(plain: bytes, kind: str) -> object:
    text = plain.decode("utf-8")
    if kind == "bool":
        return text == "true"
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    return text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def seal_value(data_key: bytes, path: Path, value: object) -> str:
    """The ENC[...] text of value, bound to its key path."""
    plain, kind = _encode(value)
    iv = os.urandom(IV_SIZE)
    sealed = AESGCM(data_key).encrypt(iv, plain, associated_data(path, kind))
    data, tag = sealed[:-TAG_SIZE], sealed[-TAG_SIZE:]
    return f"ENC[AES256_GCM,data:{_b64(data)},iv:{_b64(iv)},tag:{_b64(tag)},type:{kind}]"


def open_value(data_key: bytes, path: Path, text: str) -> object:
    """The plaintext of a sealed value at path; CannotOpen if it was changed, moved or is not ours."""
    where = key_path(*path)
    match = _SEALED.match(text)
    if not match:
        raise CannotOpen(f"{where}: not a well-formed sealed value (expected ENC[AES256_GCM,data:…,iv:…,tag:…,"
                         "type:…]); seal it again with `sigmavault seal`")
    try:
        data, iv, tag = (base64.b64decode(match[k], validate=True) for k in ("data", "iv", "tag"))
    except ValueError:
        raise CannotOpen(f"{where}: the sealed value's base64 is damaged") from None
    if len(iv) != IV_SIZE or len(tag) != TAG_SIZE:
        raise CannotOpen(f"{where}: the sealed value's iv or tag has the wrong length")
    try:
        plain = AESGCM(data_key).decrypt(iv, data + tag, associated_data(path, match["type"]))
    except InvalidTag:
        raise CannotOpen(f"{where}: the sealed value does not open with this file's data key: it was changed, "
                         "or copied from another key or file; seal it again at this key") from None
    return _decode(plain, match["type"])

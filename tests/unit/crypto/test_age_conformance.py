"""Every C2SP age test vector (npm package cctv-age) decrypts to its stated outcome.

The vectors live in build/ (git-ignored); `make setup` installs them with
`npm install --prefix build/npm cctv-age`. Set SIGMAVAULT_CCTV_AGE_DIR to use
another copy: either the npm package folder (holding index.js) or a folder
of raw vector files (CCTV's age/testdata).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sigmavault.crypto import (
    ArmorError,
    HeaderError,
    HeaderMacError,
    NoIdentityMatchError,
    PayloadError,
    decrypt,
    parse_identity,
)
from sigmavault.crypto.scrypt import ScryptIdentity

REPO = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO / "build" / "npm" / "node_modules" / "cctv-age"
MISSING = (
    "C2SP age test vectors not found at {where}. Run `make setup` "
    "(it runs `npm install --prefix build/npm cctv-age`) or point SIGMAVAULT_CCTV_AGE_DIR at them."
)
_BUNDLED = re.compile(r'// \.\./testdata/([\w.-]+)\s*\nvar \w+ = __toBinary\("([A-Za-z0-9+/=]*)"\);')
_KNOWN_KEYS = {"expect", "payload", "file key", "identity", "passphrase", "armored", "compressed", "comment"}


@dataclass
class Vector:
    expect: str = ""
    payload: str | None = None
    identities: list[str] = field(default_factory=list)
    passphrases: list[str] = field(default_factory=list)
    armored: bool = False
    unknown_keys: list[str] = field(default_factory=list)
    file: bytes = b""


def _vector_dir() -> Path:
    return Path(os.environ.get("SIGMAVAULT_CCTV_AGE_DIR") or DEFAULT_DIR)


def load_raw_vectors(where: Path) -> dict[str, bytes]:
    if (where / "index.js").is_file():
        bundle = (where / "index.js").read_text(encoding="utf-8")
        return {name: base64.b64decode(data) for name, data in _BUNDLED.findall(bundle)}
    folder = where / "testdata" if (where / "testdata").is_dir() else where
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def parse_vector(raw: bytes) -> Vector:
    vector, compressed = Vector(), False
    text, _, body = raw.partition(b"\n\n")
    for line in text.decode("utf-8").split("\n"):
        key, _, value = line.partition(": ")
        if key == "expect":
            vector.expect = value
        elif key == "payload":
            vector.payload = value
        elif key == "identity":
            vector.identities.append(value)
        elif key == "passphrase":
            vector.passphrases.append(value)
        elif key == "armored":
            vector.armored = value == "yes"
        elif key == "compressed":
            compressed = value == "zlib"
        elif key not in _KNOWN_KEYS:
            vector.unknown_keys.append(key)
    vector.file = zlib.decompress(body) if compressed else body
    return vector


RAW_VECTORS = load_raw_vectors(_vector_dir())
if not RAW_VECTORS and (_vector_dir() / "index.js").is_file():
    MISSING = "Found {where}/index.js but no vectors in it: has the cctv-age bundle format changed?"
PARAMS = [pytest.param(name, id=name) for name in sorted(RAW_VECTORS)] or [
    pytest.param(None, id="vectors-missing")
]


def outcome_of(vector: Vector) -> tuple[str, bytes]:
    identities = [parse_identity(i) for i in vector.identities]
    identities += [ScryptIdentity(p) for p in vector.passphrases]
    out = io.BytesIO()
    try:
        decrypt(io.BytesIO(vector.file), out, identities, armor=vector.armored)
        outcome = "success"
    except ArmorError:
        outcome = "armor failure"
    except NoIdentityMatchError:
        outcome = "no match"
    except HeaderMacError:
        outcome = "HMAC failure"
    except HeaderError:
        outcome = "header failure"
    except PayloadError:
        outcome = "payload failure"
    return outcome, out.getvalue()


@pytest.mark.parametrize("name", PARAMS)
def test_vector_decrypts_to_its_expected_outcome(name: str | None) -> None:
    if name is None:
        pytest.fail(MISSING.format(where=_vector_dir()))
    vector = parse_vector(RAW_VECTORS[name])
    if vector.unknown_keys:
        pytest.skip(f"vector uses header keys this runner does not know: {vector.unknown_keys}")
    outcome, released = outcome_of(vector)
    assert outcome == vector.expect
    if vector.payload is not None:
        assert hashlib.sha256(released).hexdigest() == vector.payload


def test_vector_set_is_complete_including_hybrid_cases() -> None:
    if not RAW_VECTORS:
        pytest.fail(MISSING.format(where=_vector_dir()))
    assert len(RAW_VECTORS) >= 140
    assert len([n for n in RAW_VECTORS if "hybrid" in n]) >= 19

"""Files made here open with the reference `age` CLI and the other way round.

Skipped only when `age` is not installed (`apt-get install -y age`); the
post-quantum case also needs age >= 1.3 (Debian bookworm ships 1.1).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pytest

from sigmavault.crypto import decrypt, encrypt, generate_identity, recipient_of
from sigmavault.crypto.payload import CHUNK_SIZE

AGE = shutil.which("age")
pytestmark = pytest.mark.skipif(AGE is None, reason="the age CLI is not installed")


def age_version() -> tuple[int, ...]:
    out = subprocess.run([AGE, "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in found.groups()) if found else (0, 0, 0)


def age(*args: str, data: bytes = b"") -> bytes:
    return subprocess.run([AGE, *args], input=data, capture_output=True, check=True, timeout=60).stdout


def sealed_here(data: bytes, recipient: str, armor: bool) -> bytes:
    out = io.BytesIO()
    encrypt(io.BytesIO(data), out, [recipient], armor=armor)
    return out.getvalue()


def opened_here(blob: bytes, identity: str) -> bytes:
    out = io.BytesIO()
    decrypt(io.BytesIO(blob), out, [identity])
    return out.getvalue()


def round_trip_both_ways(profile: str, tmp_path, armor: bool) -> None:
    identity = generate_identity(profile)
    recipient = recipient_of(identity)
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"# test key\n{identity}\n")
    data = os.urandom(2 * CHUNK_SIZE) + os.urandom(CHUNK_SIZE // 3)

    assert age("-d", "-i", str(key_file), data=sealed_here(data, recipient, armor)) == data

    flags = ["-a"] if armor else []
    assert opened_here(age("-r", recipient, *flags, data=data), identity) == data


@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_x25519_files_interoperate_with_age_cli_both_ways(tmp_path, armor):
    round_trip_both_ways("x25519", tmp_path, armor)


def test_identity_from_age_keygen_decrypts_here(tmp_path):
    keygen = shutil.which("age-keygen")
    if keygen is None:
        pytest.skip("age-keygen is not installed")
    text = subprocess.run([keygen], capture_output=True, text=True, check=True).stdout
    identity = next(line for line in text.splitlines() if line.startswith("AGE-SECRET-KEY-"))
    blob = age("-r", recipient_of(identity), data=b"from age-keygen")
    assert opened_here(blob, identity) == b"from age-keygen"


@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_post_quantum_files_interoperate_with_age_cli_both_ways(tmp_path, armor):
    if age_version() < (1, 3, 0):
        pytest.skip(f"age {'.'.join(map(str, age_version()))} predates post-quantum keys (needs 1.3)")
    round_trip_both_ways("mlkem768x25519", tmp_path, armor)

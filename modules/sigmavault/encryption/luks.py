"""LUKS2 volumes whose keys are sealed pillar values: ``sigmavault.encryption.volume_keys.<pool>``
holds 64 random bytes (base64) sealed for the node key and the recovery recipients, so rotation
(``reseal``) and recovery on another box (``keys recover``) cover volume keys with no extra step.

Keys reach cryptsetup through pipes, never argv or a plaintext file. Formatting, adding a key
slot and reading the header work on any host; opening needs device-mapper (the VM tier).
Which devices get formatted, and the consent to do so, is storage's decision: this module only
does what it is told to the device it is given.
"""

import json
import os
import subprocess

from sigmavault.encryption.errors import SealedError

KEY_SIZE = 64
# Keys are 64 random bytes, not passphrases: stretching them buys nothing, so each key slot uses a
# cheap argon2id (4 passes over 64 MiB) instead of cryptsetup's two-second benchmark default.
_CHEAP_KDF = ["--pbkdf", "argon2id", "--pbkdf-force-iterations", "4", "--pbkdf-memory", "65536",
              "--pbkdf-parallel", "1"]


class LuksError(SealedError):
    pass


def new_volume_key() -> bytes:
    return os.urandom(KEY_SIZE)


def _cryptsetup(args: list[str], key: bytes, extra_key: bytes | None = None) -> subprocess.CompletedProcess:
    """cryptsetup with key on stdin (--key-file -) and extra_key, if any, on a pipe named /dev/fd/N."""
    read_end = None
    try:
        if extra_key is not None:
            read_end, write_end = os.pipe()
            os.write(write_end, extra_key)      # 64 bytes: fits in the pipe buffer
            os.close(write_end)
            args = [a.replace("{extra}", f"/dev/fd/{read_end}") for a in args]
        return subprocess.run(["cryptsetup", *args], input=key, capture_output=True, check=False,
                              pass_fds=(read_end,) if read_end is not None else ())
    except FileNotFoundError:
        raise LuksError("cryptsetup is not installed: install cryptsetup-bin") from None
    finally:
        if read_end is not None:
            os.close(read_end)


def _checked(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode:
        raise LuksError(f"{what} failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")


def format_argv(device: str, label: str) -> list[str]:
    """luksFormat as LUKS2 (argon2id), the key read from stdin into slot 0; destroys what device holds."""
    return ["cryptsetup", "luksFormat", "--type", "luks2", "--batch-mode", *_CHEAP_KDF, "--label", label,
            "--key-file", "-", device]


def open_argv(device: str, name: str) -> list[str]:
    """Open the volume as /dev/mapper/<name>, the key read from stdin."""
    return ["cryptsetup", "open", "--type", "luks2", "--key-file", "-", device, name]


def format_volume(device: str, key: bytes, label: str) -> None:
    _checked(_cryptsetup(format_argv(device, label)[1:], key), f"luksFormat {device}")


def add_key(device: str, key: bytes, new_key: bytes) -> None:
    """A second key slot (the recovery key), authorised by key."""
    _checked(_cryptsetup(["luksAddKey", "--batch-mode", *_CHEAP_KDF, "--key-file", "-", device,
                          "{extra}"], key, new_key), f"luksAddKey {device}")


def key_opens(device: str, key: bytes) -> bool:
    return _cryptsetup(["open", "--test-passphrase", "--key-file", "-", device], key).returncode == 0


def dump(device: str) -> dict:
    """The LUKS2 header as JSON (keyslots, segments, label is in the binary header: see label())."""
    done = subprocess.run(["cryptsetup", "luksDump", "--dump-json-metadata", device], capture_output=True, text=True)
    if done.returncode:
        raise LuksError(f"{device} has no LUKS2 header: {done.stderr.strip()}")
    return json.loads(done.stdout)


def label(device: str) -> str | None:
    done = subprocess.run(["cryptsetup", "luksDump", device], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("Label:"):
            value = line.split(":", 1)[1].strip()
            return None if value == "(no label)" else value
    return None

"""Encrypted backups of btrfs snapshots: ``btrfs send | zstd | age`` into one file.

The file is a standard age file around a zstd frame around a btrfs send stream, so it can be
restored anywhere without SigmaVault (age >= 1.3 for post-quantum keys):

    age -d -i recovery.key media.btrfs.zst.age | zstd -d | btrfs receive /srv/restore

Export streams into a hidden partial file (sigmavault.files.replacing), renamed only when btrfs send
succeeded and the file is on disk; restore removes what ``btrfs receive`` made if the file fails to
authenticate part-way.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import zstandard

from sigmavault.crypto import AgeError, decrypt, encrypt
from sigmavault.crypto.recipients import Identity
from sigmavault.encryption.errors import SealedError
from sigmavault.files import replacing


class BackupError(SealedError):
    """A backup that could not be written or restored; nothing half-done is left behind."""


@dataclass(frozen=True)
class ExportReport:
    path: str
    stream_bytes: int
    file_bytes: int


class _Counting:
    def __init__(self, stream):
        self.stream, self.count = stream, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def _spawn(argv: list[str], **kwargs) -> subprocess.Popen:
    try:
        return subprocess.Popen(argv, stderr=subprocess.PIPE, **kwargs)
    except FileNotFoundError:
        raise BackupError(f"{argv[0]} is not installed: install btrfs-progs") from None


def export_snapshot(snapshot: Path, out: Path, recipients: list[str], parent: Path | None = None,
                    level: int = 3) -> ExportReport:
    """Send a read-only snapshot (incrementally against parent), compress and seal it into out."""
    argv = ["btrfs", "send", "-q", *(["-p", str(parent)] if parent else []), str(snapshot)]
    send = _spawn(argv, stdout=subprocess.PIPE)
    try:
        stream = _Counting(send.stdout)
        with replacing(out, 0o600) as sink:
            encrypt(zstandard.ZstdCompressor(level=level, threads=-1).stream_reader(stream), sink, recipients)
            if send.wait():
                raise BackupError(f"btrfs send {snapshot} failed: {send.stderr.read().decode().strip()}")
    except AgeError as error:
        raise BackupError(f"cannot seal the backup: {error}") from None
    finally:
        if send.poll() is None:
            send.kill()
            send.wait()
    return ExportReport(str(out), stream.count, out.stat().st_size)


def _subvolumes(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def restore_snapshot(backup: Path, target_dir: Path, identities: list[Identity]) -> Path:
    """Open, decompress and receive a backup into target_dir (on btrfs); returns the received subvolume."""
    before = _subvolumes(target_dir)
    receive = _spawn(["btrfs", "receive", str(target_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        with open(backup, "rb") as source:
            writer = zstandard.ZstdDecompressor().stream_writer(receive.stdin, closefd=False)
            decrypt(source, writer, identities)
            writer.flush()
        receive.stdin.close()
        if receive.wait():
            raise BackupError(f"btrfs receive into {target_dir} failed: {receive.stderr.read().decode().strip()}")
    except (AgeError, zstandard.ZstdError, BackupError, BrokenPipeError) as error:
        receive.kill()
        receive.wait()
        if isinstance(error, BrokenPipeError):
            error = BackupError(f"btrfs receive stopped: {receive.stderr.read().decode().strip()}")
        for name in _subvolumes(target_dir) - before:
            subprocess.run(["btrfs", "subvolume", "delete", str(target_dir / name)], capture_output=True)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"{backup} cannot be restored, nothing was kept: {error}") from None
    made = sorted(_subvolumes(target_dir) - before)
    if len(made) != 1:
        raise BackupError(f"btrfs receive made {len(made)} entries in {target_dir}, expected one subvolume")
    return target_dir / made[0]

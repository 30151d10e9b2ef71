"""What a block device already holds, as blkid's low-level probe sees it on the device itself."""

from dataclasses import asdict, dataclass

from sigmavault.command import CommandError, run_result

UNREADABLE = "unreadable"
RAID_MEMBER = "linux_raid_member"
_KINDS = {"linux_raid_member": "Linux RAID member", "crypto_LUKS": "LUKS encrypted volume",
          "zfs_member": "ZFS pool member", "LVM2_member": "LVM physical volume"}


@dataclass(frozen=True)
class Signature:
    type: str | None = None      # file system or container type (ext4, btrfs, crypto_LUKS, …)
    label: str | None = None
    uuid: str | None = None
    pttype: str | None = None    # partition table (gpt, dos)

    def describe(self) -> str:
        parts = []
        if self.type:
            kind = _KINDS.get(self.type, f"{self.type} file system")
            parts.append(kind + (f" labelled {self.label!r}" if self.label else "")
                         + (f" (UUID {self.uuid})" if self.uuid else ""))
        if self.type == UNREADABLE:
            return "a signature blkid could not read (treat the disk as holding data)"
        if self.pttype:
            parts.append(f"{self.pttype} partition table")
        return " and ".join(parts)

    def as_dict(self) -> dict:
        return asdict(self)


def names_pool(signature: dict | None, pool: str, types: tuple[str, ...]) -> bool:
    """A signature of one of `types` whose label is the pool's name (an md superblock's is homehost:name)."""
    return bool(signature) and signature.get("type") in types and \
        (signature.get("label") or "").split(":")[-1] == pool


def parse_blkid_export(text: str) -> Signature | None:
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    signature = Signature(fields.get("TYPE"), fields.get("LABEL"), fields.get("UUID"), fields.get("PTTYPE"))
    return signature if signature.type or signature.pttype else None


def probe(device: str) -> Signature | None:
    """blkid -p reads the device, not a cache. Exit 2 with no message means it found nothing;
    a device it cannot read counts as holding data, so nothing formats it unasked."""
    argv = ["blkid", "-p", "-o", "export", device]
    done = run_result(argv)
    if done.returncode == 0:
        return parse_blkid_export(done.stdout)
    if done.returncode == 2 and not done.stderr.strip():
        return None
    if done.returncode == 2:
        return Signature(type=UNREADABLE, label=done.stderr.strip()[:120])
    raise CommandError(argv, done.returncode, done.stderr)

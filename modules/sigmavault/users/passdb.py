"""Samba's passdb: who has an SMB password, its NT hash and whether the entry is disabled.

Samba tools read smb.conf; they get /dev/null, so they use the built-in passdb (tdbsam in
Samba's private dir) — the one the smb.conf SigmaVault writes leaves in place.
"""

from dataclasses import dataclass

from sigmavault.command import run

SAMBA_DEFAULTS = "/dev/null"


@dataclass(frozen=True)
class PassdbEntry:
    name: str
    nt_hash: str
    disabled: bool


def parse_pdbedit_w(text: str) -> dict[str, PassdbEntry]:
    """pdbedit -L -w lines: name:uid:LM hash:NT hash:[flags]:LCT-…:"""
    entries = {}
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) >= 5:
            entries[parts[0]] = PassdbEntry(parts[0], parts[3].upper(), "D" in parts[4].strip("[]"))
    return entries


def read_passdb() -> dict[str, PassdbEntry]:
    return parse_pdbedit_w(run(["pdbedit", "--configfile", SAMBA_DEFAULTS, "-L", "-w"]))


def smbpasswd(*args: str) -> list[str]:
    return ["smbpasswd", "-c", SAMBA_DEFAULTS, *args]

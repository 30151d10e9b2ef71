"""The box's account database as it is: /etc/passwd, /etc/group and /etc/shadow, read as text.

Read from the files rather than through NSS: SigmaVault changes them with useradd/usermod, and
only accounts in these files are its to manage (a directory service's users are not).
"""

from dataclasses import dataclass
from pathlib import Path

from sigmavault.files import read_text

ACCOUNTS_ETC = Path("/etc")
FIRST_REGULAR_ID = 1000


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    full_name: str
    shell: str
    groups: frozenset[str]     # supplementary groups
    expired: bool              # shadow's expiry date is in the past: no login by any path


@dataclass(frozen=True)
class Group:
    name: str
    gid: int


@dataclass(frozen=True)
class AccountFacts:
    accounts: dict[str, Account]
    groups: dict[str, Group]


def _rows(path: Path, fields: int) -> list[list[str]]:
    rows = []
    for line in (read_text(path) or "").splitlines():
        parts = line.split(":")
        if len(parts) >= fields and parts[0] and not line.startswith(("#", "+", "-")):
            rows.append(parts)
    return rows


def read_account_facts(etc: Path = ACCOUNTS_ETC) -> AccountFacts:
    members: dict[str, set[str]] = {}
    groups = {}
    for name, _pw, gid, users, *_ in _rows(etc / "group", 4):
        groups[name] = Group(name, int(gid))
        for user in filter(None, users.split(",")):
            members.setdefault(user, set()).add(name)
    expiry = {row[0]: row[7] for row in _rows(etc / "shadow", 8)}
    accounts = {}
    for name, _pw, uid, gid, gecos, _home, shell, *_ in _rows(etc / "passwd", 7):
        accounts[name] = Account(name, int(uid), int(gid), gecos.split(",")[0], shell,
                                 frozenset(members.get(name, ())), _expired(expiry.get(name, "")))
    return AccountFacts(accounts, groups)


def _expired(days_since_epoch: str) -> bool:
    """Any expiry date set counts: SigmaVault sets day 1 to disable and clears it to enable."""
    return days_since_epoch.strip() not in ("", "-1")

"""Stand-ins for Salt and the box's accounts, so the panel's pages and rules are tested in milliseconds."""

import threading
from dataclasses import dataclass, field

from sigmavault.salt_bridge.call import SaltReply
from sigmavault_panel.services.accounts import Check

ALL_STATUS = {"uptime": {"seconds": 93784}, "loadavg": {"1-min": 0.25, "5-min": 0.5, "15-min": 0.75},
              "meminfo": {"MemTotal": {"value": "2048000", "unit": "kB"},
                          "MemAvailable": {"value": "1024000", "unit": "kB"}}}
GRAINS = {"host": "nas-test", "sigmavault_disks": [
    {"name": "loop7", "path": "/dev/loop7", "size_bytes": 1 << 30, "backing_file": "/tmp/d0.img",
     "signature": {"type": "btrfs", "label": "tank", "uuid": "u", "pttype": None}, "mounted_at": ["/srv/tank"]}]}
STORAGE = {"valid": True, "pools": [
    {"name": "tank", "type": "btrfs", "mountpoint": "/srv/tank", "mounted": True, "devices": ["d0"],
     "profiles": {"data": ["single"], "metadata": ["dup"]}, "size_bytes": 1 << 30, "used_bytes": 1 << 20,
     "free_bytes": (1 << 30) - (1 << 20),
     "datasets": [{"name": "media", "path": "/srv/tank/media", "mountpoint": None, "exists": True,
                   "referenced_bytes": 16384, "quota_bytes": None, "compression": "pool (zstd:3)"}]}]}
SHARES = {"valid": True,
          "smb": {"server": "smbd", "running": True, "shares": [
              {"name": "media", "dataset": "tank/media", "path": "/srv/tank/media", "comment": "Films",
               "read_only": False, "guest": False, "valid_users": ["alice"], "valid_groups": []}]},
          "nfs": {"backend": "ganesha", "server": "NFS-Ganesha", "running": False, "exports": [
              {"name": "backups", "path": "/srv/tank/backups", "clients": [{"match": "10.0.0.0/8", "access": "rw"}]}]}}


def state(order: int, id_: str, result, comment: str = "", **changes) -> tuple[str, dict]:
    return (f"sigmavault_storage_|-{id_}_|-{id_}_|-converged",
            {"__id__": id_, "result": result, "comment": comment, "changes": changes, "__run_num__": order})


PLAN = dict([state(0, "validate_pillar_and_disks", True, "pillar and disks are valid"),
             state(1, "converge_pool_tank", True, "pool tank is as declared"),
             state(2, "converge_dataset_tank_photos", None, "dataset tank/photos would change",
                   would=["create subvolume tank/photos"])])
APPLIED = dict([state(0, "validate_pillar_and_disks", True, "pillar and disks are valid"),
                state(1, "converge_pool_tank", True, "pool tank is as declared"),
                state(2, "converge_dataset_tank_photos", True, "dataset tank/photos converged",
                      done=["create subvolume tank/photos"])])


@dataclass
class FakeSalt:
    """salt_call(site, *args, on_state_done=None): answers per function; can hang, fail or be slow."""
    answers: dict = field(default_factory=lambda: {
        "status.all_status": ALL_STATUS, "grains.item": GRAINS, "sigmavault_storage.status": STORAGE,
        "sigmavault_shares.status": SHARES, "state.apply": APPLIED, "state.apply test=True": PLAN})
    calls: list = field(default_factory=list)
    hang: threading.Event | None = None          # set: calls block until the event is set
    fail: Exception | None = None
    release_apply: threading.Event | None = None  # set: state.apply blocks until released

    def __call__(self, site, *args, on_state_done=None):
        function = args[0] + (" test=True" if "test=True" in args else "")
        self.calls.append(function)
        if self.hang is not None:
            self.hang.wait(30)
        if self.fail is not None:
            raise self.fail
        answer = self.answers.get(function)
        if function.startswith("state.apply") and on_state_done and isinstance(answer, dict):
            for value in sorted(answer.values(), key=lambda v: v["__run_num__"]):
                on_state_done(value["__id__"], 0.01)
                if self.release_apply is not None:
                    self.release_apply.wait(30)
        if isinstance(answer, BaseException):
            raise answer
        return SaltReply(0 if answer is not None else 1, answer, "" if answer is not None else "ERROR|no such function")

    def count(self, function: str) -> int:
        return self.calls.count(function)


USERS = {"alice": ("alice-secret-1", {"alice", "sigmavault-admin"}),
         "victor": ("victor-secret-1", {"victor", "sigmavault-view"}),
         "mallory": ("mallory-secret-1", {"mallory", "users"})}


@dataclass
class FakeAccounts:
    users: dict = field(default_factory=lambda: {name: (pw, set(groups)) for name, (pw, groups) in USERS.items()})
    checked: list = field(default_factory=list)
    expired: set = field(default_factory=set)   # accounts whose (one-time) password must be changed

    def authenticate(self, user: str, password: str) -> Check:
        self.checked.append(user)
        if user not in self.users or self.users[user][0] != password:
            return Check.REFUSED
        return Check.MUST_CHANGE if user in self.expired else Check.ACCEPTED

    def set_password(self, user: str, password: str) -> str | None:
        self.users[user] = (password, self.users[user][1])
        self.expired.discard(user)
        return None

    def groups_of(self, user: str) -> set[str]:
        return self.users.get(user, ("", set()))[1]

    def members_of(self, group: str) -> list[str]:
        """Who is in a group, from these accounts only: never the host's own groups."""
        return sorted(name for name, (_password, groups) in self.users.items() if group in groups)

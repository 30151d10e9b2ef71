"""State module: accounts, groups and SMB passwords converge through sigmavault.users.plan."""

from sigmavault.outcome import run_plan
from sigmavault.site import Site
from sigmavault.users.accounts import read_account_facts
from sigmavault.users.passdb import read_passdb
from sigmavault.users.plan import plan_users, read_record

__virtualname__ = "sigmavault_users"


def __virtual__():
    return __virtualname__


def accounts_converged(name: str) -> dict:
    users = __salt__["sigmavault_pillar.document"]()["users"]
    record = Site.from_opts(__opts__).state_dir / "users" / "managed.json"

    def make_plan():
        return plan_users(users, read_account_facts(), read_passdb(), read_record(record), record)

    return run_plan("accounts", make_plan, __opts__["test"]).as_state(name)

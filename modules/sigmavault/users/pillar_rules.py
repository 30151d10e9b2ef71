"""Cross-key rules of sigmavault.users: groups an account joins exist, ids are not given twice."""

from collections.abc import Iterator

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path


def users_errors(users: dict) -> Iterator[PillarError]:
    accounts, groups = users.get("accounts", {}), users.get("groups", {})
    declared = ", ".join(sorted(groups)) or "none"
    for name, account in accounts.items():
        for index, group in enumerate(account["groups"]):
            if group not in groups:
                yield PillarError(key_path(ROOT_KEY, "users", "accounts", name, "groups", index),
                                  f"no group named {group!r} under sigmavault.users.groups (declared: {declared})")
    yield from _unique_ids(accounts, "accounts", "uid")
    yield from _unique_ids(groups, "groups", "gid")


def _unique_ids(entries: dict, section: str, id_key: str) -> Iterator[PillarError]:
    owners: dict[int, str] = {}
    for name, entry in entries.items():
        number = entry[id_key]
        if number is None:
            continue
        if number in owners:
            yield PillarError(key_path(ROOT_KEY, "users", section, name, id_key),
                              f"{id_key} {number} is already given to {owners[number]!r}; each needs its own")
        owners[number] = name

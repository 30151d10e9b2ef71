"""Plan one mdadm pool: a RAID array under ext4 or xfs, recorded in mdadm.conf, mounted and in fstab."""

from sigmavault.disks.signatures import RAID_MEMBER, Signature, names_pool
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.schema.errors import PillarError, storage_path
from sigmavault.steps import Plan
from sigmavault.storage.consent import wipe_commands
from sigmavault.storage.fstab import FstabEntry, recorded
from sigmavault.storage.luks_facts import array_entry
from sigmavault.storage.luks_plan import through_volume
from sigmavault.storage.mdadm_conf import conf_line_for, parse_array_line, render_array_line, with_array_line
from sigmavault.storage.mdadm_facts import MdadmFacts
from sigmavault.storage.mount_options import listed
from sigmavault.storage.pool_plan import NEW_UUID

NEW_ARRAY_UUID = "<uuid of the new array>"
METADATA = "1.2"
LABEL_LENGTH = {"ext4": 16, "xfs": 12}    # mkfs.xfs refuses a longer label, mke2fs cuts it: cut it ourselves


def plan_mdadm_pool(name: str, pool: dict, disks: dict, facts: MdadmFacts, keys: VolumeKeys | None = None) -> Plan:
    plan = Plan()
    absent = [d for d in pool["devices"] if d not in facts.devices]
    for disk in absent:
        plan.refusals.append(PillarError(storage_path("disks", disk), "no such disk is attached to this box"))
    if absent:
        return plan
    if facts.array is None:
        if _own_members(name, pool, facts):
            _assemble(plan, name, pool, facts)
            return plan     # what the array holds is known once it runs: the next plan says
        _create(plan, name, pool, disks, facts)
        array_uuid, metadata, found = NEW_ARRAY_UUID, METADATA, None
    else:
        _check_array(plan, name, pool, facts)
        array_uuid, metadata, found = facts.array.uuid, facts.array.metadata or METADATA, facts.filesystem
    if plan.refusals:
        return plan
    if array_uuid:
        _record_array(plan, name, metadata, array_uuid, facts)
    device = facts.array_path
    if pool["encrypted"]:     # LUKS2 on the array; the file system on its open volume
        volume = through_volume(plan, name, array_entry(facts), disks, facts.luks, keys)
        if volume is None:
            return plan
        device, found = volume["path"], Signature(**volume["signature"]) if volume["signature"] else None
    fs_uuid = _format(plan, name, pool, found, device)
    if fs_uuid:
        _mount(plan, name, pool, facts, fs_uuid, device)
    return plan


def array_health(name: str, facts: MdadmFacts) -> str | None:
    """What the owner must hear about a running array that no plan step can fix. It is no refusal: the
    array still serves its data, and a new RAID5/6 counts as degraded while it builds its parity."""
    if facts.array is None or not facts.degraded:
        return None
    of = f"{facts.degraded} of {facts.array.raid_devices} disks"
    if facts.sync_action in ("recover", "resync"):
        return f"array {name} is rebuilding: {of} not yet in sync"
    return f"array {name} is degraded: {of} missing or failed; replace the failed disk before another one fails"


def _names(paths, by_path: dict[str, str]) -> str:
    return ", ".join(f"{by_path.get(p, 'undeclared disk')} ({p})" for p in paths)


def _wanted(pool: dict, facts: MdadmFacts) -> tuple[list[str], dict[str, str]]:
    """The declared disks' paths, in declared order (it is the order of the RAID roles), and path -> name."""
    return ([facts.devices[d]["path"] for d in pool["devices"]],
            {device["path"]: disk for disk, device in facts.devices.items()})


def _create(plan: Plan, name: str, pool: dict, disks: dict, facts: MdadmFacts) -> None:
    checked = [wipe_commands(disk, facts.devices[disk], disks) for disk in pool["devices"]]
    plan.refusals += [refusal for _, refusal in checked if refusal]
    if plan.refusals:
        return
    wanted, by_path = _wanted(pool, facts)
    path, level = facts.array_path, pool["level"]
    # A new array may show stale signatures from what its disks held at the data offset: it holds nothing yet.
    # --homehost=any: an array named after the host that made it is foreign wherever that name is not the
    # host's (the initramfs, a renamed box, another box the disks move to) and comes up as /dev/md/<host>:<name>.
    plan.add(f"create RAID{level} array {name} ({path}) on {_names(wanted, by_path)}",
             *[command for commands, _ in checked for command in commands],
             ["mdadm", "--create", path, "--run", f"--level={level}", f"--raid-devices={len(wanted)}",
              f"--metadata={METADATA}", "--homehost=any", f"--name={name}", *wanted],
             ["wipefs", "--all", path])


def _own_members(name: str, pool: dict, facts: MdadmFacts) -> list[str]:
    """Declared disks whose RAID superblock names this pool (homehost:name): an array that is not running."""
    return [disk for disk in pool["devices"] if names_pool(facts.devices[disk].get("signature"), name, (RAID_MEMBER,))]


def _assemble(plan: Plan, name: str, pool: dict, facts: MdadmFacts) -> None:
    where, path = storage_path("pools", name), facts.array_path
    members = [facts.devices[disk] for disk in _own_members(name, pool, facts)]
    running = sorted({f"/dev/{holder}" for member in members for holder in member["holders"]})
    uuids = sorted({member["signature"]["uuid"] for member in members} - {None})
    if running:
        plan.refusals.append(PillarError(where, f"the disks of array {name} run as {', '.join(running)} rather "
                                                f"than {path}; stop it (mdadm --stop {running[0]}) and SigmaVault "
                                                f"assembles it as {path}"))
    elif len(uuids) > 1:
        plan.refusals.append(PillarError(f"{where}.devices", f"the disks hold {len(uuids)} different arrays named "
                                                             f"{name}; list the disks of one of them"))
    else:
        _, by_path = _wanted(pool, facts)
        paths = [member["path"] for member in members]
        plan.add(f"assemble the existing array {name} ({path}) from {_names(paths, by_path)}",
                 ["mdadm", "--assemble", path, *[f"--uuid={_md_uuid(u)}" for u in uuids], *paths])


def _md_uuid(uuid: str) -> str:
    """blkid spells an array's UUID 8-4-4-4-12, mdadm as four groups of eight: the same 32 hex digits."""
    digits = uuid.replace("-", "").replace(":", "").lower()
    return ":".join(digits[i:i + 8] for i in range(0, 32, 8))


def _check_array(plan: Plan, name: str, pool: dict, facts: MdadmFacts) -> None:
    where, array, path = storage_path("pools", name), facts.array, facts.array_path
    if facts.array_state == "inactive":
        plan.refusals.append(PillarError(where, f"array {name} ({path}) is assembled but not running, usually "
                                                f"because too few of its disks are present; SigmaVault leaves it "
                                                f"alone: see `mdadm --detail {path}`"))
        return
    if array.level != f"raid{pool['level']}":
        plan.refusals.append(PillarError(f"{where}.level", f"array {name} is {array.level}, not raid{pool['level']};"
                                                           " changing the level of an array is not supported yet"))
    wanted, by_path = _wanted(pool, facts)
    if set(array.members) != set(wanted):
        health = f" (it is degraded: {facts.degraded} of {array.raid_devices} missing)" if facts.degraded else ""
        plan.refusals.append(PillarError(f"{where}.devices", (
            f"array {name} is built on {_names(sorted(array.members), by_path)}{health}, but devices lists "
            f"{_names(wanted, by_path)}; growing, shrinking or swapping the disks of an mdadm array is not "
            "supported yet: list the disks it is built on")))


def _record_array(plan: Plan, name: str, metadata: str, uuid: str, facts: MdadmFacts) -> None:
    """The ARRAY line in mdadm.conf makes the array come up as /dev/md/<name> on every boot."""
    recorded = parse_array_line(conf_line_for(facts.conf_text, facts.array_path, uuid) or "")
    if recorded and (recorded["device"], recorded.get("uuid")) == (facts.array_path, uuid.lower()):
        return
    line = render_array_line(facts.array_path, metadata, uuid)
    refresh = [list(facts.initramfs_refresh)] if facts.initramfs_refresh else []
    plan.add(f"record array {name} in {facts.conf_path}: {line}", *refresh,
             writes=((str(facts.conf_path), with_array_line(facts.conf_text, line)),))


def _format(plan: Plan, name: str, pool: dict, found: Signature | None, path: str) -> str | None:
    """The UUID of the file system the array holds or will hold; None when it holds something else."""
    fs = pool["filesystem"]
    if found is None:
        plan.add(f"format array {name} as {fs}", [f"mkfs.{fs}", "-L", name[:LABEL_LENGTH[fs]], path])
        return NEW_UUID
    if found.type == fs:
        return found.uuid
    where = storage_path("pools", name, "filesystem")
    keep = f"set {where}: {found.type} to keep it" if found.type in LABEL_LENGTH else \
        "move its data off and clear it by hand if it may go"
    plan.refusals.append(PillarError(where, f"{path} holds {found.describe()}, not {fs}; SigmaVault never "
                                            f"reformats an array: {keep}"))
    return None


def _mount(plan: Plan, name: str, pool: dict, facts: MdadmFacts, fs_uuid: str, device: str) -> None:
    fs, mountpoint, options, mount = pool["filesystem"], pool["mountpoint"], list(pool["mount_options"]), facts.mount
    sources = (facts.array_path, facts.kernel_device) if device == facts.array_path else (device,)
    ours = mount is not None and mount.source in sources and mount.fstype == fs and mount.root == "/"
    if mount is not None and not ours:
        plan.refusals.append(PillarError(storage_path("pools", name, "mountpoint"),
                                         f"{mountpoint} already has {mount.source} ({mount.fstype}) mounted"))
        return
    if not ours:
        plan.add(f"mount pool {name} at {mountpoint}", ["mkdir", "-p", mountpoint],
                 ["mount", "-t", fs, "-o", ",".join(options) or "defaults", device, mountpoint])
    elif unseen := sorted(listed(options) - mount.options):
        plan.add(f"remount pool {name} with {','.join(unseen)}",
                 ["mount", "-o", ",".join(["remount", *options]), mountpoint])
    entry = FstabEntry(f"UUID={fs_uuid}", mountpoint, fs, tuple(options))
    if facts.fstab_line != entry.line():
        plan.add(f"record pool {name} in fstab: {entry.line()}",
                 edits=(recorded(facts.fstab_path, entry),))

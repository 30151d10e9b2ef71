"""Planning encrypted pools: LUKS2 before open before the file system, the consent rule, refusals, and the
key that never stands in argv. Opening needs device-mapper, which this host lacks: plans are proven here."""

import base64

import pytest

from sigmavault import steps
from sigmavault.crypto import generate_identity, parse_identity, recipient_of
from sigmavault.encryption import nodekey
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.site import Site
from sigmavault.storage import converge, luks_facts
from sigmavault.storage.luks_facts import LuksFacts
from sigmavault.storage.mdadm_facts import MdadmFacts
from sigmavault.storage.mdadm_plan import plan_mdadm_pool

from .builders import device, storage

EXT4 = {"type": "ext4", "label": "data", "uuid": "22fb3113-1c5c-4887-95cb-b53d51ec892a"}
RECOVERY = generate_identity()


def ours(n: int, pool: str = "tank") -> dict:
    return {"type": "crypto_LUKS", "label": f"sv-{pool}-{n}", "uuid": f"0000000{n}-luks"}


@pytest.fixture
def keys(tmp_path) -> VolumeKeys:
    nodekey.generate(tmp_path / "state")
    return VolumeKeys(tmp_path / "state", (recipient_of(RECOVERY),))


@pytest.fixture
def box(monkeypatch, tmp_path):
    """converge.pool_plan on hand-made disks: {path: signature}, device-mapper present unless told."""
    attached: dict[str, dict | None] = {"/dev/sdb": None, "/dev/sdc": None}
    monkeypatch.setattr(converge.inventory, "list_disks",
                        lambda: [{**device(p, signature=s), "name": p[5:]} for p, s in attached.items()])
    monkeypatch.setattr(luks_facts, "device_mapper_present", lambda: True)
    monkeypatch.setattr(luks_facts, "read_mounts", lambda: [])
    monkeypatch.setattr(luks_facts, "MAPPER_DIR", tmp_path / "mapper")
    (tmp_path / "mapper").mkdir()
    box.attached = attached
    return box


def plan_of(keys, tmp_path, devices=("disk_a", "disk_b"), wipe=(), pool_type="btrfs"):
    disks = {"disk_a": {"path": "/dev/sdb", "wipe": "disk_a" in wipe}, "disk_b": {"path": "/dev/sdc"}}
    pool = {"devices": list(devices), "mountpoint": str(tmp_path / "mnt"), "encrypted": True, "type": pool_type}
    site = Site(tmp_path / "pillar", tmp_path / "state", fstab=tmp_path / "fstab", etc=tmp_path / "etc")
    return converge.pool_plan(storage(disks, {"tank": pool}), "tank", site, keys)


def commands(plan) -> list[list[str]]:
    return [list(command) for step in plan.steps for command in step.commands]


def refusals(plan) -> str:
    return "; ".join(str(r) for r in plan.refusals)


def test_blank_disks_are_encrypted_then_opened_then_formatted_on_the_mapper_devices(box, keys, tmp_path):
    plan = plan_of(keys, tmp_path)
    run = [c[:2] if c[0] == "cryptsetup" else c[:1] for c in commands(plan)]
    assert run[:6] == [["cryptsetup", "luksFormat"], ["cryptsetup", "open"], ["cryptsetup", "luksFormat"],
                       ["cryptsetup", "open"], ["mkfs.btrfs"], ["mkdir"]]
    mapper = str(tmp_path / "mapper")
    luks_format, opened, mkfs = commands(plan)[0], commands(plan)[1], commands(plan)[4]
    assert luks_format[-1] == "/dev/sdb" and luks_format[luks_format.index("--label") + 1] == "sv-tank-0"
    assert "luks2" in luks_format and opened[-2:] == ["/dev/sdb", "sv-tank-0"]
    assert mkfs[-2:] == [f"{mapper}/sv-tank-0", f"{mapper}/sv-tank-1"]
    assert plan.steps[0].summary.startswith("encrypt disk_a (/dev/sdb) as LUKS2 volume sv-tank-0, its key sealed "
                                            "to the node key and 1 recovery key(s)")
    assert not refusals(plan)


def test_the_key_is_never_in_argv_but_on_stdin_and_sealed_before_the_format(box, keys, tmp_path):
    plan = plan_of(keys, tmp_path)
    assert not keys.exists("tank")      # planning makes and reads no key
    key = plan.steps[0].secret()        # the format step makes it, sealed and read back first
    assert keys.exists("tank") and oct(keys.path("tank").stat().st_mode & 0o777) == "0o600"
    assert plan.steps[1].secret() == key and len(key) == 64
    shown = {key.hex(), base64.b64encode(key).decode(), key.decode("latin-1")}
    for argv in commands(plan):
        assert not any(text in arg for arg in argv for text in shown)
        if argv[0] == "cryptsetup":
            assert argv[argv.index("--key-file") + 1] == "-"
    assert "secret" not in repr(plan.steps[0]) and key.hex() not in repr(plan)
    assert keys.load("tank", [parse_identity(RECOVERY)]) == key     # the recovery key opens it too


def test_a_step_feeds_its_key_to_the_command_on_stdin(monkeypatch, keys):
    fed = []
    monkeypatch.setattr(steps, "run", lambda argv, stdin=None: fed.append((argv, stdin)))
    plan = steps.Plan()
    plan.add("open", ["cryptsetup", "open", "--key-file", "-", "/dev/sdb", "sv-tank-0"], secret=lambda: b"k" * 64)
    steps.perform(plan.steps[0])
    assert fed == [(["cryptsetup", "open", "--key-file", "-", "/dev/sdb", "sv-tank-0"], b"k" * 64)]


def test_a_disk_that_holds_data_is_refused_without_wipe_and_wiped_first_with_it(box, keys, tmp_path):
    box.attached["/dev/sdb"] = device("/dev/sdb", signature=EXT4)["signature"]
    refused = plan_of(keys, tmp_path)
    assert refused.steps == [] and "holds ext4 file system" in refusals(refused) and "wipe: true" in refusals(refused)
    wiped = plan_of(keys, tmp_path, wipe=("disk_a",))
    assert commands(wiped)[:2] == [["wipefs", "--all", "/dev/sdb"], commands(wiped)[1]]
    assert commands(wiped)[1][:2] == ["cryptsetup", "luksFormat"]


def test_without_device_mapper_nothing_is_formatted(box, keys, tmp_path, monkeypatch):
    monkeypatch.setattr(luks_facts, "device_mapper_present", lambda: False)
    plan = plan_of(keys, tmp_path)
    assert plan.steps == [] and "no device-mapper" in refusals(plan)


def test_a_closed_volume_of_the_pool_is_opened_and_nothing_else_is_planned_until_it_is(box, keys, tmp_path):
    box.attached.update({"/dev/sdb": ours(0), "/dev/sdc": ours(1)})
    keys.ensure("tank")
    plan = plan_of(keys, tmp_path)
    assert [c[:2] for c in commands(plan)] == [["cryptsetup", "open"], ["cryptsetup", "open"]]
    assert [c[-1] for c in commands(plan)] == ["sv-tank-0", "sv-tank-1"]


def test_a_volume_whose_key_file_is_missing_is_refused(box, keys, tmp_path):
    box.attached["/dev/sdb"] = ours(0)
    plan = plan_of(keys, tmp_path, devices=("disk_a",))
    assert plan.steps == [] and f"{keys.path('tank')} is missing" in refusals(plan)


def test_a_pool_that_exists_unencrypted_is_not_converted(box, keys, tmp_path):
    box.attached["/dev/sdb"] = {"type": "btrfs", "label": "tank", "uuid": "1", "pttype": None}
    plan = plan_of(keys, tmp_path, devices=("disk_a",), wipe=("disk_a",))
    assert plan.steps == [] and "holds pool tank unencrypted" in refusals(plan)


def test_an_open_volume_is_used_as_it_is_and_a_new_disk_gets_the_next_free_number(box, keys, tmp_path, monkeypatch):
    box.attached["/dev/sdc"] = ours(0)
    (tmp_path / "mapper" / "sv-tank-0").touch()
    monkeypatch.setattr(luks_facts.signatures, "probe", lambda path: None)
    plan = plan_of(keys, tmp_path)
    luks_format = commands(plan)[0]
    assert luks_format[luks_format.index("--label") + 1] == "sv-tank-1" and luks_format[-1] == "/dev/sdb"
    assert [c[:2] for c in commands(plan)].count(["cryptsetup", "open"]) == 1
    mkfs = [c for c in commands(plan) if c[0] == "mkfs.btrfs"][0]
    assert mkfs[-2:] == [str(tmp_path / "mapper" / "sv-tank-1"), str(tmp_path / "mapper" / "sv-tank-0")]


def test_an_encrypted_mdadm_pool_puts_luks_on_the_array_and_ext4_on_the_volume(keys):
    disks = {"disk_b": {"path": "/dev/sdb"}, "disk_c": {"path": "/dev/sdc"}}
    store = storage(disks, {"tank": {"type": "mdadm", "level": 1, "devices": list(disks), "mountpoint": "/srv/tank",
                                     "encrypted": True}})
    facts = MdadmFacts(devices={d: device(s["path"]) for d, s in disks.items()}, array_path="/dev/md/tank",
                       luks=LuksFacts(device_mapper=True, key_present=False))
    plan = plan_mdadm_pool("tank", store["pools"]["tank"], store["disks"], facts, keys)
    order = [c[:2] if c[0] == "cryptsetup" else c[:1] for c in commands(plan)]
    assert order[:6] == [["mdadm"], ["wipefs"], ["cryptsetup", "luksFormat"], ["cryptsetup", "open"],
                         ["mkfs.ext4"], ["mkdir"]]
    assert commands(plan)[2][-1] == "/dev/md/tank" and commands(plan)[4][-1] == "/dev/mapper/sv-tank-0"
    assert commands(plan)[6][-2:] == ["/dev/mapper/sv-tank-0", "/srv/tank"]


def test_device_mapper_built_as_a_module_is_loaded_before_it_is_looked_for(tmp_path):
    proc_misc = tmp_path / "misc"
    proc_misc.write_text(" 1 psaux\n")
    loads = []

    def load():
        loads.append("dm_crypt")
        proc_misc.write_text(" 1 psaux\n236 device-mapper\n")

    assert luks_facts.device_mapper_present(proc_misc, load=load) is True
    assert loads == ["dm_crypt"]
    assert luks_facts.device_mapper_present(proc_misc, load=lambda: loads.append("again")) is True
    assert loads == ["dm_crypt"]


def test_a_kernel_without_device_mapper_stays_without_after_the_load_attempt(tmp_path):
    proc_misc = tmp_path / "misc"
    proc_misc.write_text(" 1 psaux\n")
    assert luks_facts.device_mapper_present(proc_misc, load=lambda: None) is False

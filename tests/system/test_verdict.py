"""One verdict on a pillar, whoever asks: Salt's first state (and so the CLI and first boot) and the panel
give the same errors for the same file, because both call sigmavault.verdict."""

import yaml

from sigmavault.salt_bridge.call import salt_call
from sigmavault.site import Site
from sigmavault.verdict import judge
from sigmavault_panel.services.pillar_store import PillarStore
from tests.system.conftest import disks_pillar
from tests.system.test_secrets_pillar import sealed_site

WRONG_ACROSS_KEYS = {
    "storage": {"pools": {"tank": {"devices": ["d0", "d9"], "mountpoint": "/srv/verdict-tank",
                                   "datasets": {"media": {}}}}},
    "shares": {"smb": {"photos": {"dataset": "tank/photos"}}},
}


def _write(box, sigmavault: dict, **beside) -> str:
    text = yaml.safe_dump({"sigmavault": sigmavault, **beside}, sort_keys=False)
    box.site.pillar_dir.mkdir(parents=True, exist_ok=True)
    (box.site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (box.site.pillar_dir / "sigmavault.sls").write_text(text)
    return text


def _salt_errors(site: Site, *args: str) -> list[dict]:
    reply = salt_call(site, "sigmavault_pillar.validate", *args)
    assert isinstance(reply.data, dict), (reply.data, reply.stderr)
    return reply.data["errors"]


def test_panel_and_salt_give_the_same_cross_key_errors_and_refuse_the_same_foreign_key(box):
    images = box.disks.make(1, "64M")
    storage = {"disks": disks_pillar(images), **WRONG_ACROSS_KEYS["storage"]}
    text = _write(box, {**WRONG_ACROSS_KEYS, "storage": storage}, mine={"anything": 1})

    salt = _salt_errors(box.site)
    store = PillarStore(box.site.pillar_dir, box.root / "pillar.lock", "sigmavault.sls")
    panel = [error.as_dict() for error in store.check(text)]

    assert panel == salt
    paths = {error["path"] for error in salt}
    assert {"mine", "sigmavault.storage.pools.tank.devices[1]", "sigmavault.shares.smb.photos.dataset"} <= paths
    assert (box.site.pillar_dir / "sigmavault.sls").read_text() == text     # the check changed nothing


def test_the_box_environment_is_judged_by_the_same_verdict_salt_runs(box):
    images = box.disks.make(1, "64M")
    sigmavault = {"system": {"timezone": "Europe/Nowhere_Town"},
                  "storage": {"disks": disks_pillar(images),
                              "pools": {"tank": {"devices": ["d0"], "mountpoint": box.path("tank")}}}}
    _write(box, sigmavault)

    salt = _salt_errors(box.site)
    here = judge({"sigmavault": sigmavault}, box.site).as_dict()["errors"]
    store = PillarStore(box.site.pillar_dir, box.root / "pillar.lock", "sigmavault.sls", box=box.site)
    panel = [error.as_dict() for error in store.check(yaml.safe_dump({"sigmavault": sigmavault}))]

    assert salt == here == panel
    assert [error["path"] for error in salt] == ["sigmavault.system.timezone"]
    assert _salt_errors(box.site, "environment=False") == [] == judge({"sigmavault": sigmavault}, box.site,
                                                                      environment=False).errors


def test_the_panel_saves_a_sealed_pillar_that_salt_accepts(box):
    secret = sealed_site(box)
    text = (box.site.pillar_dir / "site.sls").read_text()
    assert "sigmavault_sealed:" in text and secret not in text
    assert _salt_errors(box.site) == []
    store = PillarStore(box.site.pillar_dir, box.root / "pillar.lock", "site.sls", box=box.site)
    assert store.check(text) == []
    edited = store.save_text(text.replace("sigmavault:", "sigmavault:\n  system: {timezone: UTC}", 1),
                             store.read().etag, "alice", "time zone")
    assert edited.problem is None and _salt_errors(box.site) == []
    assert salt_call(box.site, "sigmavault_pillar.document").data["encryption"]["secrets"] == {"api_token": secret}


def test_the_panel_judges_a_plain_password_by_the_text_it_would_write(box):
    accounts = {"users": {"accounts": {"alice": {"smb_password": "plain-words"}}}}
    pillar = box.site.pillar_dir / "sigmavault.sls"
    _write(box, {})
    pillar.chmod(0o644)
    store = PillarStore(box.site.pillar_dir, box.root / "pillar.lock", "sigmavault.sls", box=box.site)
    refused = store.check(yaml.safe_dump({"sigmavault": accounts}))
    assert [error.path for error in refused] == ["sigmavault.users.accounts"]
    assert "plain text and others can read it" in refused[0].message
    pillar.write_text(yaml.safe_dump({"sigmavault": accounts}))   # as Salt would find it today
    assert store.check(yaml.safe_dump({"sigmavault": {}})) == []  # the save that removes it is not held back

"""A newcomer's first hour: status tells what the box has whatever the pillar says, plus the pillar's
verdict; a plan over quotas that are on proposes nothing about them. Real salt-call, btrfs on loop disks."""

import json

import yaml

from tests.system.loopdisks import is_mounted
from tests.system.test_datasets import dataset_pillar

MISSING_DATASET_SHARE = {"media": {"dataset": "tank/nope"}}


def _apply_a_live_pool(box) -> None:
    images = box.disks.make(1)
    box.write_pillar(dataset_pillar(images, box.path("tank"), {"backups": {"quota": "64M"}, "media": {}}))
    run = box.cli("apply")
    assert run.returncode == 0, run.stdout + run.stderr
    assert is_mounted(box.root / "mnt" / "tank")


def _status(box) -> tuple:
    text, as_json = box.cli("status"), box.cli("status", "--json")
    return text, as_json, json.loads(as_json.stdout)


def _assert_live_pool_shown(box, text, report) -> None:
    [pool] = report["pools"]
    assert (pool["name"], pool["mountpoint"], pool["mounted"]) == ("tank", box.path("tank"), True)
    assert pool["declared"] is False
    assert sorted(d["name"] for d in pool["datasets"]) == ["backups", "media"]
    assert f"pool tank (btrfs data=single metadata=dup) at {box.path('tank')}: mounted" in text.stdout
    assert f"dataset backups at {box.path('tank')}/backups: uses" in text.stdout
    assert "of 64.0 MiB" in text.stdout


def test_status_with_a_yaml_broken_pillar_shows_the_live_pool_and_names_the_file(box):
    _apply_a_live_pool(box)
    pillar_file = box.site.pillar_dir / "site.sls"
    pillar_file.write_text("sigmavault:\n  storage:\n    pools: [tank\n  users: {}\n")
    text, as_json, report = _status(box)
    assert (text.returncode, as_json.returncode) == (1, 1)
    assert report["valid"] is False
    _assert_live_pool_shown(box, text, report)
    assert f"pillar {box.site.pillar_dir} is refused" in text.stdout
    assert f"{pillar_file}: line 4, column" in text.stdout
    assert "no pools declared" not in text.stdout


def test_status_with_a_schema_broken_pillar_still_shows_the_mounted_pool(box):
    _apply_a_live_pool(box)
    broken = yaml.safe_load((box.site.pillar_dir / "site.sls").read_text())
    broken["sigmavault"]["storage"]["pools"]["tank"]["compression"] = "gzip"
    (box.site.pillar_dir / "site.sls").write_text(yaml.safe_dump(broken))
    text, as_json, report = _status(box)
    assert (text.returncode, as_json.returncode) == (1, 1)
    _assert_live_pool_shown(box, text, report)
    assert any(error["path"] == "sigmavault.storage.pools.tank.compression" for error in report["errors"])
    assert "sigmavault.storage.pools.tank.compression" in text.stdout


def test_status_with_a_share_naming_a_missing_dataset_answers_without_a_traceback(box):
    _apply_a_live_pool(box)
    broken = yaml.safe_load((box.site.pillar_dir / "site.sls").read_text())
    broken["sigmavault"]["shares"] = {"smb": MISSING_DATASET_SHARE}
    (box.site.pillar_dir / "site.sls").write_text(yaml.safe_dump(broken))
    text, as_json, report = _status(box)
    assert (text.returncode, as_json.returncode) == (1, 1)
    assert "Traceback" not in text.stdout + text.stderr
    _assert_live_pool_shown(box, text, report)
    assert [e["path"] for e in report["errors"]] == ["sigmavault.shares.smb.media.dataset"]
    assert "sigmavault.shares.smb.media.dataset: " in text.stdout


def test_status_of_a_valid_pillar_exits_0_and_declares_its_pools(box):
    _apply_a_live_pool(box)
    text, as_json, report = _status(box)
    assert (text.returncode, as_json.returncode) == (0, 0)
    assert (report["valid"], report["errors"]) == (True, [])
    assert [(p["name"], p["declared"]) for p in report["pools"]] == [("tank", True)]
    assert "not declared" not in text.stdout


def test_a_refused_plan_names_the_pillar_file_and_exits_1(box):
    _apply_a_live_pool(box)
    before = box.fstab_text()
    (box.site.pillar_dir / "site.sls").write_text("sigmavault:\n  storage: {pools: [tank}\n")
    plan = box.cli("plan")
    assert plan.returncode == 1
    assert f"{box.site.pillar_dir / 'site.sls'}: line 2, column" in plan.stderr
    assert "<unicode string>" not in plan.stderr
    assert box.fstab_text() == before


def test_plan_over_quotas_that_are_on_proposes_nothing_about_them(box):
    _apply_a_live_pool(box)
    plan = box.cli("plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert plan.stdout.strip().splitlines()[-1] == "nothing would change"
    pillar = yaml.safe_load((box.site.pillar_dir / "site.sls").read_text())
    pillar["sigmavault"]["storage"]["pools"]["tank"]["datasets"]["logs"] = {"quota": "32M"}
    box.write_pillar(pillar["sigmavault"])
    plan = box.cli("plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "would create dataset tank/logs" in plan.stdout
    assert "would limit tank/logs to 32M" in plan.stdout
    assert "enable quotas" not in plan.stdout

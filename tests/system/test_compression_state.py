"""The compression state: a highstate makes declared jobs ready (their archive folders), never runs them,
predicts that under test=True, and a second highstate changes nothing."""

import json
from pathlib import Path

from tests.system.conftest import disks_pillar


def test_highstate_makes_archive_folders_runs_no_job_and_is_idempotent(box):
    images = box.disks.make(1)
    tank = Path(box.path("tank"))
    pool = {"devices": ["d0"], "mountpoint": str(tank), "datasets": {"docs": {}, "backups": {}}}
    jobs = {"nightly": {"source": "tank/docs", "target": str(tank / "backups" / "nightly")},
            "weekly": {"source": str(tank / "docs"), "target": str(tank / "backups" / "nightly")},
            "cold_docs": {"source": "tank/docs", "in_place": True, "cold_days": 30}}
    box.write_pillar({"storage": {"disks": disks_pillar(images), "pools": {"tank": pool}},
                      "compression": {"jobs": jobs}})
    step = f"make archive folder {tank / 'backups' / 'nightly'} for job nightly"

    predicted = box.highstate(test=True)["prepare_compression_jobs"]
    assert (predicted.result, predicted.changes) == (None, {"would": [step]})
    assert not tank.exists() or not (tank / "backups").exists()  # test=True changed nothing

    first = box.highstate()
    second = box.highstate()

    ready = first["prepare_compression_jobs"]
    assert (ready.result, ready.changes) == (True, {"done": [step]})
    assert (tank / "backups" / "nightly").stat().st_mode & 0o777 == 0o750
    assert list((tank / "backups" / "nightly").iterdir()) == []  # no job ran
    assert json.loads(box.cli("compress", "list", "--json").stdout) == []
    order = sorted(first.values(), key=lambda s: s.order)
    ids = [s.id for s in order]
    assert ids.index("converge_smb_shares") < ids.index("prepare_compression_jobs")
    assert second["prepare_compression_jobs"].comment == "compression jobs is as declared"
    assert [s.id for s in second.values() if s.changes] == []

"""The compression agent on a real btrfs pool: a scheduled archive job runs through the same runner as
`sigmavault compress run`, its savings are remembered, and the next run is skipped when the pillar asks
for more than that job saved; a cancel of the task cancels the job with nothing half-written."""

from pathlib import Path

from sigmavault.agents.builtin import compression
from sigmavault.agents.registry import Subject
from sigmavault.compression.store import JobStore
from sigmavault.salt_bridge.call import salt_call
from tests.agent_host import RecordingHost, context
from tests.system.test_compression_jobs import log_text, pool_pillar, put


def declare(box, images, min_saving_percent: int = 0) -> dict:
    jobs = {"nightly_logs": {"source": "tank/logs", "target": box.path("tank", "archives"), "schedule": "@daily",
                             "min_saving_percent": min_saving_percent},
            "by_hand": {"source": "tank/logs", "target": box.path("tank", "archives")}}
    # The agent is run by the test itself: no agent service on this box.
    box.write_pillar({**pool_pillar(box, images, jobs), "agents": {"enabled": False}})
    assert box.cli("apply").returncode == 0
    return compression.settings(salt_call(box.site, "sigmavault_pillar.document").data, box.site)


def run(host: RecordingHost, settings: dict, box):
    [subject] = [found for found in compression.subjects(settings) if found.name == "nightly_logs"]
    return compression.run_compression(context(host, settings, box.site, subject, agent="compression"))


def test_a_scheduled_job_runs_is_remembered_and_skipped_when_it_saved_too_little(box):
    images = box.disks.make(1)
    settings = declare(box, images)
    assert compression.subjects(settings) == [Subject("by_hand", "tank", None),
                                              Subject("nightly_logs", "tank", "@daily")]
    for index in range(4):
        put(Path(box.path("tank", "logs")) / f"smbd-{index}.log", log_text(index, 1 << 20))
    host = RecordingHost()
    first = run(host, settings, box)
    assert first.ok, first
    store = JobStore.for_state_dir(box.site.state_dir)
    [job] = store.jobs()
    assert job["name"] == "nightly_logs" and job["state"] == "done" and first.details["job_id"] == job["id"]
    saved = job["total"]["saved_percent"]
    assert saved > 50
    assert host.facts[("nightly_logs", "last_run")]["saved_percent"] == saved
    assert host.facts[(box.path("tank", "logs"), "saved_percent")] == saved
    assert host.progress_seen and host.progress_seen[-1][0] == 1.0
    archives = list(Path(box.path("tank", "archives")).iterdir())
    assert [a.name.startswith("nightly_logs-") for a in archives] == [True]

    demanding = declare(box, images, min_saving_percent=int(saved) + 1)
    second = run(host, demanding, box)
    assert second.ok and second.details == {"skipped": True}
    assert second.summary == (f"skipped: its last run ({job['id']}) saved {saved} %, less than "
                              f"min_saving_percent {int(saved) + 1} %")
    assert len(store.jobs()) == 1 and list(Path(box.path("tank", "archives")).iterdir()) == archives


def test_a_cancelled_task_cancels_its_job_and_leaves_no_archive(box):
    images = box.disks.make(1)
    settings = declare(box, images)
    put(Path(box.path("tank", "logs")) / "big.log", log_text(7, 8 << 20))
    host = RecordingHost()
    host.cancel.set()
    outcome = run(host, settings, box)
    assert not outcome.ok and outcome.retry and outcome.details["state"] == "cancelled"
    assert [j["state"] for j in JobStore.for_state_dir(box.site.state_dir).jobs()] == ["cancelled"]
    assert list(Path(box.path("tank", "archives")).iterdir()) == []
    assert ("nightly_logs", "last_run") not in host.facts

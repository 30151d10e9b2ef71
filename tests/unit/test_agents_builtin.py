"""The first agents' pure parts (agents/builtin): what each makes of a validated pillar, which subjects it
runs for, when compression skips, and how a Salt reply becomes a ConvergeReport."""

import pytest

from sigmavault.agents.builtin import BUILTIN, compression, drift, key_rotation, self_heal
from sigmavault.agents.registry import Subject, by_name
from sigmavault.salt_bridge.agent_converge import report_of
from sigmavault.site import Site
from sigmavault.verdict import validate_pillar

from .builders import pillar

SITE = Site(pillar_dir="/srv/pillar", state_dir="/var/lib/sigmavault", fstab="/etc/fstab", etc="/etc")
POOLS = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank",
                  "datasets": {"media": {}, "logs": {"mountpoint": "/srv/logs"}, "archives": {}}},
         "cold": {"devices": ["disk_b"], "mountpoint": "/srv/cold"}}


def document(**domains) -> dict:
    result = validate_pillar(pillar(pools=POOLS, **domains))
    assert result.ok, [str(e) for e in result.errors]
    return result.document


def smb_share(dataset: str = "tank/media") -> dict:
    return {"smb": {"media": {"dataset": dataset}}}


def test_builtin_has_each_agent_once_under_a_valid_name():
    assert sorted(by_name(BUILTIN)) == ["compression", "drift", "housekeeping", "key_rotation", "self_heal"]


def test_self_heal_watches_only_what_the_pillar_makes_the_box_run():
    def names(**domains) -> list[str]:
        return [s["name"] for s in self_heal.settings(document(**domains), SITE)["services"]]

    assert names() == ["nginx", "sigmavault-panel"]
    assert names(shares=smb_share()) == ["smbd", "nmbd", "nginx", "sigmavault-panel"]
    nfs = {"nfs": {"media": {"dataset": "tank/logs", "clients": [{"match": "10.0.0.0/24"}]}}}
    assert names(shares=nfs) == ["nfs-server", "nginx", "sigmavault-panel"]
    ganesha = {**nfs, "nfs_server": {"backend": "ganesha"}}
    assert names(shares=ganesha) == ["nfs-ganesha", "nginx", "sigmavault-panel"]


def test_self_heal_probes_prove_each_service_answers_its_protocol():
    services = {s["name"]: s for s in self_heal.settings(document(shares=smb_share()), SITE)["services"]}
    assert services["smbd"]["probe"] == {"kind": "smb", "port": 445}
    assert services["nmbd"]["probe"]["kind"] == "netbios"
    assert services["sigmavault-panel"]["probe"] == {"kind": "http", "port": 8080, "path": "/api/v1/health/live",
                                                     "ok_only": True}


def test_self_heal_breaker_follows_the_pillar():
    settings = self_heal.settings(document(agents={"breaker": {"failures": 5, "window_minutes": 10}}), SITE)
    assert (settings["failures"], settings["window_seconds"]) == (5, 600)
    default = self_heal.settings(document(), SITE)
    assert (default["failures"], default["window_seconds"]) == (3, 1800)


def test_drift_converges_only_when_the_pillar_says_so():
    assert drift.settings(document(), SITE) == {"converge": False}
    assert drift.settings(document(agents={"drift": {"converge": True}}), SITE) == {"converge": True}


def test_key_rotation_follows_encryption_rotation_days():
    assert key_rotation.settings(document(), SITE) == {"rotation_days": 30}
    assert key_rotation.settings(document(encryption={"rotation_days": 7}), SITE) == {"rotation_days": 7}


def jobs() -> dict:
    return {"jobs": {
        "nightly": {"source": "tank/logs", "target": "/srv/tank/archives", "schedule": "0 3 * * *",
                    "min_saving_percent": 10},
        "cold_media": {"source": "/srv/cold/media", "in_place": True, "schedule": "@weekly"},
        "by_hand": {"source": "tank/media", "target": "/srv/tank/archives"}}}


def test_compression_has_every_job_as_a_subject_of_its_pool_scheduled_or_not():
    settings = compression.settings(document(compression=jobs()), SITE)
    assert compression.subjects(settings) == [Subject("by_hand", "tank", None),
                                              Subject("cold_media", "cold", "@weekly"),
                                              Subject("nightly", "tank", "0 3 * * *")]
    nightly = settings["jobs"]["nightly"]
    assert nightly["spec"]["source"] == "/srv/tank/logs" and nightly["spec"]["kind"] == "archive"
    assert nightly["min_saving_percent"] == 10 and settings["jobs"]["by_hand"]["schedule"] is None


@pytest.mark.parametrize(("path", "pool"), [("/srv/logs/2025", "tank"), ("/srv/tank/media", "tank"),
                                            ("/srv/cold", "cold"), ("/srv/coldest", None), ("/srv", None)])
def test_a_job_belongs_to_the_pool_that_holds_its_source(path, pool):
    assert compression.pool_of(path, document()["storage"]) == pool


SPEC = {"kind": "archive", "source": "/srv/logs", "target": "/srv/tank/archives", "profile": "balanced",
        "cold_days": 0}


def last(saved: float, spec: dict = SPEC) -> dict:
    return {"job_id": "abc123", "saved_percent": saved, "spec": compression.spec_key(spec)}


def test_a_job_that_saved_less_than_asked_last_time_is_skipped():
    assert compression.skip_reason(last(4.5), SPEC, 10) == \
        "skipped: its last run (abc123) saved 4.5 %, less than min_saving_percent 10 %"


@pytest.mark.parametrize(("remembered", "threshold"), [
    (None, 10),                                     # never ran: measure first
    (last(40.0), 10),                               # saved enough
    (last(4.5), 0),                                 # no threshold asked for
    (last(4.5, {**SPEC, "profile": "max"}), 10),    # the job changed since: measure again
])
def test_a_job_runs_when_its_last_saving_does_not_count_against_it(remembered, threshold):
    assert compression.skip_reason(remembered, SPEC, threshold) is None


def state(result, changes=None, comment="", order=0) -> dict:
    return {"__id__": "", "result": result, "comment": comment, "changes": changes or {}, "__run_num__": order}


def test_a_dry_run_reports_each_state_that_would_change():
    reply = {"a|-validate|-v|-x": {**state(True, order=0), "__id__": "validate_pillar_and_disks"},
             "b|-smb|-smb|-x": {**state(None, {"would": ["write smb.conf"]}, "SMB shares would change", 1),
                                "__id__": "converge_smb_shares"},
             "c|-pam|-pam|-x": {**state(None, comment="The file would be updated", order=2),
                                "__id__": "install_panel_pam_service"}}
    report = report_of(reply, test=True)
    assert report.ok and report.errors == []
    assert report.changes == {
        "converge_smb_shares": {"comment": "SMB shares would change", "changes": {"would": ["write smb.conf"]}},
        "install_panel_pam_service": {"comment": "The file would be updated", "changes": {}}}


def test_an_apply_reports_what_changed_and_what_failed():
    reply = {"a": {**state(True, {"diff": "x"}, "written"), "__id__": "converge_smb_shares"},
             "b": {**state(True, order=1), "__id__": "converge_nfs_exports"},
             "c": {**state(False, comment="testparm refused it", order=2), "__id__": "converge_pool_tank"}}
    report = report_of(reply, test=False)
    assert not report.ok and list(report.changes) == ["converge_smb_shares"]
    assert report.errors == ["converge_pool_tank: testparm refused it"]


def test_a_run_salt_refused_before_any_state_is_an_error():
    report = report_of(["Pillar failed to render with the following messages:", "boom"], test=True)
    assert not report.ok and report.changes == {} and len(report.errors) == 2

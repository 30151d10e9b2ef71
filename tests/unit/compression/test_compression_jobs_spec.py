"""Declared jobs: the compression schema, the cross-key rules, and the checks before a job runs."""

from __future__ import annotations

import pytest

from sigmavault.compression.pillar_rules import compression_errors
from sigmavault.compression.jobs_spec import JobSpecError, declared_spec, make_spec
from sigmavault.verdict import validate_pillar
from tests.unit.builders import example_pillar, pillar

POOLS = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", "datasets": {"media": {}}}}


def document(jobs: dict) -> dict:
    result = validate_pillar(pillar(pools=POOLS, compression={"jobs": jobs}))
    assert result.ok, [str(e) for e in result.errors]
    return result.document


def test_example_pillar_declares_an_in_place_and_an_archive_job():
    doc = validate_pillar(example_pillar()).document
    specs = {name: declared_spec(name, job, doc["storage"]) for name, job in doc["compression"]["jobs"].items()}

    assert specs["cold_media"].kind == "in_place" and specs["cold_media"].source == "/srv/tank/media"
    assert specs["cold_media"].algorithm == "zstd" and specs["cold_media"].cold_days == 30
    assert specs["logs_archive"].kind == "archive" and specs["logs_archive"].target == "/srv/tank/backups/archives"
    assert list(compression_errors(doc)) == []


def test_defaults_make_a_low_priority_balanced_archive_job():
    job = document({"j": {"source": "/data", "target": "/backup"}})["compression"]["jobs"]["j"]

    assert job == {"source": "/data", "target": "/backup", "in_place": False, "profile": "balanced",
                   "cold_days": 0, "priority": "low"}


@pytest.mark.parametrize("job, key", [
    ({"target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/a/../etc", "target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/a", "target": "relative"}, "sigmavault.compression.jobs.j.target"),
    ({"source": "/a", "target": "/b", "profile": "ultra"}, "sigmavault.compression.jobs.j.profile"),
    ({"source": "/a", "target": "/b", "priority": "urgent"}, "sigmavault.compression.jobs.j.priority"),
    ({"source": "/a", "in_place": True, "cold_days": -1}, "sigmavault.compression.jobs.j.cold_days"),
    ({"source": "/a", "target": "/b", "schedule": "daily"}, "sigmavault.compression.jobs.j.schedule"),
])
def test_schema_refuses_bad_job_keys_by_path(job, key):
    result = validate_pillar(pillar(compression={"jobs": {"j": job}}))

    assert key in [e.path for e in result.errors]


def test_schema_refuses_a_job_name_that_could_inject_text():
    result = validate_pillar(pillar(compression={"jobs": {"bad name\n[x]": {"source": "/a", "target": "/b"}}}))

    assert not result.ok


@pytest.mark.parametrize("job, path, message", [
    ({"source": "/a", "in_place": True, "target": "/b"}, "sigmavault.compression.jobs.j",
     "an in_place job rewrites its source; remove target or set in_place: false"),
    ({"source": "/a"}, "sigmavault.compression.jobs.j", "give a target folder for the archive, or set in_place: true"),
    ({"source": "/a", "target": "/b", "cold_days": 7}, "sigmavault.compression.jobs.j.cold_days",
     "only in_place jobs select files by age; set it to 0"),
    ({"source": "tank/photos", "in_place": True}, "sigmavault.compression.jobs.j.source",
     "dataset tank/photos is not declared under sigmavault.storage.pools"),
    ({"source": "/srv/data", "target": "/srv/data/archives"}, "sigmavault.compression.jobs.j.target",
     "/srv/data/archives is inside the source /srv/data; the archive would compress itself — "
     "choose a folder outside it"),
])
def test_cross_key_rules_name_the_key_and_what_to_change(job, path, message):
    errors = validate_pillar(pillar(pools=POOLS, compression={"jobs": {"j": job}})).errors

    assert [(e.path, e.message) for e in errors] == [(path, message)]


def test_dataset_source_resolves_to_its_path_under_the_pool():
    spec = make_spec("j", source="tank/media", in_place=True, storage=document({})["storage"])

    assert spec.source == "/srv/tank/media"


def test_ad_hoc_job_with_a_relative_source_is_refused():
    with pytest.raises(JobSpecError, match="neither an absolute path nor a dataset"):
        make_spec("adhoc", source="media", target="/b")


def test_restore_needs_a_destination():
    spec = make_spec("r", source="/srv/a/nightly-1", target="/srv/r", restore=True)

    assert (spec.kind, spec.target) == ("restore", "/srv/r")

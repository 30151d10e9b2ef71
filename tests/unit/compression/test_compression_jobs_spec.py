"""Declared jobs: the compression schema, the cross-key rules (one copy, in pillar_rules), the paths a job
may touch, and the specs built from them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sigmavault.compression.jobs_paths import OutsidePools
from sigmavault.compression.jobs_spec import JobSpecError, confined, declared_spec, make_spec
from sigmavault.compression.pillar_rules import compression_errors
from sigmavault.verdict import validate_pillar
from tests.unit.builders import example_pillar, pillar
from tests.unit.compression.conftest import pools_at

POOLS = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank",
                  "datasets": {"media": {"mountpoint": "/srv/media"}}}}
ALLOWED = "a job reads and writes only a dataset (pool/dataset) or a folder inside a pool's mountpoint"


def document(jobs: dict) -> dict:
    result = validate_pillar(pillar(pools=POOLS, compression={"jobs": jobs}))
    assert result.ok, [str(e) for e in result.errors]
    return result.document


def errors_of(job: dict) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in validate_pillar(pillar(pools=POOLS, compression={"jobs": {"j": job}})).errors]


def test_example_pillar_declares_an_in_place_and_an_archive_job():
    doc = validate_pillar(example_pillar()).document
    specs = {name: declared_spec(name, job, doc["storage"]) for name, job in doc["compression"]["jobs"].items()}

    assert specs["cold_media"].kind == "in_place" and specs["cold_media"].source == "/srv/tank/media"
    assert specs["cold_media"].algorithm == "zstd" and specs["cold_media"].cold_days == 30
    archive = specs["documents_archive"]
    assert archive.kind == "archive" and archive.target == "/srv/tank/backups/archives"
    assert archive.roots == ("/srv/media", "/srv/scratch", "/srv/tank")
    assert list(compression_errors(doc)) == []


def test_defaults_make_a_low_priority_balanced_archive_job():
    job = document({"j": {"source": "/srv/tank/data", "target": "/srv/tank/backup"}})["compression"]["jobs"]["j"]

    assert job == {"source": "/srv/tank/data", "target": "/srv/tank/backup", "in_place": False,
                   "profile": "balanced", "cold_days": 0, "priority": "low", "schedule": None,
                   "min_saving_percent": 0}


@pytest.mark.parametrize("job, key", [
    ({"target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/a/../etc", "target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/", "target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/srv/tank/./a", "target": "/b"}, "sigmavault.compression.jobs.j.source"),
    ({"source": "/srv/tank/a", "target": "/srv/tank/../../etc"}, "sigmavault.compression.jobs.j.target"),
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
    ({"source": "/srv/tank/a", "in_place": True, "target": "/srv/tank/b"}, "sigmavault.compression.jobs.j",
     "an in_place job rewrites its source; remove target or set in_place: false"),
    ({"source": "/srv/tank/a"}, "sigmavault.compression.jobs.j",
     "give a target folder for the archive, or set in_place: true"),
    ({"source": "/srv/tank/a", "target": "/srv/tank/b", "cold_days": 7}, "sigmavault.compression.jobs.j.cold_days",
     "only in_place jobs select files by age; set it to 0"),
    ({"source": "tank/photos", "in_place": True}, "sigmavault.compression.jobs.j.source",
     "dataset tank/photos is not declared under sigmavault.storage.pools; declare it or give a folder inside a pool"),
    ({"source": "/srv/tank/data", "target": "/srv/tank/data/archives"}, "sigmavault.compression.jobs.j.target",
     "/srv/tank/data/archives is inside the source /srv/tank/data; the archive would compress itself — "
     "choose a folder outside it"),
])
def test_cross_key_rules_name_the_key_and_what_to_change(job, path, message):
    assert errors_of(job) == [(path, message)]


@pytest.mark.parametrize("job, key, path", [
    ({"source": "/etc/shadow", "target": "/srv/tank/archives"}, "source", "/etc/shadow"),
    ({"source": "/etc", "in_place": True}, "source", "/etc"),
    ({"source": "/var/log", "target": "/srv/tank/archives"}, "source", "/var/log"),
    ({"source": "/srv/tankard", "target": "/srv/tank/archives"}, "source", "/srv/tankard"),  # a prefix, not inside
    ({"source": "/srv", "target": "/srv/tank/archives"}, "source", "/srv"),  # holds the pool, is not in it
    ({"source": "tank/media", "target": "/root/.ssh"}, "target", "/root/.ssh"),
    ({"source": "/srv/tank/a", "target": "/etc/cron.d"}, "target", "/etc/cron.d"),
])
def test_a_job_outside_every_pool_is_refused_naming_the_key_and_what_is_allowed(job, key, path):
    assert errors_of(job) == [(f"sigmavault.compression.jobs.j.{key}",
                               f"{path} is outside every pool; {ALLOWED} (/srv/media, /srv/tank)")]


@pytest.mark.parametrize("job", [
    {"source": "tank/media", "in_place": True},
    {"source": "/srv/tank", "target": "/srv/media/archives"},  # a pool's mountpoint, a dataset's own mountpoint
    {"source": "/srv/media/photos", "target": "/srv/tank/archives"},
])
def test_datasets_and_folders_inside_pools_are_accepted(job):
    assert errors_of(job) == []


def test_a_job_is_refused_when_no_pool_is_declared():
    errors = validate_pillar(pillar(pools={}, compression={"jobs": {"j": {"source": "/srv/a", "target": "/srv/b"}}}))

    assert [e.message for e in errors.errors] == [f"/srv/a is outside every pool; {ALLOWED} (no pool is declared yet)",
                                                  f"/srv/b is outside every pool; {ALLOWED} (no pool is declared yet)"]


def test_dataset_source_resolves_to_its_path_under_the_pool():
    spec = make_spec("j", document({}), source="tank/media", in_place=True)

    assert (spec.kind, spec.source, spec.roots) == ("in_place", "/srv/tank/media", ("/srv/media", "/srv/tank"))


def test_ad_hoc_jobs_pass_the_same_schema_and_rules_as_declared_ones():
    with pytest.raises(JobSpecError) as relative:
        make_spec("adhoc", document({}), source="media", target="/srv/tank/b")
    with pytest.raises(JobSpecError) as shadow:
        make_spec("adhoc", document({}), source="/etc/shadow", target="/srv/tank/b")
    with pytest.raises(JobSpecError) as both:
        make_spec("adhoc", document({}), source="/srv/tank/a", in_place=True, target="/srv/tank/b", profile="ultra")

    assert str(relative.value).startswith("adhoc.source: ")
    assert str(shadow.value) == f"adhoc.source: /etc/shadow is outside every pool; {ALLOWED} (/srv/media, /srv/tank)"
    assert str(both.value).startswith("adhoc.profile: ")  # the schema first, as for a declared job


def test_restore_is_checked_like_an_archive_job():
    spec = make_spec("r", document({}), source="/srv/tank/a/nightly-1", target="/srv/tank/r", restore=True)
    with pytest.raises(JobSpecError, match=r"^r\.target: /etc/r is outside every pool"):
        make_spec("r", document({}), source="/srv/tank/a/nightly-1", target="/etc/r", restore=True)

    assert (spec.kind, spec.target) == ("restore", "/srv/tank/r")


def test_confined_spec_holds_real_paths_inside_its_pools(tmp_path: Path):
    pool = tmp_path / "pool"
    (pool / "real").mkdir(parents=True)
    (pool / "alias").symlink_to(pool / "real")  # a link that stays inside the pool is fine
    spec = make_spec("j", pools_at(pool), source=str(pool / "alias"), target=str(pool / "archives" / "new"))

    checked = confined(spec)

    assert (checked.source, checked.target) == (str(pool / "real"), str(pool / "archives" / "new"))


@pytest.mark.parametrize("where", ["source", "target", "target parent"])
def test_a_symlink_leading_out_of_a_pool_is_refused_when_the_job_runs(tmp_path: Path, where: str):
    pool, outside = tmp_path / "pool", tmp_path / "outside"
    (pool / "data").mkdir(parents=True)
    outside.mkdir()
    (pool / "escape").symlink_to(outside)
    source, target = pool / "data", pool / "archives"
    if where == "source":
        source = pool / "escape"
    elif where == "target":
        target = pool / "escape"
    else:
        target = pool / "escape" / "archives"
    spec = make_spec("j", pools_at(pool), source=str(source), target=str(target))  # the words are inside

    with pytest.raises(OutsidePools) as refused:
        confined(spec)

    assert f"resolves to {outside}" in str(refused.value) and "outside every pool" in str(refused.value)
    assert str(refused.value).endswith("Nothing was read or written")


def test_a_pool_mountpoint_that_is_itself_a_symlink_is_followed_for_both_sides(tmp_path: Path):
    real = tmp_path / "real-pool"
    (real / "data").mkdir(parents=True)
    os.symlink(real, tmp_path / "pool")
    spec = make_spec("j", pools_at(tmp_path / "pool"), source=str(tmp_path / "pool" / "data"),
                     target=str(tmp_path / "pool" / "archives"))

    assert confined(spec).source == str(real / "data")

"""The converge of declared compression jobs: archive folders made, paths checked on the box, jobs never run."""

from __future__ import annotations

from pathlib import Path

from sigmavault.compression.jobs_plan import plan_jobs
from sigmavault.outcome import run_plan
from tests.unit.compression.conftest import pools_at


def declared(pool: Path, **jobs: dict) -> dict:
    document = pools_at(pool)
    filled = {"in_place": False, "profile": "balanced", "cold_days": 0, "priority": "low", "target": None}
    document["compression"]["jobs"] = {name: filled | job for name, job in jobs.items()}
    return document


def test_each_archive_job_gets_its_target_folder_once(tmp_path: Path):
    pool = tmp_path / "pool"
    (pool / "docs").mkdir(parents=True)
    document = declared(pool, docs={"source": str(pool / "docs"), "target": str(pool / "backups" / "archives")},
                        same={"source": str(pool / "docs"), "target": str(pool / "backups" / "archives")},
                        cold={"source": str(pool / "docs"), "in_place": True, "cold_days": 30})

    predicted = run_plan("compression jobs", lambda: plan_jobs(document), test=True)
    done = run_plan("compression jobs", lambda: plan_jobs(document), test=False)
    again = run_plan("compression jobs", lambda: plan_jobs(document), test=False)

    step = f"make archive folder {pool / 'backups' / 'archives'} for job docs"
    assert (predicted.result, predicted.changes) == (None, {"would": [step]})  # one folder serves both jobs
    assert (done.result, done.changes) == (True, {"done": [step]})
    assert (pool / "backups" / "archives").stat().st_mode & 0o777 == 0o750
    assert (again.result, again.comment, again.changes) == (True, "compression jobs is as declared", {})
    assert sorted(p.name for p in pool.rglob("*")) == ["archives", "backups", "docs"]  # nothing was run


def test_a_symlink_out_of_the_pool_refuses_the_plan_and_nothing_is_made(tmp_path: Path):
    pool, outside = tmp_path / "pool", tmp_path / "outside"
    (pool / "docs").mkdir(parents=True)
    outside.mkdir()
    (pool / "escape").symlink_to(outside)
    document = declared(pool, good={"source": str(pool / "docs"), "target": str(pool / "archives")},
                        bad={"source": str(pool / "docs"), "target": str(pool / "escape" / "archives")})

    outcome = run_plan("compression jobs", lambda: plan_jobs(document), test=False)

    assert outcome.result is False and outcome.comment.startswith(
        f"refused, nothing changed: sigmavault.compression.jobs.bad: {pool / 'escape' / 'archives'} resolves to "
        f"{outside / 'archives'}, outside every pool")
    assert not (pool / "archives").exists() and list(outside.iterdir()) == []


def test_a_file_where_the_target_folder_belongs_is_refused(tmp_path: Path):
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "archives").write_text("not a folder")
    document = declared(pool, docs={"source": str(pool), "target": str(pool / "archives")})

    outcome = run_plan("compression jobs", lambda: plan_jobs(document), test=True)

    assert outcome.result is False
    assert f"sigmavault.compression.jobs.docs.target: {pool / 'archives'} exists and is not a folder" in outcome.comment

"""sigmavault.agents and the schedules of compression jobs: the schema's defaults and refusals, and the
cross-key rules (agents/pillar_rules.py) through the one verdict, each error naming its key path."""

import pytest

from sigmavault.schema.loader import load_schema
from sigmavault.verdict import validate_pillar

from .builders import example_pillar, pillar

JOB = {"source": "/srv/tank/docs", "target": "/srv/tank/archives"}


def _errors(**domains) -> dict[str, str]:
    verdict = validate_pillar(pillar(**domains))
    return {error.path: error.message for error in verdict.errors}


def _document(**domains) -> dict:
    verdict = validate_pillar(pillar(**domains))
    assert verdict.ok, [str(e) for e in verdict.errors]
    return verdict.document


def test_an_empty_agents_key_runs_the_service_with_every_agent_on_its_own_schedule():
    agents = _document()["agents"]
    assert {key: agents[key] for key in ("enabled", "workers", "quiet_hours", "history_days", "breaker")} == {
        "enabled": True, "workers": 2, "quiet_hours": None, "history_days": 90,
        "breaker": {"failures": 3, "window_minutes": 30}}
    for name in ("drift", "self_heal", "key_rotation", "compression", "housekeeping"):
        assert agents[name]["enabled"] is True and agents[name]["schedule"] is None, name
    assert agents["drift"]["converge"] is False


def test_a_job_has_no_schedule_and_no_threshold_unless_given():
    job = _document(compression={"jobs": {"docs": JOB}})["compression"]["jobs"]["docs"]
    assert (job["schedule"], job["min_saving_percent"]) == (None, 0)


def test_the_example_pillar_shows_quiet_hours_and_a_scheduled_job():
    document = validate_pillar(example_pillar()).document
    assert document["agents"]["quiet_hours"] == {"start": "08:00", "end": "18:00"}
    assert any(job["schedule"] for job in document["compression"]["jobs"].values())


@pytest.mark.parametrize("agents, path", [
    ({"workers": 0}, "sigmavault.agents.workers"),
    ({"workers": 9}, "sigmavault.agents.workers"),
    ({"history_days": 0}, "sigmavault.agents.history_days"),
    ({"quiet_hours": {"start": "24:00", "end": "06:00"}}, "sigmavault.agents.quiet_hours.start"),
    ({"quiet_hours": {"start": "22:00"}}, "sigmavault.agents.quiet_hours.end"),
    ({"breaker": {"failures": 0}}, "sigmavault.agents.breaker.failures"),
    ({"drift": {"converge": "yes"}}, "sigmavault.agents.drift.converge"),
    ({"self_heal": {"jitter_seconds": -1}}, "sigmavault.agents.self_heal.jitter_seconds"),
    ({"compression": {"schedule": "0 3 * * *; rm -rf /"}}, "sigmavault.agents.compression.schedule"),
    ({"scrub": {"enabled": True}}, "sigmavault.agents.scrub"),
])
def test_the_schema_refuses_a_bad_key_by_its_path(agents, path):
    errors = _errors(agents=agents)
    assert path in errors, errors


def test_an_override_for_an_agent_the_box_does_not_have_is_refused():
    errors = _errors(agents={"snapshots": {"schedule": "@daily"}})
    assert list(errors) == ["sigmavault.agents.snapshots"]


@pytest.mark.parametrize("schedule", ["@every 1s", "@every 6h", "@daily", "0 3 * * *", "*/5 * * * *"])
def test_every_accepted_form_of_schedule_passes(schedule):
    drift = {"schedule": schedule, "jitter_seconds": 0}
    assert _document(agents={"drift": drift})["agents"]["drift"]["schedule"] == schedule


@pytest.mark.parametrize("schedule, said", [
    ("@every 0s", "not an interval of at least 1"),
    ("@fortnightly", "not a known alias"),
    ("0 3 * *", "has 4 fields where cron has 5"),
    ("0 25 * * *", "not a valid cron expression"),
    ("0 0 30 2 *", "never comes"),
    ("@every 3000000d", "too long"),
])
def test_a_schedule_that_does_not_parse_is_refused_with_its_key_path(schedule, said):
    errors = _errors(agents={"key_rotation": {"schedule": schedule}})
    assert list(errors) == ["sigmavault.agents.key_rotation.schedule"]
    assert said in errors["sigmavault.agents.key_rotation.schedule"]
    assert "@every" in errors["sigmavault.agents.key_rotation.schedule"]   # what is accepted instead


def test_a_job_schedule_that_does_not_parse_is_refused_at_the_job():
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}}
    errors = validate_pillar(pillar(pools=pools, compression={"jobs": {"docs": {**JOB, "schedule": "@every 5x"}}}))
    assert [(e.path, "not an interval" in e.message) for e in errors.errors] == [
        ("sigmavault.compression.jobs.docs.schedule", True)]


def test_min_saving_percent_stays_within_0_and_100():
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}}
    verdict = validate_pillar(pillar(pools=pools, compression={"jobs": {"docs": {**JOB, "min_saving_percent": 101}}}))
    assert [e.path for e in verdict.errors] == ["sigmavault.compression.jobs.docs.min_saving_percent"]


def test_quiet_hours_that_start_when_they_end_are_refused():
    errors = _errors(agents={"quiet_hours": {"start": "22:00", "end": "22:00"}})
    assert list(errors) == ["sigmavault.agents.quiet_hours"]
    assert "no window" in errors["sigmavault.agents.quiet_hours"]


def test_quiet_hours_may_cross_midnight():
    quiet = _document(agents={"quiet_hours": {"start": "22:00", "end": "06:00"}})["agents"]["quiet_hours"]
    assert quiet == {"start": "22:00", "end": "06:00"}


def test_every_error_of_a_bad_agents_block_is_reported_at_once():
    errors = _errors(agents={"drift": {"schedule": "@every 0m"}, "housekeeping": {"schedule": "61 * * * *"}})
    assert sorted(errors) == ["sigmavault.agents.drift.schedule", "sigmavault.agents.housekeeping.schedule"]


def test_the_schema_has_a_block_for_every_agent_of_the_box():
    from sigmavault.agents.builtin import BUILTIN
    from sigmavault.agents.pillar_rules import RUNTIME_KEYS

    blocks = set(load_schema()["sigmavault"]["schema"]["agents"]["schema"]) - RUNTIME_KEYS
    assert blocks == {agent.name for agent in BUILTIN}


def test_a_jitter_as_long_as_the_interval_is_refused_at_the_schedule():
    errors = _errors(agents={"drift": {"schedule": "@every 30s", "jitter_seconds": 30}})
    assert list(errors) == ["sigmavault.agents.drift.schedule"]
    assert "sigmavault.agents.drift.jitter_seconds adds up to 30 s" in errors["sigmavault.agents.drift.schedule"]
    assert _document(agents={"drift": {"schedule": "@every 30s", "jitter_seconds": 29}})


def test_a_job_schedule_is_held_to_the_compression_agents_jitter():
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}}
    verdict = validate_pillar(pillar(pools=pools, compression={"jobs": {"docs": {**JOB, "schedule": "@every 1m"}}},
                                     agents={"compression": {"jitter_seconds": 60}}))
    assert [(e.path, "sigmavault.agents.compression.jitter_seconds" in e.message) for e in verdict.errors] == [
        ("sigmavault.compression.jobs.docs.schedule", True)]


def test_a_schedule_for_the_compression_agent_is_refused_since_each_job_has_its_own():
    errors = _errors(agents={"compression": {"schedule": "@daily"}})
    assert list(errors) == ["sigmavault.agents.compression.schedule"]
    assert "sigmavault.compression.jobs.<name>.schedule" in errors["sigmavault.agents.compression.schedule"]

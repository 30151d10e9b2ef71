"""The agent service on the booted image: its unit runs under systemd (Type=notify, a watchdog), survives a
restart, is restarted by the watchdog when its process hangs, and runs an agent the owner asks for."""

import json

UNIT = "sigmavault-agents"


def _show(box, prop: str) -> str:
    return box.ssh(f"systemctl show -p {prop} --value {UNIT}").stdout.strip()


def _active(box) -> bool:
    return box.ssh(f"systemctl is-active {UNIT}", check=False).stdout.strip() == "active"


def test_the_agent_unit_runs_as_a_notify_service_with_a_watchdog(box):
    box.wait_until("the agent service to be active", lambda: _active(box), timeout=600)
    assert box.ssh(f"systemctl is-enabled {UNIT}").stdout.strip() == "enabled"
    assert _show(box, "Type") == "notify"
    assert _show(box, "WatchdogUSec") == "30s"
    names = {row["name"] for row in json.loads(box.ssh("sigmavault agents list --json").stdout)}
    assert {"drift", "self_heal", "key_rotation", "compression", "housekeeping"} <= names


def test_the_agent_service_survives_a_restart(box):
    before = _show(box, "MainPID")
    box.ssh(f"systemctl restart {UNIT}")
    box.wait_until("the restarted agent service", lambda: _active(box) and _show(box, "MainPID") != before,
                   timeout=300)
    assert json.loads(box.ssh("sigmavault agents list --json").stdout)


def test_the_watchdog_restarts_a_hung_agent_service(box):
    hung, restarts = _show(box, "MainPID"), int(_show(box, "NRestarts"))
    box.ssh(f"kill -STOP {hung}")
    box.wait_until("the watchdog to replace the hung process",
                   lambda: _active(box) and _show(box, "MainPID") not in (hung, "0"), timeout=600)
    assert int(_show(box, "NRestarts")) > restarts
    journal = box.ssh(f"journalctl -b -u {UNIT} --no-pager").stdout
    assert "Watchdog timeout" in journal, journal[-3000:]


def test_an_agent_run_asked_for_by_the_owner_finishes_in_its_history(box):
    task_id = box.ssh("sigmavault agents run housekeeping").stdout
    assert "queued" in task_id.lower() or "task" in task_id.lower(), task_id

    def finished() -> bool:
        rows = json.loads(box.ssh("sigmavault agents history housekeeping --json").stdout)
        return any(row["agent"] == "housekeeping" and row["ok"] for row in rows)

    box.wait_until("the housekeeping run in the history", finished, timeout=600)

"""Converging step by step from fresh plans, and what Salt is told: predicted, done, refused or stuck."""

import pytest

from sigmavault import steps
from sigmavault.command import CommandError
from sigmavault.outcome import run_plan
from sigmavault.schema import PillarError
from sigmavault.steps import Plan, Refused, Stuck, converge
from sigmavault.storage import fstab
from sigmavault.storage.fstab import FstabEntry

REFUSAL = PillarError("sigmavault.storage.disks.disk_a", "/dev/loop0 holds ext4 file system")


@pytest.fixture
def ran(monkeypatch) -> list:
    """Commands 'run' by the steps, recorded instead of executed."""
    seen = []
    monkeypatch.setattr(steps, "run", lambda argv, stdin=None: seen.append(argv) or "")
    return seen


def _box(*summaries: str):
    """A box where each step, once performed, is no longer needed: plans shrink as steps run."""
    remaining = list(summaries)

    def make_plan() -> Plan:
        plan = Plan()
        for summary in remaining:
            plan.add(summary, ["echo", summary])
        return plan

    def forget(argv, stdin=None):
        remaining.remove(argv[1])
    return make_plan, forget


def _refused() -> Plan:
    plan = Plan()
    plan.add("format disk_a", ["mkfs.btrfs", "/dev/loop0"])
    plan.refusals.append(REFUSAL)
    return plan


def test_converge_runs_each_first_step_until_nothing_is_left(monkeypatch, tmp_path):
    make_plan, forget = _box("format", "mount", "record")
    monkeypatch.setattr(steps, "run", forget)
    assert converge(make_plan) == ["format", "mount", "record"]
    assert make_plan().steps == []


def test_converge_of_a_box_as_declared_does_nothing(ran, tmp_path):
    assert converge(Plan) == []
    assert ran == []


def test_refused_plan_runs_nothing(ran, tmp_path):
    with pytest.raises(Refused) as refused:
        converge(_refused)
    assert ran == []
    assert refused.value.refusals == [REFUSAL]


def test_step_that_does_not_take_effect_stops_as_stuck(ran, tmp_path):
    def make_plan() -> Plan:
        plan = Plan()
        plan.add("remount pool tank", ["mount", "-o", "remount", "/srv/tank"])
        return plan
    with pytest.raises(Stuck, match="'remount pool tank' ran but the box still needs it"):
        converge(make_plan)
    assert len(ran) == 1


def test_converge_gives_up_after_max_steps(ran, tmp_path):
    count = iter(range(100))

    def make_plan() -> Plan:
        plan = Plan()
        plan.add(f"step {next(count)}", ["true"])
        return plan
    with pytest.raises(Stuck, match="gave up after 3 steps"):
        converge(make_plan, max_steps=3)
    assert len(ran) == 3


def test_performing_a_step_writes_files_runs_commands_and_records_fstab(ran, tmp_path):
    entry = FstabEntry("UUID=abc", "/srv/tank", "btrfs", ("noatime",))
    step = steps.Step("mount pool tank", (("mount", "/dev/loop0", "/srv/tank"),),
                      (fstab.recorded(tmp_path / "fstab", entry),),
                      ((str(tmp_path / "mdadm.conf"), "ARRAY /dev/md/archive\n"),))
    steps.perform(step)
    assert ran == [["mount", "/dev/loop0", "/srv/tank"]]
    assert (tmp_path / "fstab").read_text() == "UUID=abc /srv/tank btrfs noatime 0 0\n"
    assert (tmp_path / "mdadm.conf").read_text() == "ARRAY /dev/md/archive\n"


def test_a_file_edit_keeps_the_rest_of_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "fstab"
    path.write_text("# the host's own\nUUID=root / ext4 defaults 0 1\n")
    steps.perform(steps.Step("record", edits=(steps.FileEdit(path, lambda text: text + "added\n"),)))
    assert path.read_text() == "# the host's own\nUUID=root / ext4 defaults 0 1\nadded\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fstab"]


def test_an_edit_that_changes_nothing_does_not_rewrite_the_file(tmp_path):
    path = tmp_path / "fstab"
    path.write_text("UUID=abc /srv/tank btrfs noatime 0 0\n")
    before = path.stat().st_ino
    steps.perform(steps.Step("record", edits=(steps.FileEdit(path, lambda text: text),)))
    assert path.stat().st_ino == before


def test_test_mode_predicts_the_steps_with_result_none(ran, tmp_path):
    make_plan, _ = _box("format disk_a", "mount pool tank")
    outcome = run_plan("pool tank", make_plan, test=True)
    assert (outcome.result, outcome.comment) == (None, "pool tank would change")
    assert outcome.changes == {"would": ["format disk_a", "mount pool tank"]}
    assert ran == []


@pytest.mark.parametrize("test", [True, False])
def test_nothing_to_do_is_success_without_changes(ran, tmp_path, test):
    outcome = run_plan("pool tank", Plan, test=test)
    assert (outcome.result, outcome.comment, outcome.changes) == (True, "pool tank is as declared", {})


@pytest.mark.parametrize("test", [True, False])
def test_refusal_fails_the_state_and_says_why(ran, tmp_path, test):
    outcome = run_plan("pool tank", _refused, test=test)
    assert outcome.result is False
    assert outcome.comment == ("refused, nothing changed: sigmavault.storage.disks.disk_a: "
                               "/dev/loop0 holds ext4 file system")
    assert ran == []


def test_converged_state_lists_what_was_done(monkeypatch, tmp_path):
    make_plan, forget = _box("format disk_a", "mount pool tank")
    monkeypatch.setattr(steps, "run", forget)
    outcome = run_plan("pool tank", make_plan, test=False)
    assert (outcome.result, outcome.changes) == (True, {"done": ["format disk_a", "mount pool tank"]})


def test_failing_command_fails_the_state_with_its_output(monkeypatch, tmp_path):
    def fail(argv, stdin=None):
        raise CommandError(argv, 1, "ERROR: unable to go below two devices on raid1")
    monkeypatch.setattr(steps, "run", fail)
    make_plan, _ = _box("remove disk_b")
    outcome = run_plan("pool tank", make_plan, test=False)
    assert outcome.result is False
    assert outcome.comment.startswith("pool tank failed: `echo remove disk_b` failed (1)")
    assert "unable to go below two devices on raid1" in outcome.comment

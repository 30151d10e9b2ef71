"""Reading what salt-call state.apply returned: states in run order, or why Salt could not start."""

import pytest

from sigmavault.cli.state_results import StateResult, parse_state_results

REPLY = {
    "sigmavault_storage_|-mount_pool_tank_|-tank_|-pool_present": {
        "__id__": "mount_pool_tank", "result": True, "comment": "pool tank converged",
        "changes": {"done": ["format disk_a (/dev/loop0) as btrfs pool tank"]}, "__run_num__": 2},
    "sigmavault_pillar_|-validate_pillar_|-validate_pillar_|-valid": {
        "__id__": "validate_pillar", "result": True, "comment": "pillar is valid", "changes": {}, "__run_num__": 0},
    "sigmavault_storage_|-create_dataset_tank_media_|-media_|-dataset_present": {
        "result": False, "comment": "refused, nothing changed", "changes": None, "__run_num__": 1},
}


def test_states_come_back_in_run_order_with_their_ids():
    results, errors = parse_state_results(REPLY)
    assert errors == []
    assert [(r.id, r.result) for r in results] == [
        ("validate_pillar", True),
        ("sigmavault_storage_|-create_dataset_tank_media_|-media_|-dataset_present", False),
        ("mount_pool_tank", True)]


def test_state_without_changes_is_unchanged():
    results, _ = parse_state_results(REPLY)
    assert [r.changed for r in results] == [False, False, True]
    assert results[1].changes == {}


def test_list_reply_is_salts_render_errors():
    results, errors = parse_state_results(["Rendering SLS 'base:sigmavault.storage' failed: mapping values"])
    assert results == []
    assert errors == ["Rendering SLS 'base:sigmavault.storage' failed: mapping values"]


@pytest.mark.parametrize("data, expected", [
    (None, ["salt-call returned nothing"]), ("", ["salt-call returned nothing"]),
    ("'state.apply' is not available.", ["'state.apply' is not available."]),
])
def test_reply_that_is_not_states_is_an_error(data, expected):
    assert parse_state_results(data) == ([], expected)


def test_entries_that_are_not_states_are_skipped():
    results, _ = parse_state_results({"retcode": 0, **REPLY})
    assert len(results) == 3


def test_comment_is_always_text():
    results, _ = parse_state_results({"x": {"__id__": "x", "result": True, "comment": ["a", "b"]}})
    assert results == [StateResult("x", True, "['a', 'b']", {}, 0)]


def test_a_state_salt_skipped_behind_a_failed_requisite_is_not_a_refusal_of_its_own():
    reply = {
        "a_|-validate_pillar_|-v_|-valid": {"__id__": "validate_pillar", "result": False, "comment": "refused",
                                            "changes": {}, "__run_num__": 0},
        "b_|-mount_pool_tank_|-t_|-present": {
            "__id__": "mount_pool_tank", "result": False, "__state_ran__": False, "changes": {}, "__run_num__": 1,
            "comment": "One or more requisite failed: sigmavault.validate.validate_pillar"},
        "c_|-older_salt_|-o_|-present": {
            "__id__": "older_salt", "result": False, "changes": {}, "__run_num__": 2,
            "comment": "One or more requisite failed: sigmavault.validate.validate_pillar"}}
    results, _ = parse_state_results(reply)
    assert [(r.id, r.refused, r.skipped) for r in results] == [
        ("validate_pillar", True, False), ("mount_pool_tank", False, True), ("older_salt", False, True)]

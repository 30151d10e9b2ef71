"""Reading Salt's state events: which events are a state's progress, and what they say."""

from sigmavault.salt_bridge.state_events import Listener, StateEvent, state_event

PROGRESS = {"ret": {"__id__": "converge_pool_tank", "name": "tank", "result": None, "duration": 52.5,
                    "__run_num__": 2}, "len": 7, "jid": "20261124050048097088"}


def test_a_progress_event_names_the_state_its_place_and_its_time():
    event = state_event("salt/job/20261124050048097088/prog/nas/2", PROGRESS)
    assert event == StateEvent("converge_pool_tank", 0.0525, None, 3, 7)


def test_other_events_are_not_progress():
    assert state_event("salt/job/20261124050048097088/ret/nas", PROGRESS) is None
    assert state_event("salt/job/20261124050048097088/prog/nas/2", {"ret": "text"}) is None
    assert state_event("minion_start", {}) is None


def test_drain_returns_once_every_announced_state_was_heard():
    heard = []
    listener = Listener(heard.append)
    for number in (1, 2):
        listener.deliver(StateEvent(f"s{number}", 0.1, True, number, 2))
    listener.drain(timeout=5)   # returns at once: 2 of 2 heard
    assert [e.id for e in heard] == ["s1", "s2"]

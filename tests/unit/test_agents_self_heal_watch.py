"""Which services self-heal keeps running (agents/builtin/self_heal.watched): the box's facts as data."""

import pytest

from sigmavault.agents.builtin.self_heal import SERVICES, watched


def test_under_systemd_a_loaded_unit_nothing_enables_is_not_watched():
    """The image disables nmbd and no pillar key starts it: self-heal must not start it at every boot."""
    assert not watched("nmbd", systemd=True, loaded=True, is_enabled=False)
    assert watched("nmbd", systemd=True, loaded=True, is_enabled=True)     # someone enabled it on purpose


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_under_systemd_a_unit_is_watched_only_when_loaded_and_enabled(name):
    """A converge starts a daemon with `systemctl enable --now`, so what the plan starts is enabled too."""
    assert watched(name, True, loaded=True, is_enabled=True)
    assert not watched(name, True, loaded=True, is_enabled=False)
    assert not watched(name, True, loaded=False, is_enabled=False)


def test_without_systemd_only_what_a_converge_starts_is_watched():
    assert [n for n in sorted(SERVICES) if watched(n, False, False, False)] == ["nfs-ganesha", "smbd"]

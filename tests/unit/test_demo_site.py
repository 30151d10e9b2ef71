"""The README's commands after `make demo` act on the demo's box: the example pillar's site is the demo's."""

from pathlib import Path

import pytest

from sigmavault import site as site_module
from sigmavault import tree
from sigmavault.site import DEMO_DIR, Site

SITE_VARIABLES = ("SIGMAVAULT_PILLAR", "SIGMAVAULT_STATE_DIR", "SIGMAVAULT_FSTAB", "SIGMAVAULT_ETC")


@pytest.fixture
def no_site_environment(tmp_path, monkeypatch):
    for name in SITE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(site_module, "INSTALLED_PILLAR_DIR", tmp_path / "no-installed-pillar")


def test_plain_commands_with_the_example_pillar_use_the_demos_state_and_fstab(no_site_environment):
    site = Site.from_environment()
    assert site.pillar_dir == tree.example_pillar_dir().resolve()
    assert site.state_dir == (DEMO_DIR / "state").resolve()
    assert site.fstab == DEMO_DIR / "fstab"
    assert site.fstab != Path("/etc/fstab")


def test_the_example_pillar_named_explicitly_is_still_the_demos(no_site_environment):
    site = Site.from_environment(pillar_dir=str(tree.example_pillar_dir()))
    assert site.fstab == DEMO_DIR / "fstab"


def test_a_pillar_kept_in_the_demo_folder_is_the_demos(no_site_environment):
    site = Site.from_environment(pillar_dir=str(DEMO_DIR / "pillar"))
    assert (site.state_dir, site.fstab) == ((DEMO_DIR / "state").resolve(), DEMO_DIR / "fstab")


def test_an_owners_pillar_keeps_the_hosts_state_and_fstab(no_site_environment, tmp_path):
    site = Site.from_environment(pillar_dir=str(tmp_path / "pillar"))
    assert site.state_dir == Path("/var/lib/sigmavault")
    assert site.fstab == Path("/etc/fstab")


def test_an_installed_box_with_its_own_pillar_is_not_the_demo(no_site_environment, tmp_path, monkeypatch):
    installed = tmp_path / "etc-sigmavault-pillar"
    installed.mkdir()
    (installed / "top.sls").write_text("base: {'*': [sigmavault]}\n")
    monkeypatch.setattr(site_module, "INSTALLED_PILLAR_DIR", installed)
    site = Site.from_environment()
    assert (site.pillar_dir, site.fstab) == (installed.resolve(), Path("/etc/fstab"))


def test_explicit_paths_win_over_the_demo_defaults(no_site_environment, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGMAVAULT_FSTAB", str(tmp_path / "env-fstab"))
    site = Site.from_environment(state_dir=str(tmp_path / "state"))
    assert (site.state_dir, site.fstab) == ((tmp_path / "state").resolve(), tmp_path / "env-fstab")


def test_make_demo_prints_the_plain_commands_when_they_reach_the_demo(no_site_environment, capsys, monkeypatch):
    from sigmavault import demo
    monkeypatch.chdir(tree.root())
    demo.next_steps({})
    printed = capsys.readouterr().out
    assert "  .venv/bin/sigmavault status " in printed and "--pillar" not in printed
    assert f"mounts recorded in {DEMO_DIR / 'fstab'}" in printed


def test_on_a_box_with_its_own_pillar_make_demo_names_the_example_pillar(no_site_environment, tmp_path, capsys,
                                                                          monkeypatch):
    from sigmavault import demo
    installed = tmp_path / "etc-sigmavault-pillar"
    installed.mkdir()
    (installed / "top.sls").write_text("base: {'*': [sigmavault]}\n")
    monkeypatch.setattr(site_module, "INSTALLED_PILLAR_DIR", installed)
    monkeypatch.chdir(tree.root())
    demo.next_steps({})
    printed = capsys.readouterr().out
    assert "  .venv/bin/sigmavault --pillar pillar status " in printed
    assert f"mounts recorded in {DEMO_DIR / 'fstab'}" in printed

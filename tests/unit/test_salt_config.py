"""The masterless minion config written for a site: the installed paths moved to the tree and the site."""

import socket
from pathlib import Path

import pytest
import yaml

from sigmavault import site as site_module
from sigmavault import tree
from sigmavault.salt_bridge.config import minion_config, write_config_dir
from sigmavault.site import Site


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state", fstab=tmp_path / "fstab")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _tree_copy(root: Path, **minion_changes) -> Path:
    (root / "salt").mkdir(parents=True)
    installed = yaml.safe_load((tree.root() / "salt" / "minion").read_text())
    (root / "salt" / "minion").write_text(yaml.safe_dump({**installed, **minion_changes}))
    return root


def test_loader_paths_point_into_the_tree_we_run_from(site):
    config = minion_config(site)
    root = str(tree.root())
    assert config["file_roots"] == {"base": [f"{root}/states", f"{root}/modules"]}
    assert config["module_dirs"] == [f"{root}/modules/_modules"]
    assert config["states_dirs"] == [f"{root}/modules/_states"]
    assert config["grains_dirs"] == [f"{root}/modules/_grains"]


def test_salt_state_lives_under_the_sites_state_dir(site):
    config = minion_config(site)
    state = str(site.state_dir)
    assert config["root_dir"] == f"{state}/salt"
    assert config["cachedir"] == f"{state}/salt/cache"
    assert config["pki_dir"] == f"{state}/salt/pki"
    assert config["log_file"] == f"{state}/salt/minion.log"


def test_salt_reads_no_pillar_file_and_the_ext_pillar_reads_the_sites_pillar(site):
    config = minion_config(site)
    assert config["pillar_roots"] == {"base": []}
    assert config["ext_pillar"] == [{"sigmavault": {}}]
    assert config["pillar_dirs"] == [f"{tree.root()}/modules/_pillar"]
    assert Site.from_opts(config).pillar_dir == site.pillar_dir


def test_no_renderer_but_jinja_and_yaml_is_allowed_for_any_sls(site):
    config = minion_config(site)
    assert config["renderer"] == "jinja|yaml"
    assert config["renderer_whitelist"] == ["jinja", "yaml"]


def test_fstab_and_etc_of_the_site_are_passed_to_the_states(site):
    config = minion_config(Site(site.pillar_dir, site.state_dir, site.fstab, etc=Path("/tmp/unit-etc")))
    assert config["sigmavault_fstab"] == str(site.fstab)
    assert config["sigmavault_etc"] == "/tmp/unit-etc"


def test_no_installed_path_is_left_behind(site):
    leftovers = [s for s in _strings(minion_config(site)) if "/opt/sigmavault" in s or "/var/lib/sigmavault" in s]
    assert leftovers == []


def test_settings_that_are_not_paths_are_kept(site):
    config = minion_config(site)
    assert config["file_client"] == "local"
    assert config["log_fmt_console"] == "%(levelname)s|%(message)s"
    assert config["autoload_dynamic_modules"] is False


def test_minion_id_defaults_to_the_host_name(site):
    assert minion_config(site)["id"] == socket.gethostname()


def test_minion_id_from_the_installed_config_is_kept(site, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGMAVAULT_TREE", str(_tree_copy(tmp_path / "tree", id="nas-7")))
    assert minion_config(site)["id"] == "nas-7"


def test_tree_moved_elsewhere_is_followed(site, tmp_path, monkeypatch):
    root = _tree_copy(tmp_path / "checkout")
    monkeypatch.setenv("SIGMAVAULT_TREE", str(root))
    assert minion_config(site)["file_roots"] == {"base": [f"{root}/states", f"{root}/modules"]}


def test_tree_below_a_var_lib_sigmavault_folder_is_not_rewritten_twice(site, tmp_path, monkeypatch):
    root = _tree_copy(tmp_path / "var" / "lib" / "sigmavault" / "src")
    monkeypatch.setenv("SIGMAVAULT_TREE", str(root))
    assert minion_config(site)["file_roots"] == {"base": [f"{root}/states", f"{root}/modules"]}


def test_config_dir_holds_one_minion_file_with_that_config(site):
    directory = write_config_dir(site)
    assert directory == site.state_dir / "salt" / "etc"
    assert [p.name for p in directory.iterdir()] == ["minion"]
    assert yaml.safe_load((directory / "minion").read_text()) == minion_config(site)


def test_explicit_site_arguments_win_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGMAVAULT_PILLAR", str(tmp_path / "env-pillar"))
    monkeypatch.setenv("SIGMAVAULT_FSTAB", str(tmp_path / "env-fstab"))
    site = Site.from_environment(pillar_dir=str(tmp_path / "arg-pillar"))
    assert site.pillar_dir == (tmp_path / "arg-pillar").resolve()
    assert site.fstab == tmp_path / "env-fstab"


def test_site_defaults_to_the_example_pillar_on_the_demos_paths(tmp_path, monkeypatch):
    for name in ("SIGMAVAULT_PILLAR", "SIGMAVAULT_STATE_DIR", "SIGMAVAULT_FSTAB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(site_module, "INSTALLED_PILLAR_DIR", tmp_path / "no-such-pillar")
    site = Site.from_environment()
    assert site.pillar_dir == tree.example_pillar_dir().resolve()
    assert site.state_dir == (site_module.DEMO_DIR / "state").resolve()
    assert site.fstab == site_module.DEMO_DIR / "fstab"


def test_an_installed_box_defaults_to_its_own_pillar(tmp_path, monkeypatch):
    monkeypatch.delenv("SIGMAVAULT_PILLAR", raising=False)
    installed = tmp_path / "etc-sigmavault-pillar"
    installed.mkdir()
    (installed / "top.sls").write_text("base: {'*': [sigmavault]}\n")
    monkeypatch.setattr(site_module, "INSTALLED_PILLAR_DIR", installed)
    assert Site.from_environment().pillar_dir == installed.resolve()


def test_the_shipped_minion_config_is_yaml_with_the_installed_paths():
    installed = yaml.safe_load((tree.root() / "salt" / "minion").read_text())
    assert installed["file_roots"]["base"][0] == "/opt/sigmavault/states"
    assert installed["root_dir"] == "/var/lib/sigmavault/salt"

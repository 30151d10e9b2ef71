"""The sigmavault_sealed renderer as Salt calls it: opens what the node key opens, refuses the rest.

Importing salt in the unit tier installs Salt's own import hooks, which break pytest's collection of
later test files; a stand-in salt.exceptions is enough here, the system tier renders with real Salt."""

import importlib.util
import sys
import types

import pytest
import yaml

from sigmavault import tree
from sigmavault.secrets import actions, nodekey
from sigmavault.secrets.sealfile import META_KEY

TOKEN = ("sigmavault", "encryption", "secrets", "api_token")


class SaltRenderError(Exception):
    pass


@pytest.fixture
def renderer(tmp_path, monkeypatch):
    exceptions = types.ModuleType("salt.exceptions")
    exceptions.SaltRenderError = SaltRenderError
    monkeypatch.setitem(sys.modules, "salt", types.ModuleType("salt"))
    monkeypatch.setitem(sys.modules, "salt.exceptions", exceptions)
    spec = importlib.util.spec_from_file_location(
        "sigmavault_sealed", tree.loader_modules_dir() / "_renderers" / "sigmavault_sealed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.__opts__ = {"sigmavault_state_dir": str(tmp_path / "state")}
    return module


@pytest.fixture
def sealed_file(tmp_path):
    pillar, state = tmp_path / "pillar", tmp_path / "state"
    pillar.mkdir()
    nodekey.generate(state)
    actions.seal_in_file(pillar / "site.sls", TOKEN, "s3cret", state_dir=state, pillar_dir=pillar)
    return pillar / "site.sls"


def test_renderer_opens_sealed_values_and_drops_the_block(renderer, sealed_file):
    rendered = renderer.render(yaml.safe_load(sealed_file.read_text()), sls="site")
    assert rendered == {"sigmavault": {"encryption": {"secrets": {"api_token": "s3cret"}}}}
    assert META_KEY not in rendered


def test_renderer_passes_files_without_sealed_values_untouched(renderer):
    data = {"include": ["sigmavault.storage"], "a": {"b": [1, "two"]}}
    assert renderer.render(data, sls="states") is data


def test_renderer_fails_loudly_without_the_node_key(renderer, sealed_file, tmp_path):
    nodekey.node_path(tmp_path / "state").unlink()
    with pytest.raises(SaltRenderError, match=r"nothing was rendered: base:site: no key to open it with") as error:
        renderer.render(yaml.safe_load(sealed_file.read_text()), sls="site")
    assert "s3cret" not in str(error.value)


def test_renderer_fails_loudly_on_a_tampered_value(renderer, sealed_file):
    data = yaml.safe_load(sealed_file.read_text())
    secrets = data["sigmavault"]["encryption"]["secrets"]
    secrets["api_token"] = secrets["api_token"].replace("data:", "data:AA", 1)
    with pytest.raises(SaltRenderError, match="MAC"):
        renderer.render(data, sls="site")


def test_renderer_needs_yaml_before_it(renderer):
    with pytest.raises(SaltRenderError, match=r"jinja\|yaml\|sigmavault_sealed"):
        renderer.render("sigmavault: {}\n", sls="site")


def test_shipped_minion_config_renders_every_file_through_the_renderer():
    minion = yaml.safe_load((tree.root() / "salt" / "minion").read_text())
    assert minion["renderer"] == "jinja|yaml|sigmavault_sealed"
    assert minion["render_dirs"] == ["/opt/sigmavault/modules/_renderers"]
    assert minion["sigmavault_state_dir"] == "/var/lib/sigmavault"

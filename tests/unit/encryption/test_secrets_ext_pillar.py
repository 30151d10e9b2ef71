"""The ext_pillar sigmavault as Salt calls it: the site's pillar read as data, sealed values opened,
anything else refused with the file named. The module imports no Salt, so it loads as a plain file here;
the system tier runs it inside real salt-call."""

import importlib.util

import pytest
import yaml

from sigmavault import tree
from sigmavault.encryption import actions, nodekey
from sigmavault.encryption.sealfile import META_KEY

TOKEN = ("sigmavault", "encryption", "secrets", "api_token")


@pytest.fixture
def site(tmp_path):
    pillar, state = tmp_path / "pillar", tmp_path / "state"
    pillar.mkdir()
    (pillar / "top.sls").write_text("base:\n  '*':\n    - site\n")
    return pillar, state


@pytest.fixture
def ext_pillar(site):
    spec = importlib.util.spec_from_file_location(
        "sigmavault_ext_pillar", tree.loader_modules_dir() / "_pillar" / "sigmavault_pillar.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pillar, state = site
    module.__opts__ = {"sigmavault_pillar_dir": str(pillar), "sigmavault_state_dir": str(state)}
    return module


@pytest.fixture
def sealed_file(site):
    pillar, state = site
    nodekey.generate(state)
    actions.seal_in_file(pillar / "site.sls", TOKEN, "s3cret", state_dir=state, pillar_dir=pillar)
    return pillar / "site.sls"


def test_sealed_values_are_opened_and_the_block_dropped(ext_pillar, sealed_file):
    read = ext_pillar.ext_pillar("box", {})
    assert read == {"sigmavault": {"encryption": {"secrets": {"api_token": "s3cret"}}}}
    assert META_KEY not in read


def test_files_without_sealed_values_are_read_as_they_are(ext_pillar, site):
    (site[0] / "site.sls").write_text("sigmavault:\n  system: {hostname: nas}\n")
    assert ext_pillar.ext_pillar("box", {}) == {"sigmavault": {"system": {"hostname": "nas"}}}


def test_no_node_key_fails_loudly_naming_the_file_never_the_value(ext_pillar, sealed_file, site):
    nodekey.node_path(site[1]).unlink()
    with pytest.raises(ext_pillar.PillarNotRead, match=r"nothing was read: .*site\.sls: no key to open it with") \
            as error:
        ext_pillar.ext_pillar("box", {})
    assert "s3cret" not in str(error.value)


def test_a_tampered_value_fails_loudly(ext_pillar, sealed_file):
    data = yaml.safe_load(sealed_file.read_text())
    secrets = data["sigmavault"]["encryption"]["secrets"]
    secrets["api_token"] = secrets["api_token"].replace("data:", "data:AA", 1)
    sealed_file.write_text(yaml.safe_dump(data))
    with pytest.raises(ext_pillar.PillarNotRead, match="MAC"):
        ext_pillar.ext_pillar("box", {})


def test_a_renderer_line_is_refused_naming_the_file(ext_pillar, site):
    (site[0] / "site.sls").write_text("#!py\ndef run():\n    return {}\n")
    with pytest.raises(ext_pillar.PillarNotRead, match=r"site\.sls: line 1: starts with a renderer line '#!py'"):
        ext_pillar.ext_pillar("box", {})


def test_shipped_minion_config_reads_the_pillar_only_through_the_ext_pillar():
    minion = yaml.safe_load((tree.root() / "salt" / "minion").read_text())
    assert minion["pillar_roots"] == {"base": []}
    assert minion["ext_pillar"] == [{"sigmavault": {}}]
    assert minion["pillar_dirs"] == ["/opt/sigmavault/modules/_pillar"]
    assert minion["renderer"] == "jinja|yaml"
    assert minion["renderer_whitelist"] == ["jinja", "yaml"]
    assert "render_dirs" not in minion
    assert minion["sigmavault_state_dir"] == "/var/lib/sigmavault"

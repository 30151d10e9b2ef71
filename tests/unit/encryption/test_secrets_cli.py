"""sigmavault keys gen|show|recover, seal, unseal and reseal, as an owner types them."""

import base64
import json
import stat

import pytest
import yaml
from click.testing import CliRunner

from sigmavault.cli.main import cli
from sigmavault.encryption import nodekey

KEY = "sigmavault.encryption.secrets.api_token"


@pytest.fixture
def run(tmp_path):
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "site.sls").write_text("# my site\nsigmavault:\n  encryption:\n    secrets: {}\n")

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--pillar", str(pillar), "--state-dir", str(tmp_path / "state"), *args],
                                  input=input, catch_exceptions=False)
    invoke.pillar, invoke.state = pillar, tmp_path / "state"
    return invoke


def test_seal_then_unseal_gives_the_value_back(run):
    assert run("keys", "gen").exit_code == 0
    sealed = run("seal", "site.sls", KEY, input="s3cret\n")
    assert sealed.exit_code == 0, sealed.output
    text = (run.pillar / "site.sls").read_text()
    assert text.startswith("# my site\n") and "s3cret" not in text
    opened = run("unseal", "site.sls", KEY)
    assert opened.exit_code == 0 and opened.output == "s3cret\n"


def test_seal_from_file_seals_the_plaintext_already_there(run):
    (run.pillar / "site.sls").write_text("sigmavault:\n  encryption:\n    secrets:\n      api_token: typed-in\n")
    run("keys", "gen")
    assert run("seal", "site.sls", KEY, "--from-file").exit_code == 0
    assert "typed-in" not in (run.pillar / "site.sls").read_text()
    assert run("unseal", "site.sls", KEY).output == "typed-in\n"


def test_seal_without_a_node_key_says_what_to_do(run):
    result = run("seal", "site.sls", KEY, input="s3cret")
    assert result.exit_code == 1 and "sigmavault keys gen" in result.output and "Traceback" not in result.output


def test_unseal_with_a_foreign_node_key_is_a_clear_error(run, tmp_path):
    run("keys", "gen")
    run("seal", "site.sls", KEY, input="s3cret")
    nodekey.node_path(run.state).unlink()
    nodekey.generate(run.state)    # another box's key put in its place (`keys gen` refuses to make one)
    result = run("unseal", "site.sls", KEY)
    assert result.exit_code == 1 and "sealed for other keys" in result.output and "s3cret" not in result.output


def test_keys_gen_refuses_a_new_node_key_while_values_are_sealed_to_the_lost_one(run):
    run("keys", "gen")
    run("seal", "site.sls", KEY, input="s3cret")
    nodekey.node_path(run.state).unlink()
    result = run("keys", "gen")
    assert result.exit_code == 1 and "site.sls" in result.output and "sigmavault keys recover" in result.output
    assert not nodekey.node_path(run.state).exists()


def test_show_lists_the_node_key_and_sealed_files(run):
    run("keys", "gen")
    run("seal", "site.sls", KEY, input="s3cret")
    shown = json.loads(run("keys", "show", "--json").output)
    assert shown["node_key"]["recipient"] == nodekey.load(run.state).recipient
    assert shown["node_key"]["rotation_days"] == 30 and shown["node_key"]["rotation_due"] is False
    assert [f["ok"] for f in shown["sealed_files"]] == [True]
    assert nodekey.load(run.state).secret not in run("keys", "show").output


def test_recovery_key_then_reseal_then_recover_on_a_fresh_box(run, tmp_path):
    tmp_path.chmod(0o755)
    made = run("keys", "gen", "--recovery", "--out", str(tmp_path / "recovery.key"))
    assert made.exit_code == 0 and stat.S_IMODE((tmp_path / "recovery.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755    # the owner's folder keeps its mode
    recipient = made.output.strip().splitlines()[-1]
    site = run.pillar / "site.sls"
    site.write_text(f"sigmavault:\n  encryption:\n    recovery_recipients:\n    - {recipient}\n    secrets: {{}}\n")
    run("keys", "gen")
    run("seal", "site.sls", KEY, input="s3cret")
    first = nodekey.load(run.state).recipient
    resealed = run("reseal")
    assert resealed.exit_code == 0 and "resealed 1 value(s) in 1 file(s)" in resealed.output
    assert nodekey.load(run.state).recipient != first
    for path in nodekey.key_dir(run.state).iterdir():      # a fresh box: no key at all
        path.unlink()
    assert run("unseal", "site.sls", KEY).exit_code == 1
    recovered = run("keys", "recover", "--identity", str(tmp_path / "recovery.key"))
    assert recovered.exit_code == 0 and "recovered 1 sealed value(s)" in recovered.output
    assert run("unseal", "site.sls", KEY).output == "s3cret\n"
    assert yaml.safe_load(site.read_text())["sigmavault"]["encryption"]["recovery_recipients"] == [recipient]


def test_typed_values_are_sealed_with_their_type(run):
    run("keys", "gen")
    (run.pillar / "site.sls").write_text("other:\n  port: 0\n")
    assert run("seal", "site.sls", "other.port", "--type", "int", input="8443").exit_code == 0
    assert "type:int]" in (run.pillar / "site.sls").read_text()
    assert run("unseal", "site.sls", "other.port").output == "8443\n"


def test_random_volume_key_is_sealed_without_ever_being_typed(run):
    run("keys", "gen")
    done = run("seal", "site.sls", "sigmavault.encryption.volume_keys.tank", "--random", "64")
    assert done.exit_code == 0, done.output
    key = run("unseal", "site.sls", "sigmavault.encryption.volume_keys.tank").output.strip()
    assert len(base64.b64decode(key)) == 64 and key not in (run.pillar / "site.sls").read_text()

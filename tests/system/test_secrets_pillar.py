"""Sealed pillar values through real salt-call: opened on the box, and in no output, log or cache file."""

import json
import secrets
import subprocess

from sigmavault.cli.state_results import parse_state_results
from sigmavault.encryption import nodekey
from sigmavault.salt_bridge.call import salt_call
from tests.system.leaks import files_holding, verbose_highstate

TOKEN = "sigmavault.encryption.secrets.api_token"


def seal(box, key: str, value: str, pillar_file: str = "site.sls") -> None:
    done = subprocess.run(box.cli_argv("seal", pillar_file, key), input=value, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def sealed_site(box) -> str:
    """A site whose first apply made the node key, with one secret sealed since; returns the secret."""
    box.write_pillar({"encryption": {"secrets": {}}})
    first = box.highstate()
    assert first["generate_node_key"].changes["done"][0].startswith("generate a mlkem768x25519 node key")
    secret = "sv-" + secrets.token_hex(12)
    seal(box, TOKEN, secret)
    return secret


def test_highstate_opens_a_sealed_secret_that_appears_in_no_output_log_or_cache(box):
    secret = sealed_site(box)
    assert secret not in (box.site.pillar_dir / "site.sls").read_text()
    applied = box.highstate()
    assert all(r.result is True for r in applied.values()), {k: r.comment for k, r in applied.items()}
    assert "1 sealed pillar file(s)" in applied["check_secrets_sealed_to_current_keys"].comment
    assert salt_call(box.site, "sigmavault_pillar.document").data["encryption"]["secrets"] == {"api_token": secret}
    verbose = verbose_highstate(box.site)
    predicted = salt_call(box.site, "state.apply", "test=True")
    cli = box.cli("apply")
    assert verbose.returncode == 0 and cli.returncode == 0, cli.stdout + cli.stderr
    assert (box.site.state_dir / "salt" / "minion.log").stat().st_size > 0
    for shown in (verbose.stdout, verbose.stderr, json.dumps(predicted.data), cli.stdout, cli.stderr,
                  json.dumps({k: r.changes for k, r in applied.items()})):
        assert secret not in shown
    assert files_holding(secret, box.site.state_dir, box.site.pillar_dir) == []


def test_a_value_the_node_key_cannot_open_stops_the_run_before_any_state(box):
    secret = sealed_site(box)
    nodekey.node_path(box.site.state_dir).rename(box.root / "node.age.away")
    done = box.cli("apply")
    assert done.returncode == 1
    where = box.site.pillar_dir / "site.sls"
    assert f"sealed values do not open, nothing was read: {where}: no key to open it with" in done.stderr
    assert secret not in done.stdout + done.stderr
    results, errors = parse_state_results(salt_call(box.site, "state.apply").data)
    assert results == [] and errors


def test_a_tampered_sealed_value_stops_the_run(box):
    sealed_site(box)
    site = box.site.pillar_dir / "site.sls"
    site.write_text(site.read_text().replace("data:", "data:AAAA", 1))
    done = box.cli("apply")
    assert done.returncode == 1 and "the sealed values do not match the file's MAC" in done.stderr


def test_the_node_recipient_is_published_as_a_grain(box):
    box.write_pillar({})
    box.highstate()
    grain = salt_call(box.site, "grains.get", "sigmavault_node_key").data
    node = nodekey.load(box.site.state_dir)
    assert grain["recipient"] == node.recipient and grain["profile"] == "mlkem768x25519"
    shown = json.loads(box.cli("keys", "show", "--json").stdout)
    assert shown["node_key"]["recipient"] == node.recipient
    assert oct(nodekey.node_path(box.site.state_dir).stat().st_mode & 0o777) == "0o600"

"""smb.conf from the pillar: safe globals, one section per share, and testparm accepts it."""

import shutil

import pytest

from sigmavault.shares.smb_conf import render_smb_conf
from sigmavault.shares.smb_plan import smb_conf_problem
from sigmavault.verdict import validate_pillar

from ..builders import example_pillar, pillar


def document(**shares) -> dict:
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank",
                      "datasets": {"media": {"mountpoint": "/srv/media"}, "docs": {}}}}
    result = validate_pillar(pillar(pools=pools, users={"accounts": {"alice": {}}, "groups": {"family": {}}},
                                    shares=shares))
    assert result.ok, result.errors
    return result.document


def sections(text: str) -> dict[str, dict[str, str]]:
    found, current = {}, None
    for line in text.splitlines():
        if line.startswith("["):
            current = found.setdefault(line.strip("[]"), {})
        elif "=" in line and current is not None:
            key, value = line.split("=", 1)
            current[key.strip()] = value.strip()
    return found


def test_globals_refuse_smb1_and_guests_when_no_share_invites_them():
    conf = sections(render_smb_conf(document(smb={"docs": {"dataset": "tank/docs"}})))
    assert conf["global"]["server min protocol"] == "SMB2_02"
    assert conf["global"]["map to guest"] == "Never" and conf["global"]["restrict anonymous"] == "2"
    assert conf["docs"] == {"path": "/srv/tank/docs", "read only": "no", "guest ok": "no", "browseable": "yes"}


def test_a_guest_share_lets_unknown_names_in_as_the_guest():
    conf = sections(render_smb_conf(document(smb={"pub": {"dataset": "tank", "guest": True, "read_only": True}})))
    assert conf["global"]["map to guest"] == "Bad User"
    assert conf["pub"]["guest ok"] == "yes" and conf["pub"]["read only"] == "yes"


def test_share_options_become_vfs_modules_and_their_settings():
    conf = sections(render_smb_conf(document(smb={"media": {
        "dataset": "tank/media", "valid_users": ["alice"], "valid_groups": ["family"], "recycle_bin": True,
        "time_machine": True, "previous_versions": True, "comment": "Films (HD)", "browseable": False}})))
    media = conf["media"]
    assert media["path"] == "/srv/media"    # the dataset's own mount
    assert media["vfs objects"] == "catia fruit streams_xattr shadow_copy2 recycle"
    assert media["valid users"] == "alice @family" and media["comment"] == "Films (HD)"
    assert media["shadow:snapdir"] == "/srv/tank/.snapshots/media" and media["shadow:basedir"] == "/srv/media"
    assert media["recycle:repository"] == ".recycle/%U" and media["fruit:time machine"] == "yes"
    assert media["browseable"] == "no" and conf["global"]["fruit:metadata"] == "stream"


def test_render_is_the_same_text_every_time():
    shares = {"smb": {"b": {"dataset": "tank"}, "a": {"dataset": "tank/docs"}}}
    assert render_smb_conf(document(**shares)) == render_smb_conf(document(**shares))
    assert list(sections(render_smb_conf(document(**shares)))) == ["global", "a", "b"]


@pytest.mark.skipif(not shutil.which("testparm"), reason="testparm (samba-common-bin) is not installed")
def test_testparm_accepts_the_example_site_and_refuses_a_bad_config():
    example = validate_pillar(example_pillar())
    assert example.ok
    assert smb_conf_problem(render_smb_conf(example.document)) is None
    assert "nknown parameter" in smb_conf_problem("[global]\n   no such option = 1\n")
    assert smb_conf_problem("[global]\n   server min protocol = SMB9\n") is not None

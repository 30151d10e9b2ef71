"""One export plan, two renderings: /etc/exports lines and Ganesha EXPORT blocks."""

from sigmavault.shares.nfs_exports import export_id, export_plan, render_ganesha_conf, render_kernel_exports
from sigmavault.verdict import validate_pillar

from ..builders import pillar


def exports(clients: list) -> list:
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", "datasets": {"media": {}}}}
    result = validate_pillar(pillar(pools=pools, shares={"nfs": {"media": {"dataset": "tank/media",
                                                                          "clients": clients}}}))
    assert result.ok, result.errors
    return export_plan(result.document)


CLIENTS = [{"match": "192.168.1.0/24", "access": "rw"},
           {"match": "backup-host", "squash": "all_squash", "sync": False, "security": "krb5p"}]


def test_kernel_exports_list_every_client_with_its_options():
    lines = render_kernel_exports(exports(CLIENTS)).splitlines()
    assert lines[-1] == ("/srv/tank/media 192.168.1.0/24(rw,sync,root_squash,no_subtree_check,sec=sys) "
                         "backup-host(ro,async,all_squash,no_subtree_check,sec=krb5p)")
    assert lines[0].startswith("# Written by SigmaVault")


def test_ganesha_export_has_a_client_block_per_client_and_nobody_else():
    text = render_ganesha_conf(exports(CLIENTS), grace_seconds=30)
    assert 'Path = "/srv/tank/media";' in text and 'Pseudo = "/media";' in text
    assert "Access_Type = None;" in text     # anyone not listed below gets nothing
    assert text.count("CLIENT {") == 2 and "Clients = backup-host;" in text and "SecType = krb5p;" in text
    assert "Grace_Period = 30;" in text and "Lease_Lifetime = 30;" in text


def test_export_id_comes_from_the_name_and_stays_in_range():
    assert export_id("media") == export_id("media") == exports(CLIENTS)[0].export_id
    assert all(1 <= export_id(name) <= 65534 for name in ("a", "media", "x" * 64))

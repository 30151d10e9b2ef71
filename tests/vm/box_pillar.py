"""The owner's pillar the VM tier's box boots with: every kind of pool and share the host cannot prove."""

import yaml

SMB_USER = "alice"
DATA_DISKS = ["SVDATA1", "SVDATA2", "SVDATA3", "SVDATA4", "SVDATA5"]


def box_pillar(smb_password: str, recovery_recipient: str | None = None) -> dict:
    disks = {f"data{n}": {"by_id": f"virtio-{serial}", "wipe": True} for n, serial in enumerate(DATA_DISKS, 1)}
    return {"sigmavault": {
        "system": {"hostname": "vmbox", "timezone": "Europe/Berlin"},
        "encryption": {"recovery_recipients": [recovery_recipient] if recovery_recipient else []},
        "storage": {
            "disks": disks,
            "pools": {
                "tank": {"type": "btrfs", "devices": ["data1", "data2"], "mountpoint": "/srv/tank",
                         "profile": {"data": "raid1"},
                         "datasets": {"media": {"mountpoint": "/srv/media"}}},
                "mirror": {"type": "mdadm", "level": 1, "filesystem": "ext4", "devices": ["data3", "data4"],
                           "mountpoint": "/srv/mirror"},
                "vault": {"type": "btrfs", "devices": ["data5"], "mountpoint": "/srv/vault", "encrypted": True},
            },
        },
        "users": {
            "accounts": {SMB_USER: {"full_name": "Alice", "groups": ["family"], "smb_password": smb_password}},
            "groups": {"family": {}},
        },
        "shares": {
            "smb": {"media": {"dataset": "tank/media", "valid_groups": ["family"]}},
            "nfs_server": {"backend": "kernel"},
            "nfs": {"media": {"dataset": "tank/media",
                              "clients": [{"match": "127.0.0.1", "access": "rw", "squash": "no_root_squash"}]}},
        },
    }}


def medium_files(pillar: dict, authorized_key: str) -> dict[str, str]:
    """The files on an owner's SVPILLAR medium: the pillar and the key root's ssh accepts."""
    return {"top.sls": "base:\n  '*':\n    - sigmavault\n",
            "sigmavault.sls": yaml.safe_dump(pillar, sort_keys=False),
            "authorized_keys": authorized_key}


def pillar_files(smb_password: str, authorized_key: str, recovery_recipient: str | None = None) -> dict[str, str]:
    """The files on the VM tier box's SVPILLAR medium."""
    return medium_files(box_pillar(smb_password, recovery_recipient), authorized_key)

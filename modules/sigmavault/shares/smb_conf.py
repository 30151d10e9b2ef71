"""smb.conf, rendered from the validated pillar: safe server defaults, then one section per share.

Every value placed here passed a schema pattern that admits no line break, bracket, '=' or ';',
so no pillar text can open a section or add an option.
"""

from sigmavault.shares.paths import SNAPSHOT_FORMAT, data_path, snapshot_dir

HEADER = "# Written by SigmaVault from sigmavault.shares; edits here are replaced on the next apply.\n"
# Pillar spellings of the dialect names smb.conf knows.
PROTOCOLS = {"SMB2": "SMB2_02", "SMB2_10": "SMB2_10", "SMB3": "SMB3_00", "SMB3_11": "SMB3_11"}
ENCRYPTION = {"default": "default", "desired": "desired", "required": "required"}


def render_smb_conf(document: dict) -> str:
    shares = document.get("shares", {})
    smb = shares.get("smb", {})
    lines = [HEADER, "[global]"]
    lines += _options(_global_options(shares.get("smb_server", {}), smb))
    for name in sorted(smb):
        lines += ["", f"[{name}]"]
        lines += _options(_share_options(smb[name], document.get("storage", {})))
    return "\n".join(lines) + "\n"


def _options(options: list[tuple[str, str]]) -> list[str]:
    return [f"   {key} = {value}" for key, value in options]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _global_options(server: dict, smb: dict) -> list[tuple[str, str]]:
    any_guest = any(share["guest"] for share in smb.values())
    options = [
        ("workgroup", server.get("workgroup", "WORKGROUP")),
        ("server string", server.get("server_string", "SigmaVault")),
        ("server role", "standalone server"),
        ("server min protocol", PROTOCOLS[server.get("min_protocol", "SMB2")]),
        ("server signing", server.get("signing", "default")),
        ("server smb encrypt", ENCRYPTION[server.get("encryption", "default")]),
        ("security", "user"),
        ("passdb backend", "tdbsam"),
        # Unknown user names become the guest only where a share invites guests.
        ("map to guest", "Bad User" if any_guest else "Never"),
        ("guest account", "nobody"),
        ("restrict anonymous", "0" if any_guest else "2"),
        ("disable netbios", "yes"),
        ("smb ports", "445"),
        ("load printers", "no"),
        ("printing", "bsd"),
        ("printcap name", "/dev/null"),
        ("disable spoolss", "yes"),
        ("unix password sync", "no"),
        ("logging", "file"),
        ("log file", "/var/log/samba/log.%m"),
        ("max log size", "1000"),
    ]
    if any(share["time_machine"] for share in smb.values()):
        options += [("fruit:metadata", "stream"), ("fruit:model", "MacSamba"),
                    ("fruit:nfs_aces", "no"), ("fruit:wipe_intentionally_left_blank_rfork", "yes"),
                    ("fruit:delete_empty_adfiles", "yes")]
    return options


def _share_options(share: dict, storage: dict) -> list[tuple[str, str]]:
    path = data_path(storage, share["dataset"])
    options = [("path", path)]
    if share["comment"]:
        options.append(("comment", share["comment"]))
    allowed = share["valid_users"] + [f"@{group}" for group in share["valid_groups"]]
    if allowed:
        options.append(("valid users", " ".join(allowed)))
    options += [("read only", _yes(share["read_only"])), ("guest ok", _yes(share["guest"])),
                ("browseable", _yes(share["browseable"]))]
    vfs = []
    if share["time_machine"]:
        vfs += ["catia", "fruit", "streams_xattr"]
        options += [("fruit:time machine", "yes")]
    if share["previous_versions"]:
        vfs.append("shadow_copy2")
        options += [("shadow:snapdir", snapshot_dir(storage, share["dataset"])), ("shadow:basedir", path),
                    ("shadow:format", SNAPSHOT_FORMAT), ("shadow:sort", "desc"), ("shadow:localtime", "no")]
    if share["recycle_bin"]:
        vfs.append("recycle")
        options += [("recycle:repository", ".recycle/%U"), ("recycle:keeptree", "yes"),
                    ("recycle:versions", "yes"), ("recycle:touch", "yes"),
                    ("recycle:directory_mode", "0700"), ("recycle:exclude_dir", ".recycle")]
    if vfs:
        options.insert(1, ("vfs objects", " ".join(vfs)))
    return options

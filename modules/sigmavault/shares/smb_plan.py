"""Plan the SMB side: smb.conf checked by testparm before it replaces the old one, smbd reloaded,
each share's folder open to the accounts it names and its snapshot folder in place."""

import tempfile
from pathlib import Path

from sigmavault.command import run_result
from sigmavault.files import read_text
from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path
from sigmavault.services import Daemon, converge_commands, running
from sigmavault.shares.acl import plan_share_acl, read_named_entries, wanted_entries
from sigmavault.shares.paths import data_path, snapshot_dir
from sigmavault.shares.smb_conf import HEADER, render_smb_conf
from sigmavault.steps import Plan


def smbd(conf: Path) -> Daemon:
    return Daemon("smbd", ("smbd", "--daemon", f"--configfile={conf}"), Path("/run/samba/smbd.pid"),
                  ("smbcontrol", f"--configfile={conf}", "smbd", "reload-config"))


def smb_conf_problem(text: str) -> str | None:
    """What testparm says is wrong with a candidate smb.conf; None when it loads cleanly."""
    with tempfile.NamedTemporaryFile("w", suffix=".conf", prefix="smb-candidate-") as candidate:
        candidate.write(text)
        candidate.flush()
        done = run_result(["testparm", "--suppress-prompt", candidate.name])
    unknown = [line for line in done.stderr.splitlines() if "nknown parameter" in line]
    if done.returncode != 0 or unknown:
        return "; ".join(unknown or done.stderr.strip().splitlines()[-3:]) or f"testparm exited {done.returncode}"
    return None


def plan_smb(document: dict, conf: Path) -> Plan:
    plan = Plan()
    smb = document.get("shares", {}).get("smb", {})
    current = read_text(conf)
    ours = current is not None and current.startswith(HEADER)
    if not smb and not ours:
        return plan    # no shares declared and never were: the box's own Samba setup is left alone
    text = render_smb_conf(document)
    daemon = smbd(conf)
    if text != current:
        problem = smb_conf_problem(text)
        if problem:
            plan.refusals.append(PillarError(key_path(ROOT_KEY, "shares", "smb"),
                                             f"the smb.conf it makes does not pass testparm, so the running one "
                                             f"stays: {problem}"))
            return plan
        names = ", ".join(sorted(smb)) or "none"
        plan.add(f"write smb.conf (shares: {names}) and bring smbd to it",
                 *converge_commands(daemon, config_changed=True, wanted=bool(smb)), writes=((str(conf), text),))
        return plan
    commands = converge_commands(daemon, config_changed=False, wanted=bool(smb))
    if commands:
        plan.add("start smbd" if smb and not running(daemon) else "stop smbd (no shares declared)", *commands)
    storage = document.get("storage", {})
    for name, share in sorted(smb.items()):
        path = data_path(storage, share["dataset"])
        if share["previous_versions"] and not Path(snapshot_dir(storage, share["dataset"])).is_dir():
            plan.add(f"create the snapshot folder of share {name}",
                     ["mkdir", "-p", "-m", "0755", snapshot_dir(storage, share["dataset"])])
        if Path(path).is_dir():
            plan_share_acl(plan, path, wanted_entries(share), read_named_entries(path))
    return plan

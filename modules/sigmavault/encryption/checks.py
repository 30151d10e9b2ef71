"""What the encryption states report: the node key made on first apply, and sealed files that
are sealed to the current node key and every recovery recipient. Only public facts appear here."""

from dataclasses import dataclass
from pathlib import Path

from sigmavault.encryption import datakey, nodekey, orphans, sealfile, site
from sigmavault.encryption.errors import SealedError
from sigmavault.outcome import Outcome


def node_key_outcome(state_dir: Path, profile: str, rotation_days: int, test: bool,
                     pillar_dirs: list[Path] = ()) -> Outcome:
    try:
        node = nodekey.load(state_dir)
        if node is None:
            refused = orphans.refusal(state_dir, list(pillar_dirs))
            if refused:
                return Outcome(False, str(refused))
            if test:
                return Outcome(None, "node key would be made", {"would": [f"generate a {profile} node key"]})
            node = nodekey.generate(state_dir, profile)
            return Outcome(True, f"node key made: {datakey.fingerprint(node.recipient)}",
                           {"done": [f"generate a {profile} node key ({datakey.fingerprint(node.recipient)})"]})
    except SealedError as error:
        return Outcome(False, str(error))
    info = nodekey.info(node, rotation_days)
    comment = f"node key {datakey.fingerprint(node.recipient)} ({info.profile}) is {info.age_days} day(s) old"
    if info.rotation_due:
        comment += f"; rotation is due (every {rotation_days} days): run `sigmavault reseal`"
    if info.profile != profile:
        comment += f"; the pillar asks for {profile}: the next `sigmavault reseal` makes one"
    return Outcome(True, comment)


@dataclass(frozen=True)
class SealedFileReport:
    path: str
    missing: tuple[str, ...]     # what the file is not sealed to: "node key", "recovery key sha256:…"
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.missing and not self.error

    def as_dict(self) -> dict:
        return {"path": self.path, "ok": self.ok, "missing": list(self.missing), "error": self.error}


def _report(path: Path, node: str | None, recovery: list[str]) -> SealedFileReport:
    try:
        block = sealfile.block_of(path.read_text(), str(path))
    except (SealedError, OSError) as error:
        return SealedFileReport(str(path), (), str(error))
    sealed_to = set(block.recipients) if block else set()
    missing = [] if node is None or datakey.fingerprint(node) in sealed_to else ["node key"]
    missing += [f"recovery key {datakey.fingerprint(r)}" for r in recovery if datakey.fingerprint(r) not in sealed_to]
    return SealedFileReport(str(path), tuple(missing))


def sealed_file_reports(pillar_dirs: list[Path], state_dir: Path, recovery: list[str]) -> list[SealedFileReport]:
    node = nodekey.load(state_dir)
    recipient = node.recipient if node else None
    return [_report(path, recipient, recovery) for d in pillar_dirs for path in site.sealed_files(d)]


def sealed_files_outcome(pillar_dirs: list[Path], state_dir: Path, recovery: list[str]) -> Outcome:
    reports = sealed_file_reports(pillar_dirs, state_dir, recovery)
    bad = [r for r in reports if not r.ok]
    if bad:
        lines = [f"{r.path}: {r.error or 'not sealed to ' + ', '.join(r.missing)}" for r in bad]
        return Outcome(False, "sealed pillar files are not sealed to the current keys; run `sigmavault reseal`:\n"
                       + "\n".join(lines))
    return Outcome(True, f"{len(reports)} sealed pillar file(s) sealed to the node key and "
                   f"{len(recovery)} recovery key(s)")

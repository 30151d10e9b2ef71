"""The pillar file the panel edits: read with an ETag, validated, written atomically, one git version per write."""

import fcntl
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sigmavault.files import write_atomically
from sigmavault.schema import PillarError
from sigmavault.schema.errors import ROOT_KEY
from sigmavault.site import Site
from sigmavault.verdict import Proposal, judge, validate_pillar
from sigmavault_panel.services.pillar_text import etag_of, parse, render, same_etag
from sigmavault_panel.services.versions import COMMITTER, History, Version


class NotEditable(Exception):
    pass


class PillarRefused(Exception):
    def __init__(self, errors: list[PillarError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


class PillarConflict(Exception):
    def __init__(self, current: "Snapshot"):
        super().__init__("the pillar changed since it was read")
        self.current = current


@dataclass(frozen=True)
class Snapshot:
    text: str
    etag: str
    version: str
    pillar: dict            # the whole file as YAML ({} when it cannot be read as such)
    problem: str | None     # why the file cannot be edited through forms

    @property
    def sigmavault(self) -> dict:
        return self.pillar.get(ROOT_KEY) or {}


class PillarStore:
    def __init__(self, pillar_dir: Path, lock_file: Path, filename: str | None = None, box: Site | None = None):
        # With the box's Site, a save is judged as Salt's first state judges it (disks, time zone …).
        self.box = box
        self.directory = Path(pillar_dir)
        self.filename = filename or self._discover()
        self.path = self.directory / self.filename
        self.history = History(self.directory)
        self._lock_file = lock_file
        self._lock = threading.Lock()
        enclosing = self.history.enclosing_repository()
        self.read_only_reason = None if not enclosing else (
            f"the pillar directory {self.directory} lies inside the git repository {enclosing}; the panel keeps "
            "its own history and will not write there — start it with --pillar pointing at a directory of its own")

    def _discover(self) -> str:
        """sigmavault.sls, or the one other .sls file (besides top.sls) with a top-level sigmavault key."""
        if (self.directory / "sigmavault.sls").exists():
            return "sigmavault.sls"
        found = sorted(p.name for p in self.directory.glob("*.sls") if p.name != "top.sls"
                       and any(line.startswith(f"{ROOT_KEY}:") for line in p.read_text().splitlines()))
        return found[0] if len(found) == 1 else "sigmavault.sls"

    def read(self) -> Snapshot:
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            text = ""
        pillar, problem = parse(text, self.filename)
        version = self.history.head() if (self.directory / ".git").exists() else ""
        return Snapshot(text, etag_of(text), version, pillar, problem.message if problem else None)

    def check(self, text: str) -> list[PillarError]:
        """Why text would be refused (empty when it would be accepted)."""
        pillar, problem = parse(text, self.filename)
        if problem:
            return [problem]
        if self.box:
            return judge(pillar, self.box, proposal=Proposal(self.path, text)).errors
        return validate_pillar(pillar, opened=False).errors

    def save_text(self, text: str, if_match: str | None, author: str, message: str) -> Snapshot:
        text = text.replace("\r\n", "\n")
        with self._locked():
            current = self.read()
            if not same_etag(if_match, current.etag):
                raise PillarConflict(current)
            errors = self.check(text)
            if errors:
                raise PillarRefused(errors)
            self._write(text, author, message)
        return self.read()

    def save_document(self, sigmavault: dict, if_match: str | None, author: str, message: str) -> Snapshot:
        """Replace the sigmavault key and keep the file's other keys."""
        current = self.read()
        if current.problem:
            raise NotEditable(f"{self.filename} {current.problem}")
        return self.save_text(render({**current.pillar, ROOT_KEY: sigmavault}), if_match, author, message)

    def restore(self, version: str, author: str) -> Snapshot:
        """Write the pillar file as it was in version, as a new version."""
        text = self.history.text_at(version, self.filename)
        subject = next((v.message for v in self.history.log(self.filename, 200) if v.id.startswith(version)), "")
        return self.save_text(text, self.read().etag, author, f"Roll back to {version[:10]} ({subject})")

    def versions(self, limit: int = 50) -> list[Version]:
        return self.history.log(self.filename, limit) if (self.directory / ".git").exists() else []

    def _write(self, text: str, author: str, message: str) -> None:
        if self.read_only_reason:
            raise NotEditable(self.read_only_reason)
        self.history.ensure()
        if self.history.dirty():
            self.history.commit(*COMMITTER, "Changes made outside the panel")
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o600
        write_atomically(self.path, text, mode)   # fsyncs the file and its folder
        name = re.sub(r"[^A-Za-z0-9._:+() -]", "_", author)[:64] or "unknown"
        self.history.commit(name, f"{name.replace(' ', '_')}@panel.sigmavault.invalid",
                            " ".join((message or "Edit the pillar").split())[:200])

    @contextmanager
    def _locked(self):
        """One writer at a time: threads of this process and any other panel process on the box."""
        self._lock_file.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self._lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

"""The pillar's history: a git repository in the pillar directory, one commit per write.

Every command names the repository explicitly (GIT_DIR, GIT_WORK_TREE), so the panel never commits to
a repository that merely encloses the pillar directory.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

COMMITTER = ("SigmaVault panel", "panel@sigmavault.invalid")
_FIELD, _RECORD = "\x1f", "\x1e"


class HistoryError(RuntimeError):
    pass


@dataclass(frozen=True)
class Version:
    id: str
    author: str
    date: str       # ISO 8601
    message: str

    @property
    def short(self) -> str:
        return self.id[:10]

    def as_dict(self) -> dict:
        return {"id": self.id, "author": self.author, "date": self.date, "message": self.message}


class History:
    def __init__(self, directory: Path):
        self.directory = directory

    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "GIT_DIR": str(self.directory / ".git"), "GIT_WORK_TREE": str(self.directory),
               "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        argv = ["git", "-c", f"safe.directory={self.directory}", "-c", f"user.name={COMMITTER[0]}",
                "-c", f"user.email={COMMITTER[1]}", "-c", "commit.gpgsign=false", *args]
        try:
            done = subprocess.run(argv, cwd=self.directory, env=env, capture_output=True, text=True, check=False)
        except OSError as error:
            raise HistoryError(f"cannot run git: {error}") from error
        if check and done.returncode:
            raise HistoryError(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done

    def enclosing_repository(self) -> Path | None:
        """A git work tree around the pillar directory that is not the pillar's own, if any."""
        if (self.directory / ".git").exists():
            return None
        done = subprocess.run(["git", "-C", str(self.directory), "rev-parse", "--show-toplevel"],
                              capture_output=True, text=True, check=False)
        return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None

    def ensure(self) -> None:
        """Start the history with the pillar as found, once."""
        if (self.directory / ".git").exists():
            return
        self._git("init", "--quiet", "--initial-branch=main")
        self.commit(COMMITTER[0], COMMITTER[1], "Pillar as the panel first found it")

    def dirty(self) -> bool:
        return bool(self._git("status", "--porcelain").stdout.strip())

    def commit(self, author: str, email: str, message: str) -> str:
        """Commit everything in the pillar directory; returns the new version (or HEAD if nothing changed)."""
        self._git("add", "--all")
        if self._git("diff", "--cached", "--quiet", check=False).returncode == 0 and self.head():
            return self.head()
        self._git("commit", "--quiet", "--allow-empty", f"--author={author} <{email}>", "-m", message)
        return self.head()

    def head(self) -> str:
        done = self._git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return done.stdout.strip()

    def log(self, path: str, limit: int = 50) -> list[Version]:
        fmt = _FIELD.join(["%H", "%an", "%aI", "%s"]) + _RECORD
        out = self._git("log", f"--max-count={limit}", f"--format={fmt}", "--", path, check=False).stdout
        versions = []
        for record in out.split(_RECORD):
            fields = record.strip("\n").split(_FIELD)
            if len(fields) == 4:
                versions.append(Version(*fields))
        return versions

    def text_at(self, version: str, path: str) -> str:
        if not version or not all(c in "0123456789abcdef" for c in version):
            raise HistoryError(f"{version!r} is not a version id")
        done = self._git("show", f"{version}:{path}", check=False)
        if done.returncode:
            raise HistoryError(f"version {version[:10]} has no {path}")
        return done.stdout

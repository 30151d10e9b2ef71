"""API tokens for scripts: shown once, stored only as a SHA-256 hash in the state directory."""

import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sigmavault.files import write_atomically

PREFIX = "svt_"
NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")   # the OpenAPI document states the same pattern


@dataclass(frozen=True)
class Token:
    id: str
    name: str
    role: str           # admin | viewer
    created_by: str
    created_at: float


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, dict]:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def _save(self, records: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(self.path, json.dumps(records, indent=1, sort_keys=True), mode=0o600)

    def create(self, name: str, role: str, created_by: str) -> tuple[Token, str]:
        """The new token and its secret; the secret is not kept and cannot be shown again."""
        if not NAME.fullmatch(name):
            raise ValueError("a token name is 1-64 letters, digits, '-' or '_'")
        if role not in ("admin", "viewer"):
            raise ValueError("a token's role is admin or viewer")
        secret = PREFIX + secrets.token_urlsafe(32)
        token = Token(secrets.token_hex(6), name, role, created_by, time.time())
        with self._lock:
            records = self._load()
            records[_digest(secret)] = asdict(token)
            self._save(records)
        return token, secret

    def verify(self, secret: str) -> Token | None:
        if not secret.startswith(PREFIX):
            return None
        record = self._load().get(_digest(secret))
        return Token(**record) if record else None

    def list(self) -> list[Token]:
        return sorted((Token(**r) for r in self._load().values()), key=lambda t: t.created_at)

    def revoke(self, token_id: str) -> bool:
        with self._lock:
            records = self._load()
            kept = {digest: r for digest, r in records.items() if r["id"] != token_id}
            if len(kept) == len(records):
                return False
            self._save(kept)
        return True

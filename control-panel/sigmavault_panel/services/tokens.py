"""API tokens for scripts: shown once, stored only as a SHA-256 hash in the state directory."""

import hashlib
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from sigmavault.records import RecordDamaged, read_json, write_json

PREFIX = "svt_"
REMEDY = ("API tokens cannot be checked until it is repaired or removed; removing it revokes every "
          "token (make new ones under Tokens after signing in)")
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
        """digest -> token fields; a damaged file raises RecordDamaged (no token is trusted from it)."""
        records = read_json(self.path, dict, REMEDY, default={}, each=dict)
        names = {f.name for f in fields(Token)}
        for record in records.values():
            if set(record) != names:
                raise RecordDamaged(self.path, f"holds a token without the fields {', '.join(sorted(names))}",
                                    REMEDY)
        return records

    def _save(self, records: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_json(self.path, records, mode=0o600)

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

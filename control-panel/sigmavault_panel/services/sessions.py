"""Signed-in sessions kept on the server: the cookie holds only an id, so logout and timeouts are real."""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Session:
    id: str
    user: str
    started: float
    seen: float


class SessionRegistry:
    def __init__(self, idle_seconds: float, max_seconds: float, clock: Callable[[], float] = time.time):
        self.idle_seconds, self.max_seconds, self._clock = idle_seconds, max_seconds, clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, user: str) -> Session:
        now = self._clock()
        session = Session(secrets.token_urlsafe(24), user, now, now)
        with self._lock:
            self._expire(now)
            self._sessions[session.id] = session
        return session

    def touch(self, session_id: str | None) -> Session | None:
        """The live session with this id (now marked as seen), or None if unknown, idle too long or too old."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or self._expired(session, now):
                self._sessions.pop(session_id, None)
                return None
            session.seen = now
            return session

    def end(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.seen > self.idle_seconds or now - session.started > self.max_seconds

    def _expire(self, now: float) -> None:
        for session_id in [s.id for s in self._sessions.values() if self._expired(s, now)]:
            del self._sessions[session_id]

"""The agents' one database (<state_dir>/agents/agents.sqlite3): the persistent priority queue, the
agents' status rows, their history (runs) and what they learned (facts).

SQLite in WAL mode with synchronous=NORMAL: a committed transaction survives a kill -9 of the service
(the WAL is written before the commit returns; NORMAL only risks the last transactions on a power cut,
and a task lost that way is at worst run again, never twice at once). Why not huey's SQLite storage or
APScheduler's job store: both keep a queue, neither keeps attempts, pools, quiet hours, a task's
"running" state across a crash or the history the CLI and panel read, so they would sit beside this
table rather than replace it. One writer, the service; the CLI and the panel write only through
`enqueue` and `cancel` (short transactions, safe while the service runs). Every claim happens in one
BEGIN IMMEDIATE transaction, so two claimers can never take one task.
"""

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sigmavault.agents import wake
from sigmavault.site import Site

ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "cancelled", "interrupted", "timeout")
SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, subject TEXT NOT NULL, pool TEXT,
  priority INTEGER NOT NULL, heavy INTEGER NOT NULL, holds_box INTEGER NOT NULL, state TEXT NOT NULL,
  reason TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1, max_attempts INTEGER NOT NULL,
  created TEXT NOT NULL, started TEXT, finished TEXT, not_before TEXT, progress REAL, message TEXT,
  outcome TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (state, priority DESC, id);
CREATE INDEX IF NOT EXISTS tasks_by_subject ON tasks (agent, subject, state);
CREATE TABLE IF NOT EXISTS agents (
  name TEXT PRIMARY KEY, description TEXT NOT NULL, priority INTEGER NOT NULL, schedule TEXT,
  enabled INTEGER NOT NULL, heavy INTEGER NOT NULL, holds_box INTEGER NOT NULL, isolated INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL, status TEXT NOT NULL, last_run TEXT, last_ok INTEGER, last_outcome TEXT,
  next_run TEXT, breaker_until TEXT);
CREATE TABLE IF NOT EXISTS subjects (
  agent TEXT NOT NULL, subject TEXT NOT NULL, pool TEXT, last_due TEXT, PRIMARY KEY (agent, subject));
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL, agent TEXT NOT NULL, subject TEXT NOT NULL,
  attempt INTEGER NOT NULL, state TEXT NOT NULL, ok INTEGER NOT NULL, started TEXT, finished TEXT NOT NULL,
  duration REAL, summary TEXT NOT NULL, details TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_agent ON runs (agent, finished);
CREATE TABLE IF NOT EXISTS facts (
  agent TEXT NOT NULL, subject TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated TEXT NOT NULL,
  PRIMARY KEY (agent, subject, key));
"""
TASK_FIELDS = ("id", "agent", "subject", "pool", "priority", "state", "reason", "attempt", "max_attempts",
               "created", "started", "finished", "not_before", "progress", "message", "outcome", "heavy", "holds_box")


class UnknownAgent(LookupError):
    def __init__(self, name: str):
        super().__init__(f"no agent is named {name!r}; `sigmavault agents list` shows the agents of this box")


class UnknownSubject(LookupError):
    """A run for a subject the agent does not have: it would slip past the one-run-per-(agent, subject)
    rule and the one-heavy-task-per-pool rule (a made-up subject has no pool)."""

    def __init__(self, agent: str, subject: str, known: Iterable[str]):
        names = ", ".join(repr(name) if name else "'' (the box)" for name in sorted(known)) or "none"
        super().__init__(f"agent {agent!r} has no subject {subject!r}; its subjects are: {names} "
                         "(`sigmavault agents list` shows the agents of this box)")
        self.agent, self.subject = agent, subject


class UnknownTask(LookupError):
    def __init__(self, task_id: int):
        super().__init__(f"no task has id {task_id}; `sigmavault agents queue` shows the queued and running tasks")


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and "Z": fixed width, so text order is time order in SQL."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_stamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def database_path(site: Site) -> Path:
    return site.state_dir / "agents" / "agents.sqlite3"


class Store:
    def __init__(self, path: Path, clock: Callable[[], datetime] = now_utc):
        self.path, self.clock = Path(path), clock
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self._lock = threading.RLock()   # one connection shared by the service's threads
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._write():
            for statement in filter(str.strip, SCHEMA.split(";")):
                self._db.execute(statement)

    @classmethod
    def open(cls, site: Site, clock: Callable[[], datetime] = now_utc) -> "Store":
        site.state_dir.joinpath("agents").mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(database_path(site), clock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self):
        """One BEGIN IMMEDIATE transaction: the write lock is taken before the first read, so what is
        read (a queued task, a running pool) is still true when it is written."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _now(self) -> str:
        return stamp(self.clock())

    def _nudge(self) -> None:
        wake.nudge_path(self.path.parent / wake.SOCKET_NAME)

    # --- what the CLI and the panel use -------------------------------------------------------------

    def enqueue(self, agent: str, subject: str = "", reason: str = "manual", *, nudge: bool = True) -> int:
        """Queue a run of agent for subject; UnknownAgent when the service never registered it, UnknownSubject
        when the agent has no such subject."""
        with self._write() as db:
            task_id = self._insert_task(db, agent, subject, reason)
        if nudge:
            self._nudge()
        return task_id

    def enqueue_unless_pending(self, agent: str, subject: str = "", reason: str = "schedule", *,
                               last_due: datetime | None = None) -> int | None:
        """A scheduled run: skipped (None) while the same (agent, subject) is queued or running. last_due
        (the due time this run is for) is recorded in the same transaction, so a kill can never leave a
        due time marked done without its run queued."""
        with self._write() as db:
            self._registered(db, agent, subject)
            if last_due is not None:
                db.execute("UPDATE subjects SET last_due = ? WHERE agent = ? AND subject = ?",
                           (stamp(last_due), agent, subject))
            pending = db.execute("SELECT 1 FROM tasks WHERE agent = ? AND subject = ? AND state IN (?, ?)",
                                 (agent, subject, *ACTIVE)).fetchone()
            return None if pending else self._insert_task(db, agent, subject, reason)

    def _registered(self, db: sqlite3.Connection, agent: str, subject: str) -> tuple[sqlite3.Row, str | None]:
        """The agent's row and the subject's pool; UnknownAgent or UnknownSubject when the service does not
        have them."""
        row = db.execute("SELECT priority, heavy, holds_box, max_attempts FROM agents WHERE name = ?",
                         (agent,)).fetchone()
        if row is None:
            raise UnknownAgent(agent)
        subjects = {found["subject"]: found["pool"] for found in
                    db.execute("SELECT subject, pool FROM subjects WHERE agent = ?", (agent,))}
        if subject not in subjects:
            raise UnknownSubject(agent, subject, subjects)
        return row, subjects[subject]

    def _insert_task(self, db: sqlite3.Connection, agent: str, subject: str, reason: str) -> int:
        row, pool = self._registered(db, agent, subject)
        cursor = db.execute(
            "INSERT INTO tasks (agent, subject, pool, priority, heavy, holds_box, state, reason, max_attempts, "
            "created) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)",
            (agent, subject, pool, row["priority"], row["heavy"], row["holds_box"],
             reason, row["max_attempts"], self._now()))
        return int(cursor.lastrowid)

    def cancel(self, task_id: int) -> str:
        """"cancelled" (it was queued), "cancelling" (it runs; the service stops it), or the final state
        of a task that had already finished."""
        with self._write() as db:
            row = db.execute("SELECT state FROM tasks WHERE id = ?", (task_id,)).fetchone()
            if row is None:
                raise UnknownTask(task_id)
            if row["state"] == "queued":
                db.execute("UPDATE tasks SET state = 'cancelled', finished = ?, outcome = 'cancelled before it "
                           "started' WHERE id = ?", (self._now(), task_id))
                result = "cancelled"
            elif row["state"] == "running":
                db.execute("UPDATE tasks SET cancel_requested = 1 WHERE id = ?", (task_id,))
                result = "cancelling"
            else:
                return row["state"]
        self._nudge()
        return result

    def task(self, task_id: int) -> dict:
        with self._lock:
            row = self._db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise UnknownTask(task_id)
        return _task(row)

    def tasks(self, states: Iterable[str] = ACTIVE, limit: int = 100) -> list[dict]:
        """Highest priority first, then oldest (the order the queue runs in)."""
        states = tuple(states)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM tasks WHERE state IN ({','.join('?' * len(states))}) "
                "ORDER BY state = 'running' DESC, priority DESC, id LIMIT ?", (*states, limit)).fetchall()
        return [_task(row) for row in rows]

    def last_task_id(self) -> int:
        with self._lock:
            return self._db.execute("SELECT coalesce(max(id), 0) FROM tasks").fetchone()[0]

    def counts(self) -> dict[str, int]:
        """state -> number of tasks, for the queued and running ones (the service's STATUS= line)."""
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM tasks WHERE state IN (?, ?) GROUP BY state", ACTIVE)
            return {state: 0 for state in ACTIVE} | {row[0]: row[1] for row in rows}

    def tasks_after(self, task_id: int, limit: int = 1000) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM tasks WHERE id > ? ORDER BY id LIMIT ?",
                                    (task_id, limit)).fetchall()
        return [_task(row) for row in rows]

    def history(self, agent: str | None = None, limit: int = 50) -> list[dict]:
        """Runs, newest first: task_id, agent, subject, attempt, state, ok, started, finished, duration,
        summary, details."""
        query, args = "SELECT * FROM runs", ()
        if agent is not None:
            query, args = query + " WHERE agent = ?", (agent,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [{**dict(row), "ok": bool(row["ok"]), "details": json.loads(row["details"])} for row in rows]

    def agents(self) -> list[dict]:
        """The status rows the service keeps, highest priority first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM agents ORDER BY priority DESC, name").fetchall()
        return [_agent(row) for row in rows]

    def agent(self, name: str) -> dict:
        with self._lock:
            row = self._db.execute("SELECT * FROM agents WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownAgent(name)
        return _agent(row)

    def facts(self, agent: str, subject: str | None = None) -> list[dict]:
        query, args = "SELECT * FROM facts WHERE agent = ?", (agent,)
        if subject is not None:
            query, args = query + " AND subject = ?", (agent, subject)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY subject, key", args).fetchall()
        return [{**dict(row), "value": json.loads(row["value"])} for row in rows]

    # --- what the service uses ----------------------------------------------------------------------

    def register(self, agents: list[dict], subjects: dict[str, list[tuple[str, str | None]]]) -> None:
        """The agents the service runs (name, description, priority, schedule, enabled, heavy, holds_box,
        isolated, max_attempts) and, per agent, its subjects (name, pool). Rows of agents no longer
        registered go; status, last run and learned facts of the others stay."""
        with self._write() as db:
            names = [agent["name"] for agent in agents]
            db.execute(f"DELETE FROM agents WHERE name NOT IN ({','.join('?' * len(names))})", names)
            for agent in agents:
                db.execute(
                    "INSERT INTO agents (name, description, priority, schedule, enabled, heavy, holds_box, isolated, "
                    "max_attempts, status) VALUES (:name, :description, :priority, :schedule, :enabled, :heavy, "
                    ":holds_box, :isolated, :max_attempts, 'idle') ON CONFLICT (name) DO UPDATE SET "
                    "description = :description, priority = :priority, schedule = :schedule, enabled = :enabled, "
                    "heavy = :heavy, holds_box = :holds_box, isolated = :isolated, max_attempts = :max_attempts",
                    {key: agent[key] for key in ("name", "description", "priority", "schedule", "enabled", "heavy",
                                                 "holds_box", "isolated", "max_attempts")})
            for agent, pairs in subjects.items():
                keep = [name for name, _ in pairs]
                db.execute(f"DELETE FROM subjects WHERE agent = ? AND subject NOT IN ({','.join('?' * len(keep))})",
                           (agent, *keep))
                for name, pool in pairs:
                    db.execute("INSERT INTO subjects (agent, subject, pool) VALUES (?, ?, ?) ON CONFLICT "
                               "(agent, subject) DO UPDATE SET pool = excluded.pool", (agent, name, pool))

    def set_agent(self, name: str, **fields: Any) -> dict:
        """Update a status row (status, last_run, last_ok, last_outcome, next_run, breaker_until)."""
        allowed = {"status", "last_run", "last_ok", "last_outcome", "next_run", "breaker_until"}
        assert set(fields) <= allowed, set(fields) - allowed
        with self._write() as db:
            if fields:
                db.execute(f"UPDATE agents SET {', '.join(f'{key} = ?' for key in fields)} WHERE name = ?",
                           (*fields.values(), name))
            row = db.execute("SELECT * FROM agents WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownAgent(name)
        return _agent(row)

    def last_due(self, agent: str, subject: str) -> datetime | None:
        with self._lock:
            row = self._db.execute("SELECT last_due FROM subjects WHERE agent = ? AND subject = ?",
                                   (agent, subject)).fetchone()
        return parse_stamp(row["last_due"]) if row else None

    def set_last_due(self, agent: str, subject: str, due: datetime) -> None:
        with self._write() as db:
            db.execute("INSERT INTO subjects (agent, subject, last_due) VALUES (?, ?, ?) ON CONFLICT (agent, subject) "
                       "DO UPDATE SET last_due = excluded.last_due", (agent, subject, stamp(due)))

    def claim(self, hold_heavy: bool = False, may_start: Callable[[dict], bool] = lambda task: True,
              runnable: Callable[[str], bool] = lambda agent: True) -> dict | None:
        """The next task to run, marked running, or None. In priority order, oldest first, skipping a task
        whose not_before is ahead, a heavy one while hold_heavy (quiet hours) or while a heavy task of its
        pool runs, one whose (agent, subject) already runs, one of an agent `runnable` refuses (breaker
        open) and one `may_start` refuses (the box lock is taken by an apply). `may_start` is asked last,
        inside the transaction: it may take a lock the caller then keeps for the task."""
        now = self._now()
        with self._write() as db:
            running = db.execute("SELECT agent, subject, pool, heavy FROM tasks WHERE state = 'running'").fetchall()
            busy_pools = {row["pool"] for row in running if row["heavy"] and row["pool"] is not None}
            busy_subjects = {(row["agent"], row["subject"]) for row in running}
            # A queued run of an (agent, subject) that already runs is left out by SQLite (through the
            # tasks_by_subject index), not skipped here one row at a time: a long queue of one agent's runs
            # would make every claim walk all of it.
            for row in db.execute("SELECT * FROM tasks AS queued WHERE state = 'queued' AND (not_before IS NULL "
                                  "OR not_before <= ?) AND NOT EXISTS (SELECT 1 FROM tasks AS running WHERE "
                                  "running.agent = queued.agent AND running.subject = queued.subject AND "
                                  "running.state = 'running') ORDER BY priority DESC, id", (now,)):
                if row["heavy"] and (hold_heavy or (row["pool"] is not None and row["pool"] in busy_pools)):
                    continue
                if (row["agent"], row["subject"]) in busy_subjects or not runnable(row["agent"]):
                    continue
                task = _task(row)
                if not may_start(task):
                    continue
                db.execute("UPDATE tasks SET state = 'running', started = ?, progress = NULL, message = NULL "
                           "WHERE id = ?", (now, row["id"]))
                return task | {"state": "running", "started": now, "progress": None, "message": None}
        return None

    def progress(self, task_id: int, fraction: float | None, message: str) -> None:
        with self._write() as db:
            db.execute("UPDATE tasks SET progress = ?, message = ? WHERE id = ?", (fraction, message, task_id))

    def cancel_requested(self) -> list[int]:
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT id FROM tasks WHERE state = 'running' AND cancel_requested = 1")]

    def finish(self, task_id: int, state: str, summary: str, details: dict | None = None,
               ok: bool = False) -> dict:
        """A task's attempt ends in a final state; its run goes into the history."""
        assert state in FINAL, state
        with self._write() as db:
            self._record_run(db, task_id, state, ok, summary, details or {})
            db.execute("UPDATE tasks SET state = ?, finished = ?, outcome = ? WHERE id = ?",
                       (state, self._now(), summary, task_id))
            return _task(db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone())

    def retry(self, task_id: int, summary: str, details: dict | None = None, *, state: str = "failed",
              delay: timedelta = timedelta(0), reason: str = "retry", counts: bool = True) -> dict:
        """The attempt ended (recorded in history as `state`) and the task goes back to the queue, not
        before now + delay. `counts=False` (it yielded the box to an apply) keeps its attempt number. A
        cancel asked meanwhile (after the attempt ended, before the service handed it on) wins: the task
        ends cancelled instead of running again."""
        with self._write() as db:
            self._record_run(db, task_id, state, False, summary, details or {})
            if db.execute("SELECT cancel_requested FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]:
                db.execute("UPDATE tasks SET state = 'cancelled', finished = ?, outcome = ? WHERE id = ?",
                           (self._now(), f"cancelled: {summary}", task_id))
                return _task(db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone())
            db.execute("UPDATE tasks SET state = 'queued', reason = ?, attempt = attempt + ?, not_before = ?, "
                       "started = NULL, outcome = ?, cancel_requested = 0 WHERE id = ?",
                       (reason, int(counts), stamp(self.clock() + delay), summary, task_id))
            return _task(db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone())

    def _record_run(self, db: sqlite3.Connection, task_id: int, state: str, ok: bool, summary: str,
                    details: dict) -> None:
        row = db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise UnknownTask(task_id)
        finished = self.clock()
        started = parse_stamp(row["started"])
        duration = (finished - started).total_seconds() if started else None
        db.execute("INSERT INTO runs (task_id, agent, subject, attempt, state, ok, started, finished, duration, "
                   "summary, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (task_id, row["agent"], row["subject"], row["attempt"], state, int(ok), row["started"],
                    stamp(finished), duration, summary, json.dumps(details, default=str)))

    def recover(self) -> list[dict]:
        """At the start of a service: every task a dead service left "running" goes back to the queue
        (attempt + 1, reason "interrupted"), or ends "interrupted" when it has no attempt left, or
        "cancelled" when a cancel was asked. Only call it holding service.lock: then nothing runs."""
        summary = "interrupted: the agent service stopped while it ran"
        with self._write() as db:
            rows = db.execute("SELECT * FROM tasks WHERE state = 'running'").fetchall()
            for row in rows:
                self._record_run(db, row["id"], "interrupted", False, summary, {})
                if row["cancel_requested"]:
                    db.execute("UPDATE tasks SET state = 'cancelled', finished = ?, outcome = ? WHERE id = ?",
                               (self._now(), "cancelled (the service stopped while it ran)", row["id"]))
                elif row["attempt"] < row["max_attempts"]:
                    db.execute("UPDATE tasks SET state = 'queued', reason = 'interrupted', attempt = attempt + 1, "
                               "started = NULL, outcome = ? WHERE id = ?", (summary, row["id"]))
                else:
                    db.execute("UPDATE tasks SET state = 'interrupted', finished = ?, outcome = ? WHERE id = ?",
                               (self._now(), summary, row["id"]))
            return [_task(db.execute("SELECT * FROM tasks WHERE id = ?", (row["id"],)).fetchone()) for row in rows]

    def failures_since(self, agent: str, since: datetime) -> int:
        """Attempts of agent that failed or timed out since then (what the breaker counts)."""
        with self._lock:
            return self._db.execute("SELECT count(*) FROM runs WHERE agent = ? AND state IN ('failed', 'timeout') "
                                    "AND finished >= ?", (agent, stamp(since))).fetchone()[0]

    def remember(self, agent: str, subject: str, key: str, value: Any) -> None:
        text = json.dumps(value)
        with self._write() as db:
            db.execute("INSERT INTO facts (agent, subject, key, value, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
                       "(agent, subject, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
                       (agent, subject, key, text, self._now()))

    def recall(self, agent: str, subject: str, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM facts WHERE agent = ? AND subject = ? AND key = ?",
                                   (agent, subject, key)).fetchone()
        return default if row is None else json.loads(row["value"])

    def prune(self, before: datetime) -> dict[str, int]:
        """Retention: runs, finished tasks and facts not updated since before go."""
        cut = stamp(before)
        with self._write() as db:
            runs = db.execute("DELETE FROM runs WHERE finished < ?", (cut,)).rowcount
            tasks = db.execute(f"DELETE FROM tasks WHERE state IN ({','.join('?' * len(FINAL))}) AND finished < ?",
                               (*FINAL, cut)).rowcount
            facts = db.execute("DELETE FROM facts WHERE updated < ?", (cut,)).rowcount
        return {"runs": runs, "tasks": tasks, "facts": facts}


def _task(row: sqlite3.Row) -> dict:
    task = {key: row[key] for key in TASK_FIELDS}
    task["heavy"], task["holds_box"] = bool(task["heavy"]), bool(task["holds_box"])
    return task


def _agent(row: sqlite3.Row) -> dict:
    found = dict(row)
    for key in ("enabled", "heavy", "holds_box", "isolated"):
        found[key] = bool(found[key])
    found["last_ok"] = None if found["last_ok"] is None else bool(found["last_ok"])
    return found

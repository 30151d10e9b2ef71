"""The peer of the agents benchmark: huey on its SQLite storage, with the same no-op task (it returns the
time it started, so the producer can measure enqueue-to-start). huey_consumer loads `huey` from here with
HUEY_DB naming the database; the producer makes its own handle on the same file with make()."""

import os
import time

from huey import SqliteHuey


def make(filename: str):
    queue = SqliteHuey("sigmavault-bench", filename=filename)

    @queue.task()
    def noop() -> float:
        return time.time()

    return queue, noop


huey, noop = make(os.environ.get("HUEY_DB", "/tmp/sigmavault-bench-huey.sqlite3"))

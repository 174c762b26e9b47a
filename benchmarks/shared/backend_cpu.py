"""The CPU the PostgreSQL backends of one database spent while a benchmark ran, read from /proc.

Worker processes' CPU comes from `resource.getrusage(RUSAGE_CHILDREN)`; the server's half of every
statement is spent in backend processes the benchmark did not start, so a rate's CPU cost would
miss it. A thread learns the database's backend pids from `pg_stat_activity` (every 50 ms) and reads
each one's utime + stime from `/proc/<pid>/stat` (every 5 ms), keeping the last reading per pid: a
backend that exits loses at most its last 5 ms. A backend that was already there at `start()` counts
from its reading then; one that started later counts from zero (its start-up is the run's cost).
Only this database's backends are counted, so other sessions' load on the machine does not enter the
figure (it only slows the run).
"""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import Engine, text

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """The CPU a live process has spent so far (utime + stime), None when it has exited."""
    ticks = _cpu_ticks(pid)
    return None if ticks is None else ticks / _TICKS


def _cpu_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None  # exited (or another machine's server)
    return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)


class BackendCPU:
    """Seconds of CPU spent by the backends of `database` between `start()` and `stop()`."""

    def __init__(self, engine: Engine, database: str) -> None:
        self._engine, self._database = engine, database
        self._first: dict[int, int] = {}
        self._last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _pids(self) -> list[int]:
        with self._engine.connect() as connection:
            return list(connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
                {"d": self._database}).scalars())

    def _poll(self) -> None:
        next_listing = 0.0
        pids: list[int] = []
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_listing:
                pids = sorted(set(pids) | set(self._pids()))
                next_listing = now + 0.05
            for pid in pids:
                ticks = _cpu_ticks(pid)
                if ticks is not None:
                    self._first.setdefault(pid, 0)
                    self._last[pid] = ticks
            self._stop.wait(0.005)

    def start(self) -> None:
        for pid in self._pids():
            ticks = _cpu_ticks(pid)
            if ticks is not None:
                self._first[pid] = self._last[pid] = ticks
        self._thread.start()

    def now(self) -> float:
        """The seconds counted so far (the last readings): subtract from `stop()` to count from here."""
        pids = list(self._last)
        return sum(self._last[pid] - self._first[pid] for pid in pids) / _TICKS

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.now()

    @property
    def backends(self) -> int:
        return len(self._last)


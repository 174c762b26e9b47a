"""One scenario's figures and the plan of a run; the issue's targets for a completion."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.shared.stats import count_summary, percentile

TABLES = ("procedures", "events", "work_items", "timers", "documents")
"""The tables a procedure writes: what "database bytes per finished instance" counts."""

ORG = "bench_org"
USER = "bench_user"
TARGET_RATIO = 2.0
TARGET_COMMITS = 1
TARGET_STATEMENTS = 12
TARGET_BYTES = 12 * 1024


@dataclass
class Scenario:
    """One scenario's figures; per-completion lists hold one entry per timed completion."""

    key: str
    title: str
    durations_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    commits: list[int] = field(default_factory=list)
    commit_ms: list[float] = field(default_factory=list)
    bytes_per_instance: float | None = None
    bytes_per_instance_compacted: float | None = None
    bytes_by_table: dict[str, float] = field(default_factory=dict)
    state_bytes: float | None = None
    peak_rss_mb: float = 0.0
    statement_log: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.durations_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.durations_ms, 95)

    @property
    def commit_median_ms(self) -> float | None:
        return statistics.median(self.commit_ms) if self.commit_ms else None

    @property
    def without_commit_median_ms(self) -> float | None:
        """Median of each completion's time minus its COMMIT: the CPU side, fsync jitter removed."""
        if not self.commit_ms:
            return None
        return statistics.median(d - c for d, c in zip(self.durations_ms, self.commit_ms, strict=True))

    def summary(self) -> dict[str, Any]:
        """The JSON form: statistics, not the raw samples."""
        data = asdict(self)
        durations = data.pop("durations_ms")
        statements = data.pop("statements")
        commits = data.pop("commits")
        data.pop("commit_ms")
        data["completions"] = len(durations)
        data["ms"] = {"median": self.median_ms, "p95": self.p95_ms, "mean": statistics.fmean(durations),
                      "min": min(durations), "max": max(durations),
                      "commit_median": self.commit_median_ms, "without_commit_median": self.without_commit_median_ms}
        data["statements_per_completion"] = count_summary(statements)
        data["commits_per_completion"] = count_summary(commits)
        return data


@dataclass(frozen=True)
class Plan:
    """How much to run: warm-up procedures are run but not timed."""

    steps: int
    warmup: int
    procedures: int

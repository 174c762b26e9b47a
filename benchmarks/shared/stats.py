"""Statistics the benchmarks share: nearest-rank percentiles, count summaries, the process's peak memory."""

from __future__ import annotations

import math
import resource
import statistics
import sys


def count_summary(values: list[int]) -> dict[str, float] | None:
    if not values:
        return None
    return {"mean": statistics.fmean(values), "max": max(values), "min": min(values)}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an observed sample, no interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    """The process's peak resident set so far (a high-water mark: it only grows)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024

"""What the engine refused to send or had to skip, counted for /metrics (webapp/metrics.py).

An altered document refused (DF-INTEGRITY, engine/content.py) and a poisoned row skipped (a timer the
worker cannot fire, a work item or procedure a list page cannot show) are not refusals of a user's
request: they are damage to the record that an operator must see. The counters live in the engine's
own registry, one per Engine, so several engines in one process (tests) never share counts. Under
PROMETHEUS_MULTIPROC_DIR (set it for `decisionflow worker` too) every process writes its counts to the
shared directory and /metrics sums them, so a worker's skipped timers show on the web's scrape.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter

POISONED_KINDS = ("timer", "work_item")

log = logging.getLogger(__name__)


class Incidents:
    """The engine's incident counters; `registry` is what /metrics collects from."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.altered_documents = Counter(
            "decisionflow_altered_documents_refused", "Stored documents refused because their bytes no longer "
            "match their SHA-256 and size (DF-INTEGRITY)", registry=self.registry)
        self.poisoned_rows = Counter(
            "decisionflow_poisoned_rows", "Rows skipped because they could not be read or fired, by kind",
            ["kind"], registry=self.registry)
        for kind in POISONED_KINDS:
            self.poisoned_rows.labels(kind)  # every kind is exported from the start, at 0

    def skipped(self, kind: str, row: str, failed: Exception) -> None:
        """One poisoned row skipped: one ERROR line naming the row and the failure, and one count."""
        log.error("poisoned %s skipped: %s: %s: %s", kind, row, type(failed).__name__, failed)
        self.poisoned_rows.labels(kind).inc()

    def value(self, name: str, **labels: str) -> float:
        """A counter's current value in this process: what tests and `decisionflow` commands read."""
        return self.registry.get_sample_value(f"{name}_total", labels) or 0.0

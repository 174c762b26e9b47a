"""The statutory numbers of a major decision: configurable, with the national defaults.

regulation.md marks the unsure ones [M]/[S]; refusals format these numbers from the configured value,
never from text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MajorDecisionLimits:
    comment_days: int = 30            # MD-15b
    hearing_notice_days: int = 7      # MD-16d
    review_working_days: int = 7      # MD-26b
    quorum_fraction: float = 0.5      # MD-30a [S]: more than half present

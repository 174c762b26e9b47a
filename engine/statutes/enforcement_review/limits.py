"""The statutory numbers of the legal review of major enforcement decisions: configurable, with the national defaults.

regulation.md marks the unsure ones [M]/[S]; refusals format these numbers from the configured value,
never from text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnforcementReviewLimits:
    er_review_working_days: int = 7   # ER-7 [S]: local rules give 7 or 10 working days
    er_extension_working_days: int = 3  # ER-7 [S]: extension with approval
    er_amount_threshold: int = 100_000  # ER-1 [S]: the catalogue's amount (yuan) that makes a case major
    er_collective_minimum: int = 2    # ER-8 [P]: heads present at a collective discussion

"""The statutory numbers of normative documents: configurable, with the national defaults.

regulation.md marks the unsure ones [M]/[S]; refusals format these numbers from the configured value,
never from text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NormativeDocumentLimits:
    nd_comment_working_days: int = 7  # ND-3 [S]: public comment, generally
    nd_market_comment_days: int = 30  # ND-3 [S]: documents closely tied to market entities' business
    nd_review_working_days: int = 15  # ND-4 [M]: legality review at most 15 working days
    nd_review_minimum_working_days: int = 5  # ND-4 [M]: and generally at least 5
    nd_filing_days: int = 30          # ND-7 [M]: filing within 30 days after publication (provincial rules)
    nd_validity_years: int = 5        # ND-8 [S]: validity generally at most 5 years
    nd_trial_validity_years: int = 2  # ND-8 [M]: trial / interim documents
    nd_expiry_reminder_months: int = 6  # ND-8 [S]: evaluation before expiry

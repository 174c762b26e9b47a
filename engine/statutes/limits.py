"""All statutory numbers in one configuration value: each statute declares its own (`<statute>/limits.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.statutes.enforcement_review.limits import EnforcementReviewLimits
from engine.statutes.major_decision.limits import MajorDecisionLimits
from engine.statutes.normative_document.limits import NormativeDocumentLimits
from engine.statutes.reconsideration.limits import ReconsiderationLimits


@dataclass(frozen=True)
class Limits(MajorDecisionLimits, NormativeDocumentLimits, EnforcementReviewLimits, ReconsiderationLimits):
    """The statutory numbers, configurable (national defaults); guards read them as `context.limits`."""

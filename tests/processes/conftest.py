"""The real major-decision definition, started afresh for each test."""

from __future__ import annotations

import pytest

from tests.processes.md_scenario import MajorDecision


@pytest.fixture
def md(engine, clock) -> MajorDecision:
    return MajorDecision.start(engine, clock)

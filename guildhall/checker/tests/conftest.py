"""Shared fixtures for the checker tests (no Django needed)."""

from __future__ import annotations

import pytest

from guildhall.checker.engine import hyperscan_available

ENGINES = ["python"] + (["hyperscan"] if hyperscan_available() else [])


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Run a test once per available engine."""
    return request.param

"""Shared fixtures: a real SQLite journal in a temporary directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # tests/strategies.py

from servicekit import Workshop, create_workshop
from servicekit.journal import Journal

# Timing varies on a loaded 2-core machine; property tests assert behaviour, not speed.
# CI replays the same examples every run (a red build must mean a change broke something);
# local runs keep exploring new ones.
settings.register_profile(
    "servicekit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("servicekit")

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "samples" / "northbridge-search.json"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh database file; nothing is created until first use."""
    return tmp_path / "servicekit.db"


@pytest.fixture
def journal(db_path: Path) -> Journal:
    with Journal(db_path) as j:
        yield j


@pytest.fixture
def ws(journal: Journal) -> Workshop:
    """An empty workshop, acting as the facilitator."""
    return create_workshop("demo", "Demo workshop", client="Acme", db=journal)

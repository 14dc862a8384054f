"""Every app notebook executes cleanly under nbval against the sample workshop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit.cli import SAMPLE_FILE, SAMPLE_SLUG
from servicekit.journal import Journal, read_workshop_file

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_with_nbval(notebook: Path, tmp_path: Path) -> None:
    db = tmp_path / "nb.db"
    with Journal(db) as journal:
        journal.import_(read_workshop_file(SAMPLE_FILE), slug=SAMPLE_SLUG)
        key = journal.secret(SAMPLE_SLUG, "facilitator")
    env = {**os.environ, "SERVICEKIT_DB": str(db), "SERVICEKIT_WORKSHOP": SAMPLE_SLUG}
    env["QUERY_STRING"] = f"key={key}"  # as the address 'servicekit serve' prints gives it
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            str(notebook),
            "-o",
            "addopts=",
            "-o",
            "testpaths=",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_a_thin_shell(notebook: Path) -> None:
    """A tagged parameters cell first, a handful of cells, no stored outputs."""
    nb = json.loads(notebook.read_text())
    cells = nb["cells"]
    assert "parameters" in cells[0]["metadata"].get("tags", [])
    assert len(cells) <= 5
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
    assert all(c.get("id") for c in cells), "stable cell ids"

"""The command line, run as a user would: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, db: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "SERVICEKIT_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "servicekit", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def test_new_list_export_import(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    created = run(
        "new",
        "acme-2026",
        "--client",
        "Acme",
        "--date",
        "2026-12-01",
        "--join-code",
        "ACME26",
        db=db,
    )
    assert created.returncode == 0, created.stderr
    assert "join code ACME26" in created.stdout
    listed = run("list", db=db)
    assert listed.stdout.startswith("acme-2026\tAcme 2026\t0 trees")
    out = tmp_path / "acme.json"
    assert run("export-json", "acme-2026", "--out", str(out), db=db).returncode == 0
    data = json.loads(out.read_text())
    assert data["workshop"]["join_code"] == "ACME26"
    other = tmp_path / "other.db"
    assert run("import-json", str(out), db=other).returncode == 0
    again = json.loads(
        run("--db", str(other), "export-json", "acme-2026", "--out", "-", db=db).stdout
    )
    assert again["workshop"] == data["workshop"]
    assert again["operations"] == data["operations"]


def test_new_from_the_sample(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = run("new", "demo", "--sample", db=db)
    assert result.returncode == 0, result.stderr
    assert "Northbridge" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "Bad Name"), "not a valid workshop name"),
        (("new", "x", "--date", "tomorrow"), "Write it as YYYY-MM-DD"),
        (("export-json", "missing"), "No workshop 'missing'"),
        (("import-json", "nowhere.json"), "nowhere.json: no such file"),
        (("serve", "missing"), "No workshop 'missing'"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    assert message in _one_line_error(run(*args, db=tmp_path / "cli.db", cwd=tmp_path))


def test_a_damaged_import_file_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "workshop": {"slug": "x",\n}\n')
    line = _one_line_error(run("import-json", str(bad), db=tmp_path / "cli.db"))
    assert f"{bad}, line 3, column 1: not valid JSON" in line


def test_a_database_that_is_not_sqlite(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    line = _one_line_error(run("list", db=notes))
    assert "is not a servicekit database" in line
    assert notes.read_text() == "not a database\n" * 100


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run("frobnicate", db=tmp_path / "cli.db")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_add_questionnaire_from_the_bundled_bank_and_from_a_file(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    assert run("new", "acme", db=db).returncode == 0
    added = run("add-questionnaire", "acme", "--anonymous", db=db)
    assert added.returncode == 0, added.stderr
    assert "Added anonymous questionnaire 'people-process-systems'" in added.stdout
    data = json.loads(run("export-json", "acme", "--out", "-", db=db).stdout)
    survey = data["workshop"]["surveys"]["people-process-systems"]
    assert survey["anonymous"] is True
    assert {lens["id"] for lens in survey["lenses"]} == {"people", "process", "systems"}
    bank = tmp_path / "short.yaml"
    bank.write_text(
        "format_version: 1\ntitle: Short\nlenses:\n  - id: people\n    title: People\n"
        "    questions:\n      - id: q1\n        text: We share context\n        points: five\n"
    )
    line = _one_line_error(run("add-questionnaire", "acme", str(bank), "--id", "short", db=db))
    assert "short.yaml, line" in line and "points" in line

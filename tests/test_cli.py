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


# -- journeys, run in process through main() ------------------------------------------------------


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from servicekit.cli import main

    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


def test_add_journey_from_the_default_and_a_named_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from servicekit import open_workshop

    db = str(tmp_path / "cli.db")
    assert _main(capsys, "--db", db, "new", "acme")[0] == 0
    status, out, err = _main(capsys, "--db", db, "add-journey", "acme")
    assert status == 0, err
    assert out == (
        "Added journey 'business-lead-to-support' (From lead to support) to workshop 'acme': "
        "5 stages, 6 teams, 10 steps, 4 handovers"
    )
    status, out, err = _main(
        capsys,
        *("--db", db, "add-journey", "acme", "public_service_application"),
        *("--id", "council", "--name", "Council support"),
    )
    assert status == 0, err
    assert out.startswith("Added journey 'council' (Council support) to workshop 'acme': 7 stages")
    ws = open_workshop("acme", db=db)
    assert set(ws.state.journeys) == {"business-lead-to-support", "council"}
    assert len(ws.journey("council").intended.steps) == 13
    ws.close()

    # The same id again: one line, exit 1, and the workshop is unchanged.
    status, out, err = _main(capsys, "--db", db, "add-journey", "acme")
    assert status == 1 and out == ""
    assert err == (
        "servicekit: Workshop 'acme' already has a journey 'business-lead-to-support'. "
        "Give this one another id with --id ID."
    )


def test_add_journey_refuses_a_broken_template_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "cli.db")
    _main(capsys, "--db", db, "new", "acme")
    broken = tmp_path / "acme_journey.yaml"
    broken.write_text(
        "format_version: 1\nname: Acme\nstages:\n  - {id: lead, name: Lead}\n"
        "actual:\n  - name: Call\n    stage: sales\n",
        encoding="utf-8",
    )
    status, _, err = _main(capsys, "--db", db, "add-journey", "acme", str(broken))
    assert status == 1
    assert len(err.splitlines()) == 1
    assert err.startswith(f"servicekit: {broken}, line 7, step 'Call' in layer 'actual', field")
    assert "no stage 'sales'" in err
    status, _, err = _main(capsys, "--db", db, "add-journey", "acme", "no_such_template")
    assert status == 1
    assert "no_such_template: no such file" in err and "business_lead_to_support.yaml" in err
    status, _, err = _main(capsys, "--db", db, "add-journey", "missing")
    assert status == 1 and "No workshop 'missing'" in err
    spaced = tmp_path / "my journey.yaml"
    spaced.write_text(
        (REPO / "templates" / "journeys" / "business_lead_to_support.yaml").read_text()
    )
    status, _, err = _main(capsys, "--db", db, "add-journey", "acme", str(spaced))
    assert status == 1
    assert err.endswith("Give one with --id ID, e.g. --id acme-onboarding.")
    assert _main(capsys, "--db", db, "add-journey", "acme", str(spaced), "--id", "mine")[0] == 0


def test_import_steps_into_a_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from servicekit import open_workshop

    db = str(tmp_path / "cli.db")
    _main(capsys, "--db", db, "new", "acme")
    _main(capsys, "--db", db, "add-journey", "acme", "--id", "j")
    good = tmp_path / "steps.csv"
    good.write_text(
        "\ufeffName,Stage,Owner,Info requested,Friction\n"
        'Re-key the enquiry,Lead,Sales,"Company name; Email address",4\n'
        "Chase the contract,sales,Sales,,3\n",
        encoding="utf-8",
    )
    status, out, err = _main(capsys, "--db", db, "import-steps", "acme", "j", str(good))
    assert status == 0, err
    assert out == "Imported 2 steps into the actual layer of journey 'j' in workshop 'acme'"
    status, out, _ = _main(
        capsys, "--db", db, "import-steps", "acme", "j", str(good), "--layer", "intended"
    )
    assert out == "Imported 2 steps into the intended layer of journey 'j' in workshop 'acme'"
    ws = open_workshop("acme", db=db)
    assert [s.name for s in ws.journey("j").actual.steps] == [
        "Re-key the enquiry",
        "Chase the contract",
    ]
    assert len(ws.journey("j").intended.steps) == 12  # the template's ten, then the file's two
    count = ws.journal.count("acme")

    bad = tmp_path / "bad.csv"
    bad.write_text("name,stage,friction\nA,Lead,9\nB,Nowhere,\nC,lead,1\n", encoding="utf-8")
    status, out, err = _main(capsys, "--db", db, "import-steps", "acme", "j", str(bad))
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == (
        "servicekit: bad.csv: 2 problems; nothing was imported. Fix the file and import it again."
    )
    assert lines[1].startswith("bad.csv, row 2, column 'friction': '9' is not accepted")
    assert lines[2].startswith("bad.csv, row 3, column 'stage': 'Nowhere' is not a stage")
    ws.refresh()
    assert ws.journal.count("acme") == count
    ws.close()

    status, _, err = _main(capsys, "--db", db, "import-steps", "acme", "nope", str(good))
    assert status == 1 and len(err.splitlines()) == 1 and "nope" in err
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Name,Sytems\nA,CRM\n", encoding="utf-8")
    status, _, err = _main(capsys, "--db", db, "import-steps", "acme", "j", str(unknown))
    assert status == 1 and len(err.splitlines()) == 1
    assert "unknown column 'Sytems' (did you mean 'systems'?)" in err


def test_import_log_stores_the_log_and_says_what_it_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from servicekit.journal import Journal

    db = str(tmp_path / "cli.db")
    sample = REPO / "data" / "samples" / "onboarding-events.csv"
    assert _main(capsys, "--db", db, "new", "nb", "--sample")[0] == 0
    status, out, err = _main(
        capsys, "--db", db, "import-log", "nb", "candidate-journey", str(sample)
    )
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "Stored onboarding-events.csv as the event log of journey 'candidate-journey' in "
        f"workshop 'nb' ({sample.stat().st_size:,} bytes)."
    )
    assert "What was read:" in lines and "What the log shows:" in lines
    assert "  onboarding-events.csv: 700 events in 40 cases from 700 rows" in out
    assert "The busiest handover is Client Delivery → Compliance" in out
    with Journal(db) as journal:
        stored = journal.event_log("nb", "candidate-journey")
        assert stored is not None and stored.data == sample.read_bytes()
        assert "NBS-0439" not in json.dumps(journal.export("nb")), "not an operation"

    odd = tmp_path / "odd.csv"
    odd.write_text("Ref,What,When,Who\nR-1,Opened,2026-01-05 09:00,Desk\n", encoding="utf-8")
    status, out, err = _main(
        capsys,
        *("--db", db, "import-log", "nb", "offer-accepted", str(odd)),
        *("--map", "case=Ref", "--map", "activity=What", "--map", "time=When"),
        *("--map", "resource=Who"),
    )
    assert status == 0, err
    assert "odd.csv: 1 events in 1 cases" in out


def test_import_log_errors_are_one_line_and_store_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from servicekit.journal import Journal

    db = str(tmp_path / "cli.db")
    sample = REPO / "data" / "samples" / "onboarding-events.csv"
    _main(capsys, "--db", db, "new", "nb", "--sample")
    _main(capsys, "--db", db, "import-log", "nb", "candidate-journey", str(sample))
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n", encoding="utf-8")
    times = tmp_path / "times.csv"
    times.write_text("case,activity,timestamp,resource\nc,a,soon,r\nc,b,later,r\n")
    for args, message in [
        (
            (str(notes),),
            "notes.csv: no column for the case id or the activity or the time or the team or "
            "person. The columns are: 'a', 'b'.",
        ),
        ((str(notes),), "Name the columns with --map, e.g. --map 'case=Ticket ID'. Nothing"),
        ((str(times),), "times.csv: none of the 2 rows is a usable event; nothing was imported."),
        ((str(times),), "'soon'"),
        ((str(tmp_path / "nowhere.csv"),), "nowhere.csv: no such file. Check the path."),
        ((str(tmp_path),), "is a folder, not a file"),
        ((str(notes), "--map", "case"), "--map: 'case' has no '='."),
        ((str(notes), "--map", "ticket=a"), "--map: 'ticket=a' maps no field 'ticket'."),
    ]:
        status, out, err = _main(capsys, "--db", db, "import-log", "nb", "candidate-journey", *args)
        assert status == 1 and out == ""
        assert len(err.splitlines()) == 1, err
        assert message in err
    status, _, err = _main(capsys, "--db", db, "import-log", "nb", "nope", str(sample))
    assert status == 1 and "No journey exercise 'nope'" in err
    with Journal(db) as journal:
        stored = journal.event_log("nb", "candidate-journey")
        assert stored is not None and stored.name == "onboarding-events.csv"
        assert journal.event_log("nb", "nope") is None
    result = run("import-log", "missing", "j", str(sample), db=tmp_path / "cli.db")
    assert "No workshop 'missing'" in _one_line_error(result)


def test_import_log_is_in_the_help(tmp_path: Path) -> None:
    result = run("import-log", "--help", db=tmp_path / "cli.db")
    assert result.returncode == 0
    assert "--map FIELD=COLUMN" in result.stdout and "no undo" in result.stdout
    assert "import-log" in run("--help", db=tmp_path / "cli.db").stdout

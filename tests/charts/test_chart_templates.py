"""The stored chart templates: each is what altair builds now, and the spec paths never import altair."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit.charts import templates
from servicekit.charts.templates import build

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "samples" / "northbridge-search.json"
FIX = "Run `python -m servicekit.charts.templates.build` and commit the JSON with the chart change."


@pytest.mark.parametrize("name", templates.NAMES)
def test_each_stored_template_is_what_altair_builds_now(name: str) -> None:
    built = build.build(name)
    stored = build.path(name).read_text(encoding="utf-8")
    assert json.loads(stored) == built, f"{name}.json is stale. {FIX}"
    assert stored == build.dumps(built), f"{name}.json is not as the build writes it. {FIX}"
    assert templates.load(name) == built


def test_every_template_has_a_builder_and_a_file_and_no_file_is_left_over() -> None:
    assert set(build.builders()) == set(templates.NAMES)
    stored = {p.stem for p in build.HERE.glob("*.json")}
    assert stored == set(templates.NAMES)


def test_an_unknown_template_names_the_ones_there_are() -> None:
    with pytest.raises(ValueError, match="Pick one of: five_whys_tree"):
        templates.load("five_whys")


def test_check_names_a_stale_template_and_the_build_rewrites_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(build, "path", lambda name: tmp_path / f"{name}.json")
    monkeypatch.setattr(build, "build", functools.cache(build.build))  # altair once per chart
    assert build.main([]) == 0
    assert {p.stem for p in tmp_path.glob("*.json")} == set(templates.NAMES)
    assert build.main(["--check"]) == 0
    edited = tmp_path / "journey_network.json"
    edited.write_text(edited.read_text().replace('"#444"', '"#445"', 1))
    capsys.readouterr()
    assert build.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "journey_network.json differs" in err and "templates.build" in err
    assert build.main([]) == 0
    assert build.main(["--check"]) == 0


def test_the_report_and_every_spec_path_load_no_altair(tmp_path: Path) -> None:
    # `servicekit export` runs in a fresh process: altair's import alone would cost it 1.5 s.
    code = f"""
import sys
import servicekit.export.report as report
from servicekit.journal import Journal, read_workshop_file
from servicekit.models import WorkshopState

with Journal({str(tmp_path / "r.db")!r}) as journal:
    export = journal.export(journal.import_(read_workshop_file({str(SAMPLE)!r})))
state = WorkshopState.from_dict(export["workshop"])
ids = [fid for fid, _, _ in report._charts(state, 3)]
page = report.build_report(state)
assert page.count('<svg role="img"') == len(ids), ids
print(sorted({{fid.split("-")[0] for fid in ids}}))
print(sorted({{"altair", "jsonschema"}} & set(sys.modules)))
"""
    env = {
        "PYTHONPATH": str(REPO),
        "SERVICEKIT_DB": str(tmp_path / "x.db"),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=True
    ).stdout.splitlines()
    charts = "['comparison', 'friction', 'heatmap', 'network', 'spread', 'swimlane', 'tree']"
    assert out[-2] == charts, "the sample should draw every kind of chart"
    assert out[-1] == "[]", f"the report imported {out[-1]}"

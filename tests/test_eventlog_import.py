"""Importing event logs: columns recognised or mapped, every messy row repaired and reported.

Row numbers are those a spreadsheet shows: the header is row 1, the first event row 2.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servicekit.eventlog as eventlog
from servicekit.errors import InvalidInput
from servicekit.eventlog import (
    KINDS,
    UNKNOWN,
    event_log_from_frame,
    read_event_log,
)

CLEAN = (
    "case_id,activity,timestamp,resource\n"
    "T-1,Opened,2026-01-05 09:00,Desk\n"
    "T-1,Assigned,2026-01-05 09:30,Desk\n"
    "T-1,Fixed,2026-01-05 14:00,Network\n"
    "T-2,Opened,2026-01-06 08:00,Desk\n"
    "T-2,Fixed,2026-01-06 09:00,Desk\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows(log: eventlog.EventLog) -> list[tuple[str, str, str, str]]:
    ev = log.events
    return [
        (str(c), str(a), t.strftime("%Y-%m-%d %H:%M"), str(r))
        for c, a, t, r in zip(
            ev["case"], ev["activity"], ev["timestamp"], ev["resource"], strict=True
        )
    ]


# -- columns ----------------------------------------------------------------------------------------


def test_a_clean_file_reads_with_no_issue(tmp_path: Path) -> None:
    log = read_event_log(write(tmp_path / "tickets.csv", CLEAN))
    assert log.source == "tickets.csv"
    assert len(log) == 5 and log.cases == 2
    assert log.report.ok and log.report.rows == 5 and log.report.dropped == 0
    assert rows(log)[:2] == [
        ("T-1", "Opened", "2026-01-05 09:00", "Desk"),
        ("T-1", "Assigned", "2026-01-05 09:30", "Desk"),
    ]
    assert log.events["row"].tolist() == [2, 3, 4, 5, 6]
    assert log.report.lines() == [
        "tickets.csv: 5 events in 2 cases from 5 rows (case from 'case_id', activity from "
        "'activity', timestamp from 'timestamp', resource from 'resource')."
    ]


def test_the_log_is_compact() -> None:
    log = read_event_log(CLEAN.encode())
    dtypes = log.events.dtypes
    for col in ("case", "activity", "resource"):
        assert isinstance(dtypes[col], pd.CategoricalDtype), col
    assert str(dtypes["timestamp"]) == "datetime64[us]"  # no time zone


def test_a_hundred_thousand_events_take_little_memory() -> None:
    n = 100_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "case": [f"C-{i}" for i in rng.integers(0, 10_000, n)],
            "activity": rng.choice([f"step {i}" for i in range(20)], n),
            "timestamp": pd.Timestamp("2026-01-01")
            + pd.to_timedelta(rng.integers(0, 10**7, n), "s"),
            "resource": rng.choice([f"team {i}" for i in range(12)], n),
        }
    )
    log = event_log_from_frame(frame)
    per_event = log.events.memory_usage(deep=True).sum() / n
    assert per_event < 40, f"{per_event:.1f} bytes per event"


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("Case ID,Activity,Timestamp,Resource", ","),
        ("case:concept:name,concept:name,time:timestamp,org:resource", ","),
        ("Ticket;Status;Created;Assignee", ";"),
        ("ticket id\tstep\tstart time\tgroup", "\t"),
        ("CASE;EVENT;DATE;OWNER", ";"),
    ],
)
def test_common_column_names_are_recognised(header: str, delimiter: str) -> None:
    body = delimiter.join(["T-1", "Opened", "2026-01-05 09:00", "Desk"])
    log = read_event_log(f"{header}\n{body}\n".encode(), source="export.csv")
    assert list(log.columns) == ["case", "activity", "timestamp", "resource"]
    assert list(log.columns.values()) == header.split(delimiter)
    assert rows(log) == [("T-1", "Opened", "2026-01-05 09:00", "Desk")]


def test_a_person_column_is_the_resource_and_a_team_column_the_team() -> None:
    text = "Case,Activity,Time,Assignee,Team\nT-1,Opened,2026-01-05 09:00,Ana,Desk\n"
    log = read_event_log(text.encode())
    assert log.columns == {
        "case": "Case",
        "activity": "Activity",
        "timestamp": "Time",
        "resource": "Assignee",
        "team": "Team",
    }
    assert log.has_team and log.actor == "team" and log.teams == ("Desk",)
    assert log.resources == ("Ana",)


def test_a_team_column_alone_is_the_resource() -> None:
    log = read_event_log(b"case,activity,time,team\nT-1,Opened,2026-01-05 09:00,Desk\n")
    assert log.columns["resource"] == "team" and not log.has_team and log.actor == "resource"


def test_a_mapping_names_the_columns_and_the_rest_are_recognised() -> None:
    text = "Placement,What happened,When,Who,Team\nP-1,Call,2026-01-05 09:00,Ana,Research\n"
    log = read_event_log(
        text.encode(),
        {"case": "Placement", "activity": "what happened", "timestamp": "When", "resource": "Who"},
    )
    assert log.columns == {
        "case": "Placement",
        "activity": "What happened",  # matched without regard to case
        "timestamp": "When",
        "resource": "Who",
        "team": "Team",
    }


def test_a_missing_column_names_the_file_the_columns_and_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "crm.csv", "Placement,Activity,When,Owner\nP-1,Call,2026-01-05,Ana\n")
    with pytest.raises(InvalidInput) as caught:
        read_event_log(path)
    msg = str(caught.value)
    assert msg.startswith("crm.csv: no column for the case id or the time.")
    assert "The columns are: 'Placement', 'Activity', 'When', 'Owner'." in msg
    assert "mapping={'case': 'Your column', 'timestamp': 'Your column'}" in msg


def test_mapping_mistakes_are_refused_with_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "crm.csv", "Placement,Activity,When,Owner\nP-1,Call,2026-01-05,Ana\n")
    with pytest.raises(InvalidInput, match=r"mapping: no field 'ticket'\. The fields are: case,"):
        read_event_log(path, {"ticket": "Placement"})
    with pytest.raises(InvalidInput) as caught:
        read_event_log(path, {"case": "Placement ID", "timestamp": "When"})
    assert str(caught.value) == (
        "crm.csv: the mapping reads the case id from column 'Placement ID', but the file has no "
        "such column. The columns are: 'Placement', 'Activity', 'When', 'Owner'. Fix the column "
        "name in the mapping."
    )
    with pytest.raises(InvalidInput, match="mapped to both 'case' and 'activity'"):
        read_event_log(path, {"case": "Placement", "activity": "Placement", "timestamp": "When"})


# -- encodings, delimiters, inputs --------------------------------------------------------------------


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    log = read_event_log(write(tmp_path / "excel.csv", CLEAN, encoding="utf-8-sig"))
    assert log.columns["case"] == "case_id" and len(log) == 5


def test_blank_lines_above_the_header_are_skipped_and_rows_still_counted() -> None:
    log = read_event_log(("\n \n" + CLEAN + "T-3,Opened,later,Desk\n").encode())
    assert len(log) == 5 and log.events["row"].tolist() == [4, 5, 6, 7, 8]
    issue = log.report.issue("bad_timestamp")
    assert issue is not None and issue.examples[0].row == 9


def test_semicolons_and_tabs_are_found_from_the_header(tmp_path: Path) -> None:
    for delimiter in (";", "\t"):
        text = CLEAN.replace(",", delimiter).replace("Desk", "Desk, first line")
        log = read_event_log(write(tmp_path / "x.csv", text))
        assert len(log) == 5 and "Desk, first line" in log.resources


def test_quoted_cells_may_hold_the_delimiter_and_line_breaks() -> None:
    text = (
        'case,activity,timestamp,resource\nT-1,"Call, then email",2026-01-05 09:00,"Desk\nnorth"\n'
    )
    log = read_event_log(text.encode())
    assert rows(log) == [("T-1", "Call, then email", "2026-01-05 09:00", "Desk\nnorth")]


def test_other_encodings_are_refused_with_the_line_and_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.csv", CLEAN + "T-3,Réouvert,2026-01-07 10:00,Desk\n", "latin-1")
    with pytest.raises(InvalidInput) as caught:
        read_event_log(path)
    assert str(caught.value) == (
        "latin.csv, line 7: not UTF-8 text. Save or export the file as 'CSV UTF-8' and import it again."
    )


def test_paths_bytes_and_open_files_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", CLEAN)
    expected = rows(read_event_log(path))
    assert rows(read_event_log(str(path))) == expected
    assert rows(read_event_log(CLEAN.encode())) == expected
    assert read_event_log(CLEAN.encode()).source == "uploaded file"
    assert rows(read_event_log(io.StringIO(CLEAN), source="paste")) == expected
    with path.open("rb") as f:
        log = read_event_log(f)
        assert rows(log) == expected and log.source == "t.csv"
        assert not f.closed


def test_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"^gone\.csv: no such file\. Check the path\.$"):
        read_event_log(tmp_path / "gone.csv")


def test_an_empty_file_and_a_header_alone_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"^e\.csv: the file is empty\. Export the event log"):
        read_event_log(b"", source="e.csv")
    with pytest.raises(InvalidInput, match=r"^e\.csv: the file is empty"):
        read_event_log(b"\xef\xbb\xbf \n\n", source="e.csv")
    with pytest.raises(InvalidInput, match=r"^h\.csv: the file has a header but no events\."):
        read_event_log(b"case,activity,timestamp,resource\n\n\n", source="h.csv")


def test_a_file_with_no_usable_row_says_why() -> None:
    text = "case,activity,timestamp,resource\nT-1,Opened,soon,Desk\n,Closed,2026-01-05 10:00,Desk\n"
    with pytest.raises(InvalidInput) as caught:
        read_event_log(text.encode(), source="bad.csv")
    assert str(caught.value).splitlines() == [
        "bad.csv: none of the 2 rows is a usable event; nothing was imported.",
        "bad.csv: 1 row has no case id in column 'case' (row 3: ''): left out. Fill in the case "
        "id, or filter such rows out of the export.",
        "bad.csv: 1 row has no time that can be read in column 'timestamp' (row 2: 'soon'): left "
        "out. Export times as 2026-01-31 14:05 (ISO 8601); for day-first dates such as "
        "31/01/2026, read the file with dayfirst=True.",
    ]


# -- messy rows, each counted with examples ---------------------------------------------------------

HEADER = "case_id,activity,timestamp,resource\n"


def test_missing_resources_are_kept_as_unknown() -> None:
    text = HEADER + (
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 2
        "T-1,Assigned,2026-01-05 09:30,\n"  # row 3: no resource
        "T-1,Fixed,2026-01-05 10:00,   \n"  # row 4: blank
        "T-2,Opened,2026-01-05 11:00,\n"  # row 5
        "T-2,Fixed,2026-01-05 12:00,\n"  # row 6: the fourth, not shown
    )
    log = read_event_log(text.encode(), source="t.csv")
    assert len(log) == 5
    assert log.events["resource"].tolist() == ["Desk", UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]
    issue = log.report.issue("missing_resource")
    assert issue is not None and not issue.dropped
    assert (issue.count, issue.column) == (4, "resource")
    assert [(e.row, e.value) for e in issue.examples] == [(3, ""), (4, "   "), (5, "")]
    assert issue.message == (
        "t.csv: 4 rows have no team or person in column 'resource' (row 3: ''; row 4: '   '; "
        "row 5: ''): kept, with the resource '(unknown)', so their handovers cannot be told "
        "apart. Fill in who did the work in the export."
    )
    assert log.report.dropped == 0


def test_unreadable_times_drop_their_rows() -> None:
    text = HEADER + (
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 2
        "T-1,Assigned,next Tuesday,Desk\n"  # row 3
        "T-1,Fixed,,Desk\n"  # row 4: empty
        "T-1,Closed,2026-02-30 10:00,Desk\n"  # row 5: no 30 February
        "T-2,Opened,2026-01-05T11:00:00+01:00,Desk\n"  # row 6: an offset, read as 10:00 UTC
    )
    log = read_event_log(text.encode(), source="t.csv")
    assert rows(log) == [
        ("T-1", "Opened", "2026-01-05 09:00", "Desk"),
        ("T-2", "Opened", "2026-01-05 10:00", "Desk"),
    ]
    issue = log.report.issue("bad_timestamp")
    assert issue is not None and issue.dropped
    assert issue.count == 3
    assert [(e.row, e.value) for e in issue.examples] == [
        (3, "next Tuesday"),
        (4, ""),
        (5, "2026-02-30 10:00"),
    ]
    assert log.report.dropped == 3 and log.report.rows == 5


def test_other_time_formats_are_read_and_dayfirst_decides_ambiguous_dates() -> None:
    text = HEADER + "T-1,Opened,03/04/2026 10:00,Desk\nT-1,Closed,13/04/2026 10:00,Desk\n"
    log = read_event_log(text.encode(), dayfirst=True)
    assert [t.strftime("%Y-%m-%d") for t in log.events["timestamp"]] == ["2026-04-03", "2026-04-13"]
    log = read_event_log(text.encode())  # month first: 13/04 is no date
    assert [t.strftime("%Y-%m-%d") for t in log.events["timestamp"]] == ["2026-03-04"]
    assert log.report.count("bad_timestamp") == 1


def test_events_out_of_order_are_sorted_and_reported() -> None:
    text = HEADER + (
        "T-1,Fixed,2026-01-05 14:00,Network\n"  # row 2
        "T-2,Opened,2026-01-06 08:00,Desk\n"  # row 3
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 4: before row 2's time: out of order
        "T-1,Assigned,2026-01-05 09:00,Desk\n"  # row 5: out of order; same time as row 4
        "T-1,Closed,2026-01-05 15:00,Desk\n"  # row 6: in order (after 14:00)
    )
    log = read_event_log(text.encode(), source="t.csv")
    # Sorted by case, then time; rows 4 and 5 share a time and keep their order in the file.
    assert [(c, a) for c, a, _, _ in rows(log)] == [
        ("T-1", "Opened"),
        ("T-1", "Assigned"),
        ("T-1", "Fixed"),
        ("T-1", "Closed"),
        ("T-2", "Opened"),
    ]
    assert log.events["row"].tolist() == [4, 5, 2, 6, 3]
    issue = log.report.issue("out_of_order")
    assert issue is not None and not issue.dropped and issue.count == 2
    assert [(e.row, e.value, e.note) for e in issue.examples] == [
        (4, "2026-01-05 09:00:00", "case T-1, listed after 2026-01-05 14:00:00"),
        (5, "2026-01-05 09:00:00", "case T-1, listed after 2026-01-05 14:00:00"),
    ]


def test_exact_repeats_are_dropped_and_point_to_the_first() -> None:
    text = HEADER + (
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 2
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 3: repeats row 2
        "T-1,Opened,2026-01-05 09:00,Network\n"  # row 4: another resource: kept
        "T-1,Opened, 2026-01-05 09:00:00 ,Desk \n"  # row 5: the same once read: repeats row 2
        "T-2,Opened,2026-01-05 09:00,Desk\n"  # row 6: another case: kept
    )
    log = read_event_log(text.encode(), source="t.csv")
    assert log.events["row"].tolist() == [2, 4, 6]
    issue = log.report.issue("duplicate")
    assert issue is not None and issue.dropped and issue.count == 2
    assert [(e.row, e.value, e.note) for e in issue.examples] == [
        (3, "T-1, Opened", "repeats row 2"),
        (5, "T-1, Opened", "repeats row 2"),
    ]
    assert issue.column == ""
    assert "t.csv: 2 rows have the same case, activity, time and resource as an earlier row" in str(
        issue
    )


def test_rows_without_case_or_activity_are_dropped_and_counted_once() -> None:
    text = HEADER + (
        ",Opened,2026-01-05 09:00,Desk\n"  # row 2: no case
        "T-1,,2026-01-05 09:00,Desk\n"  # row 3: no activity
        ",,nonsense,Desk\n"  # row 4: all three wrong: counted as no case only
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 5
    )
    log = read_event_log(text.encode())
    assert len(log) == 1
    assert {k: log.report.count(k) for k in KINDS if log.report.count(k)} == {
        "missing_case": 2,
        "missing_activity": 1,
    }
    assert log.report.dropped == 3 and log.report.rows == 4


def test_every_problem_is_reported_at_once_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    text = HEADER + (
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 2
        "\n"  # row 3: a blank line, no event and no issue
        "T-1,Assigned,someday,Desk\n"  # row 4: unreadable time
        "T-1,Fixed,2026-01-05 08:00,\n"  # row 5: out of order, no resource
        "T-1,Opened,2026-01-05 09:00,Desk\n"  # row 6: repeats row 2
        ",,,\n"  # row 7: empty cells only, like a blank line
        "T-2,Opened,2026-01-05 09:00,Desk\n"  # row 8
    )
    log = read_event_log(write(tmp_path / "all.csv", text))
    report = log.report
    assert [i.kind for i in report.issues] == [
        "bad_timestamp",
        "missing_resource",
        "duplicate",
        "out_of_order",
    ]
    assert [[e.row for e in i.examples] for i in report.issues] == [[4], [5], [6], [5]]
    assert (report.rows, report.events, report.cases, report.dropped) == (5, 3, 2, 2)
    assert len(report.lines()) == 5 and report.lines()[0].startswith("all.csv: 3 events in 2 cases")
    with pytest.raises(InvalidInput, match="No kind of issue 'typo'"):
        report.issue("typo")


def test_examples_stop_at_three_but_the_count_does_not() -> None:
    text = HEADER + "".join(f"T-{i},Opened,2026-01-0{i} 09:00,\n" for i in range(1, 8))
    issue = read_event_log(text.encode()).report.issue("missing_resource")
    assert issue is not None and issue.count == 7 and len(issue.examples) == 3


def test_a_team_column_with_gaps() -> None:
    text = "case,activity,time,assignee,team\nT-1,Opened,2026-01-05 09:00,Ana,\n"
    log = read_event_log(text.encode())
    assert log.events["team"].tolist() == [UNKNOWN]
    assert log.report.count("missing_team") == 1 and log.report.count("missing_resource") == 0


# -- progress -----------------------------------------------------------------------------------------


def test_progress_is_reported_chunk_by_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eventlog, "CHUNK_ROWS", 10)
    text = HEADER + "".join(
        f"T-{i % 7},Step {i % 3},2026-01-05 {i // 60:02d}:{i % 60:02d},Desk\n" for i in range(500)
    )
    seen: list[float] = []
    log = read_event_log(text.encode(), progress=seen.append)
    assert len(log) == 500
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert len(seen) >= 20, "one call per chunk of 10 rows (the parser reads ahead)"
    assert seen == sorted(seen) and all(0.0 <= f <= 1.0 for f in seen)


# -- data frames --------------------------------------------------------------------------------------


def test_a_data_frame_is_read_like_a_file() -> None:
    frame = pd.DataFrame(
        {
            "Case ID": ["T-2", "T-1", "T-1", "T-1"],
            "Activity": ["Opened", "Fixed", "Opened", "Opened"],
            "Timestamp": pd.to_datetime(
                ["2026-01-06 08:00", "2026-01-05 14:00", "2026-01-05 09:00", "2026-01-05 09:00"]
            ),
            "Assignee": ["Desk", None, "Desk", "Desk"],
        },
        index=[10, 11, 12, 13],
    )
    log = event_log_from_frame(frame, source="frame")
    assert rows(log) == [
        ("T-1", "Opened", "2026-01-05 09:00", "Desk"),
        ("T-1", "Fixed", "2026-01-05 14:00", UNKNOWN),
        ("T-2", "Opened", "2026-01-06 08:00", "Desk"),
    ]
    report = log.report
    assert report.count("missing_resource") == 1 and report.count("duplicate") == 1
    issue = report.issue("duplicate")
    assert issue is not None
    assert [(e.row, e.note) for e in issue.examples] == [(3, "repeats position 2")]
    assert issue.message.startswith("frame: 1 row has the same case")
    assert "(position 3: 'T-1, Opened' (repeats position 2))" in issue.message


def test_a_data_frame_with_text_times_zones_and_a_mapping() -> None:
    frame = pd.DataFrame(
        {
            "ticket": [1, 1, 2],
            "what": ["Opened", "Closed", "Opened"],
            "at": pd.to_datetime(
                ["2026-01-05 09:00", "2026-01-05 10:00", "2026-01-05 11:00"]
            ).tz_localize("Europe/London"),
            "who": ["Desk", "Desk", "Desk"],
        }
    )
    log = event_log_from_frame(frame, {"activity": "what", "timestamp": "at", "resource": "who"})
    assert rows(log)[0] == ("1", "Opened", "2026-01-05 09:00", "Desk")
    text = frame.assign(at=["2026-01-05 09:00", "bad", "2026-01-05 11:00"])
    log = event_log_from_frame(text, {"activity": "what", "timestamp": "at", "resource": "who"})
    assert len(log) == 2 and log.report.count("bad_timestamp") == 1


def test_an_empty_data_frame_is_refused() -> None:
    frame = pd.DataFrame(columns=["case", "activity", "timestamp", "resource"])
    with pytest.raises(InvalidInput, match="the data frame has a header but no events"):
        event_log_from_frame(frame)

"""The ``servicekit`` command: create, list, move and serve workshops, and fill them from files.

Errors print one line that says what is wrong and what to do, and exit with
status 1 (2 for a mistyped command line); never a traceback, unless
``SERVICEKIT_DEBUG=1`` asks for one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import Conflict, InvalidInput, NotFound, ServiceKitError
from .journal import Journal, read_workshop_file

__all__ = ["SAMPLE_FILE", "SAMPLE_SLUG", "main"]

_REPO = Path(__file__).resolve().parent.parent
#: The bundled sample workshop, and the name it is stored under.
SAMPLE_FILE = _REPO / "data" / "samples" / "northbridge-search.json"
SAMPLE_SLUG = "northbridge"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="servicekit",
        description="Run service-design workshops: Five Whys, questionnaires, journey maps.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="database file (default: $SERVICEKIT_DB, else ~/.local/share/servicekit/servicekit.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create a workshop")
    new.add_argument("slug", help="short name used in addresses, e.g. acme-onboarding")
    new.add_argument("--title", help="title shown to the room (default: from the slug)")
    new.add_argument("--client", default="", help="client organisation")
    new.add_argument("--date", default="", help="workshop date, YYYY-MM-DD")
    new.add_argument("--join-code", help="code participants type to join (default: random)")
    new.add_argument("--sample", action="store_true", help="start from the bundled sample workshop")

    sub.add_parser("list", help="list stored workshops")

    exp = sub.add_parser("export-json", help="write one workshop, with its history, to a JSON file")
    exp.add_argument("slug")
    exp.add_argument(
        "--out", metavar="FILE", help="output file (default: SLUG.json; '-' for standard output)"
    )

    rep = sub.add_parser(
        "export", help="write the findings report (one HTML file) and its data bundle (a zip)"
    )
    rep.add_argument("workshop")
    rep.add_argument(
        "--out", metavar="FILE.html", help="report file (default: WORKSHOP-findings.html)"
    )
    rep.add_argument(
        "--branding",
        metavar="FILE.yaml",
        help="client branding (default: templates/report/branding.yaml)",
    )
    rep.add_argument(
        "--no-data", action="store_true", help="write the report only, without FILE-data.zip"
    )

    imp = sub.add_parser(
        "import-json", help="store a workshop from a JSON file written by export-json"
    )
    imp.add_argument("file")
    imp.add_argument("--as", dest="slug", metavar="SLUG", help="store it under another name")

    que = sub.add_parser(
        "add-questionnaire", help="add a questionnaire to a workshop from a YAML question bank"
    )
    que.add_argument("workshop")
    que.add_argument(
        "file",
        nargs="?",
        help="question bank (default: templates/questionnaires/people_process_systems.yaml)",
    )
    que.add_argument(
        "--id",
        dest="survey_id",
        metavar="ID",
        help="questionnaire id (default: from the file name)",
    )
    que.add_argument(
        "--anonymous", action="store_true", help="keep only each respondent's department"
    )

    res = sub.add_parser(
        "import-responses", help="add questionnaire responses from another survey tool's CSV"
    )
    res.add_argument("workshop")
    res.add_argument("survey", help="id of the survey the responses answer")
    res.add_argument("file", help="CSV file of responses, one row per respondent")
    res.add_argument(
        "--map", required=True, metavar="MAPPING.json", help="which column answers which question"
    )

    jou = sub.add_parser("add-journey", help="add a journey map to a workshop from a YAML template")
    jou.add_argument("workshop")
    jou.add_argument(
        "template",
        nargs="?",
        help="journey template: a file, or the name of a bundled one such as "
        "public_service_application (default: business_lead_to_support)",
    )
    jou.add_argument(
        "--id", dest="journey_id", metavar="ID", help="journey id (default: from the file name)"
    )
    jou.add_argument("--name", help="journey name (default: the template's)")

    ste = sub.add_parser("import-steps", help="add journey steps from a spreadsheet's CSV")
    ste.add_argument("workshop")
    ste.add_argument("journey", help="id of the journey the steps belong to")
    ste.add_argument("file", help="CSV file of steps, one row per step, with a header row")
    ste.add_argument(
        "--layer",
        choices=("intended", "actual"),
        default="actual",
        help="the layer the steps are added to (default: actual)",
    )

    log = sub.add_parser(
        "import-log",
        help="keep a team's event log (a ticketing or CRM system's CSV export) for a journey",
        description="Read an event log (one row per event: case, activity, time, person or "
        "team) and keep it with the journey, replacing any earlier one; print what was read "
        "and what the log shows. A file that cannot be read is refused and nothing is stored. "
        "The journey page's 'Event log' tab shows it. Column names are recognised (e.g. "
        "'Case ID', 'Activity', 'Timestamp', 'Assignee', 'Team'); name others with --map. "
        "An event log is not an operation: no undo, and export-json does not carry it.",
    )
    log.add_argument("workshop")
    log.add_argument("journey", help="id of the journey the log belongs to")
    log.add_argument("file", metavar="FILE.csv", help="the event log, one row per event")
    log.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="which column holds a field (case, activity, timestamp, resource, team), "
        "e.g. --map 'case=Ticket ID' --map activity=Status; repeat for each column whose "
        "name is not recognised",
    )

    serve = sub.add_parser(
        "serve",
        help="serve the workshop: the facilitator's pages here, the participants' page to the room",
    )
    serve.add_argument("workshop", nargs="?", help="workshop to open (default: the most recent)")
    serve.add_argument(
        "--sample",
        action="store_true",
        help="serve the bundled sample workshop (stored if missing)",
    )
    serve.add_argument("--port", type=int, default=8866, help="facilitator's pages (default: 8866)")
    serve.add_argument(
        "--participant-port", type=int, default=8867, help="participants' page (default: 8867)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="where the facilitator's pages listen (default: 127.0.0.1, this laptop only; "
        "0.0.0.0 opens them to the network, still behind the facilitator's key)",
    )
    serve.add_argument(
        "--address",
        help="this laptop's address on the room's network, for the join link "
        "(default: found automatically)",
    )
    serve.add_argument(
        "--pool-size",
        type=int,
        default=3,
        help="participant kernels kept ready to open at once (default: 3; 0 turns it off)",
    )
    serve.add_argument("--open", action="store_true", help="open the start page in a browser")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ServiceKitError as exc:
        print(f"servicekit: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line, unless asked for the details
        if os.environ.get("SERVICEKIT_DEBUG"):
            raise
        print(
            f"servicekit: unexpected error: {type(exc).__name__}: {exc} (SERVICEKIT_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return 1


def _journal(args: argparse.Namespace) -> Journal:
    return Journal(args.db)


def _new(args: argparse.Namespace) -> int:
    from .workshop import create_workshop

    with _journal(args) as journal:
        if args.sample:
            journal.import_(
                read_workshop_file(SAMPLE_FILE), source=str(SAMPLE_FILE), slug=args.slug
            )
        else:
            title = args.title or args.slug.replace("-", " ").capitalize()
            create_workshop(
                args.slug,
                title,
                client=args.client,
                date=args.date,
                join_code=args.join_code,
                db=journal,
            )
        state, _ = journal.rebuild(args.slug)
        print(
            f"Created workshop {state.slug!r} ({state.title}); join code {state.join_code}; stored in {journal.path}"
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    with _journal(args) as journal:
        rows = journal.workshops()
        if not rows:
            print(f"No workshops in {journal.path} yet. Create one with 'servicekit new SLUG'.")
            return 0
        for row in rows:
            state, _ = journal.rebuild(row["slug"])
            counts = f"{len(state.trees)} trees, {len(state.surveys)} surveys, {len(state.journeys)} journeys"
            print(
                f"{row['slug']}\t{state.title}\t{counts}\t{row['operations']} operations\tlast change {row['last_at']}"
            )
    return 0


def _export(args: argparse.Namespace) -> int:
    with _journal(args) as journal:
        journal.require(args.slug)
        text = json.dumps(journal.export(args.slug), ensure_ascii=False, indent=1) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out or f"{args.slug}.json")
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)  # never leave a half-written export behind
    print(f"Wrote {out} ({len(text.encode()):,} bytes)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .export.branding import load_branding
    from .export.report import export_files

    branding = load_branding(args.branding)  # a bad branding file fails before any work
    with _journal(args) as journal:
        journal.require(args.workshop)
        export = journal.export(args.workshop)
    out = Path(args.out or f"{args.workshop}-findings.html")
    for path in export_files(export, out, branding, data=not args.no_data):
        print(f"Wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def _import(args: argparse.Namespace) -> int:
    with _journal(args) as journal:
        slug = journal.import_(read_workshop_file(args.file), source=args.file, slug=args.slug)
        print(f"Imported workshop {slug!r} into {journal.path}")
    return 0


def _add_questionnaire(args: argparse.Namespace) -> int:
    from .templates import load_questionnaire, questionnaire_files
    from .workshop import open_workshop

    path = Path(args.file) if args.file else questionnaire_files()[0]
    bank = load_questionnaire(path)
    survey_args = bank.to_survey_args()
    survey_args["anonymous"] = bool(args.anonymous or survey_args.get("anonymous"))
    survey_id = args.survey_id or path.stem.replace("_", "-")
    with _journal(args) as journal:
        journal.require(args.workshop)
        open_workshop(args.workshop, db=journal).add_survey(**survey_args, survey_id=survey_id)
    kind = "anonymous " if survey_args["anonymous"] else ""
    print(f"Added {kind}questionnaire {survey_id!r} ({bank.title}) to workshop {args.workshop!r}")
    return 0


def _import_responses(args: argparse.Namespace) -> int:
    from .survey_import import import_responses, read_mapping, read_responses
    from .workshop import open_workshop

    with _journal(args) as journal:
        journal.require(args.workshop)
        ws = open_workshop(args.workshop, db=journal)
        plan = read_responses(args.file, ws.survey(args.survey), read_mapping(args.map))
        count = import_responses(ws, args.survey, plan)
        print(
            f"Imported {count} respondents into survey {args.survey!r} of workshop {args.workshop!r}"
        )
    return 0


def _add_journey(args: argparse.Namespace) -> int:
    from .models._base import check_id
    from .templates import load_journey_template
    from .workshop import open_workshop

    template = load_journey_template(args.template or "business_lead_to_support")
    assert template.source is not None
    journey_id = args.journey_id or template.source.stem.replace("_", "-")
    if not args.journey_id:
        try:
            check_id("id", journey_id)
        except InvalidInput:
            raise InvalidInput(
                f"{template.source.name}: the file name does not make a journey id "
                f"({journey_id!r}). Give one with --id ID, e.g. --id acme-onboarding."
            ) from None
    with _journal(args) as journal:
        journal.require(args.workshop)
        ws = open_workshop(args.workshop, db=journal)
        if journey_id in ws.state.journeys:
            raise Conflict(
                f"Workshop {args.workshop!r} already has a journey {journey_id!r}. "
                "Give this one another id with --id ID."
            )
        ws.add_journey_from_template(template, journey_id, args.name)
        journey = ws.journey(journey_id)
    steps = len(journey.intended.steps) + len(journey.actual.steps)
    joins = len(journey.intended.handovers) + len(journey.actual.handovers)
    print(
        f"Added journey {journey_id!r} ({journey.name}) to workshop {args.workshop!r}: "
        f"{len(journey.stages)} stages, {len(journey.teams)} teams, {steps} steps, {joins} handovers"
    )
    return 0


def _import_steps(args: argparse.Namespace) -> int:
    from .journey_import import import_steps, read_steps
    from .workshop import open_workshop

    with _journal(args) as journal:
        journal.require(args.workshop)
        ws = open_workshop(args.workshop, db=journal)
        plan = read_steps(args.file, ws.journey(args.journey), args.layer)
        count = import_steps(ws, args.journey, plan)
        print(
            f"Imported {count} steps into the {args.layer} layer of journey {args.journey!r} "
            f"in workshop {args.workshop!r}"
        )
    return 0


def _import_log(args: argparse.Namespace) -> int:
    from .analysis.eventlog import findings
    from .eventlog_store import parse_mapping, store_event_log, without_code_example
    from .journal import MAX_EVENT_LOG
    from .workshop import open_workshop

    mapping = parse_mapping(args.map, where="--map")
    path = Path(args.file)
    try:
        if path.stat().st_size > MAX_EVENT_LOG:
            raise InvalidInput(
                f"{path}: {path.stat().st_size:,} bytes; an event log may have up to "
                f"{MAX_EVENT_LOG:,}. Export fewer cases (a shorter period) and import that."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file. Check the path.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a file. Give the CSV file.") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the file ({exc.strerror}).") from None
    with _journal(args) as journal:
        journal.require(args.workshop)
        ws = open_workshop(args.workshop, db=journal)
        try:
            log = store_event_log(ws, args.journey, path.name, data, mapping)
        except InvalidInput as exc:
            text = without_code_example(str(exc)).replace("\n", " ")
            if text != str(exc).replace("\n", " "):
                text += " Name the columns with --map, e.g. --map 'case=Ticket ID'."
            raise InvalidInput(f"{text} Nothing was stored.") from None
        print(
            f"Stored {path.name} as the event log of journey {args.journey!r} in workshop "
            f"{args.workshop!r} ({len(data):,} bytes)."
        )
        print("\nWhat was read:")
        for line in log.report.lines():
            print(f"  {line}")
        print("\nWhat the log shows:")
        for line in findings(log).sentences():
            print(f"  {line}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .room_server import Pool, run_room

    with _journal(args) as journal:
        slug = args.workshop
        if args.sample:
            slug = slug or SAMPLE_SLUG
            if not journal.exists(slug):
                journal.import_(read_workshop_file(SAMPLE_FILE), source=str(SAMPLE_FILE), slug=slug)
                print(f"Stored the sample workshop as {slug!r} in {journal.path}")
        if slug is None:
            rows = journal.workshops()
            if not rows:
                raise NotFound(
                    f"No workshop in {journal.path} yet. Try 'servicekit serve --sample'."
                )
            slug = rows[0]["slug"]
        journal.require(slug)
        db_path = journal.path.resolve()
        key = journal.secret(slug, "facilitator")
    # The kernels Voila starts read these to find the workshop.
    os.environ["SERVICEKIT_DB"] = str(db_path)
    os.environ["SERVICEKIT_WORKSHOP"] = slug
    print(f"Workshop {slug!r} from {db_path}")
    return run_room(
        key=key,
        port=args.port,
        participant_port=args.participant_port,
        facilitator_host=args.host,
        address=args.address,
        pool=Pool(size=max(0, args.pool_size)),
        open_browser=args.open,
    )


_COMMANDS = {
    "new": _new,
    "export": _report,
    "list": _list,
    "export-json": _export,
    "import-json": _import,
    "add-questionnaire": _add_questionnaire,
    "import-responses": _import_responses,
    "add-journey": _add_journey,
    "import-steps": _import_steps,
    "import-log": _import_log,
    "serve": _serve,
}


if __name__ == "__main__":
    sys.exit(main())

"""Write the sample event log: Northbridge Search's candidate journey as its CRM recorded it.

Northbridge Search is the fictional executive-search firm of the sample workshop
(``northbridge-search.json``). In the workshop the room mapped the candidate journey
twice: as the 2022 process manual intends it, and as it really runs. This script makes
the third view: the activity log that Marcus Reid, the CRM administrator, exported from
Atlas CRM for the 40 placements opened between September and mid-December 2025
(``onboarding-events.csv``: one row per activity, with the candidate's case id, the
activity, when it was completed, who did it and their team).

What the log shows, and the room's maps predicted:

- **The same question, asked again by a later team.** Research asks the candidate for
  their phone number, salary and notice period at the screening call ("Candidate
  details requested"). The consultant asks again at interview in about a third of the
  cases, and Client Delivery asks a third time before the offer in most of them,
  because the details never reach the CRM record. In the log this is rework: the one
  activity done two or three times in a case, by Research, Consulting and Client Delivery.
- **A handover nobody owns.** Client Delivery sends the signed offer and the candidate's
  documents to the shared compliance inbox, and "whoever is free picks it up". The log
  shows it as the slowest handover (Client Delivery → Compliance, most of a week) and as
  ping-pong: in more than half the placements Compliance sends the file back as
  incomplete, Client Delivery chases the candidate and sends it again, and the checks
  start over. Some files go round twice.
- Research → Consulting, the other join the room found unowned, waits days too: the
  screening notes travel by email, if at all.
- Things no map has: the CRM records "Documents returned: incomplete", "Missing
  documents chased" and "Clearance confirmed"; the consultant's personal spreadsheet
  never appears in the CRM, so that step of the actual map is not in the log. Five
  candidates are declined after the client interviews.

The log is clean on purpose (no missing teams, no repeated rows, times in ISO 8601,
rows in time order across cases, as Atlas exports them): the import's repairs are
tested on hand-made messy files in ``tests/test_eventlog_import.py``. Names, dates and
figures are invented. The random generator has a fixed seed, so every run writes the
same file.

Run from the repository root::

    python data/samples/make_onboarding_log.py

It writes ``onboarding-events.csv`` next to this file and prints what servicekit finds in it.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(__file__).with_name("onboarding-events.csv")
SEED = 2026
CASES = 40
DECLINED = 5  # candidates the client declines after the client interviews
HEADER = ["Case ID", "Activity", "Timestamp", "Owner", "Team"]

PEOPLE = {
    "Research": ["Hannah Moyo", "Tom Whitfield", "Aisha Bello"],
    "Consulting": ["Priya Raman", "Daniel Kowalski", "Owen Price"],
    "Client Delivery": ["Grace Ellison", "Leon Baptiste"],
    "Compliance": ["Sunita Kaur"],
    "Finance": ["Elena Fischer"],
}
DETAILS = "Candidate details requested"
SENT = "Documents sent to the compliance inbox"
CHECKS = "References and right-to-work checks"


class Case:
    """One placement: its events, each after the one before, in office hours."""

    def __init__(self, rng: random.Random, case_id: str, start: datetime) -> None:
        self.rng, self.case_id, self.at = rng, case_id, start
        self.rows: list[tuple[str, str, datetime, str, str]] = []
        self.people = {team: rng.choice(names) for team, names in PEOPLE.items()}

    def event(self, activity: str, team: str, after_days: tuple[float, float] = (0, 0)) -> None:
        """Record ``activity`` by ``team`` some working time after the previous event."""
        low, high = after_days
        at = self.at + timedelta(minutes=self.rng.uniform(low * 1440, high * 1440) + 5)
        if at.hour >= 18 or at.hour < 8:  # after hours: the next morning
            at = (at + timedelta(hours=14)).replace(hour=9, minute=self.rng.randrange(0, 60))
        while at.weekday() >= 5:  # the weekend: Monday
            at = (at + timedelta(days=1)).replace(hour=9, minute=self.rng.randrange(0, 60))
        owner = "Atlas CRM" if activity.startswith("Atlas CRM") else self.people[team]
        self.rows.append((self.case_id, activity, at, owner, team))
        self.at = at


def placement(rng: random.Random, number: int, start: datetime, declined: bool) -> Case:
    """The events of one placement, from the first approach to the fee invoice."""
    case = Case(rng, f"NBS-{number:04d}", start)
    case.event("Identify and approach candidate", "Research")
    if rng.random() < 0.6:  # only candidates with no CRM profile get the link
        case.event("Atlas CRM emails the candidate a 'complete your profile' link", "Research")
    case.event("Screening call", "Research", (1, 3))
    case.event(DETAILS, "Research", (0, 0.01))
    # The unowned join: screening notes go by email, and the consultant waits for them.
    case.event("Consultant interview", "Consulting", (2, 6))
    if rng.random() < 0.35:  # the consultant does not trust the CRM record and asks again
        case.event(DETAILS, "Consulting", (0, 0.02))
    case.event("Shortlist report sent to the client", "Consulting", (1, 4))
    case.event("Client interviews and feedback", "Client Delivery", (2, 5))
    if declined:
        case.event("Client declined the candidate", "Client Delivery", (1, 3))
        return case
    if rng.random() < 0.85:  # the details are not in the shortlist PDF: the third time
        case.event(DETAILS, "Client Delivery", (0.5, 2))
    case.event("Offer issued to the candidate", "Client Delivery", (1, 3))
    case.event("New-starter details form", "Client Delivery", (2, 5))
    case.event(SENT, "Client Delivery", (0, 1))
    # The shared compliance inbox: nobody owns the join, whoever is free picks it up.
    case.event(CHECKS, "Compliance", (4, 9))
    rounds = 2 if rng.random() < 0.2 else 1 if rng.random() < 0.5 else 0
    for _ in range(rounds):
        case.event("Documents returned: incomplete", "Compliance", (1, 2))
        case.event("Missing documents chased", "Client Delivery", (1, 3))
        case.event(SENT, "Client Delivery", (1, 3))
        case.event(CHECKS, "Compliance", (2, 5))
    case.event("Clearance confirmed", "Compliance", (1, 2))
    case.event("Start date confirmed; placement closed", "Client Delivery", (0, 2))
    case.event("Fee invoice raised", "Finance", (2, 4))
    return case


def build() -> list[tuple[str, str, datetime, str, str]]:
    """Every event of the 40 placements, in time order as Atlas exports them."""
    rng = random.Random(SEED)
    first = datetime(2025, 9, 1, 9, 0)
    declined = set(rng.sample(range(1, CASES + 1), DECLINED))
    rows = []
    for number in range(1, CASES + 1):
        start = first + timedelta(days=rng.uniform(0, 105), minutes=rng.randrange(0, 480))
        while start.weekday() >= 5:
            start += timedelta(days=1)
        rows += placement(rng, 411 + number, start, number in declined).rows
    rows.sort(key=lambda row: (row[2], row[0]))
    return rows


def main() -> None:
    rows = build()
    with OUTPUT.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for case, activity, at, owner, team in rows:
            out.writerow([case, activity, at.strftime("%Y-%m-%d %H:%M"), owner, team])
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(rows)} events")
    sys.path.insert(0, str(ROOT))  # run without installing servicekit
    from servicekit.analysis.eventlog import findings
    from servicekit.eventlog import read_event_log

    log = read_event_log(OUTPUT)
    print(log.report)
    print("\n".join(findings(log).sentences()))


if __name__ == "__main__":
    main()

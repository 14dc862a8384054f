"""The workshops the benchmarks run against: the shipped sample, and a synthetic room of participants.

The synthetic workload is what a busy room does: participants join, answer "why?" under each other's answers
and fill in a People / Process / Systems questionnaire (changing answers as the discussion goes). It goes
through the live :class:`~servicekit.workshop.Workshop` handle, exactly as a Voila page would, so the
journal's own snapshotting (every ``SNAPSHOT_EVERY`` operations) happens as it does in a workshop.
"""

from __future__ import annotations

import json
from pathlib import Path

from servicekit import create_workshop, open_workshop
from servicekit.journal import Journal
from servicekit.workshop import Workshop

__all__ = [
    "BENCH_SLUG",
    "SAMPLE_JSON",
    "SURVEY_ID",
    "TREE_ID",
    "Participant",
    "load_sample",
    "setup_room",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_JSON = REPO_ROOT / "data" / "samples" / "northbridge-search.json"
BENCH_SLUG = "bench-room"
TREE_ID = "t-bench"
SURVEY_ID = "s-bench"
JOURNEY_ID = "j-bench"
LENSES = [
    {"id": "people", "title": "People"},
    {"id": "process", "title": "Process"},
    {"id": "systems", "title": "Systems"},
]
QUESTIONS = [
    {
        "id": f"q{i:02d}",
        "text": f"Statement {i} about how the service runs today.",
        "lens": LENSES[i % 3]["id"],
    }
    for i in range(12)
]


def setup_room(db: Path, slug: str = BENCH_SLUG) -> None:
    """Create the synthetic workshop: one Five Whys tree, one 12-question survey, one journey map."""
    ws = create_workshop(slug, "Benchmark room", client="Bench Ltd", db=db)
    ws.add_tree("Customers wait three weeks for a permit decision.", tree_id=TREE_ID)
    ws.add_survey("People / Process / Systems", LENSES, QUESTIONS, survey_id=SURVEY_ID)
    stages = [
        {"id": "apply", "name": "Apply"},
        {"id": "check", "name": "Check"},
        {"id": "decide", "name": "Decide"},
    ]
    ws.add_journey(
        "Permit application", stages, ["Front desk", "Planning", "IT"], journey_id=JOURNEY_ID
    )
    ws.journal.close()


class Participant:
    """One person in the room, acting through their own handle (their own kernel, in real life).

    :meth:`act` performs the ``i``-th action of a fixed mix: mostly "why?" answers and questionnaire
    answers, with some edits and journey steps, so the state grows the way a workshop's does.
    """

    def __init__(self, db: Path, name: str, slug: str = BENCH_SLUG) -> None:
        self.ws: Workshop = open_workshop(slug, db=db, actor=name)
        self.name = name
        self.ws.join(
            name,
            department=("Planning", "Front desk", "IT")[sum(map(ord, name)) % 3],
            role="officer",
        )
        self.respondent = self.ws.add_respondent(SURVEY_ID, department="Planning", role="officer")
        self.last_node: str | None = None
        self.my_nodes: list[str] = []

    def act(self, i: int) -> None:
        """Do the ``i``-th action of the mix (one journal operation)."""
        ws = self.ws
        slot = i % 10
        if slot < 4:  # 40 %: answer "why?" under my last answer (a new chain every fifth answer)
            parent = self.last_node if self.my_nodes and len(self.my_nodes) % 5 else None
            self.last_node = ws.add_why(
                TREE_ID,
                parent,
                f"Because of reason {i} noted by {self.name}.",
                evidence="Seen in the case files",
                confidence="fact",
                lens="process",
            )
            self.my_nodes.append(self.last_node)
        elif slot < 8:  # 40 %: answer (or change the answer to) a question
            ws.answer(
                SURVEY_ID,
                self.respondent,
                QUESTIONS[i % len(QUESTIONS)]["id"],
                1 + i % 5,
                comment="" if i % 3 else f"Comment {i}",
            )
        elif slot == 8 and self.my_nodes:  # 10 %: reword one of my answers
            ws.edit_why(
                TREE_ID, self.my_nodes[i % len(self.my_nodes)], answer=f"Reworded reason {i}."
            )
        else:  # 10 %: add a step to the actual journey
            ws.add_step(
                JOURNEY_ID, "actual", f"Step {i} by {self.name}", stage="check", owner="Planning"
            )

    def close(self) -> None:
        """Close this participant's database connection."""
        self.ws.journal.close()


def load_sample(db: Path) -> tuple[str, str]:
    """Put the shipped sample workshop into ``db``; return its slug and a note for the report.

    When the sample file is missing, a small synthetic workshop (a few participants, about 120 operations)
    stands in, and the note says so.
    """
    if SAMPLE_JSON.exists():
        with SAMPLE_JSON.open(encoding="utf-8") as fh:
            data = json.load(fh)
        with Journal(db) as journal:
            slug = journal.import_(data, source=str(SAMPLE_JSON))
            count = journal.last_seq(slug)
        return slug, f"sample {SAMPLE_JSON.name}, {count} operations"
    setup_room(db)
    people = [Participant(db, f"person-{k}") for k in range(4)]
    for i in range(28):
        for person in people:
            person.act(i)
    for person in people:
        person.close()
    return (
        BENCH_SLUG,
        f"{SAMPLE_JSON.relative_to(REPO_ROOT)} missing: a synthetic workshop of ~120 operations",
    )

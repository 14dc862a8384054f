"""A writer process for the concurrency and crash tests (run as a script).

Usage: journal_worker.py DB SLUG TREE ACTOR COUNT GO_FILE [WRITERS]
Waits until GO_FILE exists so every writer starts together, appends COUNT
operations through its own handle, prints each committed sequence number,
then waits until WRITERS writers are done and prints a fingerprint of the
state it caught up to.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from servicekit import open_workshop


def main() -> None:
    db, slug, tree, actor, count, go = sys.argv[1:7]
    writers = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    ws = open_workshop(slug, db=db, actor=actor)
    survey = next(iter(ws.state.surveys))
    respondent = ws.add_respondent(survey, department=actor, respondent_id=f"r-{actor}")
    while not Path(go).exists():
        time.sleep(0.005)
    for i in range(int(count)):
        if i % 4 == 3:
            ws.answer(survey, respondent, "q1", i % 5 + 1)
        else:
            ws.add_why(tree, None, f"{actor}#{i}")
        print(f"committed {ws.seq}", flush=True)
    Path(f"{go}.done.{actor}").touch()
    while len(list(Path(go).parent.glob(f"{Path(go).name}.done.*"))) < writers:
        time.sleep(0.01)
    ws.refresh()
    fresh = open_workshop(slug, db=db)
    digest = hashlib.sha256(json.dumps(ws.state.to_dict(), sort_keys=True).encode()).hexdigest()
    assert fresh.state == ws.state
    print(f"state {digest}", flush=True)


if __name__ == "__main__":
    main()

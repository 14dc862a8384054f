"""What the sample build scripts share: a room of live handles, and writing the export."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from servicekit import Workshop, open_workshop


class Room:
    """One live handle per person, all on the same database, as if each had their own page open."""

    def __init__(self, db: Path, facilitator: Workshop) -> None:
        self.db = db
        self.slug = facilitator.slug
        self.handles: dict[str, Workshop] = {facilitator.actor: facilitator}

    def __call__(self, actor: str) -> Workshop:
        if actor not in self.handles:
            self.handles[actor] = open_workshop(self.slug, db=self.db, actor=actor)
        return self.handles[actor]

    def close(self) -> None:
        for handle in self.handles.values():
            handle.journal.close()


def write_sample(build: Callable[[Path], dict], output: Path, root: Path) -> None:
    """Build the workshop in a throw-away database and write its export to ``output``."""
    with tempfile.TemporaryDirectory() as tmp:
        data = build(Path(tmp) / "sample.db")
    with output.open("w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, ensure_ascii=False, sort_keys=False)
        out.write("\n")
    state = data["workshop"]
    print(
        f"Wrote {output.relative_to(root)}: {len(data['operations'])} operations, "
        f"{len(state['participants'])} participants."
    )

"""Finding widgets in an app's tree, for headless UI tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets


def find(
    root: widgets.Widget, kind: type, css: str | None = None, **attrs: object
) -> list[widgets.Widget]:
    """Widgets of a type (and CSS class, and attribute values) under ``root``, in display order."""
    found = []
    stack = [root]
    while stack:
        w = stack.pop(0)
        if (
            isinstance(w, kind)
            and (css is None or css in w._dom_classes)
            and all(getattr(w, k, None) == v for k, v in attrs.items())
        ):
            found.append(w)
        stack[:0] = list(getattr(w, "children", ()))
    return found


def type_into(box: widgets.Widget, text: str) -> None:
    """What a person does: type into a field and press Enter (or leave it)."""
    box.value = text


#: Libraries a participant's kernel must not load: each costs seconds or tens of MiB.
HEAVY = ("altair", "networkx", "pandas", "vl_convert", "yaml")


def heavy_modules_after(code: str, db: Path) -> list[str]:
    """Run ``code`` in a fresh interpreter on the database ``db``; the heavy libraries it loaded."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    env = {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "SERVICEKIT_DB": str(db),
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))

"""Running a measuring script in a fresh interpreter, as a new kernel would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_child(code: str, label: str, timeout: float = 120) -> dict[str, Any]:
    """Run ``code`` with the checkout importable and no SERVICEKIT_* settings; return its RESULT line.

    The script reports by printing one line ``RESULT <json>``; anything else it prints is ignored.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEKIT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
        timeout=timeout,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT ") :]))
    raise RuntimeError(
        f"{label} child failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
    )

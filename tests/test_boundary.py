"""Import boundaries: the models are pure, a participant's path stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("ipywidgets", "altair", "pandas", "networkx", "IPython")


def _loaded_after(code: str, tmp_path: Path) -> set[str]:
    probe = f"""
import sys
{code}
print(sorted({{m.split('.')[0] for m in sys.modules}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            "PYTHONPATH": str(REPO),
            "SERVICEKIT_DB": str(tmp_path / "b.db"),
            "PATH": "/usr/bin:/bin",
        },
    ).stdout
    return set(eval(out))  # a printed list of module names


def test_models_import_only_the_standard_library(tmp_path: Path) -> None:
    # What a bare interpreter loads (site hooks such as an editable-install finder) is not ours.
    baseline = _loaded_after("pass", tmp_path)
    loaded = _loaded_after("import servicekit.models", tmp_path) - baseline
    assert not set(HEAVY) & loaded
    third_party = {m for m in loaded if m not in sys.stdlib_module_names} - {"servicekit"}
    assert not third_party, third_party


def test_opening_a_workshop_loads_no_heavy_library(tmp_path: Path) -> None:
    code = (
        "import servicekit\n"
        "ws = servicekit.create_workshop('x', 'X')\n"
        "servicekit.open_workshop('x').add_tree('P')"
    )
    assert not set(HEAVY) & _loaded_after(code, tmp_path)

"""One Voila server for a benchmark run, started exactly as ``servicekit serve`` starts it.

Starting, readiness and stopping come from :mod:`servicekit.serve`, so the figures describe the real server.
This module only prepares what is served (a temporary directory holding the reference notebooks and the
chosen servicekit notebooks, and a temporary database holding the sample workshop) and finds Voila's kernel
processes through ``/proc`` to read their memory.

Culling keeps ``servicekit serve``'s settings (60 s idle, checked every 10 s): shorter culling would also
remove the kernel of a page that is slow to connect its websocket, which happens in a burst on 2 cores. To
start every measurement on a quiet machine, :meth:`VoilaRun.shut_down_kernels` instead asks Voila to shut the
remaining kernels down, with the request a page sends on unload (``POST /voila/api/shutdown/<kernel id>``)
plus the XSRF cookie/header pair that Voila's render page fails to set (voila issue #1458).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from _report import log
from _workload import REPO_ROOT, load_sample

from servicekit.serve import free_port, start_voila, stop, wait_until_ready

__all__ = ["REFERENCES", "VoilaRun", "kernel_rss_mib"]

BENCH_NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
SERVICEKIT_NOTEBOOKS = REPO_ROOT / "notebooks"
#: The reference pages every run measures beside servicekit's, in this order.
REFERENCES = ("empty.ipynb", "widgets_only.ipynb", "naive.ipynb")
#: A fixed XSRF token sent as cookie and header alike (tornado's double-submit check compares the two).
_XSRF = "5e7v1cek1tbench0" * 2


def kernel_rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (``VmRSS``), or NaN if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class VoilaRun:
    """A Voila server on a temporary directory and database; use it as a context manager.

    ``notebooks`` names servicekit notebooks from ``notebooks/`` to serve beside the references
    (None: all of them).
    """

    def __init__(self, notebooks: list[str] | None = None) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="sk-bench-pages-"))
        self.root = self._tmp / "served"
        self.root.mkdir()
        self.log_path = self._tmp / "voila.log"
        for name in REFERENCES:
            shutil.copy2(BENCH_NOTEBOOKS / name, self.root / name)
        available = sorted(p.name for p in SERVICEKIT_NOTEBOOKS.glob("*.ipynb"))
        wanted = available if notebooks is None else notebooks
        missing = [n for n in wanted if n not in available]
        if missing:
            raise FileNotFoundError(
                f"No {missing[0]} in {SERVICEKIT_NOTEBOOKS}. Available: {available}."
            )
        for name in wanted:
            shutil.copy2(SERVICEKIT_NOTEBOOKS / name, self.root / name)
        self.pages = [*REFERENCES, *wanted]
        self.db = self._tmp / "workshop.db"
        self.slug, self.sample_note = load_sample(self.db)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> VoilaRun:
        env = {**os.environ, "SERVICEKIT_DB": str(self.db), "SERVICEKIT_WORKSHOP": self.slug}
        pythonpath = [
            str(REPO_ROOT),
            *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p],
        ]
        # Kernels import servicekit from this checkout.
        env["PYTHONPATH"] = os.pathsep.join(pythonpath)
        log(
            f"pages: starting Voila on port {self.port} serving {', '.join(self.pages)} ({self.sample_note})"
        )
        with self.log_path.open("wb") as out:
            self.proc = start_voila(
                port=self.port,
                notebook_dir=self.root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        t0 = time.perf_counter()
        try:
            wait_until_ready(self.url, timeout=120, proc=self.proc)
        except Exception:
            self.__exit__(None, None, None)
            raise
        log(f"pages: Voila answered after {time.perf_counter() - t0:.1f} s")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def page_url(self, notebook: str) -> str:
        """The address a participant's link gives for a notebook."""
        return f"{self.url}voila/render/{notebook}"

    def kernel_pids(self) -> set[int]:
        """Process ids of the kernels Voila runs now (its children running ``ipykernel_launcher``)."""
        assert self.proc is not None, "the server is not running"
        pids = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:  # ended while we looked
                continue
            if (
                int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid
                and b"ipykernel_launcher" in cmdline
            ):
                pids.add(int(entry.name))
        return pids

    def wait_for_no_kernels(self, timeout: float = 30.0, among: set[int] | None = None) -> float:
        """Wait until none of ``among`` (default: any kernel) runs; return the seconds waited."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            alive = self.kernel_pids()
            if not (alive & among if among is not None else alive):
                break
            time.sleep(0.1)
        return time.perf_counter() - t0

    def shut_down_kernels(self, timeout: float = 60.0) -> int:
        """Ask Voila to shut down every kernel it runs, wait until they are gone; return how many there were."""
        pids = self.kernel_pids()
        for pid in pids:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            found = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
            if not found:
                continue
            request = urllib.request.Request(
                f"{self.url}voila/api/shutdown/{found.group(1)}",
                data=b"",
                method="POST",
                headers={"Cookie": f"_xsrf={_XSRF}", "X-XSRFToken": _XSRF},
            )
            with contextlib.suppress(urllib.error.HTTPError):  # already gone (404): fine
                urllib.request.urlopen(request, timeout=30).close()
        self.wait_for_no_kernels(timeout)
        left = self.kernel_pids()
        if left:
            raise RuntimeError(
                f"Voila still runs kernels {sorted(left)} {timeout:g} s after shutdown requests."
            )
        return len(pids)

    def log_tail(self, chars: int = 3000) -> str:
        """The end of Voila's output, for error messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

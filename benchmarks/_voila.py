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

With ``preheat`` the server is started with Voila's preheated kernels (``--preheat_kernel=True``, a pool per
notebook, a refill delay): Voila then starts a kernel for every notebook in the served directory and runs the
notebook in it before anyone asks, so serve only the notebooks under test. :meth:`VoilaRun.preheated_kernel`
reads Voila's log to tell which pooled kernel a page was given.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from _report import log
from _workload import REPO_ROOT, load_sample

from servicekit.serve import free_port, start_voila, stop, wait_until_ready

__all__ = [
    "BENCH_NOTEBOOKS",
    "REFERENCES",
    "Preheat",
    "VoilaRun",
    "denylist",
    "kernel_cpu_ticks",
    "kernel_rss_mib",
    "loads_library",
]

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


def kernel_cpu_ticks(pid: int) -> int:
    """CPU time a process has used so far (user + system), in clock ticks; -1 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])


def loads_library(pid: int, name: str) -> bool | None:
    """Whether a process has a file whose path contains ``name`` mapped (a loaded extension module)."""
    try:
        return name in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None


@dataclass(frozen=True)
class Preheat:
    """Voila's preheated kernels: ``pool_size`` kernels per notebook, refilled ``fill_delay`` s after use.

    Notebooks named in ``cold`` get no pool (Voila's ``preheat_denylist``): their pages start a kernel
    each, as without preheating, on the same server and in the same minutes as the preheated pages.
    """

    pool_size: int = 1
    fill_delay: float = 15.0
    cold: tuple[str, ...] = ()

    def options(self) -> list[str]:
        """The Voila command-line options (``--preheat_kernel`` and ``--pool_size`` as ``voila --help-all``
        lists them for Voila 0.5; ``fill_delay`` and ``preheat_denylist`` are traits of the kernel manager
        class Voila builds when preheating, so help does not list them, but they are honoured)."""
        return [
            "--preheat_kernel=True",
            f"--pool_size={self.pool_size}",
            f"--VoilaKernelManager.fill_delay={self.fill_delay:g}",
            *denylist(self.cold),
        ]


def denylist(notebooks: Sequence[str]) -> list[str]:
    """Voila's options that deny ``notebooks`` a kernel pool: their pages start a kernel each."""
    return [f"--VoilaKernelManager.preheat_denylist={name}" for name in notebooks]


class VoilaRun:
    """A Voila server on a temporary directory and database; use it as a context manager.

    ``notebooks`` names servicekit notebooks from ``notebooks/`` to serve beside ``references``
    (None: all of them); ``preheat`` switches Voila's preheated kernels on. ``prepare`` is called with the
    served directory once those are copied, to add what else the server must serve (the pages it adds are
    served too); ``options`` are more Voila options, after ``preheat``'s. ``label`` starts the progress lines.
    """

    def __init__(
        self,
        notebooks: list[str] | None = None,
        references: tuple[str, ...] = REFERENCES,
        preheat: Preheat | None = None,
        *,
        prepare: Callable[[Path], object] | None = None,
        options: Sequence[str] = (),
        label: str = "pages",
    ) -> None:
        self.preheat = preheat
        self.options = list(options)
        self.label = label
        self._tmp = Path(tempfile.mkdtemp(prefix="sk-bench-pages-"))
        self.root = self._tmp / "served"
        self.root.mkdir()
        self.log_path = self._tmp / "voila.log"
        for name in references:
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
        self.pages = [*references, *wanted]
        if prepare is not None:
            prepare(self.root)
            added = sorted(p.name for p in self.root.glob("*.ipynb") if p.name not in self.pages)
            self.pages += added
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
        extra = [*(self.preheat.options() if self.preheat else ()), *self.options]
        how = f"options {' '.join(extra)}" if extra else "no preheating"
        log(
            f"{self.label}: starting Voila on port {self.port} serving {', '.join(self.pages)} ({how}; "
            f"{self.sample_note})"
        )
        with self.log_path.open("wb") as out:
            self.proc = start_voila(
                port=self.port,
                notebook_dir=self.root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                extra=extra,
            )
        t0 = time.perf_counter()
        try:
            wait_until_ready(self.url, timeout=120, proc=self.proc)
        except Exception:
            self.__exit__(None, None, None)
            raise
        log(f"{self.label}: Voila answered after {time.perf_counter() - t0:.1f} s")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def page_url(self, notebook: str) -> str:
        """The address of a notebook's page, with the facilitator's key on a facilitator page.

        Participant pages and the reference notebooks need no key, so their addresses are made without
        opening the database (the kernels may have moved it to a newer schema than this process knows).
        """
        url = f"{self.url}voila/render/{notebook}"
        name = notebook.split("?")[0]
        if (
            name in ("participant.ipynb", "survey.ipynb")
            or not (SERVICEKIT_NOTEBOOKS / name).exists()
        ):
            return url
        from servicekit.journal import Journal

        with Journal(self.db) as journal:
            key = journal.secret(self.slug, "facilitator")
        return url + ("&" if "?" in notebook else "?") + f"key={key}"

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

    @staticmethod
    def kernel_id(pid: int) -> str | None:
        """The Jupyter kernel id of a kernel process (from its connection file's name)."""
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return None
        found = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
        return found.group(1) if found else None

    def pids_of(self, kernel_ids: set[str]) -> dict[str, int]:
        """The process ids of those of ``kernel_ids`` that Voila still runs, by kernel id."""
        running = {self.kernel_id(pid): pid for pid in self.kernel_pids()}
        return {kid: running[kid] for kid in kernel_ids if kid in running}

    def log_size(self) -> int:
        """How many bytes Voila has logged so far (a mark for :meth:`preheated_kernel`)."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_count(self, text: str) -> int:
        """How many times ``text`` occurs in Voila's log."""
        return self.log_path.read_text(errors="replace").count(text)

    def preheated_kernel(self, notebook: str, since: int) -> str | None:
        """The id of the preheated kernel Voila gave a page of ``notebook`` after log offset ``since``."""
        found = self.preheated_kernels(notebook, since)
        return found[0] if found else None

    def waiting_kernels(self) -> set[int]:
        """Kernels running now that Voila has given no page: the preheated pools' members (and any kernel
        a page started itself that is still running)."""
        given = set(self.preheated_kernels(""))
        return {pid for pid in self.kernel_pids() if self.kernel_id(pid) not in given}

    def preheated_kernels(self, notebook: str, since: int = 0) -> list[str]:
        """The ids of every pooled kernel Voila gave pages of ``notebook`` after log offset ``since``
        (of any notebook when ``notebook`` is empty)."""
        with self.log_path.open("rb") as fh:
            fh.seek(since)
            text = fh.read().decode(errors="replace")
        name = re.escape(notebook) if notebook else r"\S+"
        return re.findall(rf"Using pre-heated kernel: ([0-9a-f-]{{36}}) for {name}$", text, re.M)

    def shut_down_kernels(self, timeout: float = 60.0, only: set[int] | None = None) -> int:
        """Ask Voila to shut down every kernel it runs (or those in ``only``), wait until they are gone.

        Returns how many there were. A preheated run shuts down only the kernels pages used: shutting a
        pooled kernel down empties its pool for good.
        """
        pids = self.kernel_pids() if only is None else self.kernel_pids() & only
        for pid in pids:
            kernel_id = self.kernel_id(pid)
            if kernel_id is None:
                continue
            request = urllib.request.Request(
                f"{self.url}voila/api/shutdown/{kernel_id}",
                data=b"",
                method="POST",
                headers={"Cookie": f"_xsrf={_XSRF}", "X-XSRFToken": _XSRF},
            )
            with contextlib.suppress(urllib.error.HTTPError):  # already gone (404): fine
                urllib.request.urlopen(request, timeout=30).close()
        self.wait_for_no_kernels(timeout, only)
        left = self.kernel_pids() if only is None else self.kernel_pids() & only
        if left:
            raise RuntimeError(
                f"Voila still runs kernels {sorted(left)} {timeout:g} s after shutdown requests."
            )
        return len(pids)

    def culled_kernels(self, since: int = 0) -> dict[str, str]:
        """Kernels Voila culled after log offset ``since``: by kernel id, its log line's reason."""
        with self.log_path.open("rb") as fh:
            fh.seek(since)
            text = fh.read().decode(errors="replace")
        found = re.findall(
            r"Culling '\w+' kernel '[^']*' \(([0-9a-f-]{36})\) (with \d+ connections due to \d+ "
            r"seconds of inactivity)",
            text,
        )
        return dict(found)

    def log_tail(self, chars: int = 3000) -> str:
        """The end of Voila's output, for error messages."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

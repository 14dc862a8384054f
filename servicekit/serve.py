"""Build, start and stop the Voila server that shows servicekit's notebooks.

``servicekit serve`` and the browser tests both go through this module, so a participant's page is served the
same way in a workshop and under test. It imports only the standard library: the CLI loads it on every call.

The server is Voila in directory mode on :data:`NOTEBOOK_DIR`, rendered with the ``servicekit`` Voila template
(Voila's ``lab`` page with nothing fetched from another host), and with idle-kernel culling switched on.
Voila's own page cannot shut its kernel down when it closes (the request is refused for want of an
``_xsrf`` cookie, voila issue #1458); the servicekit template sets that cookie, so a closed or reloaded page
frees its kernel at once. Culling is the second line: a phone that drops off the wifi sends nothing on its
way out, and its kernel goes after ``cull_idle_seconds`` without a connection.

The child inherits the environment, so kernels see ``SERVICEKIT_DB`` and ``SERVICEKIT_WORKSHOP``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

__all__ = [
    "NOTEBOOK_DIR",
    "VOILA_TEMPLATE",
    "VOILA_TEMPLATE_DIR",
    "VoilaNotReady",
    "free_port",
    "start_voila",
    "stop",
    "voila_command",
    "voila_environment",
    "wait_until_ready",
]

_REPO_ROOT = Path(__file__).resolve().parent.parent

NOTEBOOK_DIR = _REPO_ROOT / "notebooks"
"""The notebooks Voila serves: one thin notebook per page, from the source checkout (editable install)."""

VOILA_TEMPLATE_DIR = _REPO_ROOT / "templates" / "voila"
"""Voila templates shipped with servicekit, laid out as Voila expects: ``templates/<name>/`` below this.

Voila finds templates only in Jupyter data directories (``<data dir>/voila/templates/<name>``), and an editable
install copies no data files, so :func:`voila_environment` puts ``templates/`` on ``JUPYTER_PATH``: edits need
no reinstall. Voila then also takes this directory for its data directory, which matters only for JupyterLab
themes other than its built-in light and dark ones.
"""

VOILA_TEMPLATE = "servicekit"
"""The name Voila knows the servicekit template by (``--template``)."""


class VoilaNotReady(RuntimeError):
    """Voila exited, or did not answer in time."""


def voila_command(
    *,
    port: int,
    host: str = "127.0.0.1",
    notebook_dir: Path = NOTEBOOK_DIR,
    cull_idle_seconds: int = 60,
    cull_interval_seconds: int = 10,
    open_browser: bool = False,
    extra: Sequence[str] = (),
) -> list[str]:
    """Return the command line that serves ``notebook_dir`` with Voila.

    Parameters
    ----------
    port, host
        Where Voila listens. Voila tries no other port: the address servicekit prints must be the real one.
    notebook_dir
        Directory served in Voila's directory mode; pages live at ``/voila/render/<name>.ipynb``.
    cull_idle_seconds, cull_interval_seconds
        A kernel with no open page and no activity for ``cull_idle_seconds`` is shut down; the check runs
        every ``cull_interval_seconds``. This is what frees the kernels of closed pages. A page whose
        connection drops for longer (a phone that locks its screen) loses its kernel too and must be
        reloaded; the workshop itself is safe in the database.
    open_browser
        Open the tree page in the local browser once the server is up.
    extra
        More Voila options (``--name=value``); one spelled like an option set here replaces it.

    Examples
    --------
    >>> cmd = voila_command(port=8870)
    >>> cmd[1:3], "--port=8870" in cmd, "--template=servicekit" in cmd
    (['-m', 'voila'], True, True)
    """
    if cull_idle_seconds <= 0 or cull_interval_seconds <= 0:
        msg = (
            f"Kernel culling needs positive times, received cull_idle_seconds={cull_idle_seconds!r} and "
            f"cull_interval_seconds={cull_interval_seconds!r}. Without culling, closed pages keep their kernels."
        )
        raise ValueError(msg)
    # With a pool of preheated kernels, Voila runs through servicekit.voila_pool: same Voila, but a
    # burst of arrivals never waits for a delayed refill, and a pooled kernel is not culled on its
    # way to its page.
    preheat = "--preheat_kernel=True" in extra
    command = [
        sys.executable,
        "-m",
        "servicekit.voila_pool" if preheat else "voila",
        str(notebook_dir),
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--Voila.ip={host}",
        f"--template={VOILA_TEMPLATE}",
        # A page may not ask for another template (?voila-template=lab would bring the CDN links back).
        "--VoilaConfiguration.allow_template_override=NO",
        # Culling spares kernels with an open connection (cull_connected stays False): an open page keeps
        # its kernel however long the participant is idle, and a closed page's kernel has no connection
        # left, so it goes (measured with Voila 0.5.13).
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_interval_seconds}",
    ]
    if not open_browser:
        command.append("--no-browser")
    # Voila refuses an option given twice, so an extra option replaces ours of the same spelling.
    replaced = {option.split("=", 1)[0] for option in extra}
    return [arg for arg in command if arg.split("=", 1)[0] not in replaced] + list(extra)


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def start_voila(
    *,
    port: int,
    host: str = "127.0.0.1",
    notebook_dir: Path = NOTEBOOK_DIR,
    cull_idle_seconds: int = 60,
    cull_interval_seconds: int = 10,
    open_browser: bool = False,
    extra: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    stdout: int | IO[bytes] | None = None,
    stderr: int | IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """Start Voila in the background and return its process (arguments as for :func:`voila_command`).

    Voila runs in its own process group, so a Ctrl-C in the terminal reaches only servicekit, which then
    stops Voila with :func:`stop`. ``env`` replaces the inherited environment when given (servicekit's
    templates are added to it either way, see :func:`voila_environment`); ``stdout`` and
    ``stderr`` are passed to :class:`subprocess.Popen` (``None`` inherits, ``subprocess.PIPE`` captures).
    """
    _check_sources(notebook_dir)
    command = voila_command(
        port=port,
        host=host,
        notebook_dir=notebook_dir,
        cull_idle_seconds=cull_idle_seconds,
        cull_interval_seconds=cull_interval_seconds,
        open_browser=open_browser,
        extra=extra,
    )
    return subprocess.Popen(
        command,
        env=voila_environment(env),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def wait_until_ready(
    url: str, timeout: float = 60.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``url`` until it answers 200; raise :class:`VoilaNotReady` on timeout or if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            msg = f"Voila exited with code {proc.returncode} before {url} answered."
            raise VoilaNotReady(msg)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            last_error = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.2)
    msg = f"{url} did not answer 200 within {timeout:g} s (last: {last_error})."
    raise VoilaNotReady(msg)


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """Stop Voila: SIGTERM to its process group, then SIGKILL after ``timeout`` seconds; return its exit code.

    On SIGTERM Voila shuts its kernels down and exits. A second Ctrl-C while it does so kills it at once;
    its kernels then notice that their parent is gone and exit within a second or so.
    """
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
    else:
        # Voila is gone, but a straggler it started in its group may not be.
        _signal_group(proc, signal.SIGKILL)
    return proc.returncode


def voila_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with servicekit's templates on ``JUPYTER_PATH``.

    Everything else passes through unchanged, so kernels see ``SERVICEKIT_DB`` and ``SERVICEKIT_WORKSHOP``.
    """
    env = dict(os.environ if base is None else base)
    data_dir = str(VOILA_TEMPLATE_DIR.parent)
    paths = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != data_dir]
    env["JUPYTER_PATH"] = os.pathsep.join([data_dir, *paths])
    return env


def _check_sources(notebook_dir: Path) -> None:
    """Fail early, saying what to do, when the notebooks or the template are not where Voila will look."""
    template = VOILA_TEMPLATE_DIR / "templates" / VOILA_TEMPLATE / "index.html.j2"
    for needed in (notebook_dir, template):
        if not needed.exists():
            msg = (
                f"servicekit cannot serve: {needed} does not exist. servicekit serves from its source "
                f"checkout; install it with `pip install -e <checkout>` (`make run` does that)."
            )
            raise FileNotFoundError(msg)


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)

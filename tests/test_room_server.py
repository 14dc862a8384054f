"""Serving the room: two real Voila servers, the participants' one with nothing of the facilitator's."""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit.room_server import (
    PARTICIPANT_NOTEBOOKS,
    Pool,
    lan_address,
    participant_notebook_dir,
    qr_svg,
    qr_text,
)
from servicekit.serve import free_port

pytestmark = pytest.mark.slow


def test_lan_address_is_an_address() -> None:
    address = ipaddress.ip_address(lan_address())
    assert address.version == 4 and not address.is_unspecified


def test_participant_folder_holds_participant_pages_only(tmp_path: Path) -> None:
    folder = participant_notebook_dir(tmp_path / "p")
    assert sorted(p.name for p in folder.iterdir()) == sorted(PARTICIPANT_NOTEBOOKS)


def test_pool_options() -> None:
    assert Pool(size=0).options() == []
    assert Pool(size=4, fill_delay=45).options() == [
        "--preheat_kernel=True",
        "--pool_size=4",
        "--VoilaKernelManager.fill_delay=45",
    ]


def test_qr_codes_carry_the_address() -> None:
    url = "http://192.168.1.20:8867/voila/render/participant.ipynb"
    svg = qr_svg(url, "Scan to join")
    assert svg.startswith("<svg") and "<title>Scan to join</title>" in svg
    assert "<script" not in svg and "href" not in svg
    assert qr_svg(url) != qr_svg(url.replace("20", "21")), "the code depends on the address"
    text = qr_text(url)
    assert len(text.splitlines()) > 15 and set(text) <= set("█▀▄ \n")


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """``servicekit serve --sample`` as a facilitator types it, on free ports and a fresh database."""
    workdir = tmp_path_factory.mktemp("room")
    port, participant_port = free_port(), free_port()
    env = {**os.environ, "SERVICEKIT_DB": str(workdir / "s.db")}
    env.pop("SERVICEKIT_WORKSHOP", None)
    log = (workdir / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "servicekit", "serve", "--sample",
            "--port", str(port), "--participant-port", str(participant_port),
            "--pool-size", "1",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    text = ""
    while time.monotonic() < deadline and "Press Ctrl-C" not in text:
        if proc.poll() is not None:
            break
        time.sleep(0.5)
        text = (workdir / "serve.log").read_text()
    if "Press Ctrl-C" not in text:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"servicekit serve did not come up:\n{text[-3000:]}")
    yield {"proc": proc, "port": port, "participant_port": participant_port, "log": text}
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    log.close()


def test_serve_prints_both_addresses_and_a_qr_code(room: dict[str, object]) -> None:
    text = str(room["log"])
    start = next(line for line in text.splitlines() if "start page" in line)
    assert f"http://127.0.0.1:{room['port']}/voila/render/start.ipynb?key=" in start
    join = next(line for line in text.splitlines() if line.startswith("Participants join at"))
    assert f":{room['participant_port']}/voila/render/participant.ipynb" in join
    assert "▀" in text or "▄" in text, "a QR code in the terminal"


def test_participants_reach_participant_pages_only(room: dict[str, object]) -> None:
    participants = f"http://127.0.0.1:{room['participant_port']}/voila/render/"
    assert _get(participants + "participant.ipynb") == 200
    for facilitator_page in (
        "start.ipynb",
        "five_whys.ipynb",
        "journey_map.ipynb",
        "survey_dashboard.ipynb",
    ):
        assert _get(participants + facilitator_page) == 404, facilitator_page


def test_facilitator_pages_listen_on_this_laptop_only(room: dict[str, object]) -> None:
    assert _get(f"http://127.0.0.1:{room['port']}/voila/render/start.ipynb") == 200
    address = lan_address()
    if address == "127.0.0.1":
        pytest.skip("this machine has no network address to try from")
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://{address}:{room['port']}/", timeout=5)
    assert (
        _get(f"http://{address}:{room['participant_port']}/voila/render/participant.ipynb") == 200
    )


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_a_closed_terminal_stops_both_servers(tmp_path: Path) -> None:
    """SIGTERM or SIGHUP to servicekit (a terminal closed on it) stops its Voila servers too."""
    env = {**os.environ, "SERVICEKIT_DB": str(tmp_path / "s.db")}
    env.pop("SERVICEKIT_WORKSHOP", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "servicekit", "serve", "--sample", "--pool-size", "0",
                "--port", str(free_port()), "--participant-port", str(free_port()),
            ],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 180
            while "Press Ctrl-C" not in log.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()[-3000:]
                time.sleep(0.5)
            servers = _children(proc.pid)
            assert len(servers) == 2, servers
            proc.send_signal(signal.SIGHUP)  # to servicekit alone, as a closing terminal does
            assert proc.wait(timeout=60) == 0
            for pid in servers:
                assert (
                    not Path(f"/proc/{pid}").exists()
                    or "Z" in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
                ), f"Voila {pid} outlived servicekit"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)


def test_the_pool_hands_out_ready_kernels_only_and_marks_them_active() -> None:
    """A refill still waiting out its delay is no waiting kernel; a handed-out kernel is active."""
    import asyncio
    import datetime as dt
    import threading
    import types

    from servicekit.voila_pool import ready_first

    class FakeManager:  # what Voila's factory returns: a pool of render tasks per notebook
        def __init__(self, pool: list[asyncio.Future[dict[str, str]]]) -> None:
            self._pools = {"p.ipynb": pool}
            self.kernels = {"ready": types.SimpleNamespace(last_activity=None)}

        def get_kernel(self, kernel_id: str) -> types.SimpleNamespace:
            return self.kernels[kernel_id]

        async def get_rendered_notebook(self, name: str) -> tuple[None, list[str], str]:
            task = self._pools[name].pop(0)
            return None, [], (await task)["kernel_id"]

    def factory(base: type, preheat: bool, size: int) -> type:
        return FakeManager

    assert ready_first(factory)(object, False, 0) is FakeManager, "no pool: Voila's own manager"

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        pending: asyncio.Future[dict[str, str]] = loop.create_future()  # a refill in its delay
        ready: asyncio.Future[dict[str, str]] = loop.create_future()
        ready.set_result({"kernel_id": "ready"})
        manager = ready_first(factory)(object, True, 2)([pending, ready])
        assert manager.get_pool_size("p.ipynb") == 1
        before = dt.datetime.now(dt.UTC)
        _task, _cache, kernel = await asyncio.wait_for(
            manager.get_rendered_notebook("p.ipynb"), timeout=2
        )
        assert kernel == "ready", "the ready kernel, not the refill still waiting"
        assert manager.kernels["ready"].last_activity >= before
        assert manager.get_pool_size("p.ipynb") == 0, "a pending refill is not a waiting kernel"
        pending.cancel()

    # In a thread: the browser tests' Playwright keeps an event loop running in this one.
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # handed back to the test below
            failures.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the pool's scenario did not finish"
    if failures:
        raise failures[0]


def test_a_second_arrival_does_not_wait_for_a_delayed_refill(tmp_path: Path) -> None:
    """Pool of one, 60 s refill delay: the second page starts its own kernel instead of waiting."""
    from servicekit.serve import start_voila, stop, wait_until_ready

    env = {**os.environ, "SERVICEKIT_DB": str(tmp_path / "s.db")}
    folder = participant_notebook_dir(tmp_path / "p")
    port = free_port()
    with (tmp_path / "voila.log").open("w") as log:
        proc = start_voila(
            port=port, notebook_dir=folder, extra=Pool(size=1, fill_delay=60).options(),
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/", timeout=120, proc=proc)
            deadline = time.monotonic() + 120
            while (
                "Kernel pool of participant.ipynb is filled"
                not in (tmp_path / "voila.log").read_text()
                and time.monotonic() < deadline
            ):
                time.sleep(0.5)
            page = f"http://127.0.0.1:{port}/voila/render/participant.ipynb"
            assert _get(page) == 200  # takes the waiting kernel
            started = time.monotonic()
            assert _get(page) == 200  # the refill waits out its 60 s: this one starts its own
            assert time.monotonic() - started < 45, (tmp_path / "voila.log").read_text()[-2000:]
        finally:
            stop(proc)

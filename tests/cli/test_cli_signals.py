"""SIGTERM and SIGHUP end ``oxpreflight check`` like Ctrl-C: one line, 128 + the signal, and no
worker process left (looked up in /proc). Real processes; every wait bounded."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/wchan").exists(),
                                reason="needs Linux /proc")

ROOT = Path(__file__).resolve().parents[2]
LIMIT = {"op": "placeorder", "tag": 1, "data": {
    "marketCode": "BTC-USD-SWAP-LIN", "side": "BUY", "orderType": "LIMIT", "quantity": 1}}
LINES = (json.dumps(LIMIT) + "\n") * 50
CAPTURE = (json.dumps({"direction": "sent", "frame": LIMIT}) + "\n") * 50
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}
SAYS = {signal.SIGINT: b"oxpreflight: interrupted",
        signal.SIGTERM: b"oxpreflight: terminated (SIGTERM)",
        signal.SIGHUP: b"oxpreflight: terminated (SIGHUP)"}


def children_of(pid: int) -> list:
    """Pids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def waiting_on_stdin(pid: int) -> bool:
    try:
        return "pipe_read" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def started(argv: list, text: str, workers: int) -> tuple:
    """``python -m oxpreflight ARGV`` fed ``text`` with stdin left open, once it waits for
    more input with its ``workers`` running: ``(process, worker pids)``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "oxpreflight", *argv], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(text.encode())
    proc.stdin.flush()
    workers_seen: list = []
    for _ in range(600):  # at most a minute
        workers_seen = children_of(proc.pid)
        if proc.poll() is not None or (
                waiting_on_stdin(proc.pid) and len(workers_seen) == (workers if workers > 1 else 0)):
            break
        time.sleep(0.1)
    return proc, workers_seen


def stop(proc: subprocess.Popen, signum: int, workers: list) -> bytes:
    """Send ``signum``; what the command wrote on stderr. Leaves nothing behind, even when
    the command fails to stop its workers (they would hold its pipes open)."""
    err = b""
    try:
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    finally:
        left = [pid for pid in workers if running(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert not left, f"worker processes left running: {left}"
    return err


def assert_stopped(proc, err: bytes, workers: list, signum: int, expected: int) -> None:
    assert proc.returncode == EXIT[signum]
    assert err.strip().endswith(SAYS[signum]) and b"Traceback" not in err
    assert len(workers) == expected


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_python_m_check_when_terminated_with_workers_then_like_ctrl_c_and_every_worker_gone(
        signum):
    proc, workers = started(["check", "-", "--workers", "3"], LINES, 3)
    err = stop(proc, signum, workers)
    assert_stopped(proc, err, workers, signum, 3)


def test_python_m_check_when_terminated_without_workers_then_one_line_and_143():
    proc, workers = started(["check", "-"], LINES, 1)
    err = stop(proc, signal.SIGTERM, workers)
    assert_stopped(proc, err, workers, signal.SIGTERM, 0)


# -- fuzz: the CLI under signals at random moments ------------------------------------------------
def test_fuzz_cli_under_signals_at_random_points_then_exit_by_signal_and_no_worker_left():
    rng = random.Random(19)
    for _ in range(6):  # bounded: 6 processes, each wait at most a minute
        signum = rng.choice(list(EXIT))
        workers = rng.choice([1, 2, 3])
        command = rng.choice(["check", "audit"])
        argv = [command, "-"] + (["--workers", str(workers)] if command == "check" else [])
        workers = workers if command == "check" else 1
        text = LINES if command == "check" else CAPTURE
        text = text[:rng.randrange(len(text) // 2, len(text) + 1)]  # may end mid-line
        proc, seen = started(argv, text, workers)
        time.sleep(rng.random() * 0.2)  # somewhere while it waits for input or works
        err = stop(proc, signum, seen)
        assert_stopped(proc, err, seen, signum, workers if workers > 1 else 0)


def test_python_m_markets_pull_when_terminated_mid_fetch_then_143_and_no_file_left(tmp_path):
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)
    accepted = threading.Event()

    def drip() -> None:  # accepts, then answers one byte per 50 ms (at most 400: 20 s)
        try:
            client, _ = listener.accept()
        except OSError:
            return
        accepted.set()
        with client:
            try:
                for byte in b"HTTP/1.1 200 OK\r\n" + b"X" * 400:
                    client.sendall(bytes([byte]))
                    time.sleep(0.05)
            except OSError:
                return

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    target = tmp_path / "markets.json"
    url = "http://127.0.0.1:%d/v3/markets" % listener.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "oxpreflight", "markets", "pull", "--url",
                             url, "--timeout", "60", "-o", str(target)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert accepted.wait(60)
        time.sleep(0.2)  # inside the fetch
        err = stop(proc, signal.SIGTERM, [])
    finally:
        listener.close()
        thread.join(30)
    assert proc.returncode == 143
    assert err.strip() == SAYS[signal.SIGTERM] and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one

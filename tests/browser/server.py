"""Start and stop `streamlit run dashboard/app.py` on a free localhost port.

Shared by the browser tests and the benchmark and load scripts (plain functions, no pytest).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    data: Path | str | None = None,
    env: dict[str, str] | None = None,
    *,
    quiet: bool = False,
    script: Path | None = None,
    log: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """The app (or another Streamlit ``script``) on a free port, once `/_stcore/health`
    answers. ``data`` points it at a dataset (else the bundled one); ``quiet`` discards its
    output (long runs would fill a pipe nobody reads), ``log`` writes it to a file."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    if data is not None:
        full_env["INDICATORS_DATA"] = str(data)
    out = log.open("wb") if log else subprocess.DEVNULL if quiet else subprocess.PIPE
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script or ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    if log:
        out.close()  # the server has its own copy
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    proc.kill()
    said = (
        log.read_text(errors="replace")
        if log
        else proc.stdout.read().decode()
        if proc.stdout
        else ""
    )
    raise RuntimeError(f"streamlit did not start: {said[-2000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()

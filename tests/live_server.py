"""A real Criée process on this machine: `criee` commands, and `criee serve` on a loopback port.

Shared by the tests that drive the server from outside (tests/reliability, tests/browser) and by the
benchmarks (bench/*.py put the repository root on sys.path to import it). Every wait is bounded,
and a server is stopped by whoever started it (`LiveServer.stop()` in a `finally` or a teardown).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = (sys.executable, "-m", "auction.cli")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli_env(database_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any Criée setting of its own, plus the database, the
    data directory and `settings` (more variables, such as CRIEE_LOG_LEVEL="WARNING")."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRIEE_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": database_url, "CRIEE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    env.update(settings)
    return env


def criee(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run one `criee` command to its end; its output is captured."""
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          stdin=subprocess.DEVNULL)


def seed_demo(env: dict[str, str], timeout: float = 120) -> None:
    """`criee demo` migrates the database and seeds the demo office and its 40-lot sale."""
    result = criee("demo", env=env, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"`criee demo` failed (exit {result.returncode}):\n{result.stderr[-3000:]}\n"
                           f"{result.stdout[-1000:]}")


def drop_database(execute, name: str, attempts: int = 20) -> bool:
    """DROP DATABASE ... WITH (FORCE) through `execute(statement)`, again for a few seconds while a
    backend the FORCE may not end is still in it (an autovacuum worker runs as a superuser, and a
    non-superuser role gets "must be a member of ... pg_signal_backend"). False if it stayed."""
    for _ in range(attempts):
        try:
            execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return True
        except Exception as exc:  # noqa: BLE001 - only the "someone is still in it" refusals are retried
            if "pg_signal_backend" not in str(exc) and "being accessed by other users" not in str(exc):
                raise
            time.sleep(0.25)
    return False


class LiveServer:
    """`criee serve` on a free loopback port, started in a session of its own; its output goes to a
    log file (a file, not a pipe: a full pipe would block the server). `start()` again after `stop()`
    or `kill()` restarts it on the same port with the same environment."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1):
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def data_dir(self) -> Path:
        return Path(self.env["CRIEE_DATA_DIR"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 30) -> LiveServer:
        """Start the server and wait until it answers /sante; stops it and raises if it does not."""
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*CLI, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"`criee serve` exited with {self.process.returncode}:\n{self.logs()[-3000:]}")
            try:
                if httpx.get(self.base_url + "/sante", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"`criee serve` did not answer /sante within {timeout:.0f} s:\n{self.logs()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)     # with --workers, the workers too
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, and SIGKILL to its whole session after 10 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

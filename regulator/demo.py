"""``make demo``: the whole platform on this machine, in the foreground, until Ctrl-C.

Starts embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL say where they are, migrates,
loads the demo data (``seed_demo``, idempotent: a second run reuses the data), then runs a Celery
worker, Celery beat and the web server on http://127.0.0.1:8000 and prints the demo logins.
On Ctrl-C (or SIGTERM) it stops every process it started, and the embedded servers only if it was
this run that started them.

This is a developer's console tool: its messages are plain English and it imports no Django, so that
the children, not this process, hold the database connections.
"""

import argparse
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from regulator import embedded

BASE_DIR = embedded.BASE_DIR
LOG_DIR = embedded.VAR_DIR / "log"
STOP_TIMEOUT_SECONDS = 20


class Stop(Exception):
    """Raised by the signal handler to unwind to the clean-up."""


def _on_signal(signum, _frame):
    raise Stop(signal.Signals(signum).name)


def _say(message: str = "") -> None:
    print(message, flush=True)


def _die_with_parent():
    """In the child, before exec: receive SIGTERM if this runner dies without cleaning up (Linux only)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Child:
    """A long-running child in its own session, so that Ctrl-C reaches only this runner, which then
    stops the children in order (web first, worker last) and waits for each whole process group."""

    def __init__(self, name: str, argv: list[str], log: Path | None = None):
        self.name, self.argv, self.log_path = name, argv, log
        self.process: subprocess.Popen | None = None
        self._output = None

    def start(self) -> None:
        self._output = output = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115
        self.process = subprocess.Popen(
            self.argv, cwd=BASE_DIR, stdin=subprocess.DEVNULL,
            stdout=output, stderr=subprocess.STDOUT if output else None, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def exited(self) -> int | None:
        return self.process.poll() if self.process else None

    def _group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None or self._group_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
            while time.monotonic() < deadline:
                self.process.poll()
                if self.process.returncode is not None and not self._group_alive():
                    break
                time.sleep(0.1)
            else:
                _say(f"  {self.name} did not stop within {STOP_TIMEOUT_SECONDS}s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._output:
            self._output.close()
        _say(f"  {self.name} stopped")


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True,
                          stdout=subprocess.PIPE, text=True)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _healthz(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:  # 503 still carries the report
        try:
            return json.load(exc)
        except ValueError:
            return None
    except (OSError, ValueError):
        return None


def _wait_until_up(url: str, children: list[Child], *, timeout: float) -> dict | None:
    """The health report once the web server answers and the worker replies (or the time is up)."""
    report = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children:
            if child.exited() is not None:
                raise RuntimeError(f"{child.name} exited with code {child.exited()} while starting")
        report = _healthz(url)
        if report and report.get("worker") == "ok":
            return report
        time.sleep(1)
    return report


def _logins_table() -> list[str]:
    output = _manage("demo_logins", "--skip-checks").stdout
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    lines = [f"  {'role':<14} {'username':<24} {'where':<20} name"]
    for row in rows:
        where = row.get("jurisdiction") or row.get("credit_code") or "-"
        lines.append(f"  {row['role']:<14} {row['username']:<24} {where:<20} {row.get('full_name', '')}")
    password = rows[0]["password"] if rows else "?"
    return [f"Demo logins (every one has the password {password}):", *lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regulator.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args(argv)

    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regulator.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # Mail the demo sends (complaint receipts, escalations to heads of unit) goes to files under var/mail/.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    os.environ["PYTHONUNBUFFERED"] = "1"
    site = f"http://{options.host}:{options.port}"

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    started = embedded.Started()
    children: list[Child] = []
    status = 0
    try:
        if not _port_free(options.host, options.port):
            _say(f"Port {options.port} on {options.host} is in use; stop what runs there or pass --port.")
            return 1
        if embedded.wanted():
            started = embedded.ensure_services()
            if not (started.postgres or started.redis):
                _say("Using the embedded PostgreSQL and Redis already running under var/ "
                     "(they stay running on exit).")
        _say("Migrating the database …")
        _manage("migrate", "--noinput")
        _say("Loading the demo data …")
        _say(_manage("seed_demo", "--skip-checks").stdout.strip())

        LOG_DIR.mkdir(parents=True, exist_ok=True)
        celery = [sys.executable, "-m", "celery", "-A", "regulator"]
        schedule = str(embedded.VAR_DIR / "celerybeat-schedule")
        address = f"{options.host}:{options.port}"
        children = [
            Child("worker", [*celery, "worker", "-l", "info", "--concurrency", "2"], LOG_DIR / "worker.log"),
            Child("beat", [*celery, "beat", "-l", "info", "-s", schedule], LOG_DIR / "beat.log"),
            Child("web", [sys.executable, "manage.py", "runserver", address, "--noreload"]),
        ]
        for child in children:
            child.start()
        report = _wait_until_up(f"{site}/healthz", children, timeout=60)

        _say()
        _say("=" * 72)
        _say("The drug regulatory platform is running.")
        _say(f"  Site:        {site}/")
        _say(f"  API docs:    {site}/api/docs/   (schema: {site}/api/schema/)")
        _say(f"  Health:      {site}/healthz   -> {json.dumps(report) if report else 'no answer yet'}")
        logs = LOG_DIR.relative_to(BASE_DIR) if LOG_DIR.is_relative_to(BASE_DIR) else LOG_DIR
        _say(f"  Worker/beat: logs in {logs}/worker.log and beat.log")
        _say()
        for line in _logins_table():
            _say(line)
        _say()
        _say("API client: python manage.py create_api_client --agency 445102 --name NAME [--scope write]")
        _say("Press Ctrl-C to stop everything this command started.")
        _say("=" * 72)

        while True:
            for child in children:
                code = child.exited()
                if code is not None:
                    _say(f"{child.name} exited with code {code}; stopping the demo.")
                    return 1
            time.sleep(1)
    except Stop as stop:
        _say(f"\n{stop} received: stopping.")
    except subprocess.CalledProcessError as exc:
        _say(f"{' '.join(exc.cmd[1:])} failed with code {exc.returncode}; stopping.")
        status = 1
    except RuntimeError as exc:
        _say(f"{exc}; stopping.")
        status = 1
    finally:
        # A second Ctrl-C must not interrupt the clean-up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in reversed(children):
            child.stop()
        embedded.stop_services(started)
    return status


if __name__ == "__main__":
    sys.exit(main())

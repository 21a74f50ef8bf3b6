"""Requests per second and latency of the public pages, uncached and with the page cache, through gunicorn.

    .venv/bin/python benchmarks/bench_public_pages.py [--events 1000] [--seconds 8] [--workers 2]

Builds a throwaway SQLite database (or uses DATABASE_URL) holding the demo site plus generated events up to
`--events`, each with sessions, speakers and a partner; then starts gunicorn on a free loopback port with
production settings, twice: with PAGE_CACHE_SECONDS=0 and with the page cache on. A small threaded client
measures latency one request at a time, then throughput with one request in flight per worker, and prints
req/s, median and p95 latency and the workers' CPU time per request for each URL and mode, then the speedup.
A timing report, not a test: nothing here asserts a speed.
"""

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from harness import ROOT, free_port

PYTHON = sys.executable


def populate(total: int) -> None:
    """Runs inside the benchmark's environment: the demo site, then generated events up to `total`."""
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cms.models import (
        EventIndexPage,
        EventKind,
        EventPage,
        EventPartner,
        EventSession,
        EventSpeaker,
        Language,
        Partner,
        SessionSpeaker,
        Speaker,
    )
    from registry.models import Organization, Venue

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    index = EventIndexPage.objects.get()
    speakers, partners = list(Speaker.objects.all()), list(Partner.objects.all())
    venues, organizations = list(Venue.objects.all()), list(Organization.objects.all())
    kinds, languages = list(EventKind), list(Language)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        for number in range(EventPage.objects.count(), total):
            starts_at = now + timedelta(days=number % 400 - 150, hours=number % 9)
            venue = venues[number % len(venues)]
            page = EventPage(
                title=f"Generated event {number}",
                slug=f"generated-{number}",
                summary="A generated event for the benchmark, with sessions and speakers.",
                kind=kinds[number % len(kinds)],
                language=languages[number % len(languages)],
                organization=organizations[number % len(organizations)],
                venue=venue,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=6),
                capacity=min(venue.capacity, 20 + number % 30),
            )
            chosen = [speakers[number % len(speakers)], speakers[(number + 5) % len(speakers)]]
            page.event_speakers = [EventSpeaker(speaker=speaker, sort_order=k) for k, speaker in enumerate(chosen)]
            page.event_partners = [EventPartner(partner=partners[number % len(partners)], sort_order=0)]
            sessions = []
            for k in range(3):
                session = EventSession(
                    title=f"Part {k + 1}",
                    starts_at=starts_at + timedelta(hours=2 * k),
                    ends_at=starts_at + timedelta(hours=2 * k + 1),
                )
                session.session_speakers = [SessionSpeaker(speaker=speakers[(number + k) % len(speakers)])]
                sessions.append(session)
            page.sessions = sessions
            index.add_child(instance=page)
    print(f"  {EventPage.objects.count()} events in the database")


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _load(port: int, path: str, seconds: float, concurrency: int, max_requests: int) -> tuple[list[float], int, float]:
    """Keep `concurrency` requests in flight on keep-alive connections for `seconds` (and at most
    `max_requests`); returns the latencies, the non-200 count and the wall time."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) >= max_requests:
                    return
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(errors), time.monotonic() - started


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the gunicorn workers so far (Linux /proc), immune to other load on the machine."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(port: int, path: str, seconds: float, concurrency: int, workers: list[int], max_requests: int = 20_000):
    """Latency with one request at a time (no queueing behind the client's own requests), then throughput
    with one request in flight per gunicorn worker; the workers' CPU time per request alongside."""
    _load(port, path, 1.0, concurrency, 50)  # warm up: imports, renditions, each worker's connection and cache
    cpu_before = cpu_seconds(workers)
    latencies, latency_errors, _ = _load(port, path, seconds / 2, 1, max_requests)
    cpu_ms = (cpu_seconds(workers) - cpu_before) * 1000 / len(latencies)
    done, throughput_errors, wall = _load(port, path, seconds / 2, concurrency, max_requests)
    ordered = sorted(latencies)
    return {
        "cpu_ms": cpu_ms,
        "rps": len(done) / wall,
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000,
        "errors": latency_errors + throughput_errors,
    }


def run_server(env: dict, workers: int, cache_seconds: int, paths: list[str], seconds: float) -> dict:
    port = free_port()
    server_env = {**env, "PAGE_CACHE_SECONDS": str(cache_seconds)}
    command = [
        PYTHON, "-m", "gunicorn", "config.wsgi", "--pythonpath", "site", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=server_env)
    try:
        wait_until_up(port)
        worker_pids = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
        return {path: measure(port, path, seconds, workers, worker_pids) for path in paths}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0, help="measuring time per URL and mode")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate(args.populate)
        return

    var_dir = Path(tempfile.mkdtemp(prefix="convene-bench-"))
    env = {
        **os.environ,
        "CONVENE_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
    }
    try:
        print(f"Database: {env.get('DATABASE_URL') or var_dir / 'convene.sqlite3'}")
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, __file__, "--populate", str(args.events)], cwd=ROOT, env=env, check=True)
        starts_after = time.strftime("%Y-%m-%d")
        paths = ["/events/", f"/events/?kind=workshop&starts_after={starts_after}", "/events/hack-night-1/"]

        results = {}
        for label, seconds in (("uncached", 0), ("page cache", 60)):
            print(f"Measuring {label} ({args.workers} gunicorn workers, {args.seconds:g} s per URL)...")
            results[label] = run_server(env, args.workers, seconds, paths, args.seconds)

        print()
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"{os.cpu_count()} CPUs, load average {load} (other work on the machine inflates latency, not CPU ms)")
        print(f"{'URL':<48} {'mode':<11} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'errors':>7}")
        for path in paths:
            for label in results:
                r = results[label][path]
                print(
                    f"{path:<48} {label:<11} {r['rps']:>8.1f} {r['median_ms']:>10.2f} "
                    f"{r['p95_ms']:>8.2f} {r['cpu_ms']:>7.2f} {r['errors']:>7}"
                )
            cold, warm = results["uncached"][path], results["page cache"][path]
            print(
                f"{'':<48} {'speedup':<11} {warm['rps'] / cold['rps']:>7.1f}x "
                f"{cold['median_ms'] / warm['median_ms']:>9.1f}x {'':>8} {cold['cpu_ms'] / warm['cpu_ms']:>6.1f}x"
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

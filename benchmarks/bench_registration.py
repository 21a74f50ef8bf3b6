"""Registrations per second at one event, through gunicorn, with zero overbooking.

    .venv/bin/python benchmarks/bench_registration.py [--people 3000] [--capacity 2500] [--clients 50]

Runs twice when PostgreSQL and Redis answer on 127.0.0.1 (embedded defaults first: SQLite + local
memory; then DATABASE_URL/REDIS_URL), each on a throwaway database: one event page, `--people`
account holders with sessions, gunicorn with production settings on a free loopback port. `--clients`
threads, each with a keep-alive connection, post every person's one-click registration once. Rate
limits are switched off (RATELIMIT_ENABLE=0): the point is the seat lock, not the throttle. Prints
registrations/s, confirmed/s, p50/p95 latency, and the overbooking count read back from the database.
By default the clients post back to back (saturation): then latency is mostly queueing, since the mean is
clients / throughput (Little's law). `--rate R` paces the arrivals instead, R a second across the same
clients, and times each request from when it was due, so waiting for a free client counts too (no
coordinated omission): that is the latency people see at a given load. Each worker is warmed first with
`--warmup` uncounted posts that lack consent (they re-render with an error and register nobody).
The naive way for comparison: read seats taken, then write (no lock), in one process, against the
same database, counting the overbooking it allows. A timing report, not a test.
"""

import argparse
import http.client
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import ROOT, free_port, services_up, setup_django

PYTHON = sys.executable
SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def populate(people: int, capacity: int) -> None:
    """Runs in the benchmark's environment: one event and `people` signed-in account holders."""
    setup_django()
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.core import signing
    from django.core.management import call_command
    from django.urls import reverse

    from cms.tests import factories
    from registry.forms import FORM_STARTED_SALT
    from registry.models import User

    call_command("migrate", verbosity=0)
    page = factories.event("Benchmark workshop", capacity=capacity, starts_in=timedelta(days=10))
    User.objects.bulk_create(
        [User(email=f"bench{n}@example.org", password="!", first_name="Bench", last_name=str(n)) for n in range(people)]
    )
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    with open(os.environ["BENCH_SESSIONS"], "w") as out:
        out.write(reverse("cms:event_register", args=[page.pk]) + "\n")  # where the page's form posts
        out.write(signing.TimestampSigner(salt=FORM_STARTED_SALT).sign(str(time.time() - 60)) + "\n")
        for user in User.objects.filter(email__startswith="bench").order_by("pk"):
            session = SessionStore()  # the configured engine's, as signing in makes (cached too, with Redis)
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "registry.backends.AuthenticationBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            out.write(session.session_key + "\n")


def report(capacity: int) -> None:
    """Runs in the benchmark's environment: what the database says happened."""
    setup_django()
    from registry.models import EventRecord, Registration

    record = EventRecord.objects.get()
    confirmed = Registration.objects.filter(page_id=record.page_id, status="confirmed").count()
    waitlisted = Registration.objects.filter(page_id=record.page_id, status="waitlisted").count()
    print(f"{confirmed} {waitlisted} {record.seats_taken} {max(confirmed - capacity, 0)}")


def naive(people: int, capacity: int) -> None:
    """The naive way: check seats with a read, then insert; 8 threads; how many seats does it oversell?"""
    setup_django()
    from django.db import connection

    from registry.models import EventRecord, Registration, User

    record = EventRecord.objects.get()
    Registration.objects.all().delete()
    users = list(User.objects.filter(email__startswith="bench")[: min(people, 400)])
    barrier = threading.Barrier(8)
    started = time.perf_counter()

    def worker(chunk):
        barrier.wait()
        for user in chunk:
            taken = Registration.objects.filter(page_id=record.page_id, status="confirmed").count()
            status = "confirmed" if taken < 50 else "waitlisted"
            Registration.objects.create(
                page_id=record.page_id, user=user, email=user.email, full_name="N", status=status, code=f"N{user.pk}"
            )
        connection.close()

    threads = [threading.Thread(target=worker, args=(users[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    confirmed = Registration.objects.filter(page_id=record.page_id, status="confirmed").count()
    print(f"{len(users) / elapsed:.0f} {max(confirmed - 50, 0)}")


def drive(
    port: int, url: str, form_started: str, sessions: list[str], clients: int, rate: float, consent: bool = True
) -> tuple[list[float], dict[int, int], float]:
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for index, key in enumerate(sessions):
        work.put((index, key))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    csrf = "b" * 32
    agreed = "&consent=on" if consent else ""
    body = (f"csrfmiddlewaretoken={csrf}&full_name=Bench+Person{agreed}&form_started={form_started}").encode()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                index, key = work.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "Host": "127.0.0.1",
            }
            if rate:
                started = begun + index / rate
                time.sleep(max(0.0, started - time.perf_counter()))
            else:
                started = time.perf_counter()
            connection.request("POST", url, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    begun = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - begun


def run(label: str, env: dict, args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-registration-"))
    sessions_file = workdir / "sessions.txt"
    env = {
        **env,
        "CONVENE_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "RATELIMIT_ENABLE": "0",
        "EMAIL_URL": "dummy:",
        "BENCH_SESSIONS": str(sessions_file),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
        "LOG_LEVEL": "ERROR",  # not a "Bad Request" line for each warm-up post
    }
    here = [PYTHON, __file__]
    subprocess.run([*here, "--populate", str(args.people), str(args.capacity)], env=env, check=True)
    # The page re-rendered with an error (the warm-up's answer) links hashed static files, as in production.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--pythonpath",
            "site",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        url, form_started, *sessions = sessions_file.read_text().split()
        # Warm every worker first (a server has been up for a while): forms without consent, which
        # re-render with an error and register nobody.
        _, warm, _ = drive(port, url, form_started, sessions[: args.warmup], args.workers * args.threads, 0, False)
        assert set(warm) == {400}, f"the warm-up should re-render the form with an error (400), got {warm}"
        latencies, statuses, elapsed = drive(port, url, form_started, sessions, args.clients, args.rate)
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = subprocess.run([*here, "--report", str(args.capacity)], env=env, check=True, capture_output=True, text=True)
    confirmed, waitlisted, taken, overbooked = map(int, out.stdout.split()[-4:])
    naive_out = subprocess.run(
        [*here, "--naive", str(args.people)], env=env, check=True, capture_output=True, text=True
    )
    naive_rate, naive_oversold = naive_out.stdout.split()[-2:]
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"\n== {label}: {len(sessions)} people, capacity {args.capacity}, {args.clients} clients, "
        f"{args.workers} gunicorn workers x {args.threads} threads, "
        + (f"arrivals paced at {args.rate:g}/s" if args.rate else "back to back (saturation)")
    )
    print(f"  HTTP statuses          {dict(sorted(statuses.items()))}")
    print(f"  registrations/s        {len(latencies) / elapsed:8.1f}   ({len(latencies)} in {elapsed:.1f} s)")
    print(f"  confirmed/s            {confirmed / elapsed:8.1f}   (confirmed {confirmed}, waitlisted {waitlisted})")
    print(f"  latency p50 / p95      {p50:8.1f} / {p95:.1f} ms")
    print(f"  seats taken            {taken}  (capacity {args.capacity})")
    print(f"  overbooking            {overbooked}")
    print(f"  naive read-then-write  {naive_rate} registrations/s in-process, oversold {naive_oversold} of 50 seats")
    shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    if "--populate" in sys.argv:
        populate(int(sys.argv[2]), int(sys.argv[3]))
        return
    if "--report" in sys.argv:
        report(int(sys.argv[2]))
        return
    if "--naive" in sys.argv:
        naive(int(sys.argv[2]), 50)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--capacity", type=int, default=2500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=200, help="uncounted form posts without consent first")
    parser.add_argument("--rate", type=float, default=0, help="registrations a second offered (0: back to back)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    if not args.skip_sqlite:
        run("embedded defaults (SQLite, local memory)", base, args)
    if services_up():
        database = "convene_bench_registration"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        run(
            "PostgreSQL + Redis",
            {
                **base,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                "REDIS_URL": "redis://127.0.0.1:6379/9",
            },
            args,
        )


if __name__ == "__main__":
    main()

"""Check-in through the API: 20 phones scanning 2,000 attendees of one event, nobody admitted twice.

    .venv/bin/python benchmarks/bench_checkin_api.py [--attendees 2000] [--scanners 20] [--duplicates 0.2]

Runs on the embedded defaults (SQLite), then on PostgreSQL + Redis when they answer on 127.0.0.1, each
on a throwaway database: one published event with `--attendees` confirmed registrations (bulk_create),
an organizer of the event's organization with a backup code (the least-privileged account that may
check in, so every scan pays for the organization scoping a door really has), gunicorn (production
settings) on a free loopback port. The JWT is obtained through the real token endpoint with the second
factor. Each worker is warmed first with `--warmup` scans of unknown codes (a server at a door has been
up for a while; these admit nobody and are not counted). Then `--scanners` threads, each with
its own keep-alive connection, post every ticket's QR content once, plus a share of duplicates (the same
tickets scanned again, as by a second phone at the same door). Prints scans/s, p50/p95 latency, the
outcomes, and double admissions counted from the database (must be 0); then one phone alone for
comparison. The check-in throttle is raised (API_RATE_CHECKIN): the point is the guarantee and the speed.
A timing report, not a test.
"""

import argparse
import http.client
import json
import os
import queue
import random
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
STAFF = "door@example.org"
PASSWORD = "bench-password-0123"
BACKUP_CODE = "bench-otp-1"


def populate(attendees: int) -> None:
    """Runs in the benchmark's environment: the event, its confirmed attendees, the door staff."""
    setup_django()
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from cms.tests import factories
    from registry import otp
    from registry.models import EventRecord, Membership, Organization, Registration, Role, User
    from registry.services.attendance import checkin_token
    from registry.services.registrations import _new_code

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Benchmark club", slug="benchmark-club")
    page = factories.event(
        "Benchmark fest", capacity=attendees, starts_in=timedelta(hours=1), organization=organization
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        [
            Registration(
                page_id=page.pk,
                email=f"guest{n}@example.org",
                full_name=f"Guest {n}",
                status="confirmed",
                code=_new_code(),
                created_at=now,
                confirmed_at=now,
            )
            for n in range(attendees)
        ],
        batch_size=1000,
    )
    EventRecord.objects.filter(page_id=page.pk).update(seats_taken=attendees)
    staff = User.objects.create_user(STAFF, PASSWORD)
    staff.groups.add(Group.objects.get(name=Role.ORGANIZER))
    Membership.objects.create(user=staff, organization=organization, role=Membership.Role.ORGANIZER)
    EmailAddress.objects.create(user=staff, email=STAFF, verified=True, primary=True)
    otp.backup_codes_regenerate(staff, codes=[BACKUP_CODE])
    with open(os.environ["BENCH_TICKETS"], "w") as out:
        out.write(f"{page.pk}\n")
        for registration in Registration.objects.filter(page_id=page.pk).order_by("pk"):
            out.write(checkin_token(registration) + "\n")


def report() -> None:
    """Runs in the benchmark's environment: admissions as the database has them."""
    setup_django()
    from django.db.models import Count

    from registry.models import Attendance

    admitted = Attendance.objects.filter(session=0).count()
    doubles = (
        Attendance.objects.filter(session=0).values("registration_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    print(f"{admitted} {doubles}")


def token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"email": STAFF, "password": PASSWORD, "otp": BACKUP_CODE})
    connection.request("POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = json.loads(response.read())
    assert response.status == 200 and data["otp_verified"], data
    return data["access"]


def drive(port: int, page_id: int, access: str, scans: list[str], scanners: int):
    work: queue.Queue[str] = queue.Queue()
    for scanned in scans:
        work.put(scanned)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    url = f"/api/v1/checkin/events/{page_id}/scan"
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {access}", "Host": "127.0.0.1"}

    def phone() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                scanned = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            connection.request("POST", url, body=json.dumps({"code": scanned}), headers=headers)
            response = connection.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            outcome = json.loads(payload).get("outcome") if response.status == 200 else f"HTTP {response.status}"
            with lock:
                latencies.append(elapsed)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=phone) for _ in range(scanners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, outcomes, time.perf_counter() - started


def summary(latencies: list[float], elapsed: float) -> str:
    latencies = sorted(latencies)
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000
    rate = len(latencies) / elapsed
    return f"{rate:7.1f} scans/s   p50 {p50:.1f} ms, p95 {p95:.1f} ms   ({len(latencies)} in {elapsed:.1f} s)"


def run(label: str, env: dict, args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-checkin-"))
    tickets_file = workdir / "tickets.txt"
    env = {
        **env,
        "CONVENE_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "dummy:",
        "API_RATE_CHECKIN": "1000000/min",
        "BENCH_TICKETS": str(tickets_file),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
        "LOG_LEVEL": "WARNING",
    }
    here = [PYTHON, __file__]
    subprocess.run([*here, "--populate", str(args.attendees)], env=env, check=True)
    page_id, *tickets = tickets_file.read_text().split()
    rng = random.Random(7)
    scans = tickets + rng.sample(tickets, int(len(tickets) * args.duplicates))
    rng.shuffle(scans)
    port = free_port()
    gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--pythonpath", "site"]
    server = subprocess.Popen(
        [
            *gunicorn,
            *["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads)],
            *["--worker-class", "gthread", "--log-level", "warning"],
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
        access = token(port)
        warmup = [f"WARMUP{n}" for n in range(args.warmup)]
        drive(port, int(page_id), access, warmup, args.workers * args.threads)
        latencies, outcomes, elapsed = drive(port, int(page_id), access, scans, args.scanners)
        alone = drive(port, int(page_id), access, tickets[: args.solo], 1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = subprocess.run([*here, "--report"], env=env, check=True, capture_output=True, text=True)
    admitted, doubles = map(int, out.stdout.split()[-2:])
    print(
        f"\n== {label}: {len(tickets)} attendees, {len(scans)} scans ({len(scans) - len(tickets)} duplicates), "
        f"{args.scanners} phones, {args.workers} gunicorn workers x {args.threads} threads"
    )
    print(f"  {args.scanners} phones at once   {summary(latencies, elapsed)}")
    print(f"  outcomes             {dict(sorted(outcomes.items()))}")
    print(f"  admitted (database)  {admitted} of {len(tickets)}")
    print(f"  double admissions    {doubles}")
    print(f"  one phone alone      {summary(alone[0], alone[2])}  (re-scans: {dict(alone[1])})")
    shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    if "--populate" in sys.argv:
        populate(int(sys.argv[2]))
        return
    if "--report" in sys.argv:
        report()
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--scanners", type=int, default=20)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share of tickets scanned a second time")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=400, help="uncounted scans of unknown codes first")
    parser.add_argument("--solo", type=int, default=300, help="scans by one phone alone, for comparison")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    if not args.skip_sqlite:
        run("embedded defaults (SQLite, local memory)", base, args)
    if services_up():
        database = "convene_bench_checkin"
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        run(
            "PostgreSQL + Redis",
            {
                **base,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                "REDIS_URL": "redis://127.0.0.1:6379/8",
            },
            args,
        )


if __name__ == "__main__":
    main()

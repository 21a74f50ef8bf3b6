"""Hall-booking reads at scale: 100,000 bookings across 50 halls.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/convene_bench .venv/bin/python benchmarks/bench_bookings.py

Creates the database if needed, migrates it, inserts the bookings once (COPY on
PostgreSQL, bulk_create elsewhere; reused on later runs), then times (a) the
conflict check for a new request and (b) listing a hall's week through the real
selectors, next to the naive way (load the hall's bookings, check in Python),
and prints the figures and the query plans. A benchmark, not a test: no timing
is asserted. Finishes in about a minute.
"""

import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")  # DEBUG off: no query log
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/convene_bench")

HALLS = 50
BOOKINGS = 100_000
SAMPLES = 300
SLOTS_PER_DAY = [(8, 10), (10, 12), (13, 15), (15, 17), (18, 20)]  # hours; each hall's bookings never overlap


def ensure_database() -> None:
    url = urlparse(os.environ["DATABASE_URL"])
    if not url.scheme.startswith("postgres"):
        return
    import psycopg

    name = url.path.lstrip("/")
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def seed():
    from django.db import connection
    from django.utils import timezone

    from approvals.models import BookingStatus, HallBooking
    from registry.models import Organization, User, Venue

    user, _ = User.objects.get_or_create(email="bench@convene.local")
    org, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    halls = [
        Venue.objects.get_or_create(code=f"bench-{n:02d}", defaults={"name": f"Bench hall {n:02d}", "capacity": 100})[0]
        for n in range(HALLS)
    ]
    if HallBooking.objects.filter(venue__in=halls).count() >= BOOKINGS:
        print(f"reusing {BOOKINGS:,} bookings")
        return halls
    HallBooking.objects.filter(venue__in=halls).delete()
    first_day = timezone.localdate() - timedelta(days=200)
    per_hall = BOOKINGS // HALLS
    rng = random.Random(6)
    rows = []
    for hall in halls:
        for k in range(per_hall):
            day, (start_hour, end_hour) = first_day + timedelta(days=k // len(SLOTS_PER_DAY)), SLOTS_PER_DAY[k % 5]
            starts_at = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=start_hour))
            status = rng.choices(
                [BookingStatus.APPROVED, BookingStatus.REQUESTED, BookingStatus.CANCELLED], weights=[85, 10, 5]
            )[0]
            rows.append((hall.pk, starts_at, starts_at + timedelta(hours=end_hour - start_hour), status))
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        columns = (
            "requester_id, organization_id, title, description, page_part, primary_venue_id, venue_id, "
            "starts_at, ends_at, attendees, status, queue_note, reason, created_at"
        )
        now = timezone.now()
        with connection.cursor() as cursor, cursor.copy(f"COPY approvals_hallbooking ({columns}) FROM STDIN") as copy:
            for venue_id, starts_at, ends_at, status in rows:
                copy.write_row(
                    (
                        user.pk,
                        org.pk,
                        "Lecture",
                        "",
                        "",
                        venue_id,
                        venue_id,
                        starts_at,
                        ends_at,
                        60,
                        status,
                        "",
                        "",
                        now,
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE approvals_hallbooking")
    else:
        HallBooking.objects.bulk_create(
            (
                HallBooking(
                    requester=user,
                    organization=org,
                    title="Lecture",
                    primary_venue_id=venue_id,
                    venue_id=venue_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    attendees=60,
                    status=status,
                )
                for venue_id, starts_at, ends_at, status in rows
            ),
            batch_size=5000,
        )
    print(f"inserted {len(rows):,} bookings across {HALLS} halls in {time.perf_counter() - started:.1f} s")
    return halls


def timed(label: str, run, cases) -> None:
    durations = []
    for case in cases:
        started = time.perf_counter()
        run(*case)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(f"  {label:<54} median {statistics.median(durations):7.3f} ms   p95 {p95:7.3f} ms")


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from approvals import selectors
    from approvals.models import BookingStatus, HallBooking

    call_command("migrate", verbosity=0)
    halls = seed()
    rng = random.Random(42)
    first_day = timezone.localdate() - timedelta(days=200)
    span_days = BOOKINGS // HALLS // len(SLOTS_PER_DAY)

    def random_request():
        day = first_day + timedelta(days=rng.randrange(span_days))
        starts_at = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=rng.randrange(8, 19)))
        return rng.choice(halls), starts_at, starts_at + timedelta(hours=rng.choice([1, 2, 3]))

    requests = [random_request() for _ in range(SAMPLES)]
    weeks = [
        (rng.choice(halls), selectors.week_start_of(first_day + timedelta(days=rng.randrange(span_days))))
        for _ in range(SAMPLES)
    ]

    def conflicts(venue, starts_at, ends_at):
        return list(selectors.conflicts_for(venue=venue, starts_at=starts_at, ends_at=ends_at))

    def naive_conflicts(venue, starts_at, ends_at):
        rows = HallBooking.objects.filter(venue=venue, status=BookingStatus.APPROVED).values_list(
            "starts_at", "ends_at"
        )
        return [(s, e) for s, e in rows if s < ends_at and e > starts_at]

    def week(venue, week_start):
        return list(selectors.hall_week(venue=venue, week_start=week_start))

    def run_sql(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def naive_week(venue, week_start):
        start, end = selectors.week_bounds(week_start)
        return [b for b in HallBooking.objects.filter(venue=venue) if b.starts_at < end and b.ends_at > start]

    print(
        f"\n{connection.vendor}, {HallBooking.objects.count():,} bookings, {len(halls)} halls, {SAMPLES} samples each"
    )
    conflicts(*requests[0])  # warm the connection and caches
    timed("(a) conflict check: selectors.conflicts_for", conflicts, requests)
    timed(
        "(a) its SQL alone (compiled beforehand), round trip",
        run_sql,
        [selectors.conflicts_for(venue=v, starts_at=s, ends_at=e).query.sql_with_params() for v, s, e in requests],
    )
    timed("(a) naive: load the hall's approved bookings, check", naive_conflicts, requests[:50])
    timed("(b) hall's week: selectors.hall_week", week, weeks)
    timed(
        "(b) its SQL alone (compiled beforehand), round trip",
        run_sql,
        [selectors.hall_week(venue=v, week_start=w).query.sql_with_params() for v, w in weeks],
    )
    timed("(b) naive: load the hall's bookings, filter in Python", naive_week, weeks[:20])

    analyze = {"analyze": True} if connection.vendor == "postgresql" else {}
    venue, starts_at, ends_at = requests[0]
    print("\nplan (a) conflict check:")
    print(selectors.conflicts_for(venue=venue, starts_at=starts_at, ends_at=ends_at).explain(**analyze))
    venue, week_start = weeks[0]
    print("\nplan (b) hall's week:")
    print(selectors.hall_week(venue=venue, week_start=week_start).explain(**analyze))


if __name__ == "__main__":
    main()

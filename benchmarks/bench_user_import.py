"""Importing 10,000 people the way the back office does: a dry-run preview, then the commit.

    .venv/bin/python benchmarks/bench_user_import.py [--rows 10000] [--naive-sample 200]

Runs on a throwaway database: a temporary SQLite file, or, with DATABASE_URL set, a `test_` copy of that
database which is dropped afterwards. Generates a file shaped like fixtures/users.csv (mentors, students with a
USN, department, semester and mentor, club members), then times PersonResource.import_data with dry_run=True
(the preview) and dry_run=False (the confirmation), as /staff/registry/user/import/ calls it. For comparison it
imports a small sample the naive way (create_user with a hashed password, then groups, membership and profile,
row by row) and extrapolates to the full file. A timing report, not a test: nothing here asserts a speed.
"""

import argparse
import os
import time

from harness import scratch_environment, throwaway_database

SCRATCH = scratch_environment("convene-bench-import-")

HEADERS = ["email", "first_name", "last_name", "role", "organization", "membership_role", "usn", "department"]
HEADERS += ["semester", "employee_id", "mentor_email"]


def rows(n: int, prefix: str = "p") -> list[list[str]]:
    """One mentor per 50 people; everyone else a student of the CSE department in the Coding Club."""
    out = []
    for i in range(n):
        if i % 50 == 0:
            out.append([f"{prefix}m{i}@example.edu", "Mentor", f"{i}", "mentor", "", "", "", "Department of CSE"])
            out[-1] += ["", f"{prefix.upper()}EMP{i:06d}", ""]
        else:
            mentor = f"{prefix}m{i - i % 50}@example.edu"
            out.append([f"{prefix}s{i}@example.edu", "Student", f"{i}", "attendee", "Coding Club", "member"])
            out[-1] += [f"{prefix.upper()}USN{i:07d}", "Department of CSE", str(1 + i % 8), "", mentor]
    return out


def naive_import(sample: list[list[str]]) -> None:
    """What a row-by-row import with password hashing costs: one person, several statements, one hash each."""
    from registry import services
    from registry.actors import SYSTEM
    from registry.models import Organization, User

    organizations = {org.name: org for org in Organization.objects.all()}
    for row in sample:
        record = dict(zip(HEADERS, row, strict=True))
        user = User.objects.create_user(record["email"], password=os.urandom(12).hex())
        user, _ = services.user_upsert(
            actor=SYSTEM,
            email=user.email,
            first_name=record["first_name"],
            last_name=record["last_name"],
            roles=[record["role"]],
        )
        if record["organization"]:
            services.membership_set(
                actor=SYSTEM, user=user, organization=organizations[record["organization"]], role="member"
            )
        department = organizations[record["department"]]
        if record["employee_id"]:
            services.mentor_profile_set(
                actor=SYSTEM, user=user, employee_id=record["employee_id"], department=department
            )
        else:
            services.student_profile_set(
                actor=SYSTEM,
                user=user,
                usn=record["usn"],
                department=department,
                semester=int(record["semester"]),
                mentor=User.objects.get(email=record["mentor_email"]),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    import tablib

    from registry import services
    from registry.actors import SYSTEM
    from registry.models import User
    from registry.resources import PersonResource

    with throwaway_database(SCRATCH) as vendor:
        services.organization_upsert(actor=SYSTEM, name="Coding Club", kind="club")
        services.organization_upsert(actor=SYSTEM, name="Department of CSE", kind="department")
        staff, _ = services.user_upsert(actor=SYSTEM, email="bench-admin@example.edu", roles=["staff_admin"])
        dataset = tablib.Dataset(*rows(args.rows), headers=HEADERS)

        print(f"Importing {args.rows:,} people on {vendor}")
        started = time.perf_counter()
        preview = PersonResource().import_data(dataset, dry_run=True, user=staff)
        dry_run = time.perf_counter() - started
        assert not preview.has_errors() and not preview.has_validation_errors(), "the generated file should be valid"
        print(f"  dry run (preview, all checks): {dry_run:6.2f} s   {preview.totals['new']:,} new")

        started = time.perf_counter()
        result = PersonResource().import_data(dataset, dry_run=False, user=staff)
        commit = time.perf_counter() - started
        print(f"  commit:                         {commit:6.2f} s   {User.objects.count() - 1:,} people in the table")
        print(f"  dry run + commit:               {dry_run + commit:6.2f} s   (budget: 30 s)")

        started = time.perf_counter()
        again = PersonResource().import_data(dataset, dry_run=True, user=staff)
        print(
            f"  re-import preview (all known):  {time.perf_counter() - started:6.2f} s   "
            f"{again.totals['skip']:,} unchanged"
        )
        assert result.totals["new"] == args.rows

        sample = rows(args.naive_sample, prefix="n")
        started = time.perf_counter()
        naive_import(sample)
        naive = time.perf_counter() - started
        projected = naive / args.naive_sample * args.rows
        print(
            f"  naive, row by row with hashing: {naive:6.2f} s for {args.naive_sample} rows "
            f"-> about {projected:,.0f} s for {args.rows:,} ({projected / commit:,.0f}x the commit)"
        )


if __name__ == "__main__":
    main()

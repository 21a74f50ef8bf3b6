"""Issuing an event's certificates the way the Huey job does: rows, PDFs, hashes and emails, on a real database.

    .venv/bin/python benchmarks/bench_certificate_issue.py [--attendees 1000] [--naive-sample 30]

`bench_certificates.py` times rendering alone; this times `certificate_batch_run`, which the "Issue
certificates" job calls: it reads the eligible attendees, renders them in batches on one process per core,
stores each PDF in the certificates storage, writes each certificate row (and its history) with the PDF's
SHA-256, updates the progress bar and queues each holder's email (sent by other Huey workers). Runs on a
throwaway database: a temporary SQLite file, or, with DATABASE_URL set, a `test_` copy of that database,
dropped afterwards. The naive way for comparison, on a sample: the same job with one document per certificate
on one process. A timing report, not a test.
"""

import argparse
import time
from datetime import timedelta
from pathlib import Path

from harness import scratch_environment, throwaway_database

SCRATCH = scratch_environment("convene-bench-issue-")


def event_with_attendees(count: int, title: str):
    """A finished event whose `count` confirmed attendees all checked in (set up in bulk, not timed)."""
    from cms.tests import factories
    from registry.models import Attendance, Registration, RegistrationStatus
    from registry.services.registrations import event_record_sync

    page = factories.event(title, starts_in=-timedelta(days=1), capacity=None)
    event_record_sync(page=page)
    Registration.objects.bulk_create(
        Registration(
            page_id=page.pk,
            email=f"{page.pk}-{n}@example.edu",
            full_name=f"Participant Number {n}",
            status=RegistrationStatus.CONFIRMED,
            code=f"B{page.pk:03d}{n:06d}",
        )
        for n in range(count)
    )
    Attendance.objects.bulk_create(
        Attendance(registration=registration, session=Attendance.WHOLE_EVENT)
        for registration in Registration.objects.filter(page_id=page.pk)
    )
    return page


def issue(page) -> tuple[float, int, int]:
    """What the job does once started: seconds, certificates issued, emails it queued for other workers."""
    from huey.contrib.djhuey import HUEY

    from registry.actors import SYSTEM
    from registry.models import Certificate
    from registry.services import certificates as service

    batch = service.certificate_batch_start(page_id=page.pk, actor=SYSTEM)
    queued_before = HUEY.pending_count()
    started = time.perf_counter()
    batch = service.certificate_batch_run(batch=batch)
    elapsed = time.perf_counter() - started
    assert batch.status == "done", batch.error
    issued = Certificate.objects.filter(registration__page_id=page.pk).count()
    return elapsed, issued, HUEY.pending_count() - queued_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.storage import storages

    from registry import certificates
    from registry.services import certificates as service

    with throwaway_database(SCRATCH) as vendor:
        certificates.render_pdfs(
            certificates.TemplateSource(*certificates.default_template_source()), [certificates.SAMPLE]
        )  # fonts and caches, as in a worker that has issued before
        certificates.start_render_server()  # what the Huey worker does at startup
        page = event_with_attendees(args.attendees, "Benchmark workshop")

        elapsed, issued, emails = issue(page)
        stored = sum(1 for _ in Path(storages["certificates"].location).rglob("*.pdf"))
        processes = certificates.render_processes()
        print(f"Issuing {args.attendees:,} certificates on {vendor}, {processes} render processes")
        print(
            f"  batched job:          {elapsed:6.1f} s   {elapsed / issued * 1000:5.1f} ms each "
            f"({issued:,} rows with hashes, {stored:,} PDFs stored, {emails:,} emails queued; target < 30 s)"
        )

        sample = event_with_attendees(args.naive_sample, "Naive workshop")
        service.CHUNK_SIZE = 1
        settings.CERTIFICATE_RENDER_PROCESSES = 1
        naive, naive_issued, _ = issue(sample)
        projected = naive / naive_issued * args.attendees
        print(
            f"  naive, one document each on one process: {naive:.1f} s for {naive_issued} "
            f"-> about {projected:,.0f} s for {args.attendees:,} ({projected / elapsed:.1f}x the batched job)"
        )


if __name__ == "__main__":
    main()

"""A job worker for the kill test: runs one certificate batch on several render processes and stalls mid-batch.

    python -m registry.tests.certificate_worker BATCH_ID HANG_AT

It works on the test run's database and certificate storage (CONVENE_TEST_DATABASE_NAME and
CONVENE_TEST_CERTIFICATES_DIR), warms the render fork server as the Huey worker does at startup,
and runs the batch's task with three render processes, two holders a chunk. The mail server accepts
the first HANG_AT - 1 certificate emails and never finishes the next one, so the worker is mid-batch,
certificates stored and one email in flight, when it prints "sending" and the test SIGKILLs it.
"""

import os
import sys
import time

from django.core.mail.backends.base import BaseEmailBackend


class StallingMailServer(BaseEmailBackend):
    """Accepts messages until the HANG_AT-th, which it never finishes sending."""

    accepted = 0

    def send_messages(self, email_messages) -> int:
        for _ in email_messages:
            StallingMailServer.accepted += 1
            if StallingMailServer.accepted >= int(os.environ["CONVENE_TEST_HANG_AT"]):
                print("sending", flush=True)
                time.sleep(600)
        return len(email_messages)


def main(batch_id: int, hang_at: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["CONVENE_TEST_HANG_AT"] = str(hang_at)
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = os.environ["CONVENE_TEST_DATABASE_NAME"]
    settings.STORAGES["certificates"]["OPTIONS"]["location"] = os.environ["CONVENE_TEST_CERTIFICATES_DIR"]
    settings.EMAIL_BACKEND = f"{__name__}.StallingMailServer"
    settings.CERTIFICATE_RENDER_PROCESSES = 3

    import django

    django.setup()
    from registry import certificates, tasks
    from registry.services import certificates as service

    service.CHUNK_SIZE = 2
    certificates.start_render_server()
    tasks.issue_certificate_batch(batch_id)
    print("finished", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))

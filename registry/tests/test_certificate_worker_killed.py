"""A job worker SIGKILLed mid-batch: its render processes die with it, and the batch and its emails recover.

A real worker process (`registry.tests.certificate_worker`) runs the batch on three render processes
against this test's database; it is killed while a certificate's email is half sent.
"""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from registry import certificates as rendering
from registry import tasks
from registry.models import Attendance, Certificate, CertificateBatch, CertificateTemplate, EventRecord, Message
from registry.services import certificates as service
from registry.services import messages, registrations
from registry.tests.factories import StaffFactory, UserFactory, make_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.processes]

PROJECT = Path(__file__).resolve().parents[2]


def attended(event):
    person = UserFactory()
    registration = registrations.registration_create(
        page=event, email=person.email, full_name=person.get_full_name(), user=person
    )
    Attendance.objects.create(registration=registration, session=Attendance.WHOLE_EVENT)
    return registration


class Worker:
    """The job worker process, its output read line by line as it comes."""

    def __init__(self, batch_id: int, *, hang_at: int, stderr: Path):
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "site")]),
            "CONVENE_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "CONVENE_TEST_CERTIFICATES_DIR": str(django_settings.PRIVATE_MEDIA_ROOT),
        }
        self.stderr = stderr
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registry.tests.certificate_worker", str(batch_id), str(hang_at)],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr.open("w"),
            text=True,
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for(self, expected: str, timeout: float = 120) -> None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        assert line == expected, f"worker said {line!r}, not {expected!r}:\n{self.stderr.read_text()}"

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def process_table() -> dict[int, tuple[int, str]]:
    """Every live process: pid → (parent pid, command line). Zombies count as gone."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if state != "Z":
            table[int(entry.name)] = (int(parent), command)
    return table


def children(pid: int) -> dict[int, str]:
    return {child: command for child, (parent, command) in process_table().items() if parent == pid}


def descendants(pid: int) -> dict[int, str]:
    table = process_table()
    found, parents = {}, {pid}
    while parents:
        children = {child: command for child, (parent, command) in table.items() if parent in parents}
        found.update(children)
        parents = set(children)
    return found


def survivors(pids, timeout: float = 30) -> list[int]:
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if pid in process_table()]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@pytest.fixture
def default_template():
    """Transactional tests empty every table, so the default template the data migration installed may be gone."""
    html, css = rendering.default_template_source()
    CertificateTemplate.objects.get_or_create(is_default=True, defaults={"name": "Default", "html": html, "css": css})


def test_a_worker_killed_mid_batch_takes_its_render_processes_along_and_the_batch_and_emails_recover(
    settings, tmp_path, monkeypatch, default_template
):
    settings.CERTIFICATE_RENDER_PROCESSES = 1  # the recovery runs in this process; the killed worker used three
    event = make_event(title="Kill Switch Workshop", capacity=20)
    people = [attended(event) for _ in range(12)]
    now = timezone.now()
    EventRecord.objects.filter(page_id=event.pk).update(starts_at=now - timedelta(hours=4), ends_at=now)
    mail.outbox.clear()
    with monkeypatch.context() as queue_of_jobs:
        handed_over = []
        queue_of_jobs.setattr(tasks, "issue_certificate_batch", handed_over.append)
        batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    assert handed_over == [batch.pk]

    worker = Worker(batch.pk, hang_at=5, stderr=tmp_path / "worker.log")
    worker.wait_for("sending")  # four certificates emailed; the fifth stored, its email half sent
    tree = descendants(worker.process.pid)
    helpers = children(worker.process.pid)
    [fork_server] = [pid for pid, command in helpers.items() if "multiprocessing.forkserver" in command]
    assert any("multiprocessing.resource_tracker" in command for command in helpers.values())
    assert len(children(fork_server)) == 3, "the render processes"

    worker.kill()

    assert survivors(tree) == [], "render processes, the fork server and the resource tracker die with the worker"
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("running", 4, 12)
    assert Certificate.objects.filter(batch=batch).count() == 5
    certificate_emails = Message.objects.filter(template="certificate_issued", channel="email", status="sent")
    emailed_by_the_worker = set(certificate_emails.values_list("address", flat=True))
    assert emailed_by_the_worker == {registration.email for registration in people[:4]}

    lease_lapses = batch.lease_expires_at
    assert lease_lapses - timezone.now() <= rendering.batch_lease() <= timedelta(minutes=2)
    with time_machine.travel(lease_lapses - timedelta(seconds=1), tick=False):
        service.certificates_issue_due()
        batch.refresh_from_db()
        assert batch.status == "running" and not rendering.batch_progress(batch)["stalled"]
    with time_machine.travel(lease_lapses + timedelta(seconds=1), tick=False):
        assert rendering.batch_progress(batch)["stalled"]
        service.certificates_issue_due()  # the task it queues runs at once here (Huey's immediate mode)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 12, 12)
    assert Certificate.objects.count() == 12
    assert Certificate.objects.filter(batch=batch).count() == 12
    assert sorted(message.to[0] for message in mail.outbox) == sorted(r.email for r in people[5:])

    mail.outbox.clear()
    with time_machine.travel(lease_lapses + messages.LOST_AFTER + timedelta(minutes=1), tick=False):
        assert messages.messages_send_due() == 1
        assert messages.messages_send_due() == 0
    assert [message.to for message in mail.outbox] == [[people[4].email]], "the email lost in flight, once"
    assert certificate_emails.count() == 12
    assert not CertificateBatch.objects.filter(status__in=["queued", "running"]).exists()

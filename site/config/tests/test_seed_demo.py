import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Site

from registry.models import Membership, Organization, User, Venue

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    counted = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(
            (
                "registry.Historical",
                "admin.",
                "sessions.",
                "wagtailcore.Revision",
                "wagtailcore.ModelLogEntry",
                "wagtailcore.PageLogEntry",
                "wagtailsearch.",
                "wagtailcore.ReferenceIndex",
            )
        )
    }
    counted["users"] = sorted(User.objects.values_list("email", "first_name", "is_staff", "is_superuser"))
    counted["venues"] = sorted(Venue.objects.values_list("code", "capacity"))
    return counted


def test_seed_demo_twice_gives_the_same_data(capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8777"
    call_command("seed_demo")
    first = snapshot()
    output = capsys.readouterr().out
    call_command("seed_demo")

    assert snapshot() == first
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8777)  # the demo's links point where it runs
    assert Organization.objects.count() == 8
    assert Venue.objects.count() == 8
    assert Membership.objects.filter(role=Membership.Role.ORGANIZER).exists()
    roles = {group for user in User.objects.all() for group in user.roles}
    assert roles == {"attendee", "mentor", "organizer", "staff_admin"}
    assert "admin@convene.local" in output and "demo0001" in output


def test_demo_staff_gets_past_otp_with_a_printed_backup_code(client):
    call_command("seed_demo")
    client.post("/accounts/login/", {"login": "admin@convene.local", "password": "convene-demo-2026"})

    response = client.post("/accounts/2fa/", {"token": "demo0001", "next": "/staff/"})

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_the_demo_gives_the_back_office_a_day_of_work(django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import timezone

    from registry.certificates import registrations_to_certify
    from registry.models import Attendance, CreditEntry, EventRecord, Registration

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    now = timezone.now()
    confirmed = Registration.objects.filter(status="confirmed")
    with_registrations = EventRecord.objects.filter(page_id__in=Registration.objects.values("page_id"))
    happening = with_registrations.get(starts_at__lte=now, ends_at__gt=now)
    ended = with_registrations.get(ends_at__lt=now)
    at_the_door = Attendance.objects.filter(registration__page_id=happening.page_id)

    assert confirmed.filter(page_id=happening.page_id).count() == 24
    assert at_the_door.count() == 8  # the other 16 are waiting at the check-in page
    assert registrations_to_certify(ended.page_id).count() == 20  # four did not come
    assert CreditEntry.objects.filter(status="pending", user__email="student@convene.local").exists()
    attendees = {registration.email for registration in Registration.objects.all()}
    assert not [m for m in mail.outbox if attendees & set(m.to)]  # emailed when they registered, not at start-up

import pytest
from django.apps import apps
from django.core.management import call_command

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


def test_seed_demo_twice_gives_the_same_data(capsys):
    call_command("seed_demo")
    first = snapshot()
    output = capsys.readouterr().out
    call_command("seed_demo")

    assert snapshot() == first
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

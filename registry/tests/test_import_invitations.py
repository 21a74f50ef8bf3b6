"""Imported people get an emailed link to set a password; staff can send the same link as a reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry import otp
from registry.models import Role
from registry.services import NotAllowed
from registry.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def staff_client():
    client = Client()
    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    return client


def link_in(message) -> str:
    return (
        re.search(r"http://[^\s]+/accounts/invitation/[^\s]+/", message.body)
        .group(0)
        .removeprefix("http://127.0.0.1:8000")
    )


def set_password(client, link: str, password: str = NEW_PASSWORD):
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert b"Set your password" in form.content
    return client.post(form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}, follow=True)


def test_an_imported_person_follows_the_invitation_sets_a_password_and_signs_in(
    client, staff_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("people.csv", b"email,first_name,last_name,role\nnew@example.edu,Nia,Rao,attendee\n")
    preview = staff_client.post("/staff/registry/user/import/", {"import_file": upload, "format": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/staff/registry/user/process_import/", preview.context["confirm_form"].initial)
    (invitation,) = mail.outbox
    assert invitation.to == ["new@example.edu"]
    assert "an account has been created for you" in invitation.body

    done = set_password(client, link_in(invitation))

    assert b"Your password is set" in done.content
    assert EmailAddress.objects.get(email="new@example.edu").verified, "the link proved they own the address"
    signed_in = client.post("/accounts/login/", {"login": "new@example.edu", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"


def test_an_invitation_link_works_once(client, django_capture_on_commit_callbacks):
    from registry.services.invitations import users_invite

    person = UserFactory(password=None, verified_email=False)
    person.set_unusable_password()
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        users_invite(actor=StaffFactory(), user_ids=[person.pk], kind="invitation")
    link = link_in(mail.outbox[0])
    set_password(client, link)
    client.logout()

    again = client.get(link, follow=True)

    assert b"This link no longer works" in again.content


def test_an_accepted_invitation_is_not_sent_again(django_capture_on_commit_callbacks):
    from registry.services.invitations import users_invite

    person = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        users_invite(actor=StaffFactory(), user_ids=[person.pk], kind="invitation")

    assert not mail.outbox


def test_only_staff_admins_send_invitations_and_only_superusers_to_a_superuser(django_capture_on_commit_callbacks):
    from registry.services.invitations import users_invite

    person, superuser = UserFactory(), UserFactory(is_superuser=True, is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(NotAllowed, match="Only staff admins"):
            users_invite(actor=UserFactory(in_roles=[Role.ORGANIZER]), user_ids=[person.pk], kind="password_reset")
        with pytest.raises(NotAllowed, match="Only a superuser"):
            users_invite(actor=StaffFactory(), user_ids=[person.pk, superuser.pk], kind="password_reset")

    assert not mail.outbox


def test_staff_send_a_password_reset_that_lets_the_person_choose_a_new_password(
    client, staff_client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="forgetful@example.edu")
    disabled = UserFactory(email="gone@example.edu", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/staff/registry/user/",
            {"action": "send_password_reset", "_selected_action": [person.pk, disabled.pk]},
            follow=True,
        )

    assert b"on its way to 1 active account" in response.content
    (message,) = mail.outbox
    assert message.to == ["forgetful@example.edu"]
    assert "Set a new password" in message.subject
    set_password(client, link_in(message))
    assert client.post("/accounts/login/", {"login": person.email, "password": NEW_PASSWORD}).status_code == 302

"""Both admins need a verified second factor; every login path is the same one."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import otp
from registry.tests.factories import PASSWORD, StaffFactory, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMINS = ["/admin/", "/staff/"]


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, "password sign-in should succeed"


@pytest.mark.parametrize("admin_path", ADMINS)
def test_staff_without_otp_are_sent_to_enroll_and_let_in_after_verifying(client, totp_token, admin_path):
    staff = StaffFactory()
    sign_in(client, staff)

    response = client.get(admin_path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")

    enrollment = client.get(response["Location"])
    assert b"Set up two-step verification" in enrollment.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    wrong = client.post("/accounts/2fa/", {"token": "000000", "next": admin_path})
    assert wrong.status_code == 400
    assert b"That code is not valid" in wrong.content
    assert client.get(admin_path).status_code == 302

    # django-otp throttles after a failure; a person takes a few seconds to retype.
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        done = client.post("/accounts/2fa/", {"token": totp_token(device), "next": admin_path})
    assert done.status_code == 200
    assert len(done.context["codes"]) == otp.BACKUP_CODE_COUNT

    assert client.get(admin_path).status_code == 200


@pytest.mark.parametrize("admin_path", ADMINS)
def test_enrolled_staff_verify_with_their_app_each_session(client, totp_token, admin_path):
    device = TOTPDeviceFactory()
    sign_in(client, device.user)

    assert client.get(admin_path)["Location"].startswith("/accounts/2fa/")
    page = client.get(f"/accounts/2fa/?next={admin_path}")
    assert b"Verify it" in page.content

    response = client.post("/accounts/2fa/", {"token": totp_token(device), "next": admin_path})

    assert response.status_code == 302
    assert response["Location"] == admin_path
    assert client.get(admin_path).status_code == 200


def test_a_backup_code_works_once(client):
    staff = StaffFactory()
    otp.backup_codes_regenerate(staff, codes=["backup-one", "backup-two"])
    sign_in(client, staff)

    assert client.post("/accounts/2fa/", {"token": "backup-one", "next": "/staff/"}).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert not StaticToken.objects.filter(token="backup-one").exists()

    client.logout()
    sign_in(client, staff)
    reused = client.post("/accounts/2fa/", {"token": "backup-one", "next": "/staff/"})
    assert reused.status_code == 400


@pytest.mark.parametrize("admin_path", ADMINS)
def test_people_without_admin_rights_are_refused_without_otp_prompts(client, admin_path):
    sign_in(client, UserFactory())

    response = client.get(admin_path, follow=True)

    assert response.status_code == 403
    assert b"no access" in response.content


@pytest.mark.parametrize("login_path", ["/admin/login/", "/staff/login/"])
def test_admin_login_routes_cannot_bypass_the_shared_login(client, login_path):
    staff = StaffFactory()

    response = client.post(login_path, {"username": staff.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_visitors_to_wagtail_admin_go_to_the_shared_login(client):
    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_each_admin_links_to_the_other(client):
    staff = StaffFactory()
    otp.backup_codes_regenerate(staff, codes=["code-a", "code-b"])
    sign_in(client, staff)
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})

    assert b'href="/admin/"' in client.get("/staff/").content
    assert b'"label": "Back office", "icon_name": "cog", "classname": "", "attrs": {}, "url": "/staff/"' in (
        client.get("/admin/").content
    )


def test_admin_unlock_action_lifts_a_lockout(client):
    target = UserFactory(email="locked@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": target.email, "password": "nope-nope"})
    assert client.post("/accounts/login/", {"login": target.email, "password": PASSWORD}).status_code == 429

    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    admin_client = client.__class__()
    sign_in(admin_client, staff)
    admin_client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    admin_client.post("/staff/registry/user/", {"action": "unlock", "_selected_action": [target.pk]}, follow=True)

    response = client.post("/accounts/login/", {"login": target.email, "password": PASSWORD})
    assert response.status_code == 302

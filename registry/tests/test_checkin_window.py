"""The door opens a while before an event starts and closes a while after it ends."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from registry.actors import SYSTEM
from registry.models import Attendance
from registry.services.attendance import Outcome, check_in
from registry.tests.api import jwt_client
from registry.tests.factories import RegistrationFactory, StaffFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening():
    """An event tomorrow at 18:00 with one confirmed ticket."""
    starts_at = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    event = make_event(starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    return event, RegistrationFactory(page_id=event.pk)


def test_a_ticket_is_not_admitted_days_before_its_event(evening):
    event, ticket = evening

    result = check_in(page_id=event.pk, scanned=ticket.code, actor=SYSTEM)

    assert result.outcome == Outcome.TOO_EARLY and not result.admitted
    assert "Too early: check-in opens at 16:00" in result.message
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("minutes_before, admitted", [(121, False), (119, True)])
def test_the_door_opens_two_hours_before_the_start(evening, minutes_before, admitted):
    event, ticket = evening

    with time_machine.travel(event.starts_at - timedelta(minutes=minutes_before)):
        result = check_in(page_id=event.pk, scanned=ticket.code, actor=SYSTEM)

    assert result.admitted is admitted


def test_an_attendance_sheet_cannot_record_attendance_before_the_event_either(evening):
    event, ticket = evening

    result = check_in(page_id=event.pk, scanned=ticket.code, actor=SYSTEM, method=Attendance.Method.UPLOAD)

    assert result.outcome == Outcome.TOO_EARLY and not Attendance.objects.exists()


def test_the_opening_is_a_setting(evening, settings):
    event, ticket = evening
    settings.CHECKIN_OPENS_BEFORE_START_MINUTES = 60 * 48

    assert check_in(page_id=event.pk, scanned=ticket.code, actor=SYSTEM).admitted


def test_the_api_says_too_early(evening):
    event, ticket = evening

    response = jwt_client(StaffFactory()).post(
        f"/api/v1/checkin/events/{event.pk}/scan", {"code": ticket.code}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "too_early" and response.json()["admitted"] is False

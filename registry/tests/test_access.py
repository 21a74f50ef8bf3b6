"""API callers are remembered between requests, and every change to who they are or may do is seen at once."""

# ruff: noqa: F401, F811 (the `people` and `staff_client` fixtures are imported)

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import access, selectors
from registry.models import Membership, Organization, Role
from registry.services import people as people_service
from registry.services.attendance import checkin_token
from registry.services.registrations import event_record_sync
from registry.tests.api import jwt_client, people
from registry.tests.test_api_checkin import confirmed, event_of, scan
from registry.tests.test_import_people import confirm, csv_file, preview, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def remembered(settings):
    settings.ACCESS_CACHE_SECONDS = 60


@pytest.fixture
def door(people):
    """An organizer at their own event's door, who has scanned once (and so is remembered)."""
    event = event_of(people["own"])
    client = jwt_client(people["organizer_own"])
    assert scan(client, event, checkin_token(confirmed(event))).json()["outcome"] == "checked_in"
    return event, client, people["organizer_own"]


def scan_someone(event, client):
    return scan(client, event, checkin_token(confirmed(event, name="Next Person")))


def tables_read(queries) -> str:
    return " ".join(query["sql"] for query in queries if query["sql"].startswith("SELECT"))


def test_a_remembered_caller_is_not_read_again(door):
    event, client, _ = door
    ticket = checkin_token(confirmed(event, name="Next Person"))

    with CaptureQueriesContext(connection) as queries:
        assert scan(client, event, ticket).json()["outcome"] == "checked_in"

    read = tables_read(queries)
    assert '"registry_user"' not in read and '"auth_permission"' not in read
    assert '"registry_membership"' not in read and '"registry_eventrecord"."organization_id"' not in read
    assert '"registry_registration"' in read, "the scan itself still reads the ticket"


def test_the_password_hash_is_not_kept_in_the_cache(door):
    *_, organizer = door
    database, values, permissions, organizations = cache.get(access._person_key(organizer.pk))

    assert organizer.password not in values and "registry.add_attendance" in permissions
    assert access.cached_user(organizer.pk).password == organizer.password, "read from the database when asked"


def test_deactivating_someone_shuts_their_token_out_at_once(door):
    event, client, organizer = door
    organizer.is_active = False
    organizer.save()

    assert scan_someone(event, client).status_code == 401


def test_deactivating_people_in_bulk_shuts_them_out_too(door, people):
    event, client, organizer = door
    people_service.users_set_active(
        actor=people["staff_admin"], users=type(organizer).objects.filter(pk=organizer.pk), active=False
    )

    assert scan_someone(event, client).status_code == 401


@pytest.mark.parametrize("change", ["leave", "demote", "organization_deactivated", "organization_deleted"])
def test_losing_the_organization_hides_its_events_at_once(door, people, change):
    event, client, organizer = door
    membership = Membership.objects.get(user=organizer)
    if change == "leave":
        membership.delete()
    elif change == "demote":
        membership.role = Membership.Role.MEMBER
        membership.save()
    elif change == "organization_deactivated":
        organization = Organization.objects.get(pk=people["own"].pk)
        organization.is_active = False
        organization.save()  # as the back office does; organizers of an inactive organization manage nothing
    else:
        Organization.objects.filter(pk=people["own"].pk).delete()

    assert scan_someone(event, client).status_code == 404


def test_an_event_moved_to_another_organization_leaves_the_old_organizers(door, people):
    event, client, _ = door
    event.organization_id = people["other"].pk
    event_record_sync(page=event)  # as publishing the page does

    assert scan_someone(event, client).status_code == 404
    assert scan_someone(event, jwt_client(people["organizer_other"])).json()["outcome"] == "checked_in"


@pytest.mark.parametrize(
    "change",
    [
        "person_leaves_group",
        "group_loses_person",
        "group_cleared",
        "group_loses_permission",
        "permission_leaves_group",
        "group_deleted",
    ],
)
def test_losing_the_check_in_permission_is_seen_at_once(door, change):
    event, client, organizer = door
    organizers = Group.objects.get(name=Role.ORGANIZER)
    permission = Permission.objects.get(codename="add_attendance")
    match change:
        case "person_leaves_group":
            organizer.groups.remove(organizers)
        case "group_loses_person":
            organizers.user_set.remove(organizer)
        case "group_cleared":
            organizers.user_set.clear()
        case "group_loses_permission":
            organizers.permissions.remove(permission)
        case "permission_leaves_group":
            permission.group_set.remove(organizers)
        case "group_deleted":
            organizers.delete()

    assert scan_someone(event, client).status_code == 403


@pytest.mark.parametrize("side", ["person", "permission"])
def test_a_permission_given_to_someone_directly_is_seen_at_once(people, side):
    event = event_of(people["own"])
    person = people["organizer_own"]
    person.groups.clear()
    client = jwt_client(person)
    assert scan_someone(event, client).status_code == 403
    permissions = Permission.objects.filter(codename__in=["add_attendance", "access_admin"])

    if side == "person":
        person.user_permissions.add(*permissions)
    else:
        for permission in permissions:
            permission.user_set.add(person)

    assert scan_someone(event, client).json()["outcome"] == "checked_in"


def test_a_staff_import_that_demotes_someone_in_their_organization_is_seen_at_once(door, people, staff_client):
    event, client, organizer = door
    row = f"{organizer.email},Ona,Org,organizer,{people['own'].name},member,,,,,"

    confirm(staff_client, preview(staff_client, csv_file(row)))

    assert Membership.objects.get(user=organizer).role == Membership.Role.MEMBER
    assert scan_someone(event, client).status_code == 404


def test_a_commit_drops_what_a_request_remembered_while_the_change_was_in_flight(
    door, django_capture_on_commit_callbacks
):
    event, client, organizer = door
    stale = type(organizer).objects.get(pk=organizer.pk)
    selectors.managed_organization_ids(stale)
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=organizer).get().delete()
        access.remember(stale)  # a request that read the rows before the delete was committed

    assert scan_someone(event, client).status_code == 404


def test_without_a_shared_cache_nothing_is_remembered(door, settings):
    event, client, organizer = door
    settings.ACCESS_CACHE_SECONDS = 0
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        assert scan_someone(event, client).json()["outcome"] == "checked_in"

    assert '"registry_user"' in tables_read(queries) and cache.get(access._person_key(organizer.pk)) is None


def test_entries_written_for_other_columns_are_not_read_after_a_deploy(people, monkeypatch):
    organizer = people["organizer_own"]
    monkeypatch.setattr(access, "_USER_FIELDS_TAG", "columns-before-the-deploy")
    access.remember(organizer)
    assert access.cached_user(organizer.pk) is not None
    monkeypatch.undo()

    assert access.cached_user(organizer.pk) is None

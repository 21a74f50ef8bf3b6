"""Who may open which staff screen: every view of both admins and the staff pages outside them, for every kind
of person, against the hand-written policy in `matrix_policy`. A view missing from the policy fails the test until
its row is written; a view that shows organization A's records to someone outside A fails it; a refused write
that changed a row fails it."""

import re

import pytest
from django.test import Client

from registry.tests.factories import signed_in

from . import matrix_policy as policy
from .matrix_views import all_views, outcome
from .matrix_world import A_SECRET_EMAIL, A_SECRET_NAME, ROLES, build, snapshot

pytestmark = pytest.mark.django_db

OUTSIDERS = ("anonymous", "attendee", "organizer_b", "editor", "staff_without_second_factor")
HOSTILE = {
    "full_name": "Hacked",
    "name": "Hacked",
    "title": "Hacked",
    "email": "hacked@example.org",
    "is_superuser": "on",
    "is_staff": "on",
    "status": "cancelled",
    "points": "999",
    "role": "head",
    "post": "yes",
    "code": "AAAAAAAAAA",
}
WRITE_KINDS = ("change", "delete", "simple_history", "add", "process_import")
ADDING_SNIPPETS = re.compile(r"/admin/snippets/(choose/)?cms/(speaker|partner)/(add|create|preview)/$")


def expected_for(view) -> dict | None:
    if view.name in policy.CUSTOM:
        return policy.CUSTOM[view.name]
    if view.model:
        app, model = view.model.split(".")
        return policy.model_view(view.model, view.name.removeprefix(f"admin:{app}_{model}_"))
    return policy.wagtail_view(view.name)


def kind_of(view) -> str:
    app, model = view.model.split(".") if view.model else ("", "")
    return view.name.removeprefix(f"admin:{app}_{model}_")


def may_write(role: str, view) -> bool:
    """Whether the policy lets this person write through this view (those writes are other tests' subject)."""
    rules = policy.MODELS.get(view.model, {})
    kind = kind_of(view)
    if kind == "change":
        return dict(zip(policy.STAFF_ROLES, rules.get("access", ()), strict=False)).get(role) == policy.EDIT
    capability = {"delete": "deletes", "add": "adds", "process_import": "imports"}.get(kind)
    return capability is not None and role in rules.get(capability, ())


def signed_in_as(world, role) -> Client:
    client = Client()
    if world.people[role] is not None:
        signed_in(client, world.people[role], second_factor=role != "staff_without_second_factor")
    return client


def answers_differing_from_the_policy(client, role, views) -> tuple[list, list, list]:
    missing, wrong, leaks = [], [], []
    for view in views:
        expected = expected_for(view)
        if expected is None:
            missing.append(view.name)
            continue
        if view.url is None:
            continue
        response = client.get(view.url)
        got = outcome(response)
        if got != expected[role]:
            wrong.append(f"{view.name} ({view.url}): expected {expected[role]!r}, got {got!r}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        body = body.decode(errors="replace") if response.status_code == 200 else ""
        if role in OUTSIDERS and (A_SECRET_EMAIL in body or A_SECRET_NAME in body):
            leaks.append(f"{view.name} ({view.url}) shows organization A's person")
    return missing, wrong, leaks


def refused_writes(client, role, views, world) -> None:
    """POST what a hostile person would to every view that writes, where the policy refuses them."""
    for view in views:
        if view.url is None or not view.name.startswith("admin:"):
            continue
        if kind_of(view) in WRITE_KINDS and not may_write(role, view):
            client.post(view.url, HOSTILE)
    if role not in ("organizer_a", "staff_admin"):
        for view in views:
            if view.name in (
                "approvals:cancel",
                "approvals:new",
                "admin:registry_checkin_scan",
                "admin:registry_certificatebatch_resume",
                "staff_event_check_in_by_name",
                "staff_event_attendance_commit",
                "staff_event_certificates_issue",
                "staff_event_certificate_reissue",
            ):
                client.post(view.url, HOSTILE)
        # The control room's writes, naming A's real registration and certificate.
        registration = world.objects["registry.registration"]
        certificate = world.objects.get("registry.certificate")
        real = {
            "code": registration.code,
            "chosen": f"{registration.code}:0",
        }
        for view in views:
            if view.name in ("staff_event_check_in_by_name", "staff_event_attendance_commit"):
                client.post(view.url, real)
            elif view.name == "staff_event_certificate_reissue" and certificate is not None:
                client.post(view.url, {"code": certificate.code})
            elif view.name == "staff_event_certificates_issue":
                client.post(view.url)
    if role not in ("editor", "organizer_a"):  # Wagtail's page permissions decide for those who may write A's pages
        for view in views:
            # The link choosers write nothing (and Wagtail answers a form without its fields with an error).
            if view.name.startswith("wagtail:") and view.url is not None and "/choose-" not in view.url:
                if role == "staff_admin" and view.url.startswith("/admin/events/"):
                    continue  # they run A's event: cancelling and duplicating it are theirs to do
                if role.startswith("organizer") and ADDING_SNIPPETS.match(view.url):
                    continue  # adding their organizations' speakers is theirs (cms test_snippet_organizations)
                client.post(view.url, HOSTILE)


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_view_answers_each_person_as_the_policy_says_and_refused_writes_change_nothing(role):
    world = build()
    client = signed_in_as(world, role)
    views = all_views(world)
    staying = [view for view in views if "logout" not in view.name]
    before = snapshot(world)

    missing, wrong, leaks = answers_differing_from_the_policy(client, role, staying)
    refused_writes(client, role, staying, world)
    after = snapshot(world)
    for view in views:
        if "logout" in view.name:  # signing out ends the session: each on a session of its own
            found = answers_differing_from_the_policy(signed_in_as(world, role), role, [view])
            missing, wrong = missing + found[0], wrong + found[1]

    assert not missing, "Views with no row in the policy table:\n" + "\n".join(missing)
    assert not wrong, "\n".join(wrong)
    assert not leaks, "\n".join(leaks)
    assert after == before, "a refused write changed a row"

"""Speakers and partners kept by organizations: organizers add and change their own organization's, site-wide
editors keep every one, and no Wagtail screen lets an organizer change another organization's entry."""

import pytest
from django.contrib.auth.models import Group

from cms.models import Partner, Speaker
from cms.permissions import KeptByOrganizationPolicy
from registry.models import Role
from registry.tests.factories import MembershipFactory, OrganizationFactory, UserFactory, signed_in

from . import factories

pytestmark = pytest.mark.django_db

SPEAKERS = "/admin/snippets/cms/speaker/"
PARTNERS = "/admin/snippets/cms/partner/"


@pytest.fixture
def world():
    club_a, club_b = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Robotics Club")
    organizer_a = UserFactory(in_roles=[Role.ORGANIZER])
    MembershipFactory(user=organizer_a, organization=club_a)
    editor = UserFactory(in_roles=[])
    editor.groups.add(Group.objects.get(name="Editors"))
    return {
        "a": club_a,
        "b": club_b,
        "organizer_a": organizer_a,
        "editor": editor,
        "speaker_a": factories.speaker("Ada of A", owner_organization=club_a),
        "speaker_b": factories.speaker("Bea of B", owner_organization=club_b),
        "site_wide": factories.speaker("Sid Site-wide"),
        "partner_b": factories.partner("Bolts Inc", owner_organization=club_b),
    }


def speaker_form(name: str, organization=None, **fields) -> dict:
    data = {"name": name, "slug": "", "title": "", "organization": "", "links-count": "0"}
    if organization is not None:
        data["owner_organization"] = organization.pk
    return {**data, **fields}


def partner_form(name: str, organization=None) -> dict:
    data = {"name": name, "slug": "", "tier": Partner.Tier.COMMUNITY, "website": "", "description": ""}
    if organization is not None:
        data["owner_organization"] = organization.pk
    return data


def refused(response) -> bool:
    """Wagtail answers a refusal with 403, or by sending the person to the admin's front page."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_an_organizer_adds_a_speaker_for_their_organization_and_edits_it(client, world):
    signed_in(client, world["organizer_a"])

    response = client.post(f"{SPEAKERS}add/", speaker_form("Grace New", world["a"]))

    assert response.status_code == 302, response.content.decode()[:2000]
    speaker = Speaker.objects.get(name="Grace New")
    assert speaker.owner_organization == world["a"]
    response = client.post(f"{SPEAKERS}edit/{speaker.pk}/", speaker_form("Grace Renamed", world["a"]))
    assert response.status_code == 302
    assert Speaker.objects.get(pk=speaker.pk).name == "Grace Renamed"


def test_an_organizers_new_speaker_must_belong_to_one_of_their_organizations(client, world):
    signed_in(client, world["organizer_a"])

    for_b = client.post(f"{SPEAKERS}add/", speaker_form("For B", world["b"]))
    for_nobody = client.post(f"{SPEAKERS}add/", speaker_form("For nobody"))
    draft_for_nobody = client.post(f"{SPEAKERS}add/", speaker_form("Draft for nobody", **{"action-save": "1"}))

    assert for_b.status_code == 200 and "owner_organization" in for_b.context["form"].errors
    assert for_nobody.status_code == 200 and for_nobody.context["form"].errors["owner_organization"]
    assert draft_for_nobody.status_code == 200, "even a draft needs one of their organizations"
    assert not Speaker.objects.filter(name__in=["For B", "For nobody", "Draft for nobody"]).exists()
    choices = for_b.context["form"].fields["owner_organization"].queryset
    assert list(choices) == [world["a"]]


@pytest.mark.parametrize("entry", ["speaker_b", "site_wide"])
def test_an_organizer_cannot_edit_or_delete_another_organizations_or_a_site_wide_speaker(client, world, entry):
    speaker = world[entry]
    signed_in(client, world["organizer_a"])

    assert refused(client.get(f"{SPEAKERS}edit/{speaker.pk}/"))
    crafted = client.post(f"{SPEAKERS}edit/{speaker.pk}/", speaker_form("Hijacked", world["a"]))
    assert refused(crafted)
    assert refused(client.post(f"{SPEAKERS}delete/{speaker.pk}/"))
    assert refused(client.post(f"{SPEAKERS}lock/{speaker.pk}/"))

    stored = Speaker.objects.get(pk=speaker.pk)
    assert (stored.name, stored.owner_organization_id, stored.locked) == (
        speaker.name,
        speaker.owner_organization_id,
        False,
    )
    assert stored.latest_revision is None, "no draft was saved either"


def test_an_organizer_cannot_delete_another_organizations_speaker_in_bulk(client, world):
    signed_in(client, world["organizer_a"])

    url = f"/admin/bulk/cms/speaker/delete/?next={SPEAKERS}&id={world['speaker_b'].pk}&id={world['speaker_a'].pk}"
    client.post(url)

    assert Speaker.objects.filter(pk=world["speaker_b"].pk).exists(), "B's speaker survives"


def test_an_organizer_cannot_edit_another_organizations_partner(client, world):
    partner = world["partner_b"]
    signed_in(client, world["organizer_a"])

    assert refused(client.post(f"{PARTNERS}edit/{partner.pk}/", partner_form("Hijacked", world["a"])))

    assert Partner.objects.get(pk=partner.pk).name == "Bolts Inc"


def test_the_listing_offers_editing_only_on_the_organizers_own_speakers(client, world):
    signed_in(client, world["organizer_a"])

    listing = client.get(SPEAKERS).content.decode()

    assert "Bea of B" in listing and "Sid Site-wide" in listing, "everyone's speakers are listed"
    assert f"{SPEAKERS}edit/{world['speaker_a'].pk}/" in listing
    assert f"{SPEAKERS}edit/{world['speaker_b'].pk}/" not in listing
    assert f"{SPEAKERS}edit/{world['site_wide'].pk}/" not in listing


def test_the_policy_names_the_speakers_each_person_may_change(world):
    policy = KeptByOrganizationPolicy(Speaker)

    organizers = policy.instances_user_has_permission_for(world["organizer_a"], "change")
    editors = policy.instances_user_has_permission_for(world["editor"], "change")

    assert list(organizers) == [world["speaker_a"]]
    assert set(editors) == {world["speaker_a"], world["speaker_b"], world["site_wide"]}
    assert world["organizer_a"] in policy.users_with_permission_for_instance("change", world["speaker_a"])
    assert world["organizer_a"] not in policy.users_with_permission_for_instance("change", world["speaker_b"])


def test_editors_edit_every_speaker_and_may_leave_it_site_wide(client, world):
    signed_in(client, world["editor"])

    for entry in ("speaker_a", "speaker_b", "site_wide"):
        speaker = world[entry]
        response = client.post(f"{SPEAKERS}edit/{speaker.pk}/", speaker_form(f"{speaker.name} (edited)"))
        assert response.status_code == 302, response.content.decode()[:2000]
        draft = Speaker.objects.get(pk=speaker.pk).get_latest_revision_as_object()
        assert draft.name == f"{speaker.name} (edited)" and draft.owner_organization is None


def test_an_organizer_may_choose_any_published_speaker_for_their_events(client, world):
    signed_in(client, world["organizer_a"])

    chooser = client.get("/admin/snippets/choose/cms/speaker/")

    assert chooser.status_code == 200
    html = chooser.json()["html"]
    assert "Bea of B" in html and "Sid Site-wide" in html and "Ada of A" in html


def test_an_organizer_adds_a_missing_speaker_from_the_chooser_as_a_draft_for_their_organization(client, world):
    signed_in(client, world["organizer_a"])

    tab = client.get("/admin/snippets/choose/cms/speaker/").json()["html"]
    response = client.post(
        "/admin/snippets/choose/cms/speaker/create/", {"name": "Chosen New", "owner_organization": world["a"].pk}
    )

    assert 'name="owner_organization"' in tab, "the chooser has a Create tab"
    assert response.json()["step"] == "chosen"
    speaker = Speaker.objects.get(name="Chosen New")
    assert speaker.owner_organization == world["a"]
    assert not speaker.live and speaker.latest_revision is not None, "a draft, waiting for the moderators"


def test_an_organizer_cannot_add_a_speaker_for_another_organization_from_the_chooser(client, world):
    signed_in(client, world["organizer_a"])

    for organization in (world["b"].pk, ""):
        response = client.post(
            "/admin/snippets/choose/cms/speaker/create/", {"name": "Sneaky", "owner_organization": organization}
        )
        assert response.json()["step"] == "reshow_creation_form"

    assert not Speaker.objects.filter(name="Sneaky").exists()


def test_someone_who_may_publish_adds_a_published_partner_from_the_chooser(client, world):
    factories.verified_admin_client(client)

    response = client.post(
        "/admin/snippets/choose/cms/partner/create/", {"name": "Fresh Partner", "tier": Partner.Tier.GOLD}
    )

    assert response.json()["step"] == "chosen"
    partner = Partner.objects.get(name="Fresh Partner")
    assert partner.live and partner.owner_organization is None

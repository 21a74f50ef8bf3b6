"""Where each page type may live, and that an editor can create an event with sessions, speakers, partners."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import EventIndexPage, EventPage, HomePage, OrganizationEventsPage, StandardPage
from cms.tests import factories

pytestmark = pytest.mark.django_db


class PageTreeRules(WagtailPageTestCase):
    def setUp(self):
        self.home = factories.home_page()
        self.index = factories.event_index()
        factories.verified_admin_client(self.client)

    def test_home_page_sits_at_the_root_and_holds_the_listing_and_standard_pages(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {EventIndexPage, StandardPage})

    def test_events_live_in_an_organizations_section_or_straight_under_the_event_index(self):
        self.assertAllowedParentPageTypes(EventPage, {OrganizationEventsPage, EventIndexPage})
        self.assertAllowedParentPageTypes(OrganizationEventsPage, {EventIndexPage})
        self.assertAllowedSubpageTypes(EventPage, set())
        self.assertAllowedSubpageTypes(OrganizationEventsPage, {EventPage})
        self.assertCanCreateAt(OrganizationEventsPage, EventPage)
        self.assertCanCreateAt(EventIndexPage, EventPage)
        self.assertCanNotCreateAt(HomePage, EventPage)
        self.assertCanNotCreateAt(StandardPage, EventPage)

    def test_there_is_one_event_index_under_the_home_page(self):
        self.assertAllowedSubpageTypes(EventIndexPage, {OrganizationEventsPage, EventPage})
        self.assertCanNotCreateAt(StandardPage, EventIndexPage)
        self.assertEqual(EventIndexPage.max_count, 1)

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertCanCreateAt(StandardPage, StandardPage)

    def test_editor_creates_a_standard_page(self):
        self.assertCanCreate(
            self.home,
            StandardPage,
            nested_form_data(
                {
                    "title": "Privacy",
                    "slug": "privacy",
                    "intro": "What we keep.",
                    "body": streamfield([("paragraph", rich_text("<p>Only what we need.</p>"))]),
                }
            ),
        )

    def test_editor_creates_an_event_with_sessions_speakers_partners_and_questions(self):
        speaker = factories.speaker("Ada Lovelace")
        second = factories.speaker("Charles Babbage")
        partner = factories.partner("Analytical Engines")
        starts = timezone.localtime() + timedelta(days=10)
        fmt = "%Y-%m-%d %H:%M"
        data = nested_form_data(
            {
                "title": "Workshop on engines",
                "slug": "engines",
                "summary": "Two sessions.",
                "kind": "workshop",
                "language": "en",
                "body": streamfield([("heading", "Plan")]),
                "starts_at": starts.strftime(fmt),
                "ends_at": (starts + timedelta(hours=5)).strftime(fmt),
                "capacity": 30,
                "attendance_threshold": 75,
                "credit_points": 0,
                "waitlist_enabled": "on",
                "sessions": inline_formset(
                    [
                        {
                            "title": "Morning",
                            "starts_at": starts.strftime(fmt),
                            "ends_at": (starts + timedelta(hours=2)).strftime(fmt),
                            "description": "",
                            "session_speakers": inline_formset([{"speaker": speaker.pk}]),
                        },
                        {
                            "title": "Afternoon",
                            "starts_at": (starts + timedelta(hours=3)).strftime(fmt),
                            "ends_at": (starts + timedelta(hours=5)).strftime(fmt),
                            "description": "",
                            "session_speakers": inline_formset([]),
                        },
                    ]
                ),
                "event_speakers": inline_formset([{"speaker": second.pk}, {"speaker": speaker.pk}]),
                "event_partners": inline_formset([{"partner": partner.pk}]),
                "registration_questions": inline_formset(
                    [{"label": "T-shirt size", "field_type": "dropdown", "required": "on", "choices": "S\nM\nL"}]
                ),
            }
        )
        self.assertCanCreate(self.index, EventPage, data)
        page = EventPage.objects.get(slug="engines")
        assert [s.title for s in page.sessions.order_by("starts_at")] == ["Morning", "Afternoon"]
        assert page.sessions.get(title="Morning").public_speakers == [speaker]
        assert page.public_speakers == [second, speaker], "speakers keep the order the editor chose"
        assert [row.partner for row in page.event_partners.all()] == [partner]
        assert list(page.registration_form_class()().fields) == ["t_shirt_size"]

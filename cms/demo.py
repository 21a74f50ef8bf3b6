"""Demo page tree for the public site (pages are built in code, not loaded from JSON).

Idempotent: everything is found by slug or title before it is created, so a second run changes nothing.
Event times are relative to the first run (past and future months, a few this week and one happening now).
"""

from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from registry.actors import SYSTEM
from registry.models import CreditCategory, Organization, Venue
from registry.services.events import event_cancel

from . import sections
from .models import (
    EventIndexPage,
    EventKind,
    EventPage,
    EventPartner,
    EventSession,
    EventSpeaker,
    HomePage,
    Language,
    Partner,
    SessionSpeaker,
    SiteSettings,
    Speaker,
    StandardPage,
)
from .sites import site_address

IMAGES = Path(settings.BASE_DIR) / "fixtures" / "images"

SPEAKERS = [
    ("Anita Desai", "Principal Engineer", "Nimbus Cloud", "Builds distributed storage and teaches systems design."),
    (
        "Rahul Menon",
        "Associate Professor",
        "Department of Computer Science",
        "Researches machine learning on edge devices.",
    ),
    ("Fatima Khan", "Founder", "Kite Robotics", "Designs low-cost robots for schools."),
    ("Karthik Subramanian", "Product Manager", "Vertex Labs", "Ships developer tools used by a million people."),
    ("Meenakshi Pillai", "Poet and editor", "Lumen Press", "Edits an anthology of new Indian poetry."),
    ("Joseph Mathew", "Chief Risk Officer", "Orbit Bank", "Speaks on fintech, risk and regulation."),
    ("Sneha Kulkarni", "Data Scientist", "Aranya Foundation", "Uses satellite data to track forest cover."),
    (
        "Arvind Rao",
        "Entrepreneur in residence",
        "Innovation and Incubation Centre",
        "Has mentored forty student startups.",
    ),
    ("Divya Shetty", "Security Researcher", "Vertex Labs", "Finds and fixes vulnerabilities in open-source software."),
    ("Imran Qureshi", "Robotics Lead", "Kite Robotics", "Builds autonomous rovers for agriculture."),
    ("Lakshmi Narayan", "Professor Emerita", "Department of Electronics", "Pioneer of VLSI education in the region."),
    ("Neha Gupta", "UX Researcher", "Nimbus Cloud", "Studies how people learn new software."),
]

# Speakers an organization keeps (its organizers change them); the rest are site-wide, kept by the editors.
KEPT_BY = {"Divya Shetty": "Coding Club", "Karthik Subramanian": "Coding Club"}

PARTNERS = [
    (
        "Nimbus Cloud",
        Partner.Tier.PRINCIPAL,
        "https://example.org/nimbus",
        "Cloud credits and mentors for student projects.",
    ),
    ("Vertex Labs", Partner.Tier.GOLD, "https://example.org/vertex", "Sponsors the annual hackathon."),
    ("Orbit Bank", Partner.Tier.GOLD, "https://example.org/orbit", "Supports the fintech and entrepreneurship tracks."),
    ("Kite Robotics", Partner.Tier.SILVER, "https://example.org/kite", "Lends robot kits to the Robotics Club."),
    ("Aranya Foundation", Partner.Tier.COMMUNITY, "https://example.org/aranya", "Runs community and climate projects."),
    ("Lumen Press", Partner.Tier.COMMUNITY, "https://example.org/lumen", "Publishes the best of the literary fest."),
]

# title, kind, organization, image, credit category code, summary
EVENT_TOPICS = [
    (
        "Hack Night",
        EventKind.EVENT,
        "Coding Club",
        "hackathon",
        "technical",
        "An evening of building, pizza and demos.",
    ),
    (
        "Intro to Machine Learning",
        EventKind.WORKSHOP,
        "Department of Computer Science",
        "ai-workshop",
        "technical",
        "Hands-on sessions from linear models to neural networks.",
    ),
    (
        "Robot Race Qualifiers",
        EventKind.EVENT,
        "Robotics Club",
        "robotics",
        "technical",
        "Line-followers and maze solvers compete for the final.",
    ),
    (
        "Inter-College Debate",
        EventKind.EVENT,
        "Literary Society",
        "debate",
        "cultural",
        "Teams from twelve colleges argue this year's motions.",
    ),
    (
        "Startup Clinic",
        EventKind.WORKSHOP,
        "Innovation and Incubation Centre",
        "startup",
        "entrepreneurship",
        "Bring your idea; leave with a plan and a mentor.",
    ),
    ("Evening of Music", EventKind.EVENT, "Literary Society", "music", "cultural", "Students and alumni perform."),
    (
        "Science Fair",
        EventKind.EVENT,
        "Department of Electronics",
        "science",
        "technical",
        "Projects from every department, judged by industry guests.",
    ),
    (
        "Career Guidance Series",
        EventKind.COURSE,
        "Centre for Continuing Education",
        "career",
        "cpd",
        "Weekly sessions on CVs, interviews and first jobs.",
    ),
    (
        "Secure Coding Bootcamp",
        EventKind.COURSE,
        "Centre for Continuing Education",
        "hackathon",
        "cpd",
        "A CPD course on writing software that resists attack.",
    ),
    (
        "Embedded Systems Lab",
        EventKind.WORKSHOP,
        "Department of Electronics",
        "robotics",
        "technical",
        "Program microcontrollers and build a weather station.",
    ),
    ("Poetry Slam", EventKind.EVENT, "Literary Society", "debate", "cultural", "Open mic for poets in any language."),
    (
        "Design Thinking Workshop",
        EventKind.WORKSHOP,
        "Innovation and Incubation Centre",
        "startup",
        "entrepreneurship",
        "Interview users, prototype, test: in one day.",
    ),
]

# Days from today for each event; 0 is today. Chosen to cover four months either side and this week.
OFFSETS = [
    -118,
    -110,
    -101,
    -93,
    -86,
    -79,
    -70,
    -62,
    -55,
    -48,
    -41,
    -34,
    -27,
    -20,
    -14,
    -9,
    -5,
    -2,
    0,
    1,
    2,
    3,
    5,
    7,
    10,
    14,
    18,
    23,
    28,
    34,
    40,
    47,
    55,
    62,
    70,
    78,
    86,
    95,
    103,
    111,
    118,
    120,
]
LANGUAGES = [Language.ENGLISH] * 6 + [Language.HINDI, Language.KANNADA, Language.TAMIL]


def _image(filename: str, title: str, description: str):
    """Import a fixture image once, found again by title."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    with open(IMAGES / filename, "rb") as handle:
        image = Image(title=title, description=description, file=ImageFile(handle, name=filename))
        image.save()
    return image


def _publish(obj):
    obj.save_revision().publish()
    return obj


def _speakers() -> list[Speaker]:
    speakers = []
    for number, (name, title, organization, bio) in enumerate(SPEAKERS, start=1):
        speaker = Speaker.objects.filter(name=name).first()
        if speaker is None:
            photo = _image(f"speaker-{number:02d}.png", f"Portrait: {name}", f"Illustrated portrait of {name}")
            speaker = Speaker(name=name, title=title, organization=organization, bio=f"<p>{bio}</p>", photo=photo)
            speaker.owner_organization = Organization.objects.filter(name=KEPT_BY.get(name, "")).first()
            speaker.save()
            _publish(speaker)
        speakers.append(speaker)
    return speakers


def _partners() -> list[Partner]:
    partners = []
    for name, tier, website, description in PARTNERS:
        partner = Partner.objects.filter(name=name).first()
        if partner is None:
            slug = name.lower().replace(" ", "-")
            logo = _image(f"partner-{slug}.png", f"Logo: {name}", f"{name} logo")
            partner = Partner(name=name, tier=tier, website=website, description=description, logo=logo)
            partner.save()
            _publish(partner)
        partners.append(partner)
    return partners


def _child(parent: Page, model, slug: str, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    return _publish(page)


def _sessions(kind: str, starts_at: datetime, room, speakers: list[Speaker]) -> list:
    """Two-hour sittings: a workshop's over its two days, a course's every four days."""
    if kind == EventKind.EVENT:
        return []
    titles = ["Foundations", "Hands-on lab", "Project clinic", "Showcase"]
    if kind == EventKind.WORKSHOP:
        starts = [timedelta(0), timedelta(hours=3), timedelta(days=1)]
    else:
        starts = [timedelta(days=4 * number) for number in range(4)]
    sessions = []
    for number, offset in enumerate(starts):
        session = EventSession(
            title=titles[number],
            starts_at=starts_at + offset,
            ends_at=starts_at + offset + timedelta(hours=2),
            room=room,
            description=f"Part {number + 1} of {len(starts)}.",
        )
        session.session_speakers = [SessionSpeaker(speaker=speakers[number % len(speakers)], sort_order=0)]
        sessions.append(session)
    return sessions


def _events(index: EventIndexPage, speakers: list[Speaker], partners: list[Partner]) -> None:
    venues = list(Venue.objects.order_by("code"))
    organizations = {org.name: org for org in Organization.objects.all()}
    categories = {category.code: category for category in CreditCategory.objects.all()}
    existing = set(EventPage.objects.descendant_of(index).values_list("slug", flat=True))
    now = timezone.now()
    today = timezone.localdate(now)
    for number, offset in enumerate(OFFSETS):
        title, kind, organizer, picture, category_code, summary = EVENT_TOPICS[number % len(EVENT_TOPICS)]
        edition = number // len(EVENT_TOPICS) + 1
        slug = f"{title.lower().replace(' ', '-')}-{edition}"
        if slug in existing:
            continue
        starts_at = timezone.make_aware(datetime.combine(today + timedelta(days=offset), time(10 + number % 6)))
        if offset == 0 and number % 2 == 0:
            starts_at = now - timedelta(hours=1)  # happening now
        length = {EventKind.EVENT: timedelta(hours=3), EventKind.WORKSHOP: timedelta(days=1, hours=6)}
        ends_at = starts_at + length.get(kind, timedelta(days=14))
        if -10 < offset < 0 and kind != EventKind.EVENT:
            ends_at = now + timedelta(days=2)  # a multi-day workshop in progress
        venue = venues[number % len(venues)] if venues and number % 5 != 4 else None
        online_url = "https://meet.example.org/convene" if number % 5 in (3, 4) else ""
        category = categories.get(category_code)
        capacity = None if number % 7 == 6 else min(venue.capacity if venue else 500, 20 + (number * 13) % 180)
        image = _image(f"event-{picture}.png", f"Banner: {picture}", f"Illustration for {title}")
        page = EventPage(
            title=f"{title} {edition}" if edition > 1 else title,
            slug=slug,
            summary=summary,
            body=[
                {"type": "paragraph", "value": f"<p>{summary} Open to all students, staff and alumni.</p>"},
                {"type": "heading", "value": "What to bring"},
                {"type": "paragraph", "value": "<p>A laptop if you have one, and your curiosity.</p>"},
            ],
            image=image,
            image_alt=f"Illustration for {title}",
            kind=kind,
            language=LANGUAGES[number % len(LANGUAGES)],
            organization=organizations.get(organizer),
            venue=venue,
            online_url=online_url,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_closes_at=min(starts_at, ends_at - timedelta(minutes=30)),
            requires_approval=number % 9 == 8,
            credit_category=category,
            credit_points=(2 + number % 4) if category else 0,
            featured=number % 8 == 3 and offset > 0,
            search_description=summary,
        )
        chosen = [speakers[(number + k) % len(speakers)] for k in range(1 + number % 3)]
        page.event_speakers = [EventSpeaker(speaker=speaker, sort_order=k) for k, speaker in enumerate(chosen)]
        page.event_partners = [EventPartner(partner=partners[number % len(partners)], sort_order=0)]
        page.sessions = _sessions(kind, starts_at, venue, chosen)
        organization = organizations.get(organizer)
        parent = sections.sync_organization(organization) if organization else index
        parent.add_child(instance=page)
        _publish(page)
        if number == 28:
            event_cancel(page_id=page.pk, actor=SYSTEM, reason="The speakers could not travel.")


def _site_settings(site: Site, events: EventIndexPage, about: Page, contact: Page, privacy: Page) -> None:
    site_settings = SiteSettings.for_site(site)
    if site_settings.tagline:
        return
    site_settings.site_name = "Convene"
    site_settings.tagline = "Events, workshops and courses across campus"
    site_settings.contact_email = "events@convene.local"
    site_settings.contact_phone = "+91 80 4000 1234"
    site_settings.address = "Convene Institute of Technology\nCollege Road, Bengaluru 560001"
    site_settings.navigation = [
        {"type": "link", "value": {"label": "Events", "page": events.pk, "url": ""}},
        {"type": "link", "value": {"label": "Speakers", "page": None, "url": "/speakers/"}},
        {"type": "link", "value": {"label": "Partners", "page": None, "url": "/partners/"}},
        {"type": "link", "value": {"label": "About", "page": about.pk, "url": ""}},
    ]
    site_settings.footer_links = [
        {"type": "link", "value": {"label": "Contact", "page": contact.pk, "url": ""}},
        {"type": "link", "value": {"label": "Privacy", "page": privacy.pk, "url": ""}},
        {"type": "link", "value": {"label": "Past events", "page": None, "url": "/events/?when=past"}},
    ]
    site_settings.footer_text = "<p>Convene — events, workshops and certificates for our campus community.</p>"
    site_settings.certificate_signatory_name = "Dr. Kavita Raman"
    site_settings.certificate_signatory_title = "Dean, Student Affairs"
    site_settings.save()


@transaction.atomic
def seed() -> HomePage:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial "Welcome" page holds the slug our home page wants.
        Page.objects.child_of(root).filter(slug="home").delete()
        home = root.add_child(
            instance=HomePage(
                title="Convene",
                slug="home",
                intro="<p>Events, workshops and certificates for our campus community.</p>",
            )
        )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    (site.hostname, site.port), site.root_page, site.site_name = site_address(), home, "Convene"
    site.save()

    events = _child(home, EventIndexPage, "events", title="Events", intro="<p>Everything on campus, in one place.</p>")
    about = _child(
        home,
        StandardPage,
        "about",
        title="About",
        intro="Convene brings the campus's clubs, departments and centres together in one calendar.",
        body=[{"type": "paragraph", "value": "<p>Find an event, register in a minute, earn your certificate.</p>"}],
    )
    contact = _child(
        home,
        StandardPage,
        "contact",
        title="Contact",
        intro="Questions about an event? Write to its organizers, or to us.",
        body=[{"type": "paragraph", "value": "<p>Email events@convene.local or visit the Admin Block, room 101.</p>"}],
    )
    privacy = _child(
        home,
        StandardPage,
        "privacy",
        title="Privacy",
        intro="What we keep about you, and why.",
        body=[{"type": "paragraph", "value": "<p>We keep registrations to run events and issue certificates.</p>"}],
    )
    speakers, partners = _speakers(), _partners()
    _events(events, speakers, partners)
    _site_settings(site, events, about, contact, privacy)
    sections.sync_all()
    return home

"""Reads for the public site, shaped so a page's query count does not grow with its rows."""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.images import get_image_model

from registry.models import AttendanceMode, CreditCategory, Organization, Venue
from registry.selectors import seats_left, with_seats_left

from .models import EventPage, EventPartner, EventSession, EventSpeaker, Partner, SessionSpeaker, Speaker

CARD_IMAGE = "fill-640x360"
HERO_IMAGE = "fill-1200x630"
PORTRAIT = "fill-240x240"
LOGO = "max-240x120"
FEED_LIMIT = 500


def _renditions(*specs: str) -> QuerySet:
    return get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)


def public_events() -> QuerySet[EventPage]:
    """Published events a visitor may see (no view restriction)."""
    return EventPage.objects.live().public()


def public_speakers() -> QuerySet[Speaker]:
    """Only published speakers are public; a draft speaker stays in the admin."""
    return (
        Speaker.objects.filter(live=True)
        .select_related("photo")
        .prefetch_related(Prefetch("photo__renditions", queryset=_renditions(PORTRAIT)))
    )


def public_partners() -> QuerySet[Partner]:
    return (
        Partner.objects.filter(live=True)
        .select_related("logo")
        .prefetch_related(Prefetch("logo__renditions", queryset=_renditions(LOGO)))
    )


def _speaker_rows(model, parent: str) -> QuerySet:
    """An event's or session's speaker rows, published speakers only, each with its speaker's name and address."""
    speaker = ("speaker__id", "speaker__name", "speaker__slug", "speaker__live")
    return (
        model.objects.filter(speaker__live=True)
        .select_related("speaker")
        .only("pk", "sort_order", parent, *speaker)
        .order_by("sort_order", "pk")
    )


def for_cards(events: QuerySet[EventPage]) -> QuerySet[EventPage]:
    """Everything an event card shows besides seats left, in a fixed number of queries."""
    return events.select_related("organization", "venue", "credit_category", "image").prefetch_related(
        Prefetch("event_speakers", queryset=_speaker_rows(EventSpeaker, "page")),
        Prefetch("image__renditions", queryset=_renditions(CARD_IMAGE)),
    )


# Any calendar day is a valid filter; days beyond these bounds (0001-01-01, 9999-12-31) leave that side open
# rather than overflow when turned into local midnights.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_terms(query: str) -> str:
    """The query's words, without the punctuation that a full-text engine would read as its own syntax."""
    return " ".join(re.findall(r"\w+", query))


def search_event_ids(query: str) -> QuerySet:
    """Pages matching free text through Wagtail's search backend, two ways at once: every word as a whole word in
    the title, summary, body, speakers or sessions, or every word in the title, summary or a speaker's name with the
    last one as a prefix, as people type ("machine lear" finds "Machine learning").

    The database backends (SQLite FTS5, PostgreSQL full text) return lazy querysets, so the match stays two
    subqueries that combine with any other filter.
    """
    terms = search_terms(query)
    if not terms:
        return EventPage.objects.none().values("pk")
    pages = EventPage.objects.live()
    words = pages.search(terms, operator="and", order_by_relevance=False).get_queryset().values("pk")
    prefixes = pages.autocomplete(terms, operator="and", order_by_relevance=False).get_queryset().values("pk")
    return EventPage.objects.filter(Q(pk__in=words) | Q(pk__in=prefixes)).values("pk")


def at_location(location: str) -> Q:
    """Events at a venue whose name, building, floor or address contains the text (or with a session there);
    "online" also finds every event people can join online."""
    text = location.strip()
    place = Q()
    for field in ("name", "building", "floor", "location"):
        place |= Q(**{f"{field}__icontains": text})
    venues = Venue.objects.filter(place).values("pk")
    matches = Q(venue__in=venues) | Q(pk__in=EventSession.objects.filter(room__in=venues).values("page_id"))
    if text.casefold() == "online":
        matches |= ~Q(online_url="")
    return matches


def events_matching(
    *,
    q: str = "",
    starts_after: date | None = None,
    starts_before: date | None = None,
    kind: str = "",
    organization: Organization | None = None,
    venue: Venue | None = None,
    location: str = "",
    mode: str = "",
    language: str = "",
    credit_category: CreditCategory | None = None,
    seats_left: bool = False,
    when: str = "upcoming",
    now: datetime | None = None,
) -> QuerySet[EventPage]:
    """Public events for the listing and its feed. Filters combine (AND); dates are local calendar days.

    Upcoming means not yet over (so events happening now are included), soonest first; past is most recent first.
    """
    now = now or timezone.now()
    events = with_seats_left(public_events())
    if when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if q:
        events = events.filter(pk__in=search_event_ids(q))
    if starts_after and starts_after > EARLIEST_DAY:
        events = events.filter(starts_at__gte=_day_start(starts_after))
    if starts_before and starts_before < LATEST_DAY:
        events = events.filter(starts_at__lt=_day_start(starts_before + timedelta(days=1)))
    if kind:
        events = events.filter(kind=kind)
    if organization:
        events = events.filter(organization=organization)
    if venue:
        events = events.filter(Q(venue=venue) | Q(pk__in=EventSession.objects.filter(room=venue).values("page_id")))
    if location.strip():
        events = events.filter(at_location(location))
    if language:
        events = events.filter(language=language)
    if credit_category:
        events = events.filter(credit_category=credit_category)
    if mode == AttendanceMode.ONLINE:
        events = events.filter(venue__isnull=True).exclude(online_url="")
    elif mode == AttendanceMode.HYBRID:
        events = events.filter(venue__isnull=False).exclude(online_url="")
    elif mode == AttendanceMode.ON_SITE:
        events = events.filter(online_url="")
    if seats_left:
        events = events.filter(record_cancelled=False).filter(Q(seats_left__isnull=True) | Q(seats_left__gt=0))
    return events


def event_feed(filters: dict) -> list[EventPage]:
    """The listing's results for its iCal feed, bounded so a feed never grows without limit."""
    return list(events_matching(**filters).select_related("venue")[:FEED_LIMIT])


def home_sections(now: datetime | None = None) -> dict:
    """Featured, this week (anything happening between Monday and Sunday), coming up, and partners."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    week_start = _day_start(today - timedelta(days=today.weekday()))
    events = for_cards(with_seats_left(public_events())).order_by("starts_at", "pk")
    upcoming = events.filter(ends_at__gte=now, record_cancelled=False)
    this_week = events.filter(starts_at__lt=week_start + timedelta(days=7), ends_at__gte=week_start)
    return {
        "featured_events": list(upcoming.filter(featured=True)[:3]),
        "this_week": list(this_week[:8]),
        "upcoming_events": list(upcoming[:6]),
        "partners": list(public_partners()),
    }


def event_sessions(page: EventPage) -> list[EventSession]:
    """Sessions in time order with their rooms and published speakers."""
    return list(
        page.sessions.select_related("room")
        .prefetch_related(Prefetch("session_speakers", queryset=_speaker_rows(SessionSpeaker, "session")))
        .order_by("starts_at", "sort_order")
    )


def _attach_related(page: EventPage) -> None:
    """Load the page's venue, organizer, credit category and image (with its hero rendition) in one query.

    Only relations the page still points at are attached, so a preview's unsaved choices stay as they are.
    """
    relations = ("venue", "organization", "credit_category", "image")
    fetched = (
        EventPage.objects.filter(pk=page.pk)
        .select_related(*relations)
        .only("pk", *relations)
        .prefetch_related(Prefetch("image__renditions", queryset=_renditions(HERO_IMAGE)))
        .first()
    )
    for name in relations:
        if fetched is not None and getattr(page, f"{name}_id") == getattr(fetched, f"{name}_id"):
            setattr(page, name, getattr(fetched, name))


def _in_order(published: QuerySet, ids: list[int]) -> list:
    """The published ones among `ids`, in the order the editor put them."""
    found = published.in_bulk(ids) if ids else {}
    return [found[pk] for pk in ids if pk in found]


def event_detail(page: EventPage, *, preview: bool = False) -> dict:
    """What the event page shows besides its own fields, in a fixed number of queries.

    A preview reads its sessions, speakers and partners from the unsaved page in memory.
    """
    _attach_related(page)
    if preview:
        speaker_ids = [row.speaker_id for row in page.event_speakers.all()]
        partner_ids = [row.partner_id for row in page.event_partners.all()]
    else:
        speaker_ids = list(page.event_speakers.order_by("sort_order", "pk").values_list("speaker_id", flat=True))
        partner_ids = list(page.event_partners.order_by("sort_order", "pk").values_list("partner_id", flat=True))
    return {
        "sessions": event_sessions(page),
        "speakers": _in_order(public_speakers(), speaker_ids),
        "partners": _in_order(public_partners(), partner_ids),
        "seats_left": seats_left(page),
        "hero_image": page.image,
    }


def events_featuring(snippet: Speaker | Partner) -> dict[str, list[EventPage]]:
    """A speaker's or partner's public events, upcoming then past. Speakers count through sessions too."""
    if isinstance(snippet, Speaker):
        listed = EventSpeaker.objects.filter(speaker=snippet).values("page_id")
        in_sessions = SessionSpeaker.objects.filter(speaker=snippet).values("session__page_id")
        events = public_events().filter(Q(pk__in=listed) | Q(pk__in=in_sessions))
    else:
        events = public_events().filter(pk__in=EventPartner.objects.filter(partner=snippet).values("page_id"))
    events = list(for_cards(with_seats_left(events)).order_by("starts_at", "pk"))
    now = timezone.now()
    return {
        "upcoming": [event for event in events if event.ends_at >= now],
        "past": [event for event in events if event.ends_at < now][::-1],
    }

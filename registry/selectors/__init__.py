"""Reads from the registry, one module per context, shaped so a page's query count does not grow with its rows.

Selectors never write. Scoping (whose data a person may see) is `scope`.
"""

from .attendance import checkin_progress, eligible_registrations
from .credits import credit_balances, credit_entries_decidable_by
from .organizer import EventStatus, organizer_events
from .organizer_requests import may_decide_organizer_request, organizer_requests_decidable_by
from .registrations import (
    event_record,
    follow_ups_due,
    meeting_link,
    registration_closed_reason,
    registration_counts,
    registration_link_expires_at,
    registration_panel,
    registrations_decidable_by,
    registrations_of,
    registrations_with_open_links,
    reminders_due,
    seats_left,
    waitlist_position,
    with_seats_left,
)
from .scope import (
    MANAGING_ROLES,
    PAGE_EDITING_ROLES,
    managed_organization_ids,
    manages_any_organization,
    manages_event,
    manages_organization,
    page_organization_ids,
    people_visible_to,
    scope_to_organizations,
    sees_everything,
)

__all__ = [
    "MANAGING_ROLES",
    "PAGE_EDITING_ROLES",
    "EventStatus",
    "checkin_progress",
    "credit_balances",
    "credit_entries_decidable_by",
    "eligible_registrations",
    "event_record",
    "follow_ups_due",
    "managed_organization_ids",
    "manages_any_organization",
    "manages_event",
    "manages_organization",
    "meeting_link",
    "page_organization_ids",
    "organizer_events",
    "may_decide_organizer_request",
    "organizer_requests_decidable_by",
    "people_visible_to",
    "registration_closed_reason",
    "registration_counts",
    "registration_link_expires_at",
    "registration_panel",
    "registrations_decidable_by",
    "registrations_of",
    "registrations_with_open_links",
    "reminders_due",
    "scope_to_organizations",
    "seats_left",
    "sees_everything",
    "waitlist_position",
    "with_seats_left",
]

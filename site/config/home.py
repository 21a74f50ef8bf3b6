"""The back office's home (/staff/), shaped by the person's role.

unfold calls `config.backoffice.home` (its DASHBOARD_CALLBACK) with the admin index's context; this adds what
the person's roles need, read through registry's home selectors and the approval inbox, in a fixed number of
queries however many events, registrations or people there are. An organizer sees their organizations' events
today and ahead, each with its figures and the day's actions; a mentor the credit claims waiting for them; a
staff admin the inbox, this month's figures and the latest activity (and every organization's events).
"""

from django.utils import timezone

from registry.selectors import home as selectors


def inbox_count(request) -> int:
    """How many decisions wait for this person, counted once per request (the sidebar's badge asks too)."""
    if not hasattr(request, "_inbox_count"):
        from approvals.inbox import pending_for

        request._inbox_count = len(pending_for(request.user))
    return request._inbox_count


def home_context(request, context: dict) -> dict:
    user, now = request.user, timezone.now()
    roles = selectors.home_roles(user)
    home = {"roles": roles, "now": now, "inbox_count": inbox_count(request)}
    if roles.organizer or roles.staff_admin:
        home["events"] = selectors.events_ahead(user, now=now)
    if roles.mentor:
        home["claims_count"], home["claims"] = selectors.claims_waiting(user)
    if roles.staff_admin:
        home["figures"] = selectors.month_figures(now=now)
        home["changes"] = list(selectors.recent_changes())
        home["messages"] = list(selectors.recent_messages())
    return {**context, "title": "Today", "home": home}

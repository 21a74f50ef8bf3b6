"""Staff read words from their work, never a model's, a table's or an app's name (README, "Who may do what"):
the back office's header and page titles say "Events", not "Registry › Event records".

The words are the sidebar's (config.backoffice); models keep their names, so no migration follows from a wording.
"""

import re

from django import template
from django.apps import apps
from django.db.models import Model

register = template.Library()

# A model's verbose names (plural, then singular) and what staff call them.
STAFF_WORDS = {
    "event records": "events",
    "event record": "event",
    "credit entries": "credits",
    "credit entry": "credit",
    "attendances": "attendance",
    "users": "people",
    "user": "person",
    "mentor profiles": "mentors",
    "mentor profile": "mentor",
    "student profiles": "students",
    "student profile": "student",
    "venues": "halls",
    "venue": "hall",
    "facilities": "hall facilities",
    "organizer requests": "requests to organize",
    "organizer request": "request to organize",
    "booking series": "recurring bookings",
    "access attempts": "sign-in lockouts",
    "access attempt": "sign-in lockout",
    "access logs": "sign-in log",
    "access log": "sign-in",
    "access failures": "failed sign-ins",
    "access failure": "failed sign-in",
    "groups": "roles",
    "group": "role",
    "messages": "messages sent",
    "totp devices": "authenticator apps",
    "totp device": "authenticator app",
    "static devices": "backup codes",
    "static device": "backup codes",
    "outstanding tokens": "app sign-ins",
    "blacklisted tokens": "ended app sign-ins",
}
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(words) for words in STAFF_WORDS) + r")\b", re.IGNORECASE)


def _reword(match: re.Match) -> str:
    found, word = match.group(0), STAFF_WORDS[match.group(0).lower()]
    return word[:1].upper() + word[1:] if found[:1].isupper() else word


@register.filter
def staff_title(text) -> str:
    """A page title in staff's words: "Select event record to change" becomes "Select event to change"."""
    return _PATTERN.sub(_reword, str(text))


@register.filter
def staff_parts(parts) -> list[dict]:
    """unfold's header trail without the app (Registry, Approvals, Axes…) and with staff's words for each list."""
    app_names = {str(config.verbose_name) for config in apps.get_app_configs()}
    shown = []
    for index, part in enumerate(parts):
        title = part.get("title")
        if isinstance(title, Model):
            shown.append(part)  # an object, by its own name
        elif str(title) in app_names and index < len(parts) - 1:
            continue
        else:
            shown.append({**part, "title": staff_title(title)})
    return shown

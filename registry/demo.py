"""Demo and reference data for the registry, loaded from fixtures/ (idempotent)."""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from . import otp, services
from .actors import SYSTEM
from .models import CreditCategory, Organization, Role, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "convene-demo-2026"
DEMO_BACKUP_CODES = [f"demo{n:04d}" for n in range(1, 11)]
SUPERUSER_EMAIL = "admin@convene.local"
EDITOR_EMAIL = "editor@convene.local"


def _rows(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    """Load organizations, halls and one user of every role; returns (email, role) pairs."""
    for row in _rows("organizations.csv"):
        directly = row.pop("publishes_events_directly") == "yes"
        services.organization_upsert(actor=SYSTEM, publishes_events_directly=directly, **row)
    for row in _rows("venues.csv"):
        services.venue_upsert(
            actor=SYSTEM,
            code=row["code"],
            name=row["name"],
            capacity=int(row["capacity"]),
            building=row["building"],
            floor=row["floor"],
            location=row["location"],
            facilities=row["facilities"].split(";"),
        )
    for row in _rows("credit_categories.csv"):
        CreditCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "min_points": int(row["min_points"]),
                "max_points": int(row["max_points"]) if row["max_points"] else None,
            },
        )
    organizations = {org.name: org for org in Organization.objects.all()}
    logins = []
    rows = _rows("users.csv")
    # Mentors first, so students can point at them.
    for row in sorted(rows, key=lambda r: r["role"] != Role.MENTOR):
        user, _ = services.user_upsert(
            actor=SYSTEM,
            email=row["email"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            roles=[row["role"]],
            is_staff=row["is_staff"] == "1",
            password=DEMO_PASSWORD,
            email_verified=True,
        )
        if row["organization"]:
            services.membership_set(
                actor=SYSTEM, user=user, organization=organizations[row["organization"]], role=row["membership_role"]
            )
        if row["employee_id"]:
            services.mentor_profile_set(
                actor=SYSTEM, user=user, employee_id=row["employee_id"], department=organizations.get(row["department"])
            )
        if row["usn"]:
            services.student_profile_set(
                actor=SYSTEM,
                user=user,
                usn=row["usn"],
                department=organizations.get(row["department"]),
                semester=int(row["semester"]) if row["semester"] else None,
                mentor=User.objects.filter(email=row["mentor_email"]).first(),
            )
        logins.append((user.email, row["role"]))

    admin = User.objects.get(email=SUPERUSER_EMAIL)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])

    editor, _ = services.user_upsert(
        actor=SYSTEM,
        email=EDITOR_EMAIL,
        first_name="Eddie",
        last_name="Editor",
        password=DEMO_PASSWORD,
        roles=[Role.ORGANIZER],
        email_verified=True,
    )
    editor.groups.add(*Group.objects.filter(name__in=["Editors", "Moderators"]))
    for staff_member in User.objects.filter(Q(is_staff=True) | Q(pk=editor.pk), email__endswith="@convene.local"):
        otp.backup_codes_regenerate(staff_member, codes=DEMO_BACKUP_CODES)
    logins.append((editor.email, "editor (Wagtail Editors + Moderators)"))
    return logins

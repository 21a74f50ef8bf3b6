"""Writes about people, organizations and venues."""

from allauth.account.models import EmailAddress
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from .. import access, otp
from ..models import Facility, Membership, MentorProfile, Organization, Role, StudentProfile, User, Venue
from .errors import DomainError


@transaction.atomic
def user_upsert(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    roles: list[str] | tuple[str, ...] = (),
    is_staff: bool | None = None,
    password: str | None = None,
    email_verified: bool = False,
) -> tuple[User, bool]:
    """Create or update a person by email; roles are added, never silently removed."""
    email = User.objects.normalize_email(email).strip().lower()
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email)
        user.set_unusable_password()
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    if is_staff is not None:
        user.is_staff = is_staff
    if password:
        user.set_password(password)
    user.save()
    if roles:
        user.groups.add(*Group.objects.filter(name__in=roles))
    if email_verified:
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


@transaction.atomic
def organization_upsert(*, name: str, kind: str, description: str = "", email: str = "") -> Organization:
    if kind not in Organization.Kind.values:
        raise DomainError(f"Unknown organization kind {kind!r}; use one of {', '.join(Organization.Kind.values)}.")
    organization, _ = Organization.objects.update_or_create(
        slug=slugify(name)[:200],
        defaults={"name": name, "kind": kind, "description": description, "email": email},
    )
    return organization


def membership_set(*, user: User, organization: Organization, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": role})
    return membership


@transaction.atomic
def venue_upsert(
    *,
    code: str,
    name: str,
    capacity: int,
    building: str = "",
    floor: str = "",
    location: str = "",
    facilities: list[str] | tuple[str, ...] = (),
) -> Venue:
    if capacity < 1:
        raise DomainError("A hall's capacity must be at least 1.")
    venue, _ = Venue.objects.update_or_create(
        code=code,
        defaults={"name": name, "capacity": capacity, "building": building, "floor": floor, "location": location},
    )
    venue.facilities.set([Facility.objects.get_or_create(name=name.strip())[0] for name in facilities if name.strip()])
    return venue


def student_profile_set(
    *, user: User, usn: str | None, department: Organization | None, semester: int | None, mentor: User | None = None
) -> StudentProfile:
    profile, _ = StudentProfile.objects.update_or_create(
        user=user, defaults={"usn": usn or None, "department": department, "semester": semester, "mentor": mentor}
    )
    return profile


def mentor_profile_set(
    *, user: User, employee_id: str, department: Organization | None, designation: str = ""
) -> MentorProfile:
    profile, _ = MentorProfile.objects.update_or_create(
        user=user, defaults={"employee_id": employee_id, "department": department, "designation": designation}
    )
    return profile


def user_unlock(*, user: User) -> int:
    """Lift an axes lockout for this account from every address; returns attempts cleared."""
    return axes_reset(username=user.email)


def users_set_active(*, users, active: bool) -> int:
    access.forget(users.values_list("pk", flat=True))
    return users.update(is_active=active)


def user_otp_reset(*, user: User) -> None:
    otp.devices_reset(user)

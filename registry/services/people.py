"""Writes about people, organizations, memberships, profiles and venues.

Who may: staff admins (the model permissions their role grants) for everyone; nobody but a superuser
changes a superuser's account, makes someone a superuser or hands out single permissions; people edit
their own profile. The scheduler's system actor loads the demo and reference data.
"""

from allauth.account.models import EmailAddress
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from .. import access, otp
from ..models import Facility, Membership, MentorProfile, Organization, Role, StudentProfile, User, Venue
from ..selectors.scope import manages_organization, people_visible_to
from .errors import DomainError, NotAllowed
from .guards import require_permission

PEOPLE_ADMINS = "Only staff admins can change people's accounts."


def require_may_change_person(actor, user: User | None) -> None:
    """Staff admins change accounts; a superuser's account only by a superuser."""
    require_permission(actor, "registry.change_user", PEOPLE_ADMINS)
    if user is not None and user.is_superuser and not actor.is_superuser:
        raise NotAllowed(f"{user.email} is a superuser; only a superuser can change their account.")


def _require_may_grant(actor, roles) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    if Role.STAFF_ADMIN in roles:
        require_permission(actor, "registry.see_all_organizations", "Only staff admins can make someone a staff admin.")


@transaction.atomic
def user_upsert(
    *,
    actor,
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
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        require_permission(actor, "registry.add_user", PEOPLE_ADMINS)
    require_may_change_person(actor, user)
    _require_may_grant(actor, roles)
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
def user_save(
    *,
    actor,
    user: User,
    groups: QuerySet | list[Group] | None = None,
    user_permissions: QuerySet | list[Permission] | None = None,
) -> User:
    """Save a person edited in the back office (their fields already set on `user`), with their groups.

    Only superusers make superusers or hand out single permissions; a superuser's account is theirs to change.
    """
    before = User.objects.filter(pk=user.pk).values("is_superuser").first() if user.pk else None
    if before is None:
        require_permission(actor, "registry.add_user", PEOPLE_ADMINS)
    if before is not None and before["is_superuser"] and not actor.is_superuser:
        raise NotAllowed(f"{user.email} is a superuser; only a superuser can change their account.")
    require_permission(actor, "registry.change_user", PEOPLE_ADMINS)
    if user.is_superuser and not actor.is_superuser:
        raise NotAllowed("Only a superuser can make someone a superuser.")
    if user_permissions is not None and not actor.is_superuser:
        current = set(user.user_permissions.values_list("pk", flat=True)) if user.pk else set()
        if {permission.pk for permission in user_permissions} != current:
            raise NotAllowed("Only a superuser can give someone single permissions; give them a role instead.")
    if groups is not None:
        current = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        added = [group.name for group in groups if group.name in Role.values and group.name not in current]
        _require_may_grant(actor, added)
    user.save()
    if groups is not None:
        user.groups.set(groups)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    return user


@transaction.atomic
def profile_update(*, actor, user: User, records: list) -> User:
    """A person saves their own profile: their details, preferences and role fields (forms' instances)."""
    if actor is None or actor.pk != user.pk:
        raise NotAllowed("People edit only their own profile.")
    for record in records:
        if getattr(record, "user_id", user.pk) != user.pk:
            raise NotAllowed("People edit only their own profile.")
        record.save()
    return user


@transaction.atomic
def organization_upsert(
    *,
    actor,
    name: str,
    kind: str,
    description: str = "",
    email: str = "",
    publishes_events_directly: bool | None = None,
) -> Organization:
    """Create or update an organization by name; `publishes_events_directly` left as None keeps what it was (new
    organizations have their events reviewed)."""
    require_permission(actor, "registry.change_organization", "Only staff admins change organizations.")
    if kind not in Organization.Kind.values:
        raise DomainError(f"Unknown organization kind {kind!r}; use one of {', '.join(Organization.Kind.values)}.")
    defaults = {"name": name, "kind": kind, "description": description, "email": email}
    if publishes_events_directly is not None:
        defaults["publishes_events_directly"] = publishes_events_directly
    organization, _ = Organization.objects.update_or_create(slug=slugify(name)[:200], defaults=defaults)
    return organization


def _require_may_manage_members(actor, organization: Organization, permission: str) -> None:
    require_permission(actor, permission, "Only staff admins change memberships.")
    if not manages_organization(actor, organization.pk):
        raise NotAllowed(f"You do not manage {organization.name}'s members.")


@transaction.atomic
def membership_set(*, actor, user: User, organization: Organization, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(f"Unknown membership role {role!r}; use one of {', '.join(Membership.Role.values)}.")
    _require_may_manage_members(actor, organization, "registry.change_membership")
    if user.is_superuser:
        require_may_change_person(actor, user)
    membership, _ = Membership.objects.update_or_create(user=user, organization=organization, defaults={"role": role})
    return membership


@transaction.atomic
def membership_save(*, actor, membership: Membership) -> Membership:
    """Save a membership edited in the back office (its fields set), in an organization the actor manages."""
    before = Membership.objects.filter(pk=membership.pk).select_related("organization").first()
    permission = "registry.add_membership" if before is None else "registry.change_membership"
    _require_may_manage_members(actor, membership.organization, permission)
    if before is not None and before.organization_id != membership.organization_id:
        _require_may_manage_members(actor, before.organization, "registry.change_membership")
    if membership.user.is_superuser:
        require_may_change_person(actor, membership.user)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    _require_may_manage_members(actor, membership.organization, "registry.delete_membership")
    membership.delete()


@transaction.atomic
def venue_upsert(
    *,
    actor,
    code: str,
    name: str,
    capacity: int,
    building: str = "",
    floor: str = "",
    location: str = "",
    facilities: list[str] | tuple[str, ...] = (),
) -> Venue:
    require_permission(actor, "registry.change_venue", "Only staff admins change halls.")
    if capacity < 1:
        raise DomainError("A hall's capacity must be at least 1.")
    venue, _ = Venue.objects.update_or_create(
        code=code,
        defaults={"name": name, "capacity": capacity, "building": building, "floor": floor, "location": location},
    )
    venue.facilities.set([Facility.objects.get_or_create(name=name.strip())[0] for name in facilities if name.strip()])
    return venue


def _is_mentor(user: User) -> bool:
    return hasattr(user, "mentor_profile") or user.groups.filter(name=Role.MENTOR).exists()


def student_profile_check(*, user: User, mentor: User | None) -> None:
    if mentor is None:
        return
    if mentor.pk == user.pk:
        raise DomainError("A person cannot be their own mentor.")
    if not _is_mentor(mentor):
        raise DomainError(f"{mentor.email} is not a mentor; give them the mentor role or a mentor profile first.")


@transaction.atomic
def student_profile_set(
    *,
    actor,
    user: User,
    usn: str | None,
    department: Organization | None,
    semester: int | None,
    mentor: User | None = None,
) -> StudentProfile:
    require_permission(actor, "registry.change_studentprofile", "Only staff admins change student profiles.")
    student_profile_check(user=user, mentor=mentor)
    profile, _ = StudentProfile.objects.update_or_create(
        user=user, defaults={"usn": usn or None, "department": department, "semester": semester, "mentor": mentor}
    )
    return profile


@transaction.atomic
def student_profile_save(*, actor, profile: StudentProfile) -> StudentProfile:
    """Save a student profile edited in the back office; the mentor must be a mentor, and not the student."""
    require_permission(actor, "registry.change_studentprofile", "Only staff admins change student profiles.")
    student_profile_check(user=profile.user, mentor=profile.mentor)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def mentor_profile_set(
    *, actor, user: User, employee_id: str, department: Organization | None, designation: str = ""
) -> MentorProfile:
    require_permission(actor, "registry.change_mentorprofile", "Only staff admins change mentor profiles.")
    profile, _ = MentorProfile.objects.update_or_create(
        user=user, defaults={"employee_id": employee_id, "department": department, "designation": designation}
    )
    return profile


def user_unlock(*, actor, user: User) -> int:
    """Lift an axes lockout for this account from every address; returns attempts cleared."""
    require_may_change_person(actor, user)
    return axes_reset(username=user.email)


def users_set_active(*, actor, users: QuerySet, active: bool) -> int:
    """Disable or enable accounts (never one's own, and superusers only by superusers)."""
    require_permission(actor, "registry.change_user", PEOPLE_ADMINS)
    users = users.filter(pk__in=people_visible_to(actor).values("pk")).exclude(pk=actor.pk)
    if not actor.is_superuser:
        users = users.exclude(is_superuser=True)
    access.forget(users.values_list("pk", flat=True))
    return users.update(is_active=active)


def user_otp_reset(*, actor, user: User) -> None:
    require_may_change_person(actor, user)
    otp.devices_reset(user)

"""Bulk imports of people and mentor assignments.

An import is checked row by row against lookups loaded once per file (so a
10,000-row file costs a handful of queries, not tens of thousands), then
written in bulk. Rows are never half-written: the admin commits only a file
without errors, inside one transaction.
"""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import access, actors
from ..models import Membership, MentorProfile, Organization, Role, StudentProfile, User
from ..selectors.scope import manages_organization
from ..signals import memberships_changed
from .guards import require_permission
from .invitations import users_invite

PEOPLE_REQUIRED_COLUMNS = ("email", "first_name", "last_name", "role")
PEOPLE_COLUMNS = (
    *PEOPLE_REQUIRED_COLUMNS,
    "organization",
    "membership_role",
    "usn",
    "department",
    "semester",
    "employee_id",
    "mentor_email",
    "is_staff",
)
MENTEE_COLUMNS = ("mentor_email", "student_email", "usn")
# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"0", "false", "no", "n"}
BATCH = 500


def cell_text(value: Any) -> str:
    """A cell as trimmed text; spreadsheets hand over numbers (5, 5.0) and empty cells (None)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES)


def check_columns(headers: Iterable[str], *, required: Iterable[str], known: Iterable[str]) -> str | None:
    """What is wrong with a file's header row, as one message, or None when it is usable."""
    headers = [header for header in headers if header]
    missing = [name for name in required if name not in headers]
    unknown = [name for name in headers if name not in known]
    problems = []
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if problems:
        return f"The file's header row has {'; '.join(problems)}. Expected columns: {', '.join(known)}."
    return None


@dataclass
class Person:
    """One person as a row of the import file: the state in the database, then the row's changes."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    organization: str = ""
    membership_role: str = ""
    usn: str = ""
    department: str = ""
    semester: int | None = None
    employee_id: str = ""
    mentor_email: str = ""
    is_staff: bool = False
    user: User | None = field(default=None, repr=False, compare=False)

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user else None

    def __str__(self) -> str:
        return self.email

    def __deepcopy__(self, memo) -> "Person":
        """import-export copies each row's original for the preview; the row's values are enough (and cheap)."""
        return replace(self)


class _Lookups:
    """Everything a file's rows refer to, fetched in a few queries."""

    def __init__(self, emails: set[str]):
        self.organizations = {org.name.casefold(): org for org in Organization.objects.all()}
        self.organizations.update({org.slug: org for org in self.organizations.values()})
        self.users: dict[str, User] = {
            user.email.lower(): user
            for user in User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .select_related("student_profile__department", "student_profile__mentor", "mentor_profile__department")
            .prefetch_related("groups")
        }
        self.memberships = {
            (membership.user_id, membership.organization_id): membership
            for membership in Membership.objects.filter(user__in=[user.pk for user in self.users.values()])
        }

    def user(self, email: str) -> User | None:
        return self.users.get(email)

    def organization(self, name: str) -> Organization | None:
        return self.organizations.get(name.casefold()) if name else None

    @staticmethod
    def is_mentor(user: User) -> bool:
        return hasattr(user, "mentor_profile") or any(group.name == Role.MENTOR for group in user.groups.all())


class PeopleImport:
    """Check rows of people (the columns of fixtures/users.csv), then write the accepted ones in bulk.

    Blank cells keep what the database has; roles are added, never removed. The actor's rights are checked
    per row (a superuser's account, the staff admin role, an organization's members) and again on writing.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]], *, actor):
        self.actor = actor
        rows = list(rows)
        emails = {cell_text(row.get(name)).lower() for row in rows for name in ("email", "mentor_email")}
        self.lookups = _Lookups(emails - {""})
        usns = {cell_text(row.get("usn")).upper() for row in rows} - {""}
        employee_ids = {cell_text(row.get("employee_id")) for row in rows} - {""}
        self.usn_owners = dict(
            StudentProfile.objects.annotate(key=Upper("usn"))
            .filter(key__in=usns)
            .values_list("key", Lower("user__email"))
        )
        self.employee_id_owners = dict(
            MentorProfile.objects.filter(employee_id__in=employee_ids).values_list("employee_id", Lower("user__email"))
        )
        self.mentors_in_file = {
            cell_text(row.get("email")).lower() for row in rows if cell_text(row.get("role")) == Role.MENTOR
        }
        self.seen_emails: dict[str, int] = {}
        self.seen_usns: dict[str, int] = {}
        self.seen_employee_ids: dict[str, int] = {}
        self.accepted: list[Person] = []

    def current(self, row: Mapping[str, Any]) -> Person | None:
        """The person this row is about as the database has them now, or None for someone new."""
        user = self.lookups.user(cell_text(row.get("email")).lower())
        if user is None:
            return None
        person = Person(
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            role=", ".join(sorted(group.name for group in user.groups.all() if group.name in Role.values)),
            is_staff=user.is_staff,
            user=user,
        )
        organization = self.lookups.organization(cell_text(row.get("organization")))
        if organization:
            membership = self.lookups.memberships.get((user.pk, organization.pk))
            if membership:
                person.organization, person.membership_role = organization.name, membership.role
        student = getattr(user, "student_profile", None)
        if student:
            person.usn = student.usn or ""
            person.semester = student.semester
            person.department = student.department.name if student.department else ""
            person.mentor_email = student.mentor.email if student.mentor else ""
        mentor = getattr(user, "mentor_profile", None)
        if mentor:
            person.employee_id = mentor.employee_id
            person.department = person.department or (mentor.department.name if mentor.department else "")
        return person

    def check(self, number: int, row: Mapping[str, Any], person: Person) -> dict[str, str]:
        """Apply one row to `person`; returns errors by column (empty when the row is fine)."""
        errors = {
            name: "This cell looks like a formula; remove the leading =, +, - or @."
            for name, value in row.items()
            if looks_like_formula(value)
        }
        values = {name: cell_text(row.get(name)) for name in PEOPLE_COLUMNS}
        email = values["email"].lower()
        if person.user is not None and person.user.is_superuser and not self.actor.is_superuser:
            errors["email"] = "This person is a superuser; only a superuser can change their account."
        if "email" not in errors:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = f"“{values['email']}” is not a valid email address."
            else:
                if email in self.seen_emails:
                    errors["email"] = f"This person is already on row {self.seen_emails[email]} of the file."
                else:
                    self.seen_emails[email] = number
        person.email = person.email or email
        for name in ("first_name", "last_name"):
            if len(values[name]) > 150:
                errors[name] = "At most 150 characters."
            elif values[name]:
                setattr(person, name, values[name])
        self._check_role(values, person, errors)
        self._check_membership(values, person, errors)
        self._check_department(values, person, errors)
        self._check_student(number, email, values, person, errors)
        self._check_mentor(number, email, values, person, errors)
        if values["is_staff"]:
            word = values["is_staff"].lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                errors.setdefault("is_staff", "Use 1 or 0 (yes or no).")
            else:
                person.is_staff = word in TRUE_WORDS
        return errors

    def _check_role(self, values, person: Person, errors) -> None:
        role = values["role"]
        if role not in Role.values:
            errors.setdefault("role", f"Unknown role “{role}”; use one of {', '.join(Role.values)}.")
            return
        if role == Role.STAFF_ADMIN and not self.actor.has_perm("registry.see_all_organizations"):
            errors.setdefault("role", "Only staff admins can make someone a staff admin.")
            return
        roles = {name for name in person.role.split(", ") if name}
        person.role = ", ".join(sorted(roles | {role}))

    def _check_membership(self, values, person: Person, errors) -> None:
        name, role = values["organization"], values["membership_role"]
        if role and role not in Membership.Role.values:
            errors.setdefault(
                "membership_role", f"Unknown membership role “{role}”; use one of {', '.join(Membership.Role.values)}."
            )
        if not name:
            if role:
                errors.setdefault("organization", "A membership role needs an organization.")
            return
        organization = self.lookups.organization(name)
        if organization is None:
            errors.setdefault("organization", f"Unknown organization “{name}”.")
            return
        if not manages_organization(self.actor, organization.pk):
            errors.setdefault("organization", f"You do not manage {organization.name}'s members.")
            return
        person.organization = organization.name
        person.membership_role = role or person.membership_role or Membership.Role.MEMBER

    def _check_department(self, values, person: Person, errors) -> None:
        name = values["department"]
        if not name:
            return
        department = self.lookups.organization(name)
        if department is None or department.kind != Organization.Kind.DEPARTMENT:
            errors.setdefault("department", f"Unknown department “{name}”.")
        else:
            person.department = department.name

    def _check_student(self, number: int, email: str, values, person: Person, errors) -> None:
        usn = values["usn"].upper()
        if usn and "usn" not in errors:
            owner = self.usn_owners.get(usn)
            if owner and owner != email:
                errors["usn"] = f"USN {usn} belongs to {owner}."
            elif usn in self.seen_usns:
                errors["usn"] = f"USN {usn} is already used on row {self.seen_usns[usn]} of the file."
            elif len(usn) > 32:
                errors["usn"] = "At most 32 characters."
            else:
                self.seen_usns[usn] = number
                person.usn = usn
        if values["semester"] and "semester" not in errors:
            try:
                semester = int(values["semester"])
            except ValueError:
                semester = 0
            if not 1 <= semester <= 12:
                errors["semester"] = f"Semester must be a whole number from 1 to 12, not “{values['semester']}”."
            else:
                person.semester = semester
        mentor_email = values["mentor_email"].lower()
        if mentor_email and "mentor_email" not in errors:
            mentor = self.lookups.user(mentor_email)
            if mentor_email == email:
                errors["mentor_email"] = "A person cannot be their own mentor."
            elif mentor_email in self.mentors_in_file or (mentor and self.lookups.is_mentor(mentor)):
                person.mentor_email = mentor_email
            else:
                errors["mentor_email"] = f"Unknown mentor “{mentor_email}”: no mentor has this email address."

    def _check_mentor(self, number: int, email: str, values, person: Person, errors) -> None:
        employee_id = values["employee_id"]
        if not employee_id or "employee_id" in errors:
            return
        owner = self.employee_id_owners.get(employee_id)
        if owner and owner != email:
            errors["employee_id"] = f"Employee id {employee_id} belongs to {owner}."
        elif employee_id in self.seen_employee_ids:
            errors["employee_id"] = (
                f"Employee id {employee_id} is already used on row {self.seen_employee_ids[employee_id]} of the file."
            )
        elif len(employee_id) > 32:
            errors["employee_id"] = "At most 32 characters."
        else:
            self.seen_employee_ids[employee_id] = number
            person.employee_id = employee_id

    def accept(self, person: Person) -> None:
        self.accepted.append(person)

    @transaction.atomic
    def apply(self) -> dict[str, User]:
        """Write every accepted row in bulk (with history); new people are invited after commit."""
        require_permission(self.actor, "registry.add_user", "Only staff admins import people.")
        require_permission(self.actor, "registry.change_user", "Only staff admins import people.")
        return people_write(self.accepted, lookups=self.lookups, actor=self.actor)


def people_write(people: list[Person], *, lookups: _Lookups, actor) -> dict[str, User]:
    history = {"default_user": actors.person(actor), "default_change_reason": "import", "batch_size": BATCH}
    created, changed = [], []
    for person in people:
        user = person.user
        if user is None:
            # Unusable, as make_password(None) makes it, without 40 random.choice() calls per person.
            user = User(email=person.email, password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30))
            created.append(user)
        elif (user.first_name, user.last_name, user.is_staff) != (person.first_name, person.last_name, person.is_staff):
            changed.append(user)
        user.first_name, user.last_name, user.is_staff = person.first_name, person.last_name, person.is_staff
        person.user = user
    bulk_create_with_history(created, User, **history)
    bulk_update_with_history(changed, User, ["first_name", "last_name", "is_staff"], **history)
    users = {person.email: person.user for person in people}

    groups = dict(Group.objects.filter(name__in=Role.values).values_list("name", "pk"))
    Through = User.groups.through
    Through.objects.bulk_create(
        [
            Through(user_id=person.user.pk, group_id=groups[role])
            for person in people
            for role in person.role.split(", ")
            if role in groups
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    _memberships_write(people, lookups, history)
    new_ids = {user.pk for user in created}
    _mentor_profiles_write(people, lookups, new_ids, history)
    _student_profiles_write(people, lookups, users, new_ids, history)
    users_invite(actor=actor, user_ids=[user.pk for user in created], kind="invitation")
    access.forget(user.pk for user in users.values() if user.pk not in new_ids)  # roles, groups, memberships
    return users


def _memberships_write(people: list[Person], lookups: _Lookups, history: dict) -> None:
    wanted = {
        (person.user.pk, lookups.organization(person.organization).pk): person.membership_role
        for person in people
        if person.organization
    }
    existing = {key: membership for key, membership in lookups.memberships.items() if key in wanted}
    created = [
        Membership(user_id=u, organization_id=o, role=r) for (u, o), r in wanted.items() if (u, o) not in existing
    ]
    changed = []
    for key, membership in existing.items():
        if membership.role != wanted[key]:
            membership.role = wanted[key]
            changed.append(membership)
    bulk_create_with_history(created, Membership, **history)
    bulk_update_with_history(changed, Membership, ["role"], **history)
    touched = {membership.organization_id for membership in [*created, *changed]}
    if touched:
        memberships_changed.send(sender=Membership, organization_ids=touched)


def _mentor_profiles_write(people: list[Person], lookups: _Lookups, new_ids: set[int], history: dict) -> None:
    created, changed = [], []
    for person in people:
        if not person.employee_id:
            continue
        department = lookups.organization(person.department)
        # New people have no profile yet; existing ones had theirs loaded with the lookups.
        profile = None if person.user.pk in new_ids else getattr(person.user, "mentor_profile", None)
        if profile is None:
            created.append(MentorProfile(user=person.user, employee_id=person.employee_id, department=department))
        elif (profile.employee_id, profile.department_id) != (person.employee_id, department and department.pk):
            profile.employee_id, profile.department = person.employee_id, department
            changed.append(profile)
    bulk_create_with_history(created, MentorProfile, **history)
    bulk_update_with_history(changed, MentorProfile, ["employee_id", "department"], **history)


def _student_profiles_write(
    people: list[Person], lookups: _Lookups, users: dict[str, User], new_ids: set[int], history: dict
) -> None:
    created, changed = [], []
    for person in people:
        if not (person.usn or person.semester or person.mentor_email):
            continue
        department = lookups.organization(person.department)
        mentor = users.get(person.mentor_email) or lookups.user(person.mentor_email)
        values = {"usn": person.usn or None, "semester": person.semester, "department": department, "mentor": mentor}
        profile = None if person.user.pk in new_ids else getattr(person.user, "student_profile", None)
        if profile is None:
            created.append(StudentProfile(user=person.user, **values))
            continue
        before = (profile.usn, profile.semester, profile.department_id, profile.mentor_id)
        for name, value in values.items():
            setattr(profile, name, value)
        if before != (profile.usn, profile.semester, profile.department_id, profile.mentor_id):
            changed.append(profile)
    bulk_create_with_history(created, StudentProfile, **history)
    bulk_update_with_history(changed, StudentProfile, ["usn", "semester", "department", "mentor"], **history)


@dataclass
class Mentee:
    """One mentor assignment: the student (by email) and their mentor."""

    student: str = ""
    mentor_email: str = ""
    user: User | None = field(default=None, repr=False, compare=False)

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.user else None

    def __str__(self) -> str:
        return self.student

    def __deepcopy__(self, memo) -> "Mentee":
        return replace(self)


class MenteeImport:
    """Check rows of mentor_email plus student_email or usn, then set each student's mentor in bulk."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], *, actor):
        self.actor = actor
        rows = list(rows)
        emails = {cell_text(row.get(name)).lower() for row in rows for name in ("student_email", "mentor_email")}
        self.lookups = _Lookups(emails - {""})
        usns = {cell_text(row.get("usn")).upper() for row in rows} - {""}
        self.students_by_usn = {
            profile.key: profile.user
            for profile in StudentProfile.objects.annotate(key=Upper("usn"))
            .filter(key__in=usns)
            .select_related("user", "mentor")
        }
        self.seen: dict[str, int] = {}
        self.accepted: list[Mentee] = []

    def _student(self, row: Mapping[str, Any]) -> User | None:
        email, usn = cell_text(row.get("student_email")).lower(), cell_text(row.get("usn")).upper()
        return self.lookups.user(email) if email else self.students_by_usn.get(usn)

    def current(self, row: Mapping[str, Any]) -> Mentee | None:
        student = self._student(row)
        if student is None:
            return None
        profile = getattr(student, "student_profile", None)
        mentor = profile.mentor if profile else None
        return Mentee(student=student.email, mentor_email=mentor.email if mentor else "", user=student)

    def check(self, number: int, row: Mapping[str, Any], mentee: Mentee) -> dict[str, str]:
        errors = {
            name: "This cell looks like a formula; remove the leading =, +, - or @."
            for name, value in row.items()
            if looks_like_formula(value)
        }
        email, usn = cell_text(row.get("student_email")).lower(), cell_text(row.get("usn")).upper()
        mentor_email = cell_text(row.get("mentor_email")).lower()
        student = self._student(row)
        if not (email or usn):
            errors.setdefault("student", "Give the student's email or USN.")
        elif student is None:
            errors.setdefault("student", f"Unknown student “{email or usn}”.")
        elif email and usn and self.students_by_usn.get(usn) != student:
            errors.setdefault("student", f"USN {usn} does not belong to {email}.")
        elif student.email.lower() in self.seen:
            errors.setdefault("student", f"This student is already on row {self.seen[student.email.lower()]}.")
        else:
            self.seen[student.email.lower()] = number
        mentor = self.lookups.user(mentor_email)
        if mentor is None or not self.lookups.is_mentor(mentor):
            errors.setdefault("mentor_email", f"Unknown mentor “{mentor_email}”: no mentor has this email address.")
        elif student is not None and mentor.pk == student.pk:
            errors.setdefault("mentor_email", "A person cannot be their own mentor.")
        else:
            mentee.mentor_email = mentor.email
        return errors

    def accept(self, mentee: Mentee) -> None:
        self.accepted.append(mentee)

    @transaction.atomic
    def apply(self) -> dict[str, User]:
        require_permission(self.actor, "registry.change_studentprofile", "Only staff admins import mentor assignments.")
        history = {"default_user": actors.person(self.actor), "default_change_reason": "import", "batch_size": BATCH}
        created, changed = [], []
        for mentee in self.accepted:
            mentor = self.lookups.user(mentee.mentor_email.lower())
            profile = getattr(mentee.user, "student_profile", None)
            if profile is None:
                created.append(StudentProfile(user=mentee.user, mentor=mentor))
            else:
                profile.mentor = mentor
                changed.append(profile)
        bulk_create_with_history(created, StudentProfile, **history)
        bulk_update_with_history(changed, StudentProfile, ["mentor"], **history)
        return {mentee.student: mentee.user for mentee in self.accepted}


IMPORT_UPLOADS_FOLDER = "django-import-export"  # where import-export's MediaStorage keeps files between steps


def import_uploads_remove_stale(*, actor, max_age: timedelta | None = None, now=None) -> int:
    """Delete uploaded import files older than `max_age` (a preview nobody confirmed keeps people's details).

    Confirmed and refused imports remove their own file at once; this sweeps what was left behind.
    """
    require_permission(actor, "registry.see_all_organizations", "Only the scheduler and staff admins run this sweep.")
    storage = storages["import_export"] if "import_export" in settings.STORAGES else storages["default"]
    max_age = max_age or timedelta(minutes=settings.IMPORT_UPLOAD_MAX_AGE_MINUTES)
    cutoff = (now or timezone.now()) - max_age
    try:
        _, files = storage.listdir(IMPORT_UPLOADS_FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"{IMPORT_UPLOADS_FOLDER}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed += 1
    return removed

"""People and the organizations they belong to: accounts, memberships, student and mentor profiles."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from ..history import HistoricalRecords


class Role(models.TextChoices):
    """Roles are Django groups of these names; `registry.roles` gives them permissions."""

    ATTENDEE = "attendee", "Student / attendee"
    MENTOR = "mentor", "Mentor"
    ORGANIZER = "organizer", "Organizer"
    STAFF_ADMIN = "staff_admin", "Staff admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address; there is no username."""

    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can reach the back office at /staff/ (after verifying a second factor)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def roles(self) -> set[str]:
        return {name for name in self.groups.values_list("name", flat=True) if name in Role.values}


class Organization(models.Model):
    class Kind(models.TextChoices):
        CLUB = "club", "Club"
        DEPARTMENT = "department", "Department"
        CENTER = "center", "Center"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CLUB)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    publishes_events_directly = models.BooleanField(
        "organizers publish events without review",
        default=False,
        help_text="Otherwise the site's moderators approve each event before it goes live.",
    )
    members = models.ManyToManyField(User, through="Membership", related_name="organizations")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        permissions = [
            ("see_all_organizations", "Can see and act on every organization's data"),
            ("place_events_anywhere", "Can put an event under any organization (site-wide editors)"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        ORGANIZER = "organizer", "Organizer"
        HEAD = "head", "Head"
        EDITOR = "editor", "Page editor"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


class OrganizerRequest(models.Model):
    """A person asks to organize for an organization; its head or a staff admin decides. Signing up grants no role."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organizer_requests")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="organizer_requests")
    message = models.TextField("why you would like to organize", blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Told to the person when not approved.")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "request to organize"
        verbose_name_plural = "requests to organize"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(status="pending"),
                name="one_pending_organizer_request_per_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to organize for {self.organization}"


class StudentProfile(models.Model):
    """A student or attendee: the seeds' USN/roll number, department and semester, plus a mentor."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student_profile")
    usn = models.CharField("USN / roll number", max_length=32, unique=True, null=True, blank=True)
    department = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
        limit_choices_to={"kind": Organization.Kind.DEPARTMENT},
    )
    semester = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    mentor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentees")
    history = HistoricalRecords()

    class Meta:
        ordering = ["usn"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(semester__isnull=True) | models.Q(semester__gte=1, semester__lte=12),
                name="student_semester_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.usn or 'no USN'})"


class MentorProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_profile")
    employee_id = models.CharField(max_length=32, unique=True)
    department = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
        limit_choices_to={"kind": Organization.Kind.DEPARTMENT},
    )
    designation = models.CharField(max_length=100, blank=True)
    qualifications = models.CharField(max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.employee_id})"

"""The system of record: people, organizations, venues."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .history import HistoricalRecords


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
    wants_reminders = models.BooleanField("email me reminders before events", default=True)
    wants_follow_ups = models.BooleanField("email me follow-ups after events", default=True)
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


class Facility(models.Model):
    name = models.CharField(max_length=80, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return self.name


class Venue(models.Model):
    """A hall or room that events use and organizers book."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True, help_text="Short code used in timetables and imports.")
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    building = models.CharField(max_length=120, blank=True)
    floor = models.CharField(max_length=20, blank=True)
    location = models.CharField(max_length=255, blank=True, help_text="Address or directions shown to visitors.")
    description = models.TextField(blank=True)
    facilities = models.ManyToManyField(Facility, blank=True, related_name="venues")
    managed_by = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="venues"
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[facilities])

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(capacity__gte=1), name="venue_capacity_positive")]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class CreditCategory(models.Model):
    """An AICTE activity-point or CPD-credit category with per-person limits."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    min_points = models.PositiveIntegerField(default=0, help_text="Points each person must earn in this category.")
    max_points = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most points one person may be credited in this category (blank: no limit)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "credit categories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_points__isnull=True) | models.Q(max_points__gte=models.F("min_points")),
                name="credit_category_max_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceMode(models.TextChoices):
    ON_SITE = "on_site", "On site"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


class RegistrableEvent(models.Model):
    """What makes a Wagtail page an event people register for.

    Registry's tables point at `wagtailcore.Page`; the page supplies the
    settings below. Operational state (seats taken, registrations) never lives
    on the page: publishing a revision would overwrite it.
    """

    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for online events.",
    )
    online_url = models.URLField("online link", blank=True, help_text="Shown to confirmed registrants only.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats available. Leave empty for no limit; 0 closes registration."
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open on publication.")
    registration_closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open until the start.")
    waitlist_enabled = models.BooleanField("offer a waitlist when full", default=True)
    requires_approval = models.BooleanField("organizers approve each registration", default=False)
    credit_category = models.ForeignKey(
        CreditCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_points = models.PositiveSmallIntegerField(default=0)
    attendance_threshold = models.PositiveSmallIntegerField(
        "attendance needed for a certificate (%)",
        default=75,
        validators=[MaxValueValidator(100)],
        help_text="Share of sessions a person must attend to earn the certificate and credits.",
    )
    issue_certificates_automatically = models.BooleanField(default=False)
    is_cancelled = models.BooleanField("cancelled", default=False)

    class Meta:
        abstract = True

    @property
    def attendance_mode(self) -> str:
        if self.venue_id and self.online_url:
            return AttendanceMode.HYBRID
        return AttendanceMode.ONLINE if self.online_url else AttendanceMode.ON_SITE

    def registration_errors(self) -> dict[str, str]:
        """Field errors for the settings above; the page's `clean()` raises them."""
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The event must end after it starts."
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = "Registration must close after it opens."
        if self.registration_closes_at and self.ends_at and self.registration_closes_at > self.ends_at:
            errors["registration_closes_at"] = "Registration must close before the event ends."
        if self.credit_points and not self.credit_category_id:
            errors["credit_category"] = "Choose the category these credit points count towards."
        if self.venue_id and self.capacity and self.venue.capacity < self.capacity:
            errors["capacity"] = f"{self.venue.name} holds {self.venue.capacity} people; lower the capacity."
        return errors


class EventRecord(models.Model):
    """Registry's copy of one registrable page: its schedule, settings and seats.

    Synced from the page on publish, so registrations, reminders and sweeps
    need no join into page tables. `seats_taken` is the row every registration
    updates atomically; it lives here, never on the page.
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="event_record")
    title = models.CharField(max_length=255)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    seats_taken = models.PositiveIntegerField(default=0)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    attendance_mode = models.CharField(max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.ON_SITE)
    waitlist_enabled = models.BooleanField(default=True)
    requires_approval = models.BooleanField(default=False)
    is_cancelled = models.BooleanField(default=False)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    session_ids = models.JSONField(default=list, blank=True, help_text="The page's session ids, for attendance rules.")
    attendance_threshold = models.PositiveSmallIntegerField(default=75)
    credit_category = models.ForeignKey(
        CreditCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_points = models.PositiveSmallIntegerField(default=0)
    issue_certificates_automatically = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(seats_taken__lte=models.F("capacity")),
                name="event_record_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)


class RegistrationStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting email confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    PENDING = "pending", "Pending approval"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


# Statuses that hold one of the event's seats, and those that block a second registration.
SEAT_HOLDING = [RegistrationStatus.AWAITING_CONFIRMATION, RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]
ACTIVE = [*SEAT_HOLDING, RegistrationStatus.WAITLISTED]


class Registration(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    attendance_mode = models.CharField(max_length=10, choices=AttendanceMode.choices, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=24, choices=RegistrationStatus.choices, db_index=True)
    code = models.CharField(max_length=16, unique=True, help_text="Reference and check-in code.")
    hold_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="An unconfirmed seat is released at this time."
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["page", "status", "created_at"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "email"],
                condition=models.Q(status__in=ACTIVE),
                name="one_active_registration_per_person",
                violation_error_message="This person is already registered for this event.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}> — {self.get_status_display()}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class SentEmail(models.Model):
    """One row per message sent for a registration: reruns and retries send nothing twice."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="sent_emails")
    kind = models.CharField(max_length=40)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "kind"], name="email_sent_once")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.registration_id}"


class Notification(models.Model):
    """An in-app message shown in the person's account (and by the API)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One check-in: for the event as a whole (session 0) or for one of its sessions.

    The unique constraint is what makes a second scan of the same code, even
    at the same instant on another device, an "already checked in" answer.
    """

    WHOLE_EVENT = 0

    class Method(models.TextChoices):
        SCAN = "scan", "QR scan"
        MANUAL = "manual", "Typed code"
        UPLOAD = "upload", "Bulk upload"
        API = "api", "API"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.PositiveIntegerField(
        default=WHOLE_EVENT, help_text="The event page's session id, or 0 for the event as a whole."
    )
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.SCAN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session or 'event'}"


class CertificateTemplate(models.Model):
    """HTML/CSS rendered by WeasyPrint; placeholders are Django template variables."""

    name = models.CharField(max_length=120, unique=True)
    html = models.TextField(
        help_text="Django template. Variables: name, event, starts, ends, credits, category, signatory, "
        "signatory_title, issuer, verify_url, qr (an <img> data URI), code, issued_on."
    )
    css = models.TextField(blank=True)
    background = models.ImageField(upload_to="certificates/backgrounds/", blank=True)
    is_default = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_template"
            )
        ]

    def __str__(self) -> str:
        return self.name


def certificate_storage():
    """Issued PDFs live in their own storage, which nothing serves by URL (see settings.STORAGES)."""
    return storages["certificates"]


class Certificate(models.Model):
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=24, unique=True)
    holder_name = models.CharField(max_length=200)
    event_title = models.CharField(max_length=255)
    event_starts_at = models.DateTimeField()
    event_ends_at = models.DateTimeField()
    credit_points = models.PositiveSmallIntegerField(default=0)
    credit_category = models.ForeignKey(CreditCategory, on_delete=models.PROTECT, null=True, blank=True)
    issuer = models.CharField(max_length=200)
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, null=True, related_name="+")
    # The batch that issued it: a batch's progress counts its rows, so a rerun after a crash never miscounts.
    batch = models.ForeignKey(
        "CertificateBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    pdf = models.FileField(upload_to="certificates/%Y/%m/", storage=certificate_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.event_title} ({self.code})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateBatch(models.Model):
    """One "issue certificates for this event" job, so staff can watch its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="certificate_batches")
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A lease, not a flag: the worker running the batch renews it as chunks complete, so a batch whose worker
    # died shows up once it lapses and another worker may claim it. Empty owner: waiting for a worker.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "certificate batches"

    def __str__(self) -> str:
        return f"Batch {self.pk}: {self.done}/{self.total} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


class CreditEntry(models.Model):
    """The credit ledger: points a person earned, waiting for or after their mentor's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credit_entries")
    category = models.ForeignKey(CreditCategory, on_delete=models.PROTECT, related_name="entries")
    points = models.PositiveSmallIntegerField()
    registration = models.OneToOneField(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_entry"
    )
    description = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "credit entries"
        indexes = [models.Index(fields=["user", "category", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(points__gt=0), name="credit_points_positive")]

    def __str__(self) -> str:
        return f"{self.user}: {self.points} {self.category} ({self.get_status_display()})"

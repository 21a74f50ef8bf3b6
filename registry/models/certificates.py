"""Certificates: templates, issued certificates (in private storage) and the batches that issue them."""

from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from ..history import HistoricalRecords
from .credits import CreditCategory
from .people import User
from .registrations import Registration


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

"""Halls and rooms that events use and organizers book."""

from django.core.validators import MinValueValidator
from django.db import models

from ..history import HistoricalRecords
from .people import Organization


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

"""No two approved bookings of one hall overlap: an exclusion constraint, on PostgreSQL only.

SQLite cannot express it (the service's own check, inside IMMEDIATE
transactions, guards there). `PostgresOnly` keeps it out of the migration state,
so `makemigrations --check` is clean on both backends.
"""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

from approvals.operations import PostgresOnly


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0001_initial'),
    ]

    operations = [
        BtreeGistExtension(),
        PostgresOnly(
            migrations.AddConstraint(
                model_name='hallbooking',
                constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                    name='hall_booking_no_overlap',
                    expressions=[
                        ('venue', '='),
                        (
                            models.Func(
                                models.F('starts_at'),
                                models.F('ends_at'),
                                django.contrib.postgres.fields.ranges.RangeBoundary(),
                                function='TSTZRANGE',
                                output_field=django.contrib.postgres.fields.ranges.DateTimeRangeField(),
                            ),
                            '&&',
                        ),
                    ],
                    condition=models.Q(status='approved'),
                    violation_error_message='This hall is already booked at that time.',
                ),
            )
        ),
    ]

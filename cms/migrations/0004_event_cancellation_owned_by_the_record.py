from django.db import migrations
from django.utils import timezone


def keep_cancellations_on_the_records(apps, schema_editor):
    """Published pages that were cancelled stay cancelled: their records say so from now on."""
    EventPage = apps.get_model("cms", "EventPage")
    EventRecord = apps.get_model("registry", "EventRecord")
    cancelled = EventPage.objects.filter(is_cancelled=True, live=True).values("pk")
    EventRecord.objects.filter(page_id__in=cancelled, cancelled_at__isnull=True).update(
        is_cancelled=True, cancelled_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_event_records_carry_window_place_and_link"),
        ("registry", "0013_event_cancellation_owned_by_the_record"),
    ]

    operations = [
        migrations.RunPython(keep_cancellations_on_the_records, migrations.RunPython.noop),
        migrations.RemoveField(model_name="eventpage", name="is_cancelled"),
    ]

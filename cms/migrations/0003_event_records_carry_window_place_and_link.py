"""Registry's records of published events now carry the registration window, the hall, the online link and how
people attend (registry reads only its records): copy them from the live pages."""

from django.db import migrations


def copy_to_records(apps, schema_editor):
    EventPage = apps.get_model("cms", "EventPage")
    EventRecord = apps.get_model("registry", "EventRecord")
    for page in EventPage.objects.filter(live=True).iterator():
        if page.venue_id and page.online_url:
            mode = "hybrid"
        else:
            mode = "online" if page.online_url else "on_site"
        EventRecord.objects.filter(page_id=page.pk).update(
            registration_opens_at=page.registration_opens_at,
            registration_closes_at=page.registration_closes_at,
            attendance_mode=mode,
            venue_id=page.venue_id,
            online_url=page.online_url,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_public_site"),
        ("registry", "0012_event_record_place"),
    ]

    operations = [migrations.RunPython(copy_to_records, migrations.RunPython.noop)]
